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
      DATETIME_TRUNC(ordered_at, MONTH) AS order_month,
      CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END AS size
    FROM main.orders AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
