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
      DATE_TRUNC('month', "ordered_at") AS ORDER_MONTH,
      CASE WHEN "amount" >= 100 THEN 'large' ELSE 'small' END AS SIZE
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
