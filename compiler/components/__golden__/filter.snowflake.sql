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
    WHERE NOT COALESCE("status" = 'paid' AND "amount" >= 10, FALSE)
  )
SELECT *
FROM EXAMPLE_REJECTED;
