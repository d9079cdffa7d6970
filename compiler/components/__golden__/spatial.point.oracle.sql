-- spatial.point → out
WITH
  EXAMPLE AS (
    SELECT
      "store_id",
      "city",
      "lon",
      "lat",
      "location",
      "catchment",
      CASE WHEN "lat" BETWEEN -90 AND 90 THEN SDO_GEOMETRY(2001, 4326, SDO_POINT_TYPE(CASE WHEN "lon" BETWEEN -180 AND 180 THEN "lon" ELSE MOD(MOD("lon" + 180, 360) + 360, 360) - 180 END, "lat", NULL), NULL, NULL) END AS "POSITION"
    FROM "main"."shops"
  )
SELECT *
FROM EXAMPLE;
