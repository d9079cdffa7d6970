-- filter → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT *
    FROM ORDERS
    WHERE "status" = 'paid' AND "amount" >= 10
  )
SELECT *
FROM EXAMPLE;

-- filter → rejected
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE_REJECTED AS (
    SELECT *
    FROM ORDERS
    WHERE NOT COALESCE("status" = 'paid' AND "amount" >= 10, FALSE)
  )
SELECT *
FROM EXAMPLE_REJECTED;
