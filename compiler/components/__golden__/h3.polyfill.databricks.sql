-- h3.polyfill → out
WITH
  shops AS (
    SELECT store_id, city, lon, lat, location, catchment
    FROM main.shops
  ),
  example AS (
    SELECT _ef_p.store_id, _ef_p.city, _ef_p.lon, _ef_p.lat, _ef_p.location, _ef_cells.value AS h3
    FROM shops AS _ef_p
    LATERAL VIEW explode(h3_polyfillash3string(st_asbinary(_ef_p.catchment), 9)) _ef_cells AS value
  )
SELECT *
FROM example;
