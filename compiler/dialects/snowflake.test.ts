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
  const m = /SELECT \*, (.*) AS V\n/s.exec(preview);
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
