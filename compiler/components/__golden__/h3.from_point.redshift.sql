-- h3.from_point → out
WITH
  example AS (
    SELECT
      customer_id,
      lon,
      lat,
      home,
      CASE WHEN lat BETWEEN -90 AND 90 THEN LOWER(TO_HEX(H3_FromLongLat(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE lon - 360 * FLOOR((lon + 180) / 360) END, lat, CAST(8 AS INTEGER)))) END AS h3
    FROM main.homes
  )
SELECT *
FROM example;
