-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT _s.*
    FROM orders AS _s
    WHERE SUBSTR(MD5(CAST(ROW(_s.*) AS TEXT) || '42'), 1, 8) < '19999999'
  )
SELECT *
FROM example;
