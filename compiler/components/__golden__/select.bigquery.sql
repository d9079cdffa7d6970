-- select → out
WITH
  example AS (
    SELECT order_id, amount * 1.21 AS with_tax
    FROM main.orders AS _ef_in
  )
SELECT *
FROM example AS _ef_in;
