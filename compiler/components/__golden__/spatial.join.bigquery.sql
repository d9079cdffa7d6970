-- spatial.join → out
WITH
  homes AS (
    SELECT customer_id, lon, lat, home
    FROM main.homes AS _ef_in
  ),
  shops AS (
    SELECT store_id, city, lon, lat, location, catchment
    FROM main.shops AS _ef_in
  ),
  example AS (
    SELECT _l.customer_id, _r.store_id, ST_DISTANCE(_l.home, _r.location) AS metres
    FROM homes AS _l
    INNER JOIN shops AS _r ON ST_DWITHIN(_l.home, _r.location, 2000)
  )
SELECT *
FROM example AS _ef_in;
