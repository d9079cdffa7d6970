-- window → out
WITH
  example AS (
    SELECT
      order_id,
      store_id,
      customer_id,
      status,
      amount,
      discount,
      ordered_at,
      SUM(amount) OVER (PARTITION BY store_id ORDER BY CASE WHEN ordered_at IS NULL THEN 1 ELSE 0 END, ordered_at, CASE WHEN order_id IS NULL THEN 1 ELSE 0 END, order_id) AS running_revenue,
      ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY CASE WHEN ordered_at IS NULL THEN 1 ELSE 0 END, ordered_at, CASE WHEN order_id IS NULL THEN 1 ELSE 0 END, order_id) AS order_rank,
      LAG(amount) OVER (PARTITION BY store_id ORDER BY CASE WHEN ordered_at IS NULL THEN 1 ELSE 0 END, ordered_at, CASE WHEN order_id IS NULL THEN 1 ELSE 0 END, order_id) AS previous_amount
    FROM main.orders
  )
SELECT *
FROM example;
