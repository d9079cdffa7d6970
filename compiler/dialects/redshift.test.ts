/**
 * Redshift's SQL pinned as exact text where it differs from PostgreSQL's or is Redshift-only, so
 * it cannot be run on the PostgreSQL of test/execution/redshift-on-postgres.test.ts: names stored
 * lower-case, backslash escapes in strings, leader-node functions avoided (SUBSTR, LOG,
 * CURRENT_TIMESTAMP), AVG of integers, ROWS-only window frames, PCRE regular expressions, the
 * merge through a staged table, SORTKEY, and the spatial pack (GEOMETRY, ST_DistanceSphere, H3_*).
 * Function names follow https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_functions.html.
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

const rs = getDialect('redshift');
const COLUMNS = [
  { name: 'i', type: T.int },
  { name: 'b', type: T.bigint },
  { name: 'd', type: T.double },
  { name: 'n', type: decimal(12, 2) },
  { name: 's', type: T.string },
  { name: 'dt', type: T.date },
  { name: 'ts', type: T.timestamp },
  { name: 'tz', type: T.timestamptz },
  { name: 'g', type: T.geography },
  { name: 'zone', type: T.geography },
  { name: 'lon', type: T.double },
  { name: 'lat', type: T.double },
  { name: 'cell', type: T.string },
];

function render(expr: string): string {
  const resolved = resolveExpr(parseExpression(expr), [{ port: 'in', columns: COLUMNS }], {
    params: new Map(),
    aggregates: 'allowed',
    windows: 'forbidden',
    context: 'a test',
  });
  return new SqlWriter(rs).expr(resolved.expr);
}

function refusal(expr: string): UnsupportedError {
  try {
    render(expr);
  } catch (e) {
    if (e instanceof UnsupportedError) return e;
    throw e;
  }
  throw new Error(`${expr} rendered on redshift`);
}

const catalog = createCatalog([{ parts: ['sales', 't'], columns: COLUMNS.slice(0, 8) }]);

function compile(nodes: Array<Record<string, unknown>>) {
  const analysis = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'rs',
      nodes: [{ id: 'src', type: 'source.table', config: { table: 'sales.t' } }, ...nodes],
    },
    { dialect: 'redshift', catalog },
  );
  return analysis;
}

describe('Redshift: names and literals', () => {
  it('stores every name lower-case, quoted or not, and quotes its own reserved words', () => {
    expect(rs.parseTableName('Sales.T')).toEqual(['sales', 't']);
    expect(rs.newColumnName('Revenue Due')).toBe('revenue due');
    expect(rs.sameName('Odd', 'odd')).toBe(true);
    expect(rs.quoteIdent('tag')).toBe('"tag"');
    expect(rs.quoteIdent('open')).toBe('"open"');
    expect(rs.quoteIdent('amount')).toBe('amount');
  });

  it('writes every name lower-case, so the SQL means the same with enable_case_sensitive_identifier on', () => {
    expect(rs.quoteIdent('Mixed Case')).toBe('"mixed case"');
    expect(rs.quoteIdent('Amount')).toBe('amount');
    expect(rs.quoteIdent('x"; DROP TABLE t; --')).toBe('"x""; drop table t; --"');
    // A quoted reference names the stored (lower-case) column; two names that differ only in case clash.
    const a = compile([
      {
        id: 'v',
        type: 'source.values',
        config: {
          columns: [
            { name: 'A', type: 'int' },
            { name: 'a', type: 'int' },
          ],
          rows: [[1, 2]],
        },
      },
    ]);
    expect(a.diagnostics.map((d) => d.code)).toContain('DUPLICATE_COLUMN');
  });

  it("writes backslashes doubled in '…' (Redshift reads escapes there) and no E'' strings", () => {
    expect(rs.stringLiteral("it's \\ here")).toBe("'it''s \\\\ here'");
    expect(render("s LIKE 'a\\%b'")).toBe("s LIKE 'a\\\\%b'");
  });

  it('text is VARCHAR(65535): TEXT would be VARCHAR(256)', () => {
    expect(render('CAST(i AS string)')).toBe('CAST(i AS VARCHAR(65535))');
    expect(rs.typeName(T.geography)).toBe('GEOMETRY');
  });
});

describe('Redshift: one meaning in every dialect (DESIGN.md §1.2), as exact text', () => {
  it('/ is true division, div() integer division, % and / by zero are null', () => {
    expect(render('i / b')).toBe('CAST(i AS DOUBLE PRECISION) / NULLIF(b, 0)');
    expect(render('div(i, b)')).toBe('CAST(i / NULLIF(b, 0) AS BIGINT)');
    expect(render('i % b')).toBe('MOD(i, NULLIF(b, 0))');
  });

  it('|| and concat are null when an argument is null (Redshift’s || is; CONCAT takes two arguments)', () => {
    expect(render('s || s')).toBe('s || s');
    expect(render("concat(s, s, 'x')")).toBe("(s || s || 'x')");
  });

  it('LIKE is case-sensitive and ILIKE is not, as in Redshift', () => {
    expect(render("s LIKE 'a%'")).toBe("s LIKE 'a%'");
    expect(render("s ILIKE 'a%'")).toBe("s ILIKE 'a%'");
  });

  it('weeks start on Monday, and dow counts 1 = Monday … 7 = Sunday', () => {
    expect(render("date_trunc('week', ts)")).toBe("DATE_TRUNC('week', ts)");
    expect(render("date_trunc('week', dt)")).toBe("CAST(DATE_TRUNC('week', dt) AS DATE)");
    expect(render('extract(dow from dt)')).toBe(
      'CAST(MOD(CAST(EXTRACT(DOW FROM CAST(dt AS TIMESTAMP)) AS INTEGER) + 6, 7) + 1 AS BIGINT)',
    );
  });

  it('round halves away from zero (ROUND of a decimal does; a double is rounded by hand)', () => {
    expect(render('round(n, 1)')).toBe('ROUND(n, 1)');
    expect(render('round(d)')).toBe(
      '(SIGN((d * POWER(CAST(10 AS DOUBLE PRECISION), 0))) * FLOOR(ABS((d * POWER(CAST(10 AS DOUBLE PRECISION), 0))) + 0.5) / POWER(CAST(10 AS DOUBLE PRECISION), 0))',
    );
  });

  it('sort puts nulls last unless told, and timestamps are without time zone unless timestamptz', () => {
    const a = compile([
      {
        id: 'o',
        type: 'sort',
        inputs: { in: 'src' },
        config: { by: ['s', { expr: 'i', desc: true, nulls: 'first' }] },
      },
    ]);
    const p = compilePreview(a, { node: 'o' });
    expect(
      [...a.diagnostics, ...p.diagnostics].filter((d) => d.severity === 'error').map(formatDiagnostic),
    ).toEqual([]);
    const sql = p.query!.sql;
    expect(sql).toContain('ORDER BY s NULLS LAST, i DESC NULLS FIRST');
    expect(rs.typeName(T.timestamp)).toBe('TIMESTAMP');
    expect(rs.typeName(T.timestamptz)).toBe('TIMESTAMPTZ');
  });
});

describe('Redshift: functions', () => {
  it('avoids the leader-node functions SUBSTR, LOG and CURRENT_TIMESTAMP', () => {
    expect(render('substr(s, 2, 3)')).toBe('SUBSTRING(s, 2, 3)');
    expect(render('substr(s, 2)')).toBe('SUBSTRING(s, 2, LENGTH(s) + 1)');
    expect(render('log10(d)')).toBe('DLOG10(d)');
    expect(render('current_timestamp()')).toBe('CAST(SYSDATE AS TIMESTAMPTZ)');
    expect(rs.currentTimestampSql).toBe('GETDATE()');
  });

  it('averages integers as doubles (Redshift truncates AVG of integers)', () => {
    expect(render('avg(i)')).toBe('AVG(CAST(i AS DOUBLE PRECISION))');
    expect(render('stddev(n)')).toBe('STDDEV_SAMP(CAST(n AS DOUBLE PRECISION))');
    expect(render('sum(b)')).toBe('CAST(SUM(b) AS BIGINT)');
  });

  it('any_value is MAX where it can order (a non-null value), string_agg is LISTAGG', () => {
    expect(render('any_value(s)')).toBe('MAX(s)');
    expect(render('any_value(g)')).toBe('ANY_VALUE(g)');
    expect(render("string_agg(s, ', ')")).toBe("LISTAGG(s, ', ')");
    expect(render('median(d)')).toBe('PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY d)');
  });

  it('writes the date parts Redshift lacks (isodow, isoyear) from DOW and TO_CHAR, and adds with DATEADD', () => {
    expect(render('extract(dow from dt)')).toBe(
      'CAST(MOD(CAST(EXTRACT(DOW FROM CAST(dt AS TIMESTAMP)) AS INTEGER) + 6, 7) + 1 AS BIGINT)',
    );
    expect(render('extract(isoyear from ts)')).toBe("CAST(TO_CHAR(ts, 'IYYY') AS BIGINT)");
    expect(render("date_add(dt, 1, 'month')")).toBe('CAST(DATEADD(month, 1, dt) AS DATE)');
    expect(render("date_add(tz, 3, 'hour')")).toBe('DATEADD(hour, 3, tz)');
    expect(render("format_date(ts, 'Month YYYY')")).toBe(
      "(RTRIM(TO_CHAR(ts, 'Month')) || ' ' || TO_CHAR(ts, 'YYYY'))",
    );
  });

  it('reads patterns as PCRE (the p parameter): null without a match, one group by rewriting', () => {
    expect(render("regexp_like(s, 'a.$')")).toBe("(REGEXP_INSTR(s, 'a[^\\\\n]\\\\z', 1, 1, 0, 'p') > 0)");
    expect(render("regexp_extract(s, '(a)|(b)', 2)")).toBe(
      "CASE WHEN (REGEXP_INSTR(s, '(a)|(b)', 1, 1, 0, 'p') > 0) THEN REGEXP_SUBSTR(s, '(?:a)|(b)', 1, 1, 'pe') END",
    );
    expect(render("regexp_replace(s, '\\s+', ' ')")).toBe(
      "REGEXP_REPLACE(s, '[\\\\t\\\\n\\\\f\\\\r ]+', ' ', 1, 'p')",
    );
    expect(refusal("regexp_replace(s, '(a)', '<\\1>')").reason).toMatch(
      /no group reference in a REGEXP_REPLACE replacement/,
    );
    expect(refusal('regexp_extract(s, s, 1)').reason).toMatch(/pattern written as a literal/);
  });
});

describe('Redshift: windows are ROWS only', () => {
  const window = (config: Record<string, unknown>) =>
    compile([{ id: 'w', type: 'window', inputs: { in: 'src' }, config: { partitionBy: ['s'], ...config } }]);
  const sqlOf = (config: Record<string, unknown>) =>
    compilePreview(window(config), { node: 'w' }).query?.sql ?? '';

  it('an aggregate over an ordered window needs a rows frame, and says how to give one', () => {
    const { diagnostics } = compilePreview(window({ orderBy: ['ts'], columns: { t: 'sum(n)' } }), {
      node: 'w',
    });
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(
      /over an ordered window without a frame counts tied rows together/,
    );
  });

  it('writes rows frames, first_value over the default frame, and the whole partition without an order', () => {
    const rows = window({
      orderBy: ['ts'],
      columns: { t: 'sum(n)', f: 'first_value(s)' },
      frame: { unit: 'rows', from: 'unbounded', to: 0 },
    });
    expect(rows.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plain = sqlOf({ columns: { t: 'sum(n)' } });
    expect(plain).toContain('SUM(n) OVER (PARTITION BY s) AS t');
    expect(sqlOf({ columns: { t: 'sum(b)' } })).toContain(
      'CAST(SUM(b) OVER (PARTITION BY s) AS BIGINT) AS t',
    );
    const first = sqlOf({ orderBy: ['ts'], columns: { f: 'first_value(s)' } });
    expect(first).toContain(
      'FIRST_VALUE(s) OVER (PARTITION BY s ORDER BY ts NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    );
  });
});

describe('Redshift: write statements', () => {
  const steps = (config: Record<string, unknown>) => {
    const analysis = compile([{ id: 'o', type: 'output.table', inputs: { in: 'src' }, config }]);
    const { plan, diagnostics } = compilePlan(analysis, { runId: 'r1' });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    return plan!.steps;
  };

  it('replace builds beside the target and swaps it in one transaction; clusterBy is the SORTKEY', () => {
    const [step] = steps({ table: 'analytics.r', clusterBy: ['s', 'dt'] });
    expect(step!.transactional).toBe(true);
    expect(step!.statements[1]).toMatch(/^CREATE TABLE analytics\.ef_r1_r_new\nSORTKEY \(s, dt\) AS\nWITH\n/);
    expect(step!.statements.slice(2)).toEqual([
      'DROP TABLE IF EXISTS analytics.r',
      'ALTER TABLE analytics.ef_r1_r_new RENAME TO r',
    ]);
  });

  it('merge stages the rows in a temporary table (MERGE reads a table), with both WHEN clauses', () => {
    const [step] = steps({ table: 'analytics.r', mode: 'merge', keys: ['i', 's'] });
    expect(step!.transactional).toBe(true);
    const [, stage, merge, unstage] = step!.statements;
    expect(stage).toMatch(/^CREATE TEMP TABLE _ef_merge_src AS\nWITH\n/);
    expect(merge).toBe(
      [
        'MERGE INTO analytics.r',
        'USING _ef_merge_src AS _src',
        'ON r.i = _src.i AND r.s = _src.s',
        'WHEN MATCHED THEN UPDATE SET b = _src.b, d = _src.d, n = _src.n, dt = _src.dt, ts = _src.ts, tz = _src.tz',
        'WHEN NOT MATCHED THEN INSERT (i, b, d, n, s, dt, ts, tz) VALUES (_src.i, _src.b, _src.d, _src.n, _src.s, _src.dt, _src.ts, _src.tz)',
      ].join('\n'),
    );
    expect(unstage).toBe('DROP TABLE _ef_merge_src');
  });
});

describe('Redshift: the spatial pack', () => {
  it('holds geography as GEOMETRY with SRID 4326 and measures distance on the sphere (points)', () => {
    expect(render('st_point(lon, lat)')).toBe(
      'CASE WHEN lat BETWEEN -90 AND 90 THEN ST_SetSRID(ST_Point(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE lon - 360 * FLOOR((lon + 180) / 360) END, lat), 4326) END',
    );
    expect(render('st_distance(g, zone)')).toBe('ST_DistanceSphere(g, zone, 6371008.8)');
    expect(render('st_dwithin(g, zone, 2000)')).toBe('(ST_DistanceSphere(g, zone, 6371008.8) <= 2000)');
    expect(render('st_contains(zone, g)')).toBe('ST_Covers(zone, g)');
    expect(render('st_within(g, zone)')).toBe('ST_CoveredBy(g, zone)');
    expect(render('CAST(g AS string)')).toBe('ST_AsText(g)');
  });

  it('refuses what Redshift cannot do on the sphere, saying why', () => {
    expect(refusal('st_area(zone)').reason).toMatch(/GEOGRAPHY on the spheroid/);
    expect(refusal('st_buffer(g, 10)').reason).toMatch(/degrees/);
    expect(refusal('st_union_agg(zone)').reason).toMatch(/no union aggregate/);
  });

  it('writes H3 cells (BIGINT in Redshift) as lower-case hex text', () => {
    expect(render('h3_from_point(g, 8)')).toBe(
      'LOWER(TO_HEX(H3_FromLongLat(ST_X(g), ST_Y(g), CAST(8 AS INTEGER))))',
    );
    expect(render('h3_center(cell)')).toBe('ST_SetSRID(H3_Center(cell), 4326)');
    expect(render('h3_parent(cell, 5)')).toBe(
      'CASE WHEN 5 <= H3_Resolution(cell) THEN LOWER(TO_HEX(H3_ToParent(cell, 5))) END',
    );
  });
});
