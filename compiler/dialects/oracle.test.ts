/**
 * Oracle's bridged meanings, pinned as exact text (no Oracle server is reachable here; the grammar
 * check is oracle-grammar.test.ts). Each test names the DESIGN.md §1.2 / §1.8 meaning it bridges.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../diagnostics.js';
import { analyzeWorkflow, compilePlan, compilePreview, createCatalog, getDialect } from '../index.js';
import { T, decimal } from '../schema/types.js';
import type { SqlExpr } from '../sql/ast.js';
import { SqlWriter } from '../sql/writer.js';

const oracle = getDialect('oracle');
const COLUMNS = [
  { name: 'I', type: T.bigint },
  { name: 'J', type: T.bigint },
  { name: 'N', type: T.int },
  { name: 'D', type: decimal(12, 2) },
  { name: 'X', type: T.double },
  { name: 'TXT', type: T.string },
  { name: 'TXT2', type: T.string },
  { name: 'TS', type: T.timestamp },
  { name: 'DT', type: T.date },
  { name: 'FLAG', type: T.bool },
  { name: 'G', type: T.geography },
  { name: 'H', type: T.geography },
];
const catalog = createCatalog([{ parts: ['S', 'T'], columns: COLUMNS }]);

function workflow(nodes: unknown[]) {
  return {
    edgeflow: 1,
    name: 'm',
    nodes: [{ id: 'src', type: 'source.table', config: { table: 's.t' } }, ...(nodes as object[])],
  };
}

/** The select-list rendering of one expression (the value form). */
function value(expr: string): string {
  const a = analyzeWorkflow(
    workflow([{ id: 'c', type: 'select', inputs: { in: 'src' }, config: { columns: [{ as: 'v', expr }] } }]),
    { dialect: 'oracle', catalog },
  );
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('; '));
  return item(compilePreview(a, { node: 'c' }).query!.sql);
}

/** The rendering of the column V in a compiled query (one line per item when the list is long). */
function item(sql: string): string {
  return /\n\s+(?:SELECT )?([^\n]*) AS V,?\n/.exec(sql)![1]!;
}

/** An aggregate's rendering, as a measure of an aggregate node. */
function measure(expr: string): string {
  const a = analyzeWorkflow(
    workflow([
      { id: 'g', type: 'aggregate', inputs: { in: 'src' }, config: { groupBy: [], measures: { v: expr } } },
    ]),
    { dialect: 'oracle', catalog },
  );
  const d = a.diagnostics.find((x) => x.severity === 'error');
  if (d) return `error: ${d.message}`;
  return item(compilePreview(a, { node: 'g' }).query!.sql);
}

/** The WHERE of a filter (the condition form). */
function condition(where: string): string {
  const a = analyzeWorkflow(
    workflow([{ id: 'f', type: 'filter', inputs: { in: 'src' }, config: { where } }]),
    {
      dialect: 'oracle',
      catalog,
    },
  );
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('; '));
  const sql = compilePreview(a, { node: 'f' }).query!.sql;
  return /\n\s*WHERE (.*)\n/.exec(sql)![1]!;
}

function refusal(expr: string): string {
  const a = analyzeWorkflow(
    workflow([{ id: 'c', type: 'select', inputs: { in: 'src' }, config: { columns: [{ as: 'v', expr }] } }]),
    { dialect: 'oracle', catalog },
  );
  const d = a.diagnostics.find((x) => x.code === 'UNSUPPORTED' && x.severity === 'error');
  if (!d) throw new Error(`not refused: ${expr}`);
  return d.message;
}

describe('Oracle: no BOOLEAN in SQL (19c)', () => {
  it('a predicate used as a value is 1/0, null when it is null', () => {
    expect(value('I > J')).toBe('CASE WHEN I > J THEN 1 WHEN NOT (I > J) THEN 0 END');
    expect(value('true')).toBe('1');
    expect(value('false')).toBe('0');
    expect(value('FLAG')).toBe('FLAG');
    expect(value('NOT FLAG')).toBe('CASE WHEN NOT FLAG = 1 THEN 1 WHEN NOT (NOT FLAG = 1) THEN 0 END');
    expect(value("starts_with(TXT, 'a')")).toBe(
      "CASE WHEN SUBSTR(TXT, 1, LENGTH('a')) = 'a' THEN 1 WHEN NOT (SUBSTR(TXT, 1, LENGTH('a')) = 'a') THEN 0 END",
    );
  });
  it('a bool value used as a condition is compared with 1; AND/OR/NOT join conditions', () => {
    expect(condition('FLAG')).toBe('FLAG = 1');
    expect(condition('FLAG AND I > 1')).toBe('FLAG = 1 AND I > 1');
    expect(condition('NOT FLAG OR TXT IS NULL')).toBe('NOT FLAG = 1 OR TXT IS NULL');
    expect(condition('coalesce(FLAG, false)')).toBe('COALESCE(FLAG, 0) = 1');
    expect(condition("regexp_like(TXT, 'a+')")).toBe("REGEXP_LIKE(TXT, 'a+', 'c')");
    expect(value('CASE WHEN FLAG THEN 1 ELSE 0 END')).toBe('CASE WHEN FLAG = 1 THEN 1 ELSE 0 END');
    expect(measure('count_if(FLAG)')).toBe('COUNT(CASE WHEN FLAG = 1 THEN 1 END)');
  });
  it("filter's rejected port: rows where the condition is false or null", () => {
    const a = analyzeWorkflow(
      workflow([{ id: 'f', type: 'filter', inputs: { in: 'src' }, config: { where: 'I > 1' } }]),
      { dialect: 'oracle', catalog },
    );
    expect(compilePreview(a, { node: 'f', port: 'rejected' }).query!.sql).toContain(
      'WHERE CASE WHEN I > 1 THEN 0 ELSE 1 END = 1',
    );
  });
});

describe("Oracle: '' is NULL (a stated difference); || and concat give null for a null argument", () => {
  it('|| tests its non-literal parts', () => {
    expect(value('TXT || TXT2')).toBe('CASE WHEN TXT IS NULL OR TXT2 IS NULL THEN NULL ELSE TXT || TXT2 END');
    expect(value("concat(TXT, ' <', TXT2, '>')")).toBe(
      "(CASE WHEN TXT IS NULL OR TXT2 IS NULL THEN NULL ELSE TXT || ' <' || TXT2 || '>' END)",
    );
    expect(value("'a' || 'b'")).toBe("'a' || 'b'");
    expect(value('TXT || I')).toBe(
      'CASE WHEN TXT IS NULL OR TO_CHAR(I) IS NULL THEN NULL ELSE TXT || TO_CHAR(I) END',
    );
  });
});

describe('Oracle: numbers', () => {
  it('/ is true division (a BINARY_DOUBLE), null by zero; div truncates; % is MOD with the sign of a', () => {
    expect(value('I / J')).toBe('CAST(I AS BINARY_DOUBLE) / NULLIF(J, 0)');
    expect(value('X / 2')).toBe('X / 2');
    expect(value('div(I, J)')).toBe('CAST(TRUNC(I / NULLIF(J, 0)) AS NUMBER(19))');
    expect(value('I % 7')).toBe('MOD(I, 7)');
  });
  it('int arithmetic is widened to NUMBER(19)', () => {
    expect(value('N * N')).toBe('CAST(N AS NUMBER(19)) * N');
  });
  it('round halves away from zero: ROUND of NUMBER does, of BINARY_DOUBLE is bridged', () => {
    expect(value('round(D, 1)')).toBe('ROUND(D, 1)');
    expect(value('round(X, 2)')).toBe(
      '(SIGN((X * POWER(CAST(10 AS BINARY_DOUBLE), 2))) * FLOOR(ABS((X * POWER(CAST(10 AS BINARY_DOUBLE), 2))) + 0.5) / POWER(CAST(10 AS BINARY_DOUBLE), 2))',
    );
  });
  it('greatest/least are null for a null argument natively; functions Oracle lacks are spelled out', () => {
    expect(value('greatest(D, 1)')).toBe('GREATEST(D, 1)');
    expect(value('log10(X)')).toBe('LOG(10, X)');
    expect(value('pi()')).toBe('ACOS(-1)');
    expect(value('radians(X)')).toBe('(X * ACOS(-1) / 180)');
    expect(value('1e6')).toBe('CAST(1e6 AS BINARY_DOUBLE)');
  });
});

describe('Oracle: text', () => {
  it('LIKE escapes with a backslash; ILIKE lowers both sides', () => {
    expect(condition("TXT LIKE 'a\\%%'")).toBe("TXT LIKE 'a\\%%' ESCAPE '\\'");
    expect(condition("TXT ILIKE 'a%'")).toBe("LOWER(TXT) LIKE LOWER('a%')");
  });
  it('ends_with, right and split_part without Oracle built-ins', () => {
    expect(condition("ends_with(TXT, '.org')")).toBe(
      "(LENGTH(TXT) >= LENGTH('.org') AND SUBSTR(TXT, -LENGTH('.org')) = '.org')",
    );
    expect(value('right(TXT, 4)')).toBe('SUBSTR(TXT, GREATEST(LENGTH(TXT) - 4 + 1, 1))');
    expect(value("split_part(TXT, '@', 1)")).toBe(
      "CASE WHEN INSTR(TXT, '@', 1, 1) = 0 THEN SUBSTR(TXT, 1) ELSE SUBSTR(TXT, 1, INSTR(TXT, '@', 1, 1) - (1)) END",
    );
  });
  it('regular expressions: POSIX groups renumbered, (?i) as a parameter, \\b refused', () => {
    expect(value("regexp_extract(TXT, '(?:a|b)(c)', 1)")).toBe(
      "REGEXP_SUBSTR(TXT, '(a|b)(c)', 1, 1, 'c', 2)",
    );
    expect(condition("regexp_like(TXT, '(?i)abc')")).toBe("REGEXP_LIKE(TXT, 'abc', 'i')");
    expect(value("regexp_replace(TXT, '(a)', '<\\1>')")).toBe(
      "REGEXP_REPLACE(TXT, '(a)', '<\\1>', 1, 0, 'c')",
    );
    expect(refusal("regexp_like(TXT, '\\bx')")).toMatch(/Oracle has no word boundary/);
  });
  it('a carriage return stays in its literal; a literal over 4,000 bytes is refused', () => {
    expect(value("'a\rb'")).toBe("'a\rb'");
    expect(() => oracle.stringLiteral('x'.repeat(4001))).toThrow(/ORA-01704/);
  });
});

describe('Oracle: dates (ISO weeks, boundaries crossed, month ends)', () => {
  it('date_trunc with TRUNC formats; weeks start on Monday (IW)', () => {
    expect(value("date_trunc('week', DT)")).toBe("TRUNC(DT, 'IW')");
    expect(value("date_trunc('month', TS)")).toBe("CAST(TRUNC(TS, 'MM') AS TIMESTAMP)");
    expect(value("date_trunc('second', TS)")).toBe(
      "CAST(TRUNC(TS, 'MI') AS TIMESTAMP) + NUMTODSINTERVAL(FLOOR(EXTRACT(SECOND FROM TS)), 'SECOND')",
    );
  });
  it('extract: ISO week, ISO year, dow 1 = Monday … 7 = Sunday whatever NLS_TERRITORY', () => {
    expect(value('extract(week from DT)')).toBe("CAST(TO_NUMBER(TO_CHAR(DT, 'IW')) AS NUMBER(19))");
    expect(value('extract(isoyear from DT)')).toBe("CAST(TO_NUMBER(TO_CHAR(DT, 'IYYY')) AS NUMBER(19))");
    expect(value('extract(dow from DT)')).toBe("CAST((TRUNC(DT) - TRUNC(DT, 'IW') + 1) AS NUMBER(19))");
    expect(value('extract(second from TS)')).toBe('CAST(FLOOR(EXTRACT(SECOND FROM TS)) AS NUMBER(19))');
  });
  it('date_add: days as numbers or intervals, months kept off ADD_MONTHS’s last-day rule', () => {
    expect(value("date_add(DT, 3, 'day')")).toBe('DT + 3');
    expect(value("date_add(TS, 2, 'week')")).toBe("TS + NUMTODSINTERVAL(2 * 7, 'DAY')");
    expect(value("date_add(DT, 1, 'month')")).toBe(
      "LEAST(ADD_MONTHS(DT, 1), ADD_MONTHS(TRUNC(DT, 'MM'), 1) + (DT - TRUNC(DT, 'MM')))",
    );
    expect(value("date_add(DT, 5, 'hour')")).toBe("CAST(DT AS TIMESTAMP) + NUMTODSINTERVAL(5, 'HOUR')");
  });
  it('date_diff counts the unit boundaries crossed', () => {
    expect(value("date_diff('day', DT, current_date())")).toBe(
      'CAST(TRUNC(TRUNC(CURRENT_DATE)) - TRUNC(DT) AS NUMBER(19))',
    );
    expect(value("date_diff('week', TS, TS)")).toBe(
      "CAST((TRUNC(TS, 'IW') - TRUNC(TS, 'IW')) / 7 AS NUMBER(19))",
    );
    expect(value("date_diff('hour', TS, TS)")).toBe(
      "CAST(ROUND((TRUNC(TS, 'HH24') - TRUNC(TS, 'HH24')) * 24) AS NUMBER(19))",
    );
  });
  it('format_date: English names, Month not padded', () => {
    expect(value("format_date(DT, 'Month DD, YYYY')")).toBe(
      "TO_CHAR(DT, 'FMMonthFM DD, YYYY', 'NLS_DATE_LANGUAGE=ENGLISH')",
    );
  });
  it('current_date is today (CURRENT_DATE holds a time of day)', () => {
    expect(value('current_date()')).toBe('TRUNC(CURRENT_DATE)');
  });
});

describe('Oracle: queries and statements', () => {
  it('FETCH FIRST / OFFSET … ROWS, no AS before a table alias, FROM DUAL, qualified *', () => {
    const a = analyzeWorkflow(
      workflow([
        { id: 'l', type: 'limit', inputs: { in: 'src' }, config: { count: 5, offset: 10 } },
        {
          id: 'v',
          type: 'source.values',
          config: { columns: [{ name: 'a', type: 'int' }], rows: [[1]] },
        },
        { id: 'tn', type: 'top_n', inputs: { in: 'src' }, config: { groupBy: ['J'], orderBy: ['I'], n: 2 } },
      ]),
      { dialect: 'oracle', catalog },
    );
    const limit = compilePreview(a, { node: 'l' }).query!.sql;
    expect(limit).toMatch(/\n\s+OFFSET 10 ROWS\n\s+FETCH NEXT 5 ROWS ONLY\n/);
    expect(compilePreview(a, { node: 'v' }).query!.sql).toContain('SELECT 1 AS A\n    FROM DUAL');
    const topn = compilePreview(a, { node: 'tn' }).query!.sql;
    expect(topn).toContain(
      'SELECT SRC.*, ROW_NUMBER() OVER (PARTITION BY J ORDER BY I NULLS LAST) AS "_ef_rn"',
    );
    expect(topn).toContain(') "_ranked"');
    expect(topn).not.toMatch(/\n\s*\) AS /);
  });

  it('ranking functions without an ORDER BY get ORDER BY NULL (ORA-30485)', () => {
    const a = analyzeWorkflow(
      workflow([
        { id: 'w', type: 'window', inputs: { in: 'src' }, config: { columns: { r: 'row_number()' } } },
      ]),
      { dialect: 'oracle', catalog },
    );
    expect(compilePreview(a, { node: 'w' }).query!.sql).toContain('ROW_NUMBER() OVER (ORDER BY NULL) AS R');
  });

  it('replace builds beside and renames; IF [NOT] EXISTS is a PL/SQL block; merge is MERGE with ON ( … )', () => {
    const a = analyzeWorkflow(
      workflow([
        { id: 'o', type: 'output.table', inputs: { in: 'src' }, config: { table: 'analytics.out' } },
        {
          id: 'm',
          type: 'output.table',
          inputs: { in: 'src' },
          config: { table: 'analytics.merged', mode: 'merge', keys: ['I'] },
        },
      ]),
      { dialect: 'oracle', catalog },
    );
    const plan = compilePlan(a, { runId: 'r1' }).plan!;
    const replace = plan.steps.find((s) => s.id === 'write:o')!;
    expect(replace.transactional).toBe(false);
    expect(replace.statements[0]).toBe(
      [
        'BEGIN',
        "  EXECUTE IMMEDIATE 'DROP TABLE ANALYTICS.EF_R1_OUT_NEW PURGE';",
        'EXCEPTION',
        '  WHEN OTHERS THEN',
        '    IF SQLCODE != -942 THEN',
        '      RAISE;',
        '    END IF;',
        'END;',
      ].join('\n'),
    );
    expect(replace.statements[1]).toMatch(/^CREATE TABLE ANALYTICS\.EF_R1_OUT_NEW AS\n/);
    expect(replace.statements[3]).toBe('ALTER TABLE ANALYTICS.EF_R1_OUT_NEW RENAME TO "OUT"');
    const merge = plan.steps.find((s) => s.id === 'write:m')!;
    expect(merge.statements[0]).toContain("EXECUTE IMMEDIATE 'CREATE TABLE ANALYTICS.MERGED (");
    expect(merge.statements[0]).toContain('IF SQLCODE != -955 THEN');
    expect(merge.statements[1]).toMatch(/^MERGE INTO ANALYTICS\.MERGED "_tgt"\nUSING \(\n/);
    expect(merge.statements[1]).toContain(
      '\n) "_src"\nON ("_tgt".I = "_src".I)\nWHEN MATCHED THEN UPDATE SET "_tgt".J = "_src".J',
    );
  });

  it('names: quoted when not plain upper case or reserved; 128 bytes at most; no double quote', () => {
    expect(oracle.quoteIdent('AMOUNT')).toBe('AMOUNT');
    expect(oracle.quoteIdent('amount')).toBe('"amount"');
    expect(oracle.quoteIdent('LEVEL')).toBe('"LEVEL"');
    expect(oracle.quoteIdent('SIZE')).toBe('"SIZE"');
    expect(oracle.quoteIdent('_X')).toBe('"_X"');
    expect(oracle.quoteIdent('A$B#C')).toBe('A$B#C');
    expect(oracle.quoteIdent('x'.repeat(128))).toBe(`"${'x'.repeat(128)}"`);
    expect(() => oracle.quoteIdent('x'.repeat(129))).toThrow(
      /129 bytes; Oracle names are at most 128 bytes \(30 before 12\.2\)/,
    );
    // Bytes, not characters: 65 two-byte letters are 130 bytes.
    expect(() => oracle.quoteIdent('é'.repeat(65))).toThrow(UnsupportedError);
    expect(() => oracle.quoteIdent('quo"te')).toThrow(/double quote/);
    expect(oracle.newColumnName('revenue')).toBe('REVENUE');
  });

  it('binds by name with the type a placeholder needs', () => {
    const w = new SqlWriter(oracle, { params: 'placeholder', values: new Map() });
    const p = (type: SqlExpr['type']) => w.expr({ k: 'param', name: String(Math.random()), type });
    expect(p(T.date)).toBe("TO_DATE(:p1, 'YYYY-MM-DD')");
    expect(p(T.timestamp)).toBe("TO_TIMESTAMP(:p2, 'YYYY-MM-DD HH24:MI:SS.FF')");
    expect(p(T.string)).toBe(':p3');
    expect(p(T.bigint)).toBe('CAST(:p4 AS NUMBER(19))');
  });
});

describe('Oracle: aggregates and windows', () => {
  it('string_agg is LISTAGG; any_value is MIN; median is PERCENTILE_CONT(0.5)', () => {
    expect(measure("string_agg(TXT, ', ')")).toBe("LISTAGG(TXT, ', ') WITHIN GROUP (ORDER BY TXT)");
    expect(measure('any_value(TXT)')).toBe('MIN(TXT)');
    expect(measure('median(X)')).toBe('PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY X)');
    expect(measure('avg(I)')).toBe('CAST(AVG(I) AS BINARY_DOUBLE)');
  });
});

describe('Oracle Spatial (SDO_GEOMETRY, SRID 4326)', () => {
  it('constructors, measures in metres, predicates as conditions', () => {
    expect(value('st_point(X, 40)')).toBe(
      'CASE WHEN 40 BETWEEN -90 AND 90 THEN SDO_GEOMETRY(2001, 4326, SDO_POINT_TYPE(CASE WHEN X BETWEEN -180 AND 180 THEN X ELSE MOD(MOD(X + 180, 360) + 360, 360) - 180 END, 40, NULL), NULL, NULL) END',
    );
    expect(value('st_distance(G, H)')).toBe("SDO_GEOM.SDO_DISTANCE(G, H, 0.05, 'unit=M')");
    expect(value('st_area(G)')).toBe("SDO_GEOM.SDO_AREA(G, 0.05, 'unit=SQ_M')");
    expect(condition('st_dwithin(G, H, 500)')).toBe(
      "SDO_GEOM.WITHIN_DISTANCE(G, 500, H, 0.05, 'unit=M') = 'TRUE'",
    );
    expect(condition('st_intersects(G, H)')).toBe("SDO_GEOM.RELATE(G, 'ANYINTERACT', H, 0.05) = 'TRUE'");
    expect(condition('st_contains(G, H)')).toBe(
      "CASE WHEN SDO_UTIL.GETNUMVERTICES(H) = 1 THEN SDO_GEOM.RELATE(G, 'ANYINTERACT', H, 0.05) ELSE SDO_GEOM.RELATE(G, 'CONTAINS+COVERS+EQUAL', H, 0.05) END <> 'FALSE'",
    );
  });
  it('the distance between two st_point calls is the haversine on the 6,371,008.8 m sphere', () => {
    expect(value('st_distance(st_point(0, 0), st_point(1, 0))')).toBe(
      'CASE WHEN 0 BETWEEN -90 AND 90 AND 0 BETWEEN -90 AND 90 THEN 2 * 6371008.8 * ASIN(LEAST(1, SQRT(POWER(SIN(((0 * ACOS(-1) / 180) - (0 * ACOS(-1) / 180)) / 2), 2) + COS((0 * ACOS(-1) / 180)) * COS((0 * ACOS(-1) / 180)) * POWER(SIN(((1 * ACOS(-1) / 180) - (0 * ACOS(-1) / 180)) / 2), 2)))) END',
    );
  });
  it('H3 is UNSUPPORTED with a reason', () => {
    expect(refusal('h3_from_point(G, 8)')).toMatch(
      /h3_from_point\(\) is not available: Oracle 19c has no H3 functions/,
    );
    expect(measure('any_value(G)')).toMatch(/SDO_GEOMETRY cannot be compared/);
  });
});
