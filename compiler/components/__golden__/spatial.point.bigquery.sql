-- spatial.point → out
WITH
  example AS (
    SELECT
      store_id,
      city,
      lon,
      lat,
      location,
      catchment,
      CASE WHEN lat BETWEEN -90 AND 90 THEN ST_GEOGPOINT(lon, lat) END AS `position`
    FROM main.shops AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
