-- drop → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, amount, discount, ordered_at
    FROM main.orders AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
