-- top_n → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM (
      SELECT
        ORDERS.*,
        ROW_NUMBER() OVER (PARTITION BY "store_id" ORDER BY "amount" DESC NULLS LAST) AS "_ef_rn"
      FROM ORDERS
    ) "_ranked"
    WHERE "_ef_rn" <= 3
  )
SELECT *
FROM EXAMPLE
ORDER BY "store_id" NULLS LAST, "amount" DESC NULLS LAST;
