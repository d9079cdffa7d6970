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
    SELECT _l.customer_id, _r.store_id, st_distancesphere(_l.home, _r.location) AS metres
    FROM homes AS _l
    INNER JOIN shops AS _r ON (st_distancesphere(_l.home, _r.location) <= 2000)
  )
SELECT *
FROM example;
