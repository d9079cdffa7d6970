-- source.values → out
WITH
  EXAMPLE AS (
    SELECT 'N' AS CODE, 'North' AS REGION
    UNION ALL
    SELECT 'S' AS CODE, 'South' AS REGION
  )
SELECT *
FROM EXAMPLE;
