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
    SELECT
      "_l"."customer_id",
      "_r"."store_id",
      SDO_GEOM.SDO_DISTANCE("_l"."home", "_r"."location", 0.05, 'unit=M') AS METRES
    FROM HOMES "_l"
    INNER JOIN SHOPS "_r" ON SDO_GEOM.WITHIN_DISTANCE("_l"."home", 2000, "_r"."location", 0.05, 'unit=M') = 'TRUE'
  )
SELECT *
FROM EXAMPLE;
