-- source.values → out
WITH
  example AS (
    SELECT 'N' AS code, 'North' AS region
    UNION ALL
    SELECT 'S' AS code, 'South' AS region
  )
SELECT *
FROM example;
