-- limit → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT *
    FROM ORDERS
    LIMIT 10
  )
SELECT *
FROM EXAMPLE;
