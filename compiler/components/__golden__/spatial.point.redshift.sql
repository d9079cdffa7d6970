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
      CASE WHEN lat BETWEEN -90 AND 90 THEN ST_SetSRID(ST_Point(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE lon - 360 * FLOOR((lon + 180) / 360) END, lat), 4326) END AS "position"
    FROM main.shops
  )
SELECT *
FROM example;
