-- spatial.join → out
WITH
  homes AS (
    SELECT customer_id, lon, lat, home
    FROM main.homes
  ),
  shops AS (
    SELECT store_id, city, lon, lat, location, catchment
    FROM main.shops
  ),
  example AS (
    SELECT _l.customer_id, _r.store_id, ST_DistanceSphere(_l.home, _r.location, 6371008.8) AS metres
    FROM homes AS _l
    INNER JOIN shops AS _r ON (ST_DistanceSphere(_l.home, _r.location, 6371008.8) <= 2000)
  )
SELECT *
FROM example;
