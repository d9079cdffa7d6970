-- spatial.point → out
WITH
  example AS (
    SELECT
      store_id,
      city,
      lon,
      lat,
      location,
      catchment,
      CASE WHEN lat BETWEEN -90 AND 90 THEN CAST(ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geography) END AS "position"
    FROM main.shops
  )
SELECT *
FROM example;
