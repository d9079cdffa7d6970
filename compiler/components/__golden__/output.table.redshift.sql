-- step write:example: Build the new analytics.store_revenue beside it, then drop the old table and rename the new one in one transaction.
DROP TABLE IF EXISTS analytics.ef_golden_store_revenue_new;
CREATE TABLE analytics.ef_golden_store_revenue_new AS
WITH
  revenue AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT *
FROM revenue;
DROP TABLE IF EXISTS analytics.store_revenue;
ALTER TABLE analytics.ef_golden_store_revenue_new RENAME TO store_revenue;
