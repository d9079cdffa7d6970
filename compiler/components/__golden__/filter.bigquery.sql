-- filter → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders AS _ef_in
    WHERE status = 'paid' AND amount >= 10
  )
SELECT *
FROM example AS _ef_in;

-- filter → rejected
WITH
  example_rejected AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders AS _ef_in
    WHERE NOT COALESCE(status = 'paid' AND amount >= 10, FALSE)
  )
SELECT *
FROM example_rejected AS _ef_in;
