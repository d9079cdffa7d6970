-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT *
    FROM orders
    USING SAMPLE 10 PERCENT (bernoulli, 42)
  )
SELECT *
FROM example;
