-- compute → out
WITH
  EXAMPLE AS (
    SELECT
      "order_id",
      "store_id",
      "customer_id",
      "status",
      "amount",
      "discount",
      "ordered_at",
      CAST(TRUNC("ordered_at", 'MM') AS TIMESTAMP) AS ORDER_MONTH,
      CASE WHEN "amount" >= 100 THEN 'large' ELSE 'small' END AS "SIZE"
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
