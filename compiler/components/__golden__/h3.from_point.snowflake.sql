-- h3.from_point → out
WITH
  EXAMPLE AS (
    SELECT "customer_id", "lon", "lat", "home", H3_LATLNG_TO_CELL_STRING("lat", "lon", 8) AS H3
    FROM "main"."homes"
  )
SELECT *
FROM EXAMPLE;
