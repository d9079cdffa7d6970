-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders AS _ef_in
  ),
  example AS (
    SELECT _s.*
    FROM orders AS _s
    WHERE SUBSTR(TO_HEX(MD5(CONCAT(TO_JSON_STRING(_s), '42'))), 1, 8) < '19999999'
  )
SELECT *
FROM example AS _ef_in;
