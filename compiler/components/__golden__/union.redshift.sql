-- union → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM orders
    UNION ALL
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM orders
  )
SELECT *
FROM example;
