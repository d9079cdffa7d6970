-- compute → out
WITH
  example AS (
    SELECT
      order_id,
      store_id,
      customer_id,
      status,
      amount,
      discount,
      ordered_at,
      CAST(trunc(CAST(ordered_at AS DATE), 'MONTH') AS TIMESTAMP_NTZ) AS order_month,
      CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END AS size
    FROM main.orders
  )
SELECT *
FROM example;
