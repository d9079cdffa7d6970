-- spatial.buffer → out
WITH
  example AS (
    SELECT
      store_id,
      city,
      lon,
      lat,
      location,
      catchment,
      edgeflow_st_buffer(location, 3000, 'example') AS area_3km
    FROM main.shops
  )
SELECT *
FROM example;
