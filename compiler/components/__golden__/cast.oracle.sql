-- cast → out
WITH
  EXAMPLE AS (
    SELECT
      "order_id",
      TO_CHAR("store_id") AS "store_id",
      "customer_id",
      "status",
      "amount",
      "discount",
      "ordered_at"
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
