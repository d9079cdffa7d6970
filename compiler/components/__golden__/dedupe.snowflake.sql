-- dedupe → out
WITH
  EXAMPLE AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
    QUALIFY ROW_NUMBER() OVER (PARTITION BY "customer_id" ORDER BY "ordered_at" DESC NULLS LAST) <= 1
  )
SELECT *
FROM EXAMPLE
ORDER BY "customer_id" NULLS LAST, "ordered_at" DESC NULLS LAST;
