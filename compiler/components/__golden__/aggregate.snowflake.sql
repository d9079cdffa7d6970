-- aggregate → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT
      "store_id",
      SUM("amount") AS REVENUE,
      COUNT(*) AS ORDERS,
      COUNT(DISTINCT "customer_id") AS CUSTOMERS
    FROM ORDERS
    GROUP BY "store_id"
  )
SELECT *
FROM EXAMPLE;
