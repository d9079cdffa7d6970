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
    SELECT
      _l.customer_id,
      _r.store_id,
      CASE WHEN _l.home.STGeometryType() = N'Point' AND _r.location.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(_r.location.Lat - _l.home.Lat) / 2), 2) + COS(RADIANS(_l.home.Lat)) * COS(RADIANS(_r.location.Lat)) * POWER(SIN(RADIANS(_r.location.Long - _l.home.Long) / 2), 2))) ELSE _l.home.STDistance(_r.location) END AS metres
    FROM homes AS _l
    INNER JOIN shops AS _r ON CASE WHEN _l.home.STGeometryType() = N'Point' AND _r.location.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(_r.location.Lat - _l.home.Lat) / 2), 2) + COS(RADIANS(_l.home.Lat)) * COS(RADIANS(_r.location.Lat)) * POWER(SIN(RADIANS(_r.location.Long - _l.home.Long) / 2), 2))) ELSE _l.home.STDistance(_r.location) END <= 2000
  )
SELECT *
FROM example;
