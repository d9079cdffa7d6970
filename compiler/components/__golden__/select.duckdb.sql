-- select → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT order_id, amount * 1.21 AS with_tax
    FROM orders
  )
SELECT *
FROM example;
