-- filter → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT *
    FROM orders
    WHERE status = 'paid' AND amount >= 10
  )
SELECT *
FROM example;

-- filter → rejected
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example_rejected AS (
    SELECT *
    FROM orders
    WHERE NOT COALESCE(status = 'paid' AND amount >= 10, FALSE)
  )
SELECT *
FROM example_rejected;
