-- sql → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT _q.store_id, _q.median_amount
    FROM (
      SELECT store_id, median(amount) AS median_amount FROM orders GROUP BY store_id
    ) AS _q
  )
SELECT *
FROM example;
