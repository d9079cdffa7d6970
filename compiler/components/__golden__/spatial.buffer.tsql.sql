-- spatial.buffer → out
WITH
  example AS (
    SELECT store_id, city, lon, lat, location, catchment, location.STBuffer(3000) AS area_3km
    FROM main.shops
  )
SELECT *
FROM example;
