-- distinct → out
WITH
  EXAMPLE AS (
    SELECT DISTINCT "store_id", "status"
    FROM "main"."orders"
  )
SELECT *
FROM EXAMPLE;
