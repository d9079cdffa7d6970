-- distinct → out
WITH
  example AS (
    SELECT DISTINCT store_id, status
    FROM main.orders
  )
SELECT *
FROM example;
