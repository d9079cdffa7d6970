-- distinct → out
WITH
  example AS (
    SELECT DISTINCT store_id, status
    FROM main.orders AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
