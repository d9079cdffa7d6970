-- window → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT
      *,
      SUM("amount") OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS RUNNING_REVENUE,
      ROW_NUMBER() OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS ORDER_RANK,
      LAG("amount") OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS PREVIOUS_AMOUNT
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE;
