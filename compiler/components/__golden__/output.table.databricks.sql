-- step write:example: Replace analytics.store_revenue atomically with CREATE OR REPLACE TABLE.
CREATE OR REPLACE TABLE analytics.store_revenue AS
WITH
  revenue AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM revenue;
