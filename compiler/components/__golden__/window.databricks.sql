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
      SUM(amount) OVER (PARTITION BY store_id ORDER BY ordered_at NULLS LAST, order_id NULLS LAST) AS running_revenue,
      ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY ordered_at NULLS LAST, order_id NULLS LAST) AS order_rank,
      LAG(amount) OVER (PARTITION BY store_id ORDER BY ordered_at NULLS LAST, order_id NULLS LAST) AS previous_amount
    FROM main.orders
  )
SELECT *
FROM example;
