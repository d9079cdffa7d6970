-- select → out
WITH
  EXAMPLE AS (
    SELECT "order_id", "amount" * 1.21 AS WITH_TAX
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
