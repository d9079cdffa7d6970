-- select → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT "order_id", "amount" * 1.21 AS WITH_TAX
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE;
