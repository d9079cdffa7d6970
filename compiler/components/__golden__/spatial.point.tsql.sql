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
      CASE WHEN lat BETWEEN -90 AND 90 THEN geography::Point(lat, lon, 4326) END AS [position]
    FROM main.shops
  )
SELECT *
FROM example;
