-- h3.from_point → out
WITH
  example AS (
    SELECT
      customer_id,
      lon,
      lat,
      home,
      CASE WHEN lat BETWEEN -90 AND 90 THEN h3_longlatash3string(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE pmod(lon + 180, 360) - 180 END, lat, 8) END AS h3
    FROM main.homes
  )
SELECT *
FROM example;
