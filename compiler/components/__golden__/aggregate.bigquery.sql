-- aggregate → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders AS _ef_in
  ),
  example AS (
    SELECT
      store_id,
      SUM(amount) AS revenue,
      COUNT(*) AS orders,
      COUNT(DISTINCT customer_id) AS customers
    FROM orders AS _ef_in
    GROUP BY store_id
  )
SELECT *
FROM example AS _ef_in;
