-- top_n → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY amount DESC NULLS LAST) AS _ef_rn
      FROM orders
    ) AS _ranked
    WHERE _ef_rn <= 3
  )
SELECT *
FROM example
ORDER BY store_id NULLS LAST, amount DESC NULLS LAST;
