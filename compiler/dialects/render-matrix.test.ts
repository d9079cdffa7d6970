/**
 * How each portable expression is spelled per dialect: one row per expression, one entry per
 * dialect (typed, so a new dialect must state its rendering for every row). The execution tests
 * prove these spellings mean the same thing; this table shows how the differences are bridged.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePreview,
  createCatalog,
  DIALECT_NAMES,
  getDialect,
  type DialectName,
} from '../index.js';
import { T, decimal } from '../schema/types.js';

// The catalog as each warehouse would report it (Snowflake upper-cases the unquoted names).
const catalogFor = (dialect: DialectName) => {
  const fold = (n: string) => getDialect(dialect).foldName(n);
  return createCatalog([
    { parts: ['s', 't'].map(fold), columns: COLUMNS.map((c) => ({ ...c, name: fold(c.name) })) },
  ]);
};
const COLUMNS = [
  { name: 'i', type: T.bigint },
  { name: 'j', type: T.bigint },
  { name: 'd', type: decimal(12, 2) },
  { name: 'e', type: decimal(12, 2) },
  { name: 'txt', type: T.string },
  { name: 'ts', type: T.timestamp },
  { name: 'dt', type: T.date },
];

const UNSUPPORTED = Symbol('unsupported');
type Row = Record<DialectName, string | typeof UNSUPPORTED>;

function render(expr: string, dialect: DialectName): string | typeof UNSUPPORTED {
  const a = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'm',
      nodes: [
        { id: 'src', type: 'source.table', config: { table: 's.t' } },
        { id: 'c', type: 'select', inputs: { in: 'src' }, config: { columns: [{ as: 'x', expr }] } },
      ],
    },
    { dialect, catalog: catalogFor(dialect) },
  );
  if (a.diagnostics.some((d) => d.code === 'UNSUPPORTED')) return UNSUPPORTED;
  const sql = compilePreview(a, { node: 'c' }).query?.sql;
  const m = /\n\s+SELECT\s+(.*) AS x\n/i.exec(sql ?? '');
  if (!m)
    throw new Error(`no rendering for ${expr} on ${dialect}:\n${sql}\n${JSON.stringify(a.diagnostics)}`);
  return m[1]!;
}

const MATRIX: Array<[string, Row]> = [
  [
    'i / j',
    {
      duckdb: 'i / NULLIF(j, 0)',
      postgres: 'CAST(i AS DOUBLE PRECISION) / NULLIF(j, 0)',
      bigquery: 'i / NULLIF(j, 0)',
      snowflake: 'CAST(I AS DOUBLE) / NULLIF(J, 0)',
      databricks: 'try_divide(i, j)',
      redshift: 'CAST(i AS DOUBLE PRECISION) / NULLIF(j, 0)',
      oracle: 'CAST(I AS BINARY_DOUBLE) / NULLIF(J, 0)',
      tsql: 'CAST(i AS FLOAT) / NULLIF(j, 0)',
    },
  ],
  [
    'div(i, 7)',
    {
      duckdb: 'CAST(i // 7 AS BIGINT)',
      postgres: 'CAST(i / 7 AS BIGINT)',
      bigquery: 'DIV(i, 7)',
      snowflake: 'CAST(TRUNC(I / 7) AS BIGINT)',
      databricks: 'CAST(i DIV 7 AS BIGINT)',
      redshift: 'CAST(i / 7 AS BIGINT)',
      oracle: 'CAST(TRUNC(I / 7) AS NUMBER(19))',
      tsql: 'CAST(i / 7 AS BIGINT)',
    },
  ],
  [
    "txt || '-' || i",
    {
      duckdb: "txt || '-' || CAST(i AS VARCHAR)",
      postgres: "txt || '-' || CAST(i AS TEXT)",
      bigquery: "txt || '-' || CAST(i AS STRING)",
      snowflake: "TXT || '-' || CAST(I AS VARCHAR)",
      databricks: "txt || '-' || CAST(i AS STRING)",
      redshift: "txt || '-' || CAST(i AS VARCHAR(65535))",
      oracle: "CASE WHEN TXT IS NULL OR TO_CHAR(I) IS NULL THEN NULL ELSE TXT || '-' || TO_CHAR(I) END",
      tsql: "txt + N'-' + CAST(i AS NVARCHAR(MAX))",
    },
  ],
  [
    "txt ILIKE 'a%'",
    {
      duckdb: "txt ILIKE 'a%'",
      postgres: "txt ILIKE 'a%'",
      bigquery: "LOWER(txt) LIKE LOWER('a%')",
      snowflake: "TXT ILIKE 'a%'",
      databricks: "txt ILIKE 'a%'",
      redshift: "txt ILIKE 'a%'",
      oracle:
        "CASE WHEN LOWER(TXT) LIKE LOWER('a%') THEN 1 WHEN NOT (LOWER(TXT) LIKE LOWER('a%')) THEN 0 END",
      tsql: "CASE WHEN LOWER(txt) COLLATE Latin1_General_100_BIN2 LIKE LOWER(N'a%') THEN CAST(1 AS BIT) WHEN NOT (LOWER(txt) COLLATE Latin1_General_100_BIN2 LIKE LOWER(N'a%')) THEN CAST(0 AS BIT) END",
    },
  ],
  [
    "date_trunc('week', ts)",
    {
      duckdb: "DATE_TRUNC('week', ts)",
      postgres: "DATE_TRUNC('week', ts)",
      bigquery: 'DATETIME_TRUNC(ts, WEEK(MONDAY))',
      snowflake: "DATE_TRUNC('week', TS)",
      databricks: "CAST(trunc(CAST(ts AS DATE), 'WEEK') AS TIMESTAMP_NTZ)",
      redshift: "DATE_TRUNC('week', ts)",
      oracle: "CAST(TRUNC(TS, 'IW') AS TIMESTAMP)",
      tsql: "CAST(DATEADD(DAY, -((DATEDIFF(DAY, '19000101', ts) % 7 + 7) % 7), CAST(ts AS DATE)) AS DATETIME2(6))",
    },
  ],
  [
    'extract(dow from dt)',
    {
      duckdb: 'CAST(EXTRACT(ISODOW FROM dt) AS BIGINT)',
      postgres: 'CAST(EXTRACT(ISODOW FROM dt) AS BIGINT)',
      bigquery: 'MOD(EXTRACT(DAYOFWEEK FROM dt) + 5, 7) + 1',
      snowflake: 'DAYOFWEEKISO(DT)',
      databricks: 'CAST(EXTRACT(DAYOFWEEK_ISO FROM dt) AS BIGINT)',
      redshift: 'CAST(MOD(CAST(EXTRACT(DOW FROM CAST(dt AS TIMESTAMP)) AS INTEGER) + 6, 7) + 1 AS BIGINT)',
      oracle: "CAST((TRUNC(DT) - TRUNC(DT, 'IW') + 1) AS NUMBER(19))",
      tsql: 'CAST(((DATEPART(WEEKDAY, dt) + @@DATEFIRST + 5) % 7 + 1) AS BIGINT)',
    },
  ],
  [
    'round(d, 1)',
    {
      duckdb: 'ROUND(d, 1)',
      postgres: 'ROUND(CAST(d AS NUMERIC), 1)',
      bigquery: 'ROUND(d, 1)',
      snowflake: 'ROUND(D, 1)',
      databricks: 'ROUND(d, 1)',
      redshift: 'ROUND(d, 1)',
      oracle: 'ROUND(D, 1)',
      tsql: 'ROUND(d, 1)',
    },
  ],
  [
    'greatest(d, e)',
    {
      duckdb: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      postgres: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      bigquery: 'GREATEST(d, e)',
      snowflake: 'GREATEST(D, E)',
      databricks: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      redshift: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      oracle: 'GREATEST(D, E)',
      tsql: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE CASE WHEN d >= e THEN d ELSE e END END',
    },
  ],
  [
    "date_add(dt, 2, 'month')",
    {
      duckdb: "CAST(dt + 2 * INTERVAL '1 month' AS DATE)",
      postgres: "CAST(dt + 2 * INTERVAL '1 month' AS DATE)",
      bigquery: 'DATE_ADD(dt, INTERVAL 2 MONTH)',
      snowflake: 'DATEADD(MONTH, 2, DT)',
      databricks: 'add_months(dt, 2)',
      redshift: 'CAST(DATEADD(month, 2, dt) AS DATE)',
      oracle: "LEAST(ADD_MONTHS(DT, 2), ADD_MONTHS(TRUNC(DT, 'MM'), 2) + (DT - TRUNC(DT, 'MM')))",
      tsql: 'DATEADD(MONTH, 2, dt)',
    },
  ],
  [
    "timestamp '2024-03-31 02:30:00'",
    {
      duckdb: "TIMESTAMP '2024-03-31 02:30:00'",
      postgres: "TIMESTAMP '2024-03-31 02:30:00'",
      bigquery: "DATETIME '2024-03-31 02:30:00'",
      snowflake: "CAST('2024-03-31 02:30:00' AS TIMESTAMP_NTZ)",
      databricks: "TIMESTAMP_NTZ '2024-03-31 02:30:00'",
      redshift: "TIMESTAMP '2024-03-31 02:30:00'",
      oracle: "TIMESTAMP '2024-03-31 02:30:00'",
      tsql: "CAST(N'2024-03-31 02:30:00' AS DATETIME2(6))",
    },
  ],
  [
    "regexp_like(txt, '\\d.')",
    {
      duckdb: "REGEXP_MATCHES(txt, '[0-9].')",
      postgres: "REGEXP_LIKE(txt, E'[0-9][^\\\\n]')",
      bigquery: "REGEXP_CONTAINS(txt, '[0-9].')",
      snowflake: "(REGEXP_INSTR(TXT, '[0-9].') > 0)",
      databricks: "(txt RLIKE '[0-9][^\\\\n]')",
      redshift: "(REGEXP_INSTR(txt, '[0-9][^\\\\n]', 1, 1, 0, 'p') > 0)",
      oracle:
        "CASE WHEN REGEXP_LIKE(TXT, '[0-9].', 'c') THEN 1 WHEN NOT (REGEXP_LIKE(TXT, '[0-9].', 'c')) THEN 0 END",
      tsql: UNSUPPORTED,
    },
  ],
  [
    "split_part(txt, ',', 2)",
    {
      duckdb: "SPLIT_PART(txt, ',', 2)",
      postgres: "SPLIT_PART(txt, ',', 2)",
      bigquery: "SPLIT(CONCAT(txt, ','), ',')[OFFSET(1)]",
      snowflake: "SPLIT_PART(TXT, ',', 2)",
      databricks: "SPLIT_PART(txt, ',', 2)",
      redshift: "SPLIT_PART(txt, ',', 2)",
      oracle:
        "CASE WHEN INSTR(TXT, ',', 1, 1) = 0 THEN NULL WHEN INSTR(TXT, ',', 1, 2) = 0 THEN SUBSTR(TXT, INSTR(TXT, ',', 1, 1) + LENGTH(',')) ELSE SUBSTR(TXT, INSTR(TXT, ',', 1, 1) + LENGTH(','), INSTR(TXT, ',', 1, 2) - (INSTR(TXT, ',', 1, 1) + LENGTH(','))) END",
      tsql: UNSUPPORTED,
    },
  ],
  [
    "format_date(dt, 'DD Mon YYYY')",
    {
      duckdb: "STRFTIME(dt, '%d %b %Y')",
      postgres: "TO_CHAR(CAST(dt AS TIMESTAMP), 'DD Mon YYYY')",
      bigquery: "FORMAT_DATE('%d %b %Y', dt)",
      snowflake: "TO_CHAR(DT, 'DD MON YYYY')",
      databricks:
        "(date_format(dt, 'dd') || ' ' || date_format(dt, 'MMM') || ' ' || date_format(dt, 'yyyy'))",
      redshift:
        "(TO_CHAR(CAST(dt AS TIMESTAMP), 'DD') || ' ' || TO_CHAR(CAST(dt AS TIMESTAMP), 'Mon') || ' ' || TO_CHAR(CAST(dt AS TIMESTAMP), 'YYYY'))",
      oracle: "TO_CHAR(DT, 'DD Mon YYYY', 'NLS_DATE_LANGUAGE=ENGLISH')",
      tsql: "(RIGHT(N'000' + CAST(DATEPART(DAY, dt) AS NVARCHAR(4)), 2) + N' ' + LEFT(DATENAME(MONTH, dt), 3) + N' ' + RIGHT(N'000' + CAST(DATEPART(YEAR, dt) AS NVARCHAR(4)), 4))",
    },
  ],
  [
    "'it''s \\ here'",
    {
      duckdb: "'it''s \\ here'",
      postgres: "E'it''s \\\\ here'",
      bigquery: "'it\\'s \\\\ here'",
      snowflake: "'it''s \\\\ here'",
      databricks: "'it\\'s \\\\ here'",
      redshift: "'it''s \\\\ here'",
      oracle: "'it''s \\ here'",
      tsql: "N'it''s \\ here'",
    },
  ],
];

describe('rendering per dialect', () => {
  for (const [expr, row] of MATRIX) {
    describe(expr, () => {
      for (const dialect of DIALECT_NAMES) {
        it(dialect, () => expect(render(expr, dialect)).toBe(row[dialect]));
      }
    });
  }
});
