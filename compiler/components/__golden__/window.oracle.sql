-- window → out
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
      SUM("amount") OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS RUNNING_REVENUE,
      ROW_NUMBER() OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS ORDER_RANK,
      LAG("amount") OVER (PARTITION BY "store_id" ORDER BY "ordered_at" NULLS LAST, "order_id" NULLS LAST) AS PREVIOUS_AMOUNT
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
