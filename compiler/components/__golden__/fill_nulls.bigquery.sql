-- fill_nulls → out
WITH
  example AS (
    SELECT
      order_id,
      store_id,
      customer_id,
      status,
      amount,
      COALESCE(discount, 0) AS discount,
      ordered_at
    FROM main.orders AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
