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
      _ef_q3.customer_id,
      _ef_q3.lon,
      _ef_q3.lat,
      _ef_q3.home,
      struct_extract(_ef_q3._ef_m, 'store_id') AS store_id,
      struct_extract(_ef_q3._ef_m, 'city') AS city,
      struct_extract(_ef_q3._ef_m, 'lon') AS right_lon,
      struct_extract(_ef_q3._ef_m, 'lat') AS right_lat,
      struct_extract(_ef_q3._ef_m, 'location') AS location,
      struct_extract(_ef_q3._ef_m, 'catchment') AS catchment,
      edgeflow_st_distance(_ef_q3.home, struct_extract(_ef_q3._ef_m, 'location')) AS distance,
      CASE WHEN _ef_q3._ef_i <> 0 THEN CAST(list_position(_ef_q3._ef_idx, _ef_q3._ef_i) AS BIGINT) END AS rank
    FROM (
      SELECT *, list_extract(_ef_rows, _ef_i) AS _ef_m
      FROM (
        SELECT *, UNNEST(_ef_idx) AS _ef_i
        FROM (
          SELECT
            _l.*,
            edgeflow_st_knn(_l.home, _ef_rr._ef_geos, 1, CAST(NULL AS DOUBLE)) AS _ef_idx,
            _ef_rr._ef_rows
          FROM homes AS _l
          CROSS JOIN (
            SELECT *, list_transform(_ef_rows, _ef_x -> _ef_x.location) AS _ef_geos
            FROM (
              SELECT LIST(_ef_row ORDER BY _ef_row.store_id NULLS LAST) AS _ef_rows
              FROM shops AS _ef_row
            ) AS _ef_agg
          ) AS _ef_rr
        ) AS _ef_q1
      ) AS _ef_q2
    ) AS _ef_q3
  )
SELECT *
FROM example;
