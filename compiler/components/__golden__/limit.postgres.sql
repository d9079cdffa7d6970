-- limit → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT *
    FROM orders
    LIMIT 10
  )
SELECT *
FROM example;
