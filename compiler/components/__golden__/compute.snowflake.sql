-- compute → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT
      *,
      DATE_TRUNC('month', "ordered_at") AS ORDER_MONTH,
      CASE WHEN "amount" >= 100 THEN 'large' ELSE 'small' END AS SIZE
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE;
