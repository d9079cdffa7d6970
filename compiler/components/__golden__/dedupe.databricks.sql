-- dedupe → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC NULLS LAST) AS _ef_rn
      FROM orders
    ) AS _ranked
    WHERE _ef_rn <= 1
  )
SELECT *
FROM example
ORDER BY customer_id NULLS LAST, ordered_at DESC NULLS LAST;
