-- limit → out
WITH
  example AS (
    SELECT TOP (10) order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM example;
