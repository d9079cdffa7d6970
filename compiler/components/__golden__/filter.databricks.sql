-- filter → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    WHERE status = 'paid' AND amount >= 10
  )
SELECT *
FROM example;

-- filter → rejected
WITH
  example_rejected AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    WHERE NOT COALESCE(status = 'paid' AND amount >= 10, FALSE)
  )
SELECT *
FROM example_rejected;
