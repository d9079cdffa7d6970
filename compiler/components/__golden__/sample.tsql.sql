-- sample → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  example AS (
    SELECT _s.*
    FROM orders AS _s
    WHERE SUBSTRING(CONVERT(VARCHAR(32), HASHBYTES('MD5', CONCAT(_s.order_id, N'|', _s.store_id, N'|', _s.customer_id, N'|', _s.status, N'|', _s.amount, N'|', _s.discount, N'|', _s.ordered_at, N'|', N'42')), 2), 1, 8) < '19999999'
  )
SELECT *
FROM example;
