-- step write:example: Replace ANALYTICS.STORE_REVENUE atomically with CREATE OR REPLACE TABLE.
CREATE OR REPLACE TABLE ANALYTICS.STORE_REVENUE AS
WITH
  REVENUE AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  )
SELECT *
FROM REVENUE;
