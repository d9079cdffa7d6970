-- step write:example: Build the new analytics.store_revenue beside it, then drop the old table and rename the new one in one transaction.
IF OBJECT_ID(N'analytics.ef_golden_store_revenue_new', N'U') IS NOT NULL
DROP TABLE analytics.ef_golden_store_revenue_new;
WITH
  revenue AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  )
SELECT * INTO analytics.ef_golden_store_revenue_new
FROM (
  SELECT *
  FROM revenue
) AS _ef_q;
IF OBJECT_ID(N'analytics.store_revenue', N'U') IS NOT NULL
DROP TABLE analytics.store_revenue;
EXEC sp_rename N'analytics.ef_golden_store_revenue_new', N'store_revenue';
