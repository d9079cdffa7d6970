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
    FROM main.orders
  )
SELECT *
FROM example;
