-- rename → out
WITH
  EXAMPLE AS (
    SELECT
      "order_id",
      "store_id",
      "customer_id",
      "status",
      "amount" AS REVENUE,
      "discount",
      "ordered_at"
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
