-- spatial.buffer → out
WITH
  example AS (
    SELECT store_id, city, lon, lat, location, catchment, ST_Buffer(location, 3000) AS area_3km
    FROM main.shops
  )
SELECT *
FROM example;
