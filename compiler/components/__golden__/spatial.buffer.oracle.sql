-- spatial.buffer → out
WITH
  EXAMPLE AS (
    SELECT
      "store_id",
      "city",
      "lon",
      "lat",
      "location",
      "catchment",
      SDO_GEOM.SDO_BUFFER("location", 3000, 0.05, 'unit=M arc_tolerance=' || TO_CHAR(GREATEST(ROUND(ABS(3000) * 0.004, 3), 0.05), 'FM999999990.000')) AS AREA_3KM
    FROM "main"."shops"
  )
SELECT *
FROM EXAMPLE;
