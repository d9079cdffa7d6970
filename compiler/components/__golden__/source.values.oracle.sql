-- source.values → out
WITH
  EXAMPLE AS (
    SELECT 'N' AS CODE, 'North' AS REGION
    FROM DUAL
    UNION ALL
    SELECT 'S' AS CODE, 'South' AS REGION
    FROM DUAL
  )
SELECT *
FROM EXAMPLE;
