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
  const m = /\n\s+SELECT (.*) AS x\n/i.exec(sql ?? '');
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
    },
  ],
  [
    'div(i, 7)',
    {
      duckdb: 'CAST(i // 7 AS BIGINT)',
      postgres: 'CAST(i / 7 AS BIGINT)',
      bigquery: 'DIV(i, 7)',
      snowflake: 'CAST(TRUNC(I / 7) AS BIGINT)',
    },
  ],
  [
    "txt || '-' || i",
    {
      duckdb: "txt || '-' || CAST(i AS VARCHAR)",
      postgres: "txt || '-' || CAST(i AS TEXT)",
      bigquery: "txt || '-' || CAST(i AS STRING)",
      snowflake: "TXT || '-' || CAST(I AS VARCHAR)",
    },
  ],
  [
    "txt ILIKE 'a%'",
    {
      duckdb: "txt ILIKE 'a%'",
      postgres: "txt ILIKE 'a%'",
      bigquery: "LOWER(txt) LIKE LOWER('a%')",
      snowflake: "TXT ILIKE 'a%'",
    },
  ],
  [
    "date_trunc('week', ts)",
    {
      duckdb: "DATE_TRUNC('week', ts)",
      postgres: "DATE_TRUNC('week', ts)",
      bigquery: 'DATETIME_TRUNC(ts, WEEK(MONDAY))',
      snowflake: "DATE_TRUNC('week', TS)",
    },
  ],
  [
    'extract(dow from dt)',
    {
      duckdb: 'CAST(EXTRACT(ISODOW FROM dt) AS BIGINT)',
      postgres: 'CAST(EXTRACT(ISODOW FROM dt) AS BIGINT)',
      bigquery: 'MOD(EXTRACT(DAYOFWEEK FROM dt) + 5, 7) + 1',
      snowflake: 'DAYOFWEEKISO(DT)',
    },
  ],
  [
    'round(d, 1)',
    {
      duckdb: 'ROUND(d, 1)',
      postgres: 'ROUND(CAST(d AS NUMERIC), 1)',
      bigquery: 'ROUND(d, 1)',
      snowflake: 'ROUND(D, 1)',
    },
  ],
  [
    'greatest(d, e)',
    {
      duckdb: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      postgres: 'CASE WHEN d IS NULL OR e IS NULL THEN NULL ELSE GREATEST(d, e) END',
      bigquery: 'GREATEST(d, e)',
      snowflake: 'GREATEST(D, E)',
    },
  ],
  [
    "date_add(dt, 2, 'month')",
    {
      duckdb: "CAST(dt + 2 * INTERVAL '1 month' AS DATE)",
      postgres: "CAST(dt + 2 * INTERVAL '1 month' AS DATE)",
      bigquery: 'DATE_ADD(dt, INTERVAL 2 MONTH)',
      snowflake: 'DATEADD(MONTH, 2, DT)',
    },
  ],
  [
    "timestamp '2024-03-31 02:30:00'",
    {
      duckdb: "TIMESTAMP '2024-03-31 02:30:00'",
      postgres: "TIMESTAMP '2024-03-31 02:30:00'",
      bigquery: "DATETIME '2024-03-31 02:30:00'",
      snowflake: "CAST('2024-03-31 02:30:00' AS TIMESTAMP_NTZ)",
    },
  ],
  [
    "regexp_like(txt, '\\d.')",
    {
      duckdb: "REGEXP_MATCHES(txt, '[0-9].')",
      postgres: "REGEXP_LIKE(txt, E'[0-9][^\\\\n]')",
      bigquery: "REGEXP_CONTAINS(txt, '[0-9].')",
      snowflake: "(REGEXP_INSTR(TXT, '[0-9].') > 0)",
    },
  ],
  [
    "split_part(txt, ',', 2)",
    {
      duckdb: "SPLIT_PART(txt, ',', 2)",
      postgres: "SPLIT_PART(txt, ',', 2)",
      bigquery: "SPLIT(CONCAT(txt, ','), ',')[OFFSET(1)]",
      snowflake: "SPLIT_PART(TXT, ',', 2)",
    },
  ],
  [
    "format_date(dt, 'DD Mon YYYY')",
    {
      duckdb: "STRFTIME(dt, '%d %b %Y')",
      postgres: "TO_CHAR(CAST(dt AS TIMESTAMP), 'DD Mon YYYY')",
      bigquery: "FORMAT_DATE('%d %b %Y', dt)",
      snowflake: "TO_CHAR(DT, 'DD MON YYYY')",
    },
  ],
  [
    "'it''s \\ here'",
    {
      duckdb: "'it''s \\ here'",
      postgres: "E'it''s \\\\ here'",
      bigquery: "'it\\'s \\\\ here'",
      snowflake: "'it''s \\\\ here'",
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
