-- source.values → out
WITH
  example AS (
    SELECT N'N' AS code, N'North' AS region
    UNION ALL
    SELECT N'S' AS code, N'South' AS region
  )
SELECT *
FROM example;
