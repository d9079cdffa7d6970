-- sample → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT "_s".*
    FROM ORDERS AS "_s"
    WHERE SUBSTR(MD5(TO_VARCHAR(HASH("_s".*)) || '42'), 1, 8) < '19999999'
  )
SELECT *
FROM EXAMPLE;
