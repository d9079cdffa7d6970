-- dedupe → out
WITH
  example AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
    QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC NULLS LAST, NULL) <= 1
  )
SELECT *
FROM example
ORDER BY customer_id NULLS LAST, ordered_at DESC NULLS LAST;
