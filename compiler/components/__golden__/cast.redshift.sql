-- cast → out
WITH
  example AS (
    SELECT
      order_id,
      CAST(store_id AS VARCHAR(65535)) AS store_id,
      customer_id,
      status,
      amount,
      discount,
      ordered_at
    FROM main.orders
  )
SELECT *
FROM example;
