-- select → out
WITH
  example AS (
    SELECT order_id, amount * 1.21 AS with_tax
    FROM main.orders
  )
SELECT *
FROM example;
