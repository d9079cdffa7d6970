-- spatial.buffer → out
WITH
  example AS (
    SELECT store_id, city, lon, lat, location, catchment, ST_BUFFER(location, 3000) AS area_3km
    FROM main.shops AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
