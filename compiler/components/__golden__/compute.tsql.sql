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
      CAST(DATEADD(MONTH, DATEDIFF(MONTH, '19000101', ordered_at), CAST('19000101' AS DATETIME2(6))) AS DATETIME2(6)) AS order_month,
      CASE WHEN amount >= 100 THEN N'large' ELSE N'small' END AS size
    FROM main.orders
  )
SELECT *
FROM example;
