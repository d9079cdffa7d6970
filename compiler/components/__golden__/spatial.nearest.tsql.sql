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
        CASE WHEN _l.home.STGeometryType() = N'Point' AND _r.location.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(_r.location.Lat - _l.home.Lat) / 2), 2) + COS(RADIANS(_l.home.Lat)) * COS(RADIANS(_r.location.Lat)) * POWER(SIN(RADIANS(_r.location.Long - _l.home.Long) / 2), 2))) ELSE _l.home.STDistance(_r.location) END AS distance,
        ROW_NUMBER() OVER (PARTITION BY _l._ef_lid ORDER BY CASE WHEN CASE WHEN _l.home.STGeometryType() = N'Point' AND _r.location.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(_r.location.Lat - _l.home.Lat) / 2), 2) + COS(RADIANS(_l.home.Lat)) * COS(RADIANS(_r.location.Lat)) * POWER(SIN(RADIANS(_r.location.Long - _l.home.Long) / 2), 2))) ELSE _l.home.STDistance(_r.location) END IS NULL THEN 1 ELSE 0 END, CASE WHEN _l.home.STGeometryType() = N'Point' AND _r.location.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(_r.location.Lat - _l.home.Lat) / 2), 2) + COS(RADIANS(_l.home.Lat)) * COS(RADIANS(_r.location.Lat)) * POWER(SIN(RADIANS(_r.location.Long - _l.home.Long) / 2), 2))) ELSE _l.home.STDistance(_r.location) END, CASE WHEN _r.store_id IS NULL THEN 1 ELSE 0 END, _r.store_id) AS _ef_rn
      FROM (
        SELECT *, ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS _ef_lid
        FROM homes
      ) AS _l
      LEFT JOIN shops AS _r ON _l.home IS NOT NULL AND _r.location IS NOT NULL
    ) AS _ef_n
    WHERE _ef_n._ef_rn <= 1
  )
SELECT *
FROM example;
