-- fill_nulls → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT
      "order_id",
      "store_id",
      "customer_id",
      "status",
      "amount",
      COALESCE("discount", 0) AS "discount",
      "ordered_at"
    FROM ORDERS
  )
SELECT *
FROM EXAMPLE;
