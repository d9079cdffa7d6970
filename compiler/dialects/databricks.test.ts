/**
 * Databricks cannot run here and Spark's grammar judges syntax only, so what the SQL means is
 * pinned as exact text, one test per meaning of DESIGN.md §1.2 under ANSI mode (a division by zero
 * or a bad cast is an error there): true and integer division, null ordering, ISO weeks, the
 * time-zone-free handling of TIMESTAMP_NTZ, rounding, string escapes; then Unity Catalog's
 * three-part names, the write statements (CREATE OR REPLACE TABLE, Delta MERGE, CLUSTER BY), and
 * the spatial pack (Databricks' st_* and h3_* functions, and what is UNSUPPORTED and why).
 * Function names follow https://docs.databricks.com/sql/language-manual/sql-ref-functions-builtin-alpha.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../diagnostics.js';
import { parseExpression } from '../expr/parser.js';
import { resolveExpr } from '../expr/resolve.js';
import { T, decimal } from '../schema/types.js';
import { SqlWriter } from '../sql/writer.js';
import { checkWriteTargets } from '../planner/plan.js';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  createCatalog,
  formatDiagnostic,
  getDialect,
} from '../index.js';

const db = getDialect('databricks');
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
  return new SqlWriter(db).expr(resolved.expr);
}

function refusal(expr: string): UnsupportedError {
  try {
    render(expr);
  } catch (e) {
    if (e instanceof UnsupportedError) return e;
    throw e;
  }
  throw new Error(`${expr} rendered on databricks`);
}

const catalog = createCatalog([{ parts: ['main', 'sales', 't'], columns: COLUMNS.slice(0, 8) }]);

function plan(
  nodes: Array<Record<string, unknown>>,
  opts: { writeSchemas?: string[]; defaultCatalog?: string } = {},
) {
  const analysis = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'dbx',
      nodes: [{ id: 'src', type: 'source.table', config: { table: 'main.sales.t' } }, ...nodes],
    },
    { dialect: 'databricks', catalog },
  );
  expect(analysis.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return { analysis, checks: checkWriteTargets(analysis, opts) };
}

describe('Databricks: the meanings of §1.2 under ANSI mode', () => {
  it('/ is true division, null for a zero divisor (try_divide), even between integers and decimals', () => {
    expect(render('i / b')).toBe('try_divide(i, b)');
    expect(render('n / n')).toBe('try_divide(CAST(n AS DOUBLE), n)');
    expect(render('d / i')).toBe('try_divide(d, i)');
  });

  it('div truncates toward zero (DIV), % keeps the sign of a; both null for a zero divisor', () => {
    expect(render('div(i, 7)')).toBe('CAST(i DIV 7 AS BIGINT)');
    expect(render('div(n, i)')).toBe('CAST(n DIV NULLIF(i, 0) AS BIGINT)');
    expect(render('div(d, i)')).toBe('CAST(try_divide(d, i) AS BIGINT)');
    expect(render('i % b')).toBe('MOD(i, NULLIF(b, 0))');
  });

  it('|| and concat are null when a part is null; LIKE escapes with a backslash, ILIKE ignores case', () => {
    expect(render("concat(s, 'x', i)")).toBe("(s || 'x' || CAST(i AS STRING))");
    expect(render("s LIKE 'a\\%b'")).toBe("s LIKE 'a\\\\%b'");
    expect(render("s ILIKE 'A%'")).toBe("s ILIKE 'A%'");
  });

  it('greatest and least are null when an argument is null (Spark skips nulls)', () => {
    expect(render('greatest(i, b)')).toBe(
      'CASE WHEN i IS NULL OR b IS NULL THEN NULL ELSE GREATEST(i, b) END',
    );
  });

  it('round halves away from zero on the binary double (Spark rounds its decimal text), HALF_UP for decimals', () => {
    expect(render('round(d, 2)')).toBe(
      'CASE WHEN ABS((d * POWER(10, 2))) >= 1e15 THEN d ELSE SIGN((d * POWER(10, 2))) * FLOOR(ABS((d * POWER(10, 2))) + 0.5) / POWER(10, 2) END',
    );
    expect(render('round(n, 1)')).toBe('ROUND(n, 1)');
    expect(render('floor(d)')).toBe('CAST(FLOOR(d) AS DOUBLE)');
  });

  it('weeks are ISO: Monday trunc, DAYOFWEEK_ISO, ISO week number and year', () => {
    expect(render("date_trunc('week', dt)")).toBe("trunc(dt, 'WEEK')");
    expect(render('extract(dow from dt)')).toBe('CAST(EXTRACT(DAYOFWEEK_ISO FROM dt) AS BIGINT)');
    expect(render('extract(week from ts)')).toBe('CAST(EXTRACT(WEEK FROM ts) AS BIGINT)');
    expect(render('extract(isoyear from dt)')).toBe('CAST(EXTRACT(YEAROFWEEK FROM dt) AS BIGINT)');
    expect(render("date_diff('week', dt, dt)")).toBe(
      "CAST(datediff(trunc(dt, 'WEEK'), trunc(dt, 'WEEK')) DIV 7 AS BIGINT)",
    );
  });

  it('timestamp is TIMESTAMP_NTZ, and its date functions never go through the session time zone', () => {
    expect(render("timestamp '2024-03-31 02:30:00'")).toBe("TIMESTAMP_NTZ '2024-03-31 02:30:00'");
    expect(render('CAST(ts AS timestamptz)')).toBe('CAST(ts AS TIMESTAMP)');
    // date_trunc takes TIMESTAMP (with the session zone): NTZ is truncated by date and interval arithmetic.
    expect(render("date_trunc('month', ts)")).toBe("CAST(trunc(CAST(ts AS DATE), 'MONTH') AS TIMESTAMP_NTZ)");
    expect(render("date_trunc('hour', ts)")).toBe(
      '(ts + make_dt_interval(0, 0, -EXTRACT(MINUTE FROM ts), -EXTRACT(SECOND FROM ts)))',
    );
    expect(render("date_trunc('quarter', tz)")).toBe("date_trunc('QUARTER', tz)");
    expect(render("date_add(ts, 1, 'month')")).toBe('TIMESTAMPADD(MONTH, 1, ts)');
    expect(render("date_add(dt, 1, 'month')")).toBe('add_months(dt, 1)');
    expect(render("date_add(dt, b, 'day')")).toBe('date_add(dt, CAST(b AS INT))');
    expect(render("date_add(dt, 3, 'hour')")).toBe('TIMESTAMPADD(HOUR, 3, CAST(dt AS TIMESTAMP_NTZ))');
    expect(render("format_date(ts, 'DD Mon HH24')")).toBe(
      "(date_format(CAST(ts AS DATE), 'dd') || ' ' || date_format(CAST(ts AS DATE), 'MMM') || ' ' || lpad(CAST(hour(ts) AS STRING), 2, '0'))",
    );
  });

  // Each date unit, exactly: truncation (a date stays a date, a TIMESTAMP_NTZ a wall clock), addition
  // (add_months keeps the day or the month's last one), and boundaries crossed.
  const trunc = (u: string) => `CAST(trunc(CAST(ts AS DATE), '${u}') AS TIMESTAMP_NTZ)`;
  const hourOff = 'make_dt_interval(0, 0, -EXTRACT(MINUTE FROM ts), -EXTRACT(SECOND FROM ts))';
  const minuteOff = 'make_dt_interval(0, 0, 0, -EXTRACT(SECOND FROM ts))';
  const secondOff = 'make_dt_interval(0, 0, 0, FLOOR(EXTRACT(SECOND FROM ts)) - EXTRACT(SECOND FROM ts))';
  const years = (x: string) => `(EXTRACT(YEAR FROM ${x}) - EXTRACT(YEAR FROM ${x}))`;
  it.each([
    ['year', trunc('YEAR'), "trunc(dt, 'YEAR')", 'add_months(dt, 2 * 12)', `CAST(${years('dt')} AS BIGINT)`],
    [
      'quarter',
      trunc('QUARTER'),
      "trunc(dt, 'QUARTER')",
      'add_months(dt, 2 * 3)',
      `CAST(${years('dt')} * 4 + EXTRACT(QUARTER FROM dt) - EXTRACT(QUARTER FROM dt) AS BIGINT)`,
    ],
    [
      'month',
      trunc('MONTH'),
      "trunc(dt, 'MONTH')",
      'add_months(dt, 2)',
      `CAST(${years('dt')} * 12 + EXTRACT(MONTH FROM dt) - EXTRACT(MONTH FROM dt) AS BIGINT)`,
    ],
    [
      'week',
      trunc('WEEK'),
      "trunc(dt, 'WEEK')",
      'date_add(dt, 2 * 7)',
      "CAST(datediff(trunc(dt, 'WEEK'), trunc(dt, 'WEEK')) DIV 7 AS BIGINT)",
    ],
    [
      'day',
      'CAST(CAST(ts AS DATE) AS TIMESTAMP_NTZ)',
      'dt',
      'date_add(dt, 2)',
      'CAST(datediff(dt, dt) AS BIGINT)',
    ],
  ])('date unit %s', (unit, tsTrunc, dtTrunc, dtAdd, dtDiff) => {
    expect(render(`date_trunc('${unit}', ts)`)).toBe(tsTrunc);
    expect(render(`date_trunc('${unit}', dt)`)).toBe(dtTrunc);
    expect(render(`date_add(dt, 2, '${unit}')`)).toBe(dtAdd);
    expect(render(`date_add(ts, 2, '${unit}')`)).toBe(`TIMESTAMPADD(${unit.toUpperCase()}, 2, ts)`);
    expect(render(`date_diff('${unit}', dt, dt)`)).toBe(dtDiff);
  });

  it.each([
    ['hour', hourOff],
    ['minute', minuteOff],
    ['second', secondOff],
  ])(
    'time unit %s: truncated by interval arithmetic on the wall clock, never through the session zone',
    (unit, off) => {
      const U = unit.toUpperCase();
      expect(render(`date_trunc('${unit}', ts)`)).toBe(`(ts + ${off})`);
      expect(render(`date_add(ts, 2, '${unit}')`)).toBe(`TIMESTAMPADD(${U}, 2, ts)`);
      expect(render(`date_add(dt, 2, '${unit}')`)).toBe(`TIMESTAMPADD(${U}, 2, CAST(dt AS TIMESTAMP_NTZ))`);
      expect(render(`date_diff('${unit}', ts, ts)`)).toBe(
        `CAST(TIMESTAMPDIFF(${U}, (ts + ${off}), (ts + ${off})) AS BIGINT)`,
      );
    },
  );

  it('date_diff counts boundaries crossed', () => {
    expect(render("date_diff('day', ts, ts)")).toBe(
      'CAST(datediff(CAST(ts AS DATE), CAST(ts AS DATE)) AS BIGINT)',
    );
    expect(render("date_diff('month', dt, dt)")).toBe(
      'CAST((EXTRACT(YEAR FROM dt) - EXTRACT(YEAR FROM dt)) * 12 + EXTRACT(MONTH FROM dt) - EXTRACT(MONTH FROM dt) AS BIGINT)',
    );
    expect(render("date_diff('minute', ts, ts)")).toBe(
      'CAST(TIMESTAMPDIFF(MINUTE, (ts + make_dt_interval(0, 0, 0, -EXTRACT(SECOND FROM ts))), (ts + make_dt_interval(0, 0, 0, -EXTRACT(SECOND FROM ts)))) AS BIGINT)',
    );
  });

  it('regular expressions are written for Java: . and $ as RE2 reads them, $n group references', () => {
    expect(render("regexp_like(s, 'a.$')")).toBe("(s RLIKE 'a[^\\\\n]\\\\z')");
    expect(render("regexp_extract(s, '(a)|(b)', 2)")).toBe(
      "CASE WHEN (s RLIKE '(a)|(b)') THEN REGEXP_EXTRACT(s, '(a)|(b)', 2) END",
    );
    expect(render("regexp_replace(s, '(\\w)@', '\\1 $')")).toBe(
      "REGEXP_REPLACE(s, '([0-9A-Za-z_])@', '$1 \\\\$')",
    );
    expect(render("regexp_like(s, '(?i)x[&]')")).toBe("(s RLIKE '(?iu)x[\\\\&]')");
  });

  it('aggregates: any_value skips nulls, string_agg is null for an empty group, percentile is exact', () => {
    expect(render('any_value(s)')).toBe('any_value(s, true)');
    expect(render("string_agg(s, ', ')")).toBe(
      "CASE WHEN COUNT(s) > 0 THEN array_join(collect_list(s), ', ') END",
    );
    expect(render('median(i)')).toBe('PERCENTILE(CAST(i AS DOUBLE), 0.5)');
    expect(render('avg(n)')).toBe('CAST(AVG(n) AS DOUBLE)');
  });

  it('sorting puts nulls last unless told otherwise', () => {
    const { analysis } = plan([
      {
        id: 'o',
        type: 'sort',
        inputs: { in: 'src' },
        config: { by: ['s', { expr: 'i', desc: true, nulls: 'first' }] },
      },
    ]);
    expect(compilePreview(analysis, { node: 'o' }).query!.sql).toContain(
      'ORDER BY s NULLS LAST, i DESC NULLS FIRST',
    );
  });
});

describe('Databricks: names and literals', () => {
  it("quotes with backticks, escapes strings with backslashes (Spark joins 'a''b' into 'ab')", () => {
    expect(db.quoteIdent('amount')).toBe('amount');
    expect(db.quoteIdent('Amount')).toBe('`Amount`');
    expect(db.quoteIdent('odd`name')).toBe('`odd``name`');
    expect(db.quoteIdent('order')).toBe('`order`');
    expect(db.stringLiteral("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
    expect(db.stringLiteral('\u0001')).toBe("'\\u0001'");
  });

  it('reads Unity Catalog three-part names, case-insensitively', () => {
    expect(db.parseTableName('main.sales.t')).toEqual(['main', 'sales', 't']);
    expect(db.parseTableName('`main`.`odd-schema`.`t x`')).toEqual(['main', 'odd-schema', 't x']);
    expect(db.sameName('Sales', 'sales')).toBe(true);
    expect(db.parseTableName('a.b.c.d')).toMatch(/at most database.schema.table/);
  });

  it('checks writeSchemas against catalog.schema, a two-part name being in the connection’s catalog', () => {
    const out = (table: string) => [
      { id: 'o', type: 'output.table', inputs: { in: 'src' }, config: { table } },
    ];
    const allowed = { writeSchemas: ['analytics'], defaultCatalog: 'main' };
    expect(plan(out('analytics.r'), allowed).checks).toEqual([]);
    expect(plan(out('main.analytics.r'), allowed).checks).toEqual([]);
    expect(plan(out('Main.Analytics.r'), allowed).checks).toEqual([]);
    expect(plan(out('dev.analytics.r'), allowed).checks.map((d) => d.code)).toEqual(['WRITE_NOT_ALLOWED']);
    expect(plan(out('dev.analytics.r'), { writeSchemas: ['dev.analytics'] }).checks).toEqual([]);
    expect(
      plan(out('main.edgeflow_staging.r'), { defaultCatalog: 'main' }).checks.map((d) => d.code),
    ).toEqual(['WRITE_NOT_ALLOWED']);
  });
});

describe('Databricks: write statements', () => {
  const steps = (config: Record<string, unknown>) => {
    const { analysis } = plan([{ id: 'o', type: 'output.table', inputs: { in: 'src' }, config }]);
    const { plan: p, diagnostics } = compilePlan(analysis, { runId: 'r1' });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    return p!.steps.flatMap((s) => s.statements);
  };

  it('replace is CREATE OR REPLACE TABLE (Delta swaps it atomically), with liquid clustering', () => {
    const [sql, ...rest] = steps({ table: 'main.analytics.r', clusterBy: ['s', 'dt'] });
    expect(rest).toEqual([]);
    expect(sql).toMatch(/^CREATE OR REPLACE TABLE main\.analytics\.r\nCLUSTER BY \(s, dt\) AS\nWITH\n/);
  });

  it('merge is a Delta MERGE on the keys; append an INSERT; both create a missing table', () => {
    const [create, merge] = steps({ table: 'main.analytics.r', mode: 'merge', keys: ['i'] });
    expect(create).toBe(
      'CREATE TABLE IF NOT EXISTS main.analytics.r (\n  i INT,\n  b BIGINT,\n  d DOUBLE,\n  n DECIMAL(12,2),\n  s STRING,\n  dt DATE,\n  ts TIMESTAMP_NTZ,\n  tz TIMESTAMP\n)',
    );
    expect(merge).toBe(
      [
        'MERGE INTO main.analytics.r AS _tgt',
        'USING (\n  WITH\n    src AS (\n      SELECT i, b, d, n, s, dt, ts, tz\n      FROM main.sales.t\n    )\n  SELECT *\n  FROM src\n) AS _src',
        'ON _tgt.i = _src.i',
        'WHEN MATCHED THEN UPDATE SET b = _src.b, d = _src.d, n = _src.n, s = _src.s, dt = _src.dt, ts = _src.ts, tz = _src.tz',
        'WHEN NOT MATCHED THEN INSERT (i, b, d, n, s, dt, ts, tz) VALUES (_src.i, _src.b, _src.d, _src.n, _src.s, _src.dt, _src.ts, _src.tz)',
      ].join('\n'),
    );
    expect(steps({ table: 'main.analytics.r', mode: 'append' })[1]).toMatch(
      /^INSERT INTO main\.analytics\.r \(i, b, d, n, s, dt, ts, tz\)\nWITH\n/,
    );
  });

  it('binds parameters by name, typed by a CAST', () => {
    const analysis = analyzeWorkflow(
      {
        edgeflow: 1,
        name: 'p',
        params: { min: { type: 'number' } },
        nodes: [
          { id: 'src', type: 'source.table', config: { table: 'main.sales.t' } },
          { id: 'f', type: 'filter', inputs: { in: 'src' }, config: { where: 'd >= :min' } },
        ],
      },
      { dialect: 'databricks', catalog },
    );
    const q = compilePreview(analysis, { node: 'f', params: { min: 2 } }).query!;
    expect(q.sql).toContain('WHERE d >= CAST(:min AS DOUBLE)');
    expect(q.bindings).toEqual([{ name: 'min', value: 2, type: T.double }]);
  });
});

describe('Databricks: the spatial pack', () => {
  it('holds geography as GEOMETRY(4326) in lon/lat; points wrap and drop an impossible latitude', () => {
    expect(render('st_point(lon, lat)')).toBe(
      'CASE WHEN lat BETWEEN -90 AND 90 THEN st_point(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE pmod(lon + 180, 360) - 180 END, lat, 4326) END',
    );
    expect(render("st_geogfromtext('POINT(1 2)')")).toBe("st_geomfromtext('POINT(1 2)', 4326)");
    expect(render('CAST(g AS string)')).toBe('st_astext(g)');
    expect(db.typeName(T.geography)).toBe('GEOMETRY(4326)');
  });

  it('measures distance on the sphere of the WGS84 mean radius (st_distancesphere, points)', () => {
    expect(render('st_distance(g, zone)')).toBe('st_distancesphere(g, zone)');
    expect(render('st_dwithin(g, zone, 2000)')).toBe('(st_distancesphere(g, zone) <= 2000)');
  });

  it('contains and within include the boundary (st_covers)', () => {
    expect(render('st_contains(zone, g)')).toBe('st_covers(zone, g)');
    expect(render('st_within(g, zone)')).toBe('st_covers(zone, g)');
    expect(render('st_intersects(zone, g)')).toBe('st_intersects(zone, g)');
    expect(render('st_union_agg(zone)')).toBe('st_union_agg(zone)');
  });

  it('refuses what it cannot measure on the sphere, saying why', () => {
    expect(refusal('st_area(zone)').reason).toMatch(/GEOGRAPHY on the WGS84 ellipsoid, not on the sphere/);
    expect(refusal('st_length(zone)').reason).toMatch(/WGS84 ellipsoid/);
    expect(refusal('st_buffer(g, 500)').reason).toMatch(/unit of the coordinates \(degrees\), not metres/);
  });

  it('writes H3 cells as lower-case hex STRING with the h3_* functions', () => {
    expect(render('h3_from_point(g, 8)')).toBe('h3_longlatash3string(st_x(g), st_y(g), 8)');
    expect(render('h3_from_point(st_point(lon, lat), 8)')).toBe(
      'CASE WHEN lat BETWEEN -90 AND 90 THEN h3_longlatash3string(CASE WHEN lon BETWEEN -180 AND 180 THEN lon ELSE pmod(lon + 180, 360) - 180 END, lat, 8) END',
    );
    expect(render('h3_boundary(cell)')).toBe('st_geomfromwkb(h3_boundaryaswkb(cell), 4326)');
    expect(render('h3_center(cell)')).toBe('st_geomfromwkb(h3_centeraswkb(cell), 4326)');
    expect(render('h3_resolution(cell)')).toBe('h3_resolution(cell)');
    expect(render('h3_parent(cell, 5)')).toBe(
      'CASE WHEN 5 <= h3_resolution(cell) THEN h3_toparent(cell, 5) END',
    );
  });
});
