-- h3.polyfill → out
WITH
  shops AS (
    SELECT store_id, city, lon, lat, location, catchment
    FROM main.shops
  ),
  example AS (
    SELECT _ef_p.store_id, _ef_p.city, _ef_p.lon, _ef_p.lat, _ef_p.location, _ef_cells.value AS h3
    FROM shops AS _ef_p
    CROSS JOIN LATERAL UNNEST(edgeflow_h3_polyfill(_ef_p.catchment, 9, 'example')) AS _ef_cells(value)
  )
SELECT *
FROM example;
