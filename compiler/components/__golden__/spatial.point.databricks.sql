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
      CASE WHEN lat BETWEEN -90 AND 90 THEN st_point(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE pmod(lon + 180, 360) - 180 END, lat, 4326) END AS `position`
    FROM main.shops
  )
SELECT *
FROM example;
