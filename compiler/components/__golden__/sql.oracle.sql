-- sql → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  EXAMPLE AS (
    SELECT "_q".STORE_ID, "_q".MEDIAN_AMOUNT
    FROM (
      SELECT store_id, median(amount) AS median_amount FROM ORDERS GROUP BY store_id
    ) "_q"
  )
SELECT *
FROM EXAMPLE;
