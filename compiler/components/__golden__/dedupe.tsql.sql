-- dedupe → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC) AS _ef_rn
      FROM orders
    ) AS _ranked
    WHERE _ef_rn <= 1
  )
SELECT *
FROM example
ORDER BY CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END, customer_id, ordered_at DESC
OFFSET 0 ROWS;
