-- filter → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    WHERE status = N'paid' AND amount >= 10
  )
SELECT *
FROM example;

-- filter → rejected
WITH
  example_rejected AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    WHERE CASE WHEN status = N'paid' AND amount >= 10 THEN 0 ELSE 1 END = 1
  )
SELECT *
FROM example_rejected;
