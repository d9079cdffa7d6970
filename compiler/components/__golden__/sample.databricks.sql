-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT _s.*
    FROM orders AS _s
    WHERE SUBSTR(MD5(CAST(HASH(_s.*) AS STRING) || '42'), 1, 8) < '19999999'
  )
SELECT *
FROM example;
