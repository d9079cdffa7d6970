-- limit → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    LIMIT 10
  )
SELECT *
FROM example;
