-- aggregate → out
WITH
  EXAMPLE AS (
    SELECT
      "store_id",
      SUM("amount") AS REVENUE,
      COUNT(*) AS ORDERS,
      COUNT(DISTINCT "customer_id") AS CUSTOMERS
    FROM "main"."orders"
    GROUP BY "store_id"
  )
SELECT *
FROM EXAMPLE;
