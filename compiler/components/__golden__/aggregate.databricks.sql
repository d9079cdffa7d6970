-- aggregate → out
WITH
  example AS (
    SELECT
      store_id,
      SUM(amount) AS revenue,
      COUNT(*) AS orders,
      COUNT(DISTINCT customer_id) AS customers
    FROM main.orders
    GROUP BY store_id
  )
SELECT *
FROM example;
