-- join → out
WITH
  orders AS (
    SELECT order_id, store_id, customer_id, status, amount, discount, ordered_at
    FROM main.orders
  ),
  customers AS (
    SELECT customer_id, name, segment, signup_date
    FROM main.customers
  ),
  example AS (
    SELECT
      _l.order_id,
      _l.store_id,
      _l.customer_id,
      _l.status,
      _l.amount,
      _l.discount,
      _l.ordered_at,
      _r.customer_id AS right_customer_id,
      _r.name,
      _r.segment,
      _r.signup_date
    FROM orders AS _l
    LEFT JOIN customers AS _r ON _l.customer_id = _r.customer_id
  )
SELECT *
FROM example;
