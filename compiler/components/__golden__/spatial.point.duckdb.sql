-- spatial.point → out
WITH
  example AS (
    SELECT store_id, city, lon, lat, location, catchment, edgeflow_st_point(lon, lat) AS "position"
    FROM main.shops
  )
SELECT *
FROM example;
