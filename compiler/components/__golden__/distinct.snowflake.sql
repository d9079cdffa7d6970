-- distinct → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT DISTINCT "store_id", "status"
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE;
