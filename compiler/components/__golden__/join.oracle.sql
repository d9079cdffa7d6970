-- join → out
WITH
  ORDERS AS (
    SELECT "order_id", "store_id", "customer_id", "status", "amount", "discount", "ordered_at"
    FROM "main"."orders"
  ),
  CUSTOMERS AS (
    SELECT "customer_id", "name", "segment", "signup_date"
    FROM "main"."customers"
  ),
  EXAMPLE AS (
    SELECT
      "_l"."order_id",
      "_l"."store_id",
      "_l"."customer_id",
      "_l"."status",
      "_l"."amount",
      "_l"."discount",
      "_l"."ordered_at",
      "_r"."customer_id" AS RIGHT_CUSTOMER_ID,
      "_r"."name",
      "_r"."segment",
      "_r"."signup_date"
    FROM ORDERS "_l"
    LEFT JOIN CUSTOMERS "_r" ON "_l"."customer_id" = "_r"."customer_id"
  )
SELECT *
FROM EXAMPLE;
