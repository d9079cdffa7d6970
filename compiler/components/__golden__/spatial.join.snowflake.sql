-- spatial.join → out
WITH
  HOMES AS (
    SELECT "customer_id", "lon", "lat", "home"
    FROM "main"."homes"
  ),
  SHOPS AS (
    SELECT "store_id", "city", "lon", "lat", "location", "catchment"
    FROM "main"."shops"
  ),
  EXAMPLE AS (
    SELECT "_l"."customer_id", "_r"."store_id", ST_DISTANCE("_l"."home", "_r"."location") AS METRES
    FROM HOMES AS "_l"
    INNER JOIN SHOPS AS "_r" ON ST_DWITHIN("_l"."home", "_r"."location", 2000)
  )
SELECT *
FROM EXAMPLE;
