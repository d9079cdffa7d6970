-- top_n → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    QUALIFY ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY amount DESC NULLS LAST, NULL) <= 3
  )
SELECT *
FROM example
ORDER BY store_id NULLS LAST, amount DESC NULLS LAST;
