-- drop → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM example;
