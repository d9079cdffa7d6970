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
    SELECT _l.customer_id, _r.store_id, edgeflow_st_distance(_l.home, _r.location) AS metres
    FROM (
      SELECT
        *,
        edgeflow_grid_home(home, (
          SELECT
            GREATEST(COALESCE(MAX(2000 + (
              SELECT COALESCE(MAX(edgeflow_st_reach(home)), 0) AS reach
              FROM homes
            )), 0), 2 * COALESCE(AVG(edgeflow_st_reach(location)), 0), COALESCE(MAX(edgeflow_st_reach(location)), 0) / 32, 1) AS cell
          FROM shops
        )) AS _ef_cell
      FROM homes
    ) AS _l
    INNER JOIN (
      SELECT
        *,
        2000 AS _ef_distance,
        UNNEST(edgeflow_grid_cover(location, (
          SELECT
            GREATEST(COALESCE(MAX(2000 + (
              SELECT COALESCE(MAX(edgeflow_st_reach(home)), 0) AS reach
              FROM homes
            )), 0), 2 * COALESCE(AVG(edgeflow_st_reach(location)), 0), COALESCE(MAX(edgeflow_st_reach(location)), 0) / 32, 1) AS cell
          FROM shops
        ), 2000 + (
          SELECT COALESCE(MAX(edgeflow_st_reach(home)), 0) AS reach
          FROM homes
        ))) AS _ef_cell
      FROM shops
    ) AS _r ON _l._ef_cell = _r._ef_cell AND edgeflow_st_dwithin(_l.home, _r.location, _r._ef_distance)
  )
SELECT *
FROM example;
