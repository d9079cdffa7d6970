-- sort → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT *
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE
ORDER BY "amount" DESC NULLS LAST, "order_id" NULLS LAST;
