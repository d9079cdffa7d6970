-- spatial.nearest → out
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
      "_ef_n"."customer_id",
      "_ef_n"."lon",
      "_ef_n"."lat",
      "_ef_n"."home",
      "_ef_n"."store_id",
      "_ef_n"."city",
      "_ef_n".RIGHT_LON,
      "_ef_n".RIGHT_LAT,
      "_ef_n"."location",
      "_ef_n"."catchment",
      "_ef_n".DISTANCE,
      CASE WHEN "_ef_n".DISTANCE IS NOT NULL THEN "_ef_n"."_ef_rn" END AS RANK
    FROM (
      SELECT
        "_l"."customer_id",
        "_l"."lon",
        "_l"."lat",
        "_l"."home",
        "_r"."store_id",
        "_r"."city",
        "_r"."lon" AS RIGHT_LON,
        "_r"."lat" AS RIGHT_LAT,
        "_r"."location",
        "_r"."catchment",
        SDO_GEOM.SDO_DISTANCE("_l"."home", "_r"."location", 0.05, 'unit=M') AS DISTANCE,
        ROW_NUMBER() OVER (PARTITION BY "_l"."_ef_lid" ORDER BY SDO_GEOM.SDO_DISTANCE("_l"."home", "_r"."location", 0.05, 'unit=M') NULLS LAST, "_r"."store_id" NULLS LAST) AS "_ef_rn"
      FROM (
        SELECT HOMES.*, ROW_NUMBER() OVER (ORDER BY NULL) AS "_ef_lid"
        FROM HOMES
      ) "_l"
      LEFT JOIN SHOPS "_r" ON "_l"."home" IS NOT NULL AND "_r"."location" IS NOT NULL
    ) "_ef_n"
    WHERE "_ef_n"."_ef_rn" <= 1
  )
SELECT *
FROM EXAMPLE;
