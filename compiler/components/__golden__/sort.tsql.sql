-- sort → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM example
ORDER BY amount DESC, CASE WHEN order_id IS NULL THEN 1 ELSE 0 END, order_id
OFFSET 0 ROWS;
