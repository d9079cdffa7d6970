-- limit → out
WITH
  EXAMPLE AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
    FETCH FIRST 10 ROWS ONLY
  )
SELECT *
FROM EXAMPLE;
