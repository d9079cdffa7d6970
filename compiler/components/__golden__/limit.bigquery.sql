-- limit → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders AS _ef_in
    LIMIT 10
  )
SELECT *
FROM example AS _ef_in;
