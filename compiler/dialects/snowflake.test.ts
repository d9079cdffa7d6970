/**
 * Snowflake has no grammar we can run here, so its trickiest renderings are pinned as exact text:
 * name folding (unquoted names are stored upper-case), string escaping (backslashes are escapes
 * in Snowflake strings), and the date functions whose argument order or names differ.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  createCatalog,
  formatDiagnostic,
  getDialect,
  parseTypeName,
  type PortableType,
} from '../index.js';

const sf = getDialect('snowflake');
const t = (s: string): PortableType => parseTypeName(s)!;

// As a live Snowflake catalog reports them: unquoted names come back upper-case.
const catalog = createCatalog([
  {
    parts: ['MAIN', 'T'],
    columns: [
      { name: 'I', type: t('int') },
      { name: 'B', type: t('bigint') },
      { name: 'D', type: t('double') },
      { name: 'N', type: t('decimal(12,2)') },
      { name: 'S', type: t('string') },
      { name: 'DT', type: t('date') },
      { name: 'TS', type: t('timestamp') },
      { name: 'TZ', type: t('timestamptz') },
      { name: 'ORDER', type: t('bigint') },
      { name: 'lower_case', type: t('string') },
      { name: 'Odd Name', type: t('string') },
      { name: 'quo"te', type: t('string') },
    ],
  },
]);

function compile(nodes: Array<Record<string, unknown>>, node = 'c') {
  const analysis = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'sf',
      nodes: [{ id: 'src', type: 'source.table', config: { table: 'main.t' } }, ...nodes],
    },
    { dialect: 'snowflake', catalog },
  );
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  expect(errors).toEqual([]);
  return { analysis, preview: compilePreview(analysis, { node, paramMode: 'literal' }).query!.sql };
}

/** The SQL of one computed column `v = expr`. */
function render(expr: string): string {
  const { preview } = compile([
    { id: 'c', type: 'compute', inputs: { in: 'src' }, config: { columns: { v: expr } } },
  ]);
  // The computed column follows the input's columns (the last is "quo""te").
  const m = /(?:SELECT \*, |"quo""te",\s*)(.*) AS V\n/s.exec(preview);
  if (!m) throw new Error(`no computed column in:\n${preview}`);
  return m[1]!;
}

describe('Snowflake names', () => {
  it('folds unquoted names to upper case and quotes everything else', () => {
    expect(sf.parseTableName('main.orders')).toEqual(['MAIN', 'ORDERS']);
    expect(sf.parseTableName('analytics."Mixed Case"')).toEqual(['ANALYTICS', 'Mixed Case']);
    expect(sf.quoteIdent('AMOUNT')).toBe('AMOUNT');
    expect(sf.quoteIdent('amount')).toBe('"amount"');
    expect(sf.quoteIdent('ORDER')).toBe('"ORDER"');
    expect(sf.quoteIdent('quo"te')).toBe('"quo""te"');
    expect(sf.newColumnName('revenue')).toBe('REVENUE');
    expect(sf.newColumnName('Revenue')).toBe('Revenue');
  });

  it('reads lower-case expression names as the upper-case columns they are', () => {
    const { preview } = compile([
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'src' },
        config: { columns: { total: 'i + b', Kept: '"lower_case" || "Odd Name" || "quo""te" || "ORDER"' } },
      },
    ]);
    expect(preview).toContain('FROM MAIN.T\n');
    expect(preview).toContain('I + B AS TOTAL');
    expect(preview).toContain(
      '"lower_case" || "Odd Name" || "quo""te" || CAST("ORDER" AS VARCHAR) AS "Kept"',
    );
  });

  it('names staging tables upper-case and quotes lower-case aliases in MERGE', () => {
    const { analysis } = compile(
      [
        { id: 'c', type: 'filter', inputs: { in: 'src' }, config: { where: 'i > 0' } },
        { id: 'o1', type: 'output.table', inputs: { in: 'c' }, config: { table: 'analytics.a' } },
        {
          id: 'o2',
          type: 'output.table',
          inputs: { in: 'c' },
          config: { table: 'analytics.b', mode: 'merge', keys: ['i'], clusterBy: ['s', 'dt'] },
        },
      ],
      'c',
    );
    const { plan } = compilePlan(analysis, { runId: 'r1' });
    const sql = plan!.steps.flatMap((s) => s.statements).join(';\n');
    expect(sql).toContain('CREATE OR REPLACE TABLE EDGEFLOW_STAGING.EF_R1_C AS');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS ANALYTICS.B (');
    expect(sql).toContain('\n)\nCLUSTER BY (S, DT)');
    expect(sql).toContain('MERGE INTO ANALYTICS.B AS "_tgt"');
    expect(sql).toContain('ON "_tgt".I = "_src".I');
    expect(sql).toContain('"Odd Name" = "_src"."Odd Name"');
    expect(sql).toContain('DROP TABLE IF EXISTS EDGEFLOW_STAGING.EF_R1_C');
  });
});

describe('Snowflake strings', () => {
  it('doubles quotes and escapes backslashes and line breaks', () => {
    expect(sf.stringLiteral("it's")).toBe("'it''s'");
    expect(sf.stringLiteral('a\\b')).toBe("'a\\\\b'");
    expect(sf.stringLiteral('\\')).toBe("'\\\\'");
    expect(sf.stringLiteral('one\ntwo\r\tthree')).toBe("'one\\ntwo\\r\\tthree'");
    expect(sf.stringLiteral('"dq" `bt` ünï 😀')).toBe('\'"dq" `bt` ünï 😀\'');
    expect(() => sf.stringLiteral('nul\u0000')).toThrow(/NUL/);
  });

  it('renders literals from expressions with their escapes', () => {
    expect(render("'it''s \\ fine'")).toBe("'it''s \\\\ fine'");
    expect(render("s || 'x\\y'")).toBe("S || 'x\\\\y'");
    expect(render("timestamp '2024-01-31 10:00:00'")).toBe("CAST('2024-01-31 10:00:00' AS TIMESTAMP_NTZ)");
    expect(render("date '2024-01-31'")).toBe("DATE '2024-01-31'");
  });

  it('says which character escapes LIKE patterns', () => {
    expect(render("s LIKE 'a\\_%'")).toBe("S LIKE 'a\\\\_%' ESCAPE '\\\\'");
    expect(render("s NOT ILIKE '%50\\%%'")).toBe("S NOT ILIKE '%50\\\\%%' ESCAPE '\\\\'");
  });
});

describe('Snowflake date functions', () => {
  it('writes DATEADD(unit, n, x), casting where the result type changes', () => {
    expect(render("date_add(dt, 3, 'month')")).toBe('DATEADD(MONTH, 3, DT)');
    expect(render("date_add(dt, -2, 'week')")).toBe('DATEADD(WEEK, -2, DT)');
    expect(render("date_add(dt, 2, 'hour')")).toBe('CAST(DATEADD(HOUR, 2, DT) AS TIMESTAMP_NTZ)');
    expect(render("date_add(ts, i, 'quarter')")).toBe('DATEADD(QUARTER, I, TS)');
    expect(render("date_add(tz, 1, 'second')")).toBe('DATEADD(SECOND, 1, TZ)');
  });

  it('writes DATEDIFF(unit, from, to) in the portable argument order', () => {
    expect(render("date_diff('day', dt, current_date)")).toBe('DATEDIFF(DAY, DT, CURRENT_DATE)');
    expect(render("date_diff('week', ts, ts)")).toBe('DATEDIFF(WEEK, TS, TS)');
    expect(render("date_diff('hour', dt, dt)")).toBe('DATEDIFF(HOUR, DT, DT)');
  });

  it('uses the ISO functions for day of week and week', () => {
    expect(render('extract(dow from dt)')).toBe('DAYOFWEEKISO(DT)');
    expect(render('extract(week from ts)')).toBe('WEEKISO(TS)');
    expect(render('extract(doy from tz)')).toBe('DAYOFYEAR(TZ)');
    expect(render('extract(quarter from dt)')).toBe('EXTRACT(QUARTER FROM DT)');
    expect(render("date_trunc('week', ts)")).toBe("DATE_TRUNC('week', TS)");
    expect(render("date_trunc('month', dt)")).toBe("CAST(DATE_TRUNC('month', DT) AS DATE)");
  });
});

describe('Snowflake arithmetic and aggregates', () => {
  it('divides as doubles (NUMBER / NUMBER would keep six decimals)', () => {
    expect(render('i / b')).toBe('CAST(I AS DOUBLE) / NULLIF(B, 0)');
    expect(render('n / 3')).toBe('CAST(N AS DOUBLE) / 3');
    expect(render('d / i')).toBe('D / NULLIF(I, 0)');
    // Integer division stays exact: NUMBER division, truncated.
    expect(render('div(b, i)')).toBe('CAST(TRUNC(B / NULLIF(I, 0)) AS BIGINT)');
    expect(render('div(d, 2)')).toBe('CAST(TRUNC(D / 2) AS BIGINT)');
  });

  it('spells log10 and string_agg the Snowflake way', () => {
    expect(render('log10(d)')).toBe('LOG(10, D)');
    const { preview } = compile([
      {
        id: 'c',
        type: 'aggregate',
        inputs: { in: 'src' },
        config: { measures: { v: "string_agg(s, ', ')" } },
      },
    ]);
    expect(preview).toContain("LISTAGG(S, ', ') AS V");
  });
});

/** The UNSUPPORTED diagnostic of a computed column `v = expr`, or undefined when it compiles. */
function refusal(
  expr: string,
  node: Record<string, unknown> = { type: 'compute', config: { columns: { v: expr } } },
) {
  const analysis = analyzeWorkflow(
    {
      edgeflow: 1,
      name: 'sf',
      nodes: [
        { id: 'src', type: 'source.table', config: { table: 'main.t' } },
        { id: 'c', inputs: { in: 'src' }, ...node },
      ],
    },
    { dialect: 'snowflake', catalog },
  );
  return analysis.diagnostics.find((d) => d.code === 'UNSUPPORTED');
}

describe('Snowflake trigonometry, text and date functions', () => {
  it('spells the math functions natively, asin/acos null outside [-1, 1]', () => {
    expect(render('pi()')).toBe('PI()');
    expect(render('radians(d) + degrees(n)')).toBe('RADIANS(D) + DEGREES(N)');
    expect(render('atan2(d, i)')).toBe('ATAN2(D, I)');
    expect(render('asin(d)')).toBe('CASE WHEN D BETWEEN -1 AND 1 THEN ASIN(D) END');
    expect(render('sin(d) * cos(d) / tan(d)')).toBe('SIN(D) * COS(D) / NULLIF(TAN(D), 0)');
  });

  it('writes STARTSWITH/ENDSWITH, SPLIT_PART and a guarded LEFT/RIGHT', () => {
    expect(render("starts_with(s, 'a')")).toBe("STARTSWITH(S, 'a')");
    expect(render('ends_with(s, "lower_case")')).toBe('ENDSWITH(S, "lower_case")');
    expect(render("split_part(s, '|', 2)")).toBe("SPLIT_PART(S, '|', 2)");
    expect(render('left(s, 2)')).toBe('LEFT(S, 2)');
    expect(render('right(s, i)')).toBe("CASE WHEN I < 0 THEN '' ELSE RIGHT(S, I) END");
  });

  it('extracts the ISO year and day of week, and formats dates with TO_CHAR', () => {
    expect(render('extract(isoyear from dt)')).toBe('YEAROFWEEKISO(DT)');
    expect(render('extract(isodow from ts)')).toBe('DAYOFWEEKISO(TS)');
    expect(render('format_date(ts, \'YYYY-MM-DD"T"HH24:MI:SS\')')).toBe(
      'TO_CHAR(TS, \'YYYY-MM-DD"T"HH24:MI:SS\')',
    );
    expect(render("format_date(dt, 'Dy DD Mon YYYY, Month')")).toBe("TO_CHAR(DT, 'DY DD MON YYYY, MMMM')");
  });
});

describe('Snowflake regular expressions', () => {
  it('finds a match anywhere with REGEXP_INSTR (REGEXP_LIKE anchors), (?i) as the i parameter', () => {
    expect(render("regexp_like(s, 'a.c')")).toBe("(REGEXP_INSTR(S, 'a.c') > 0)");
    expect(render("regexp_like(s, '(?i)^ab')")).toBe("(REGEXP_INSTR(S, '^ab', 1, 1, 0, 'i') > 0)");
    expect(render('regexp_like(s, "lower_case")')).toBe('(REGEXP_INSTR(S, "lower_case") > 0)');
  });

  it('writes \\d, \\w, \\s as ASCII classes and brackets the POSIX way (no backslash inside)', () => {
    expect(render("regexp_like(s, '\\d+\\.\\w\\b')")).toBe(
      "(REGEXP_INSTR(S, '[0-9]+\\\\.[0-9A-Za-z_]\\\\b') > 0)",
    );
    expect(render("regexp_like(s, '[\\]\\-a-z^]')")).toBe("(REGEXP_INSTR(S, '[]a-z^-]') > 0)");
    expect(render("regexp_like(s, '[\\^]')")).toBe("(REGEXP_INSTR(S, '\\\\^') > 0)");
  });

  it('makes (?:…) capturing and renumbers the groups extract and replace refer to', () => {
    expect(render("regexp_extract(s, '(?:k|key)=(\\w+)', 1)")).toBe(
      "REGEXP_SUBSTR(S, '(k|key)=([0-9A-Za-z_]+)', 1, 1, 'e', 2)",
    );
    expect(render("regexp_replace(s, '(?:x)(y)', '<\\1>')")).toBe("REGEXP_REPLACE(S, '(x)(y)', '<\\\\2>')");
    // A group that may take no part is '' (as on DuckDB), inside a match.
    const { preview } = compile([
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'src' },
        config: { columns: { v: "regexp_extract(s, '(?i)a(b)?', 1)" } },
      },
    ]);
    expect(preview).toContain(
      "CASE WHEN (REGEXP_INSTR(S, 'a(b)?', 1, 1, 0, 'i') > 0) THEN COALESCE(REGEXP_SUBSTR(S, 'a(b)?', 1, 1, 'ie', 1), '') END AS V",
    );
    expect(render("regexp_extract(s, 'a+')")).toBe("REGEXP_SUBSTR(S, 'a+')");
    expect(render("regexp_replace(s, '(?i)a', 'b')")).toBe("REGEXP_REPLACE(S, 'a', 'b', 1, 0, 'i')");
  });

  it('refuses what Snowflake cannot read the portable way, naming the reason', () => {
    expect(refusal("regexp_like(s, 'a+?')")?.message).toMatch(
      /Snowflake cannot run this compute node: .*non-greedy/,
    );
    expect(refusal("regexp_replace(s, 'a', '[\\0]')")?.message).toMatch(/whole-match reference/);
    expect(refusal("regexp_replace(s, 'a', '\\\\')")?.message).toMatch(/backslash in a replacement/);
    expect(refusal("regexp_like(s, '[\\\\a]')")?.message).toMatch(/backslash inside \[ \]/);
    expect(refusal("regexp_replace(s, '(?:a)(b)', s)")?.message).toMatch(/renumbered groups/);
    expect(refusal("regexp_replace(s, '(a)(b)', s)")).toBeUndefined();
  });
});

describe('Snowflake count_if and percentiles', () => {
  it('writes COUNT_IF and an exact PERCENTILE_CONT … WITHIN GROUP over doubles', () => {
    const { preview } = compile([
      {
        id: 'c',
        type: 'aggregate',
        inputs: { in: 'src' },
        config: { measures: { a: "count_if(s = 'x')", b: 'median(n)', p: 'percentile_cont(d, 0.9)' } },
      },
    ]);
    expect(preview).toContain("COUNT_IF(S = 'x') AS A");
    expect(preview).toContain('PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY CAST(N AS DOUBLE)) AS B');
    expect(preview).toContain('PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY D) AS P');
  });

  it('takes a percentile over a whole partition only', () => {
    const window = (config: Record<string, unknown>) => ({
      type: 'window',
      config: { partitionBy: ['s'], columns: { m: 'median(d)' }, ...config },
    });
    expect(refusal('', window({}))).toBeUndefined();
    expect(refusal('', window({ orderBy: ['ts'] }))?.message).toMatch(/median\(\) over an ordered window/);
    const { preview } = compile([{ id: 'c', inputs: { in: 'src' }, ...window({}) }]);
    expect(preview).toContain('PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY D) OVER (PARTITION BY S) AS M');
  });
});
