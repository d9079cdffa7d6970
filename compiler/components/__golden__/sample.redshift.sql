-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT _s.*
    FROM orders AS _s
    WHERE SUBSTRING(MD5(COALESCE(CAST(_s.order_id AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.store_id AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.customer_id AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.status AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.amount AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.discount AS VARCHAR(65535)), '') || '|' || COALESCE(CAST(_s.ordered_at AS VARCHAR(65535)), '') || '42'), 1, 8) < '19999999'
  )
SELECT *
FROM example;
