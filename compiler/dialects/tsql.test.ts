/**
 * T-SQL pinned as exact text for each meaning of DESIGN.md §1.2 that T-SQL needs bridged, and for
 * the statements only Azure Synapse takes (its syntax is beyond the grammar of tsql-grammar.test.ts).
 * No SQL Server runs here: these prove what is written, not what the server computes — the README
 * lists what to verify first against a real server.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../diagnostics.js';
import { parseExpression } from '../expr/parser.js';
import { resolveExpr } from '../expr/resolve.js';
import { T, decimal } from '../schema/types.js';
import { SqlWriter } from '../sql/writer.js';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  createCatalog,
  formatDiagnostic,
  getDialect,
} from '../index.js';

const ts = getDialect('tsql');
const synapse = getDialect('tsql', { synapse: true });
const COLUMNS = [
  { name: 'i', type: T.int },
  { name: 'b', type: T.bigint },
  { name: 'd', type: T.double },
  { name: 'n', type: decimal(12, 2) },
  { name: 's', type: T.string },
  { name: 'dt', type: T.date },
  { name: 'ts', type: T.timestamp },
  { name: 'f', type: T.bool },
  { name: 'g', type: T.geography },
  { name: 'h', type: T.geography },
];

function render(expr: string, dialect = ts): string {
  const resolved = resolveExpr(parseExpression(expr), [{ port: 'in', columns: COLUMNS }], {
    params: new Map(),
    aggregates: 'allowed',
    windows: 'forbidden',
    context: 'a test',
  });
  return new SqlWriter(dialect).expr(resolved.expr);
}

function refusal(expr: string, dialect = ts): UnsupportedError {
  try {
    render(expr, dialect);
  } catch (e) {
    if (e instanceof UnsupportedError) return e;
    throw e;
  }
  throw new Error(`${expr} rendered on tsql`);
}

const catalog = createCatalog([{ parts: ['sales', 't'], columns: COLUMNS.slice(0, 8) }]);

function compile(nodes: Array<Record<string, unknown>>, dialectOptions = {}) {
  const a = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'ms',
      nodes: [{ id: 'src', type: 'source.table', config: { table: 'sales.t' } }, ...nodes],
    },
    { dialect: 'tsql', catalog, dialectOptions },
  );
  expect(a.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return a;
}

const preview = (nodes: Array<Record<string, unknown>>, node: string) =>
  compilePreview(compile(nodes), { node }).query!.sql;

const planOf = (mode: string, dialectOptions = {}, keys?: string[]) =>
  compilePlan(
    compile(
      [
        {
          id: 'out',
          type: 'output.table',
          inputs: { in: 'src' },
          config: { table: 'sales.o', mode, ...(keys ? { keys } : {}) },
        },
      ],
      dialectOptions,
    ),
    { runId: 'r1' },
  ).plan!;

describe('T-SQL: names and literals', () => {
  it('brackets names, doubling ], and reads [..] in table names', () => {
    expect(ts.quoteIdent('amount')).toBe('amount');
    expect(ts.quoteIdent('odd]name x')).toBe('[odd]]name x]');
    expect(ts.quoteIdent('key')).toBe('[key]');
    expect(ts.quoteIdent('top')).toBe('[top]');
    expect(ts.parseTableName('[dbo].[Odd ]]x]')).toEqual(['dbo', 'Odd ]x']);
    expect(ts.parseTableName('analytics."q""t"')).toEqual(['analytics', 'q"t']);
    expect(ts.sameName('Orders', 'orders')).toBe(true);
  });

  it('writes N-prefixed text, typed dates and timestamps, and floats that are floats', () => {
    expect(render("'it''s é'")).toBe("N'it''s é'");
    expect(render("date '2024-01-31'")).toBe("CAST(N'2024-01-31' AS DATE)");
    expect(render("timestamp '2024-01-31 10:00:00'")).toBe("CAST(N'2024-01-31 10:00:00' AS DATETIME2(6))");
    // 1.5 is DECIMAL in T-SQL, as edgeflow types it; a double-typed literal is cast.
    expect(render('d + 1.5')).toBe('d + 1.5');
    expect(ts.numberLiteral('2.5', T.double, new SqlWriter(ts))).toBe('CAST(2.5 AS FLOAT)');
  });
});

describe('T-SQL: §1.2 meanings bridged', () => {
  it('/ is true division between integers; div truncates; % is null for zero', () => {
    expect(render('i / b')).toBe('CAST(i AS FLOAT) / NULLIF(b, 0)');
    expect(render('div(i, b)')).toBe('CAST(i / NULLIF(b, 0) AS BIGINT)');
    expect(render('div(d, 2)')).toBe('CAST(ROUND(d / 2, 0, 1) AS BIGINT)');
    expect(render('i % b')).toBe('i % NULLIF(b, 0)');
    expect(render('d % 2')).toBe('(d - 2 * ROUND(d / 2, 0, 1))');
  });

  it('|| and concat are null when a part is null (+, not CONCAT)', () => {
    expect(render("s || '-' || i")).toBe("s + N'-' + CAST(i AS NVARCHAR(MAX))");
    expect(render("concat(s, 'x')")).toBe("(s + N'x')");
  });

  it('a condition used as a value is a BIT (null when unknown); a BIT used as a condition is = 1', () => {
    expect(render('i > 1')).toBe(
      'CASE WHEN i > 1 THEN CAST(1 AS BIT) WHEN NOT (i > 1) THEN CAST(0 AS BIT) END',
    );
    expect(render('true')).toBe('CAST(1 AS BIT)');
    const sql = preview(
      [{ id: 'w', type: 'filter', inputs: { in: 'src' }, config: { where: 'f AND NOT f' } }],
      'w',
    );
    expect(sql).toContain('WHERE f = 1 AND NOT f = 1');
    const rejected = compilePreview(
      compile([{ id: 'w', type: 'filter', inputs: { in: 'src' }, config: { where: 'i > 1' } }]),
      { node: 'w', port: 'rejected' },
    ).query!.sql;
    expect(rejected).toContain('WHERE CASE WHEN i > 1 THEN 0 ELSE 1 END = 1');
  });

  it('sorts nulls last ascending with an IS NULL key (T-SQL puts them first), first descending when asked', () => {
    const sql = preview(
      [
        {
          id: 'o',
          type: 'sort',
          inputs: { in: 'src' },
          config: { by: ['s', { expr: 'i', desc: true, nulls: 'first' }, { expr: 'b', nulls: 'first' }] },
        },
      ],
      'o',
    );
    expect(sql).toContain(
      'ORDER BY CASE WHEN s IS NULL THEN 1 ELSE 0 END, s, CASE WHEN i IS NULL THEN 0 ELSE 1 END, i DESC, b\nOFFSET 0 ROWS',
    );
  });

  it('limits with TOP, skips with OFFSET … FETCH (ordered by (SELECT NULL) when nothing else)', () => {
    expect(preview([{ id: 'l', type: 'limit', inputs: { in: 'src' }, config: { count: 5 } }], 'l')).toMatch(
      /SELECT TOP \(5\) i, b/,
    );
    const skipped = preview(
      [{ id: 'l', type: 'limit', inputs: { in: 'src' }, config: { count: 5, offset: 10 } }],
      'l',
    );
    expect(skipped).toContain('ORDER BY (SELECT NULL)\n    OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY');
    expect(ts.limitClause(5, 10, true)).toEqual(['OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY']);
    expect(ts.selectTop(0, 10, true)).toBe('TOP (0) ');
  });

  it('length counts trailing spaces (LEN does not); substr counts from the end for a negative start', () => {
    expect(render('length(s)')).toBe("CAST((LEN(s + N'x') - 1) AS BIGINT)");
    expect(render('substr(s, -3, 2)')).toBe(
      "SUBSTRING(s, CASE WHEN (-3) < 0 THEN (LEN(s + N'x') - 1) + (-3) + 1 ELSE (-3) END, 2)",
    );
  });

  it('LIKE is case-sensitive and reads [ literally; ILIKE is not case-sensitive; replace is case-sensitive', () => {
    expect(render("s LIKE 'a[b]%'")).toBe(
      "CASE WHEN s COLLATE Latin1_General_100_BIN2 LIKE N'a\\[b]%' ESCAPE N'\\' THEN CAST(1 AS BIT) WHEN NOT (s COLLATE Latin1_General_100_BIN2 LIKE N'a\\[b]%' ESCAPE N'\\') THEN CAST(0 AS BIT) END",
    );
    const where = preview(
      [{ id: 'w', type: 'filter', inputs: { in: 'src' }, config: { where: "s ILIKE 'ab%'" } }],
      'w',
    );
    expect(where).toContain("WHERE LOWER(s) COLLATE Latin1_General_100_BIN2 LIKE LOWER(N'ab%')");
    expect(render("replace(s, 'a', 'b')")).toBe(
      "REPLACE(s COLLATE Latin1_General_100_BIN2, N'a', N'b') COLLATE DATABASE_DEFAULT",
    );
  });

  it('date_diff counts boundaries, weeks from Monday (DATEDIFF weeks start on Sunday: shifted a day)', () => {
    expect(render("date_diff('day', dt, dt)")).toBe('CAST(DATEDIFF(DAY, dt, dt) AS BIGINT)');
    expect(render("date_diff('week', dt, dt)")).toBe(
      'CAST(DATEDIFF(WEEK, DATEADD(DAY, -1, dt), DATEADD(DAY, -1, dt)) AS BIGINT)',
    );
    expect(render("date_diff('second', ts, ts)")).toBe('CAST(DATEDIFF_BIG(SECOND, ts, ts) AS BIGINT)');
    expect(render("date_diff('second', ts, ts)", synapse)).toBe('CAST(DATEDIFF(SECOND, ts, ts) AS BIGINT)');
  });

  it('weeks are ISO: DATEPART(ISO_WEEK), Monday = 1 whatever @@DATEFIRST, Monday-based date_trunc', () => {
    expect(render('extract(week from dt)')).toBe('CAST(DATEPART(ISO_WEEK, dt) AS BIGINT)');
    expect(render('extract(dow from dt)')).toBe(
      'CAST(((DATEPART(WEEKDAY, dt) + @@DATEFIRST + 5) % 7 + 1) AS BIGINT)',
    );
    expect(render('extract(isoyear from dt)')).toBe(
      'CAST(DATEPART(YEAR, DATEADD(DAY, 4 - ((DATEPART(WEEKDAY, dt) + @@DATEFIRST + 5) % 7 + 1), dt)) AS BIGINT)',
    );
    expect(render("date_trunc('week', dt)")).toBe(
      "CAST(DATEADD(DAY, -((DATEDIFF(DAY, '19000101', dt) % 7 + 7) % 7), CAST(dt AS DATE)) AS DATE)",
    );
    expect(render("date_trunc('month', ts)")).toBe(
      "CAST(DATEADD(MONTH, DATEDIFF(MONTH, '19000101', ts), CAST('19000101' AS DATETIME2(6))) AS DATETIME2(6))",
    );
  });

  it('round halves away from zero; aggregates keep their portable types', () => {
    expect(render('round(n, 1)')).toBe('ROUND(n, 1)');
    expect(render('round(d)')).toBe(
      '(SIGN((d * POWER(CAST(10 AS DOUBLE PRECISION), 0))) * FLOOR(ABS((d * POWER(CAST(10 AS DOUBLE PRECISION), 0))) + 0.5) / POWER(CAST(10 AS DOUBLE PRECISION), 0))',
    );
    expect(render('count(*)')).toBe('COUNT_BIG(*)');
    expect(render('sum(i)')).toBe('SUM(CAST(i AS BIGINT))');
    expect(render('avg(i)')).toBe('AVG(CAST(i AS FLOAT))');
    expect(render('max(f)')).toBe('CAST(MAX(CAST(f AS TINYINT)) AS BIT)');
    expect(render('greatest(i, b)')).toBe(
      'CASE WHEN i IS NULL OR b IS NULL THEN NULL ELSE CASE WHEN i >= b THEN i ELSE b END END',
    );
  });

  it('refuses, with the reason, what T-SQL cannot say', () => {
    expect(refusal("regexp_like(s, 'a+')").message).toMatch(/regexp_like\(\) is not available on SQL Server/);
    expect(refusal("split_part(s, ',', 1)").message).toMatch(/STRING_SPLIT/);
    expect(refusal('median(d)').message).toMatch(/window function only/);
  });
});

describe('T-SQL: the spatial pack on geography', () => {
  it('measures points on the sphere, other shapes with STDistance; predicates are = 1', () => {
    expect(render('st_distance(g, h)')).toBe(
      "CASE WHEN g.STGeometryType() = N'Point' AND h.STGeometryType() = N'Point' THEN 2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(h.Lat - g.Lat) / 2), 2) + COS(RADIANS(g.Lat)) * COS(RADIANS(h.Lat)) * POWER(SIN(RADIANS(h.Long - g.Long) / 2), 2))) ELSE g.STDistance(h) END",
    );
    expect(render('st_intersects(g, h)')).toBe(
      'CASE WHEN g.STIntersects(h) = 1 THEN CAST(1 AS BIT) WHEN NOT (g.STIntersects(h) = 1) THEN CAST(0 AS BIT) END',
    );
    expect(render('st_buffer(g, 100)')).toBe('g.STBuffer(100)');
    expect(render('st_point(d, d)')).toBe(
      'CASE WHEN d BETWEEN -90 AND 90 THEN geography::Point(d, d, 4326) END',
    );
  });

  it('has no H3, GeoJSON or centroid; Synapse has no geography at all', () => {
    expect(refusal('h3_from_point(g, 8)').message).toMatch(/SQL Server has no H3 functions/);
    expect(refusal('st_asgeojson(g)').message).toMatch(/no GeoJSON writer/);
    expect(refusal('st_centroid(g)').message).toMatch(/no centroid/);
    expect(refusal('st_buffer(g, 100)', synapse).message).toMatch(
      /Synapse dedicated SQL pools: they have no geography type/,
    );
  });
});

describe('T-SQL: statements', () => {
  it('SQL Server replaces beside the target: SELECT … INTO, DROP, sp_rename, in one transaction', () => {
    const step = planOf('replace').steps.find((s) => s.kind === 'write')!;
    expect(step.transactional).toBe(true);
    expect(step.statements).toEqual([
      "IF OBJECT_ID(N'sales.ef_r1_o_new', N'U') IS NOT NULL\nDROP TABLE sales.ef_r1_o_new",
      'WITH\n  src AS (\n    SELECT i, b, d, n, s, dt, ts, f\n    FROM sales.t\n  )\nSELECT * INTO sales.ef_r1_o_new\nFROM (\n  SELECT *\n  FROM src\n) AS _ef_q',
      "IF OBJECT_ID(N'sales.o', N'U') IS NOT NULL\nDROP TABLE sales.o",
      "EXEC sp_rename N'sales.ef_r1_o_new', N'o'",
    ]);
  });

  it('SQL Server merges with MERGE …; after the CTEs, and creates the target if missing', () => {
    const step = planOf('merge', {}, ['i']).steps.find((s) => s.kind === 'write')!;
    expect(step.statements[0]).toMatch(
      /^IF OBJECT_ID\(N'sales.o', N'U'\) IS NULL\nCREATE TABLE sales.o \(\n {2}i INT,/,
    );
    expect(step.statements[1]).toMatch(
      /^WITH\n[\s\S]*\n {2}\)\nMERGE INTO sales.o AS _tgt\nUSING \(\n {2}SELECT \*\n {2}FROM src\n\) AS _src\nON _tgt.i = _src.i\n/,
    );
    expect(step.statements[1]).toMatch(
      /WHEN NOT MATCHED THEN INSERT \(i, b, d, n, s, dt, ts, f\) VALUES \(.*\);$/,
    );
  });

  it('Synapse: CTAS and RENAME OBJECT (no transaction), and no MERGE or CTE before INSERT', () => {
    const replace = planOf('replace', { synapse: true }).steps.find((s) => s.kind === 'write')!;
    expect(replace.transactional).toBe(false);
    expect(replace.statements[1]).toBe(
      'CREATE TABLE sales.ef_r1_o_new\nWITH (DISTRIBUTION = ROUND_ROBIN)\nAS\nWITH\n  src AS (\n    SELECT i, b, d, n, s, dt, ts, f\n    FROM sales.t\n  )\nSELECT *\nFROM src',
    );
    expect(replace.statements[3]).toBe('RENAME OBJECT sales.ef_r1_o_new TO o');
    const merge = planOf('merge', { synapse: true }, ['i']).steps.find((s) => s.kind === 'write')!;
    expect(merge.statements[1]).toBe(
      [
        'CREATE TABLE #ef_src\nWITH (DISTRIBUTION = ROUND_ROBIN)\nAS\nWITH\n  src AS (\n    SELECT i, b, d, n, s, dt, ts, f\n    FROM sales.t\n  )\nSELECT *\nFROM src;',
        'UPDATE sales.o\nSET b = _src.b, d = _src.d, n = _src.n, s = _src.s, dt = _src.dt, ts = _src.ts, f = _src.f\nFROM #ef_src AS _src\nWHERE sales.o.i = _src.i;',
        'INSERT INTO sales.o (i, b, d, n, s, dt, ts, f)\nSELECT _src.i, _src.b, _src.d, _src.n, _src.s, _src.dt, _src.ts, _src.f\nFROM #ef_src AS _src\nWHERE NOT EXISTS (SELECT 1 FROM sales.o AS _tgt WHERE _tgt.i = _src.i);',
        'DROP TABLE #ef_src;',
      ].join('\n'),
    );
    const append = planOf('append', { synapse: true }).steps.find((s) => s.kind === 'write')!;
    expect(append.statements.at(-1)).toMatch(
      /^CREATE TABLE #ef_src\n[\s\S]*\nINSERT INTO sales.o \(i, b, d, n, s, dt, ts, f\)\nSELECT i, b, d, n, s, dt, ts, f FROM #ef_src;\nDROP TABLE #ef_src;$/,
    );
    expect(synapse.typeName(T.string)).toBe('NVARCHAR(4000)');
    expect(ts.typeName(T.string)).toBe('NVARCHAR(MAX)');
  });
});
