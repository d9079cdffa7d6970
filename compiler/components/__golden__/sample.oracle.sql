-- sample → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT "_s".*
    FROM ORDERS "_s"
    WHERE ORA_HASH("_s"."order_id" || '|' || "_s"."store_id" || '|' || "_s"."customer_id" || '|' || "_s"."status" || '|' || "_s"."amount" || '|' || "_s"."discount" || '|' || "_s"."ordered_at", 4294967295, 42) < 429496729
  )
SELECT *
FROM EXAMPLE;
