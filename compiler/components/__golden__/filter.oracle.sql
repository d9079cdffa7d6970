-- filter → out
WITH
  EXAMPLE AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
    WHERE "status" = 'paid' AND "amount" >= 10
  )
SELECT *
FROM EXAMPLE;

-- filter → rejected
WITH
  EXAMPLE_REJECTED AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
    WHERE CASE WHEN "status" = 'paid' AND "amount" >= 10 THEN 0 ELSE 1 END = 1
  )
SELECT *
FROM EXAMPLE_REJECTED;
