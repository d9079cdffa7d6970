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
      DATE_TRUNC('month', ordered_at) AS order_month,
      CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END AS size
    FROM main.orders
  )
SELECT *
FROM example;
