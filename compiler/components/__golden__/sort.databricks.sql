-- sort → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM example
ORDER BY amount DESC NULLS LAST, order_id NULLS LAST;
