-- h3.from_point → out
WITH
  example AS (
    SELECT customer_id, lon, lat, home, edgeflow_h3_from_lonlat(lon, lat, 8, 'example') AS h3
    FROM main.homes
  )
SELECT *
FROM example;
