-- h3.polyfill → out
WITH
  SHOPS AS (
    SELECT "store_id", "city", "lon", "lat", "location", "catchment"
    FROM "main"."shops"
  ),
  EXAMPLE AS (
    SELECT
      "_ef_p"."store_id",
      "_ef_p"."city",
      "_ef_p"."lon",
      "_ef_p"."lat",
      "_ef_p"."location",
      CAST("_ef_cells".value AS VARCHAR) AS H3
    FROM SHOPS AS "_ef_p",
    LATERAL FLATTEN(input => H3_POLYGON_TO_CELLS_STRINGS("_ef_p"."catchment", 9)) AS "_ef_cells"
  )
SELECT *
FROM EXAMPLE;
