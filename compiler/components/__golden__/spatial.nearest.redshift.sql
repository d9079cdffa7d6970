-- spatial.nearest → out
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
    SELECT
      _ef_n.customer_id,
      _ef_n.lon,
      _ef_n.lat,
      _ef_n.home,
      _ef_n.store_id,
      _ef_n.city,
      _ef_n.right_lon,
      _ef_n.right_lat,
      _ef_n.location,
      _ef_n.catchment,
      _ef_n.distance,
      CASE WHEN _ef_n.distance IS NOT NULL THEN _ef_n._ef_rn END AS rank
    FROM (
      SELECT
        _l.customer_id,
        _l.lon,
        _l.lat,
        _l.home,
        _r.store_id,
        _r.city,
        _r.lon AS right_lon,
        _r.lat AS right_lat,
        _r.location,
        _r.catchment,
        ST_DistanceSphere(_l.home, _r.location, 6371008.8) AS distance,
        ROW_NUMBER() OVER (PARTITION BY _l._ef_lid ORDER BY ST_DistanceSphere(_l.home, _r.location, 6371008.8) NULLS LAST, _r.store_id NULLS LAST) AS _ef_rn
      FROM (
        SELECT *, ROW_NUMBER() OVER () AS _ef_lid
        FROM homes
      ) AS _l
      LEFT JOIN shops AS _r ON _l.home IS NOT NULL AND _r.location IS NOT NULL
    ) AS _ef_n
    WHERE _ef_n._ef_rn <= 1
  )
SELECT *
FROM example;
