/**
 * Every Redshift SQL text edgeflow writes for the grammar corpus (test/support/grammar-corpus.ts:
 * every component, write mode and hint, multi-node workflows, every portable function and
 * operator, every date unit, odd identifiers, reserved words), checked three ways:
 *
 * 1. PostgreSQL's own parser (libpg-query) parses every preview and plan statement. Redshift's SQL
 *    descends from PostgreSQL's, so this judges quoting, literals and statement shapes; the one
 *    Redshift-only clause edgeflow writes (SORTKEY, for clusterBy) is taken out first, counted,
 *    and pinned as exact text in redshift.test.ts. It does not prove Redshift accepts what
 *    PostgreSQL accepts — hence check 3.
 * 2. node-sql-parser's Redshift grammar parses every preview query, and every plan statement as far
 *    as it can read one: it rejects valid `DROP TABLE IF EXISTS s.t`, CREATE [TEMP] TABLE … AS and
 *    MERGE (shown below), so a CREATE … AS is judged by its query, a DROP … IF EXISTS without the
 *    IF EXISTS, and a MERGE not at all (counted; pinned as exact text in redshift.test.ts); INSERT …
 *    SELECT, CREATE TABLE (columns), DROP, ALTER … RENAME and CREATE SCHEMA are given whole. It has
 *    three false negatives, skipped and counted: the type name TIMESTAMPTZ, a backslash inside a
 *    quoted name, and DISTINCT inside an aggregate other than COUNT (`SUM(DISTINCT b)`).
 * 3. No text uses what PostgreSQL has and Redshift lacks or runs on the leader node only: FILTER,
 *    MATERIALIZED, LATERAL, E'' strings, RANGE frames, CURRENT_TIMESTAMP/NOW(), SUBSTR, LOG,
 *    STRING_AGG, arrays, CREATE OR REPLACE TABLE, a MERGE reading a query or aliasing its target.
 *
 * Which of it also runs on PostgreSQL 15 with the same rows as DuckDB: test/execution/redshift-on-postgres.test.ts.
 */
import { parse as parsePostgres } from 'libpg-query';
import nodeSqlParser from 'node-sql-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPONENTS, FUNCTIONS } from '../index.js';
import {
  AGGREGATES,
  BIGQUERY_RESERVED,
  WINDOWS,
  compileCorpusCase,
  corpusCases,
  corpusCatalog,
  scalarExpressions,
  type Case,
  type CorpusOptions,
} from '../../test/support/grammar-corpus.js';

const CORPUS: CorpusOptions = {
  dialect: 'redshift',
  sourceSql: 'SELECT * FROM main.orders WHERE ordered_at > DATEADD(day, -7, GETDATE())',
  sqlNodeSql: 'SELECT store_id, MEDIAN(amount) AS median_amount FROM {{in}} GROUP BY store_id',
  // Redshift writes to its own database only: two-part names.
  oddTable: {
    parts: ['analytics', 'odd table'],
    refs: ['analytics."odd table"', '"analytics"."odd table"', 'ANALYTICS."odd table"'],
    outputs: {
      replace: 'analytics."odd out"',
      merge: '"analytics"."odd agg"',
      append: 'analytics.odd_append',
    },
  },
  partitionedTable: 'analytics.partitioned',
  reserved: [...BIGQUERY_RESERVED, 'tag', 'open', 'top', 'percent', 'system', 'wallet', 'off'],
};
const catalog = corpusCatalog(CORPUS);
const CASES: Case[] = corpusCases(CORPUS);

/** What Redshift refuses beyond the corpus's own expectations, by case name, with the reason. */
const REFUSED: Array<[RegExp, RegExp]> = [
  [/st_area|st_length/, /(st_area|st_length)\(\) is not available on Redshift/],
  [/st_buffer|spatial\.buffer/, /st_buffer\(\) is not available on Redshift/],
  [/h3\.polyfill/, /h3\.polyfill is not available on Redshift/],
  [/'\\2 at \\1/, /Redshift documents no group reference/],
  // Aggregates over an ordered window need a ROWS frame; RANGE frames do not exist.
  [
    /^component window$|^window frame undefined$|^window (last_value|sum|avg|count\(\*\)|min|max|stddev|d \/ sum)/,
    /ordered window without a frame/,
  ],
  [/^window frame \{"unit":"range"/, /RANGE window frames are not available on Redshift/],
];

function expectedRefusal(c: Case): RegExp | undefined {
  return c.unsupported?.redshift ?? REFUSED.find(([name]) => name.test(c.name))?.[1];
}

// ------------------------------------------------------------------ the three checks
const SORTKEY = /\nSORTKEY \([^\n]*?\)(?=\n| AS\n|$)/;

/** Strings and quoted names blanked out, so a check of the SQL's words is not fooled by a value. */
function words(sql: string): string {
  return sql.replace(/'(?:[^'\\]|''|\\.)*'/gs, "''").replace(/"(?:[^"]|"")*"/gs, '""');
}

const LACKING: Array<[string, RegExp]> = [
  ['FILTER (WHERE …)', /\bFILTER\s*\(\s*WHERE\b/i],
  ['(NOT) MATERIALIZED', /\bMATERIALIZED\b/i],
  ['LATERAL', /\bLATERAL\b/i],
  ['RANGE frames', /\bRANGE\s+BETWEEN\b/i],
  [
    'CURRENT_TIMESTAMP/NOW()/LOCALTIMESTAMP (leader node only)',
    /\bCURRENT_TIMESTAMP\b|\bNOW\s*\(|\bLOCALTIMESTAMP\b/i,
  ],
  ['SUBSTR (leader node only)', /\bSUBSTR\s*\(/i],
  ['LOG (leader node only)', /\bLOG\s*\(/i],
  [
    'STRING_AGG / ARRAY_AGG / arrays',
    /\bSTRING_AGG\s*\(|\bARRAY_AGG\s*\(|\bARRAY\s*\[|\bUNNEST\s*\(|\bGENERATE_SERIES\b/i,
  ],
  ['REGEXP_LIKE / STARTS_WITH / ENDS_WITH', /\bREGEXP_LIKE\s*\(|\bSTARTS_WITH\s*\(|\bENDS_WITH\s*\(/i],
  ['TEXT (VARCHAR(256) in Redshift)', /\bAS\s+TEXT\b/i],
  ['QUALIFY', /\bQUALIFY\b/i],
  ['CREATE OR REPLACE TABLE', /\bCREATE\s+OR\s+REPLACE\s+TABLE\b/i],
  ['a MERGE target alias', /^MERGE INTO [^\n]* AS /],
  ['a MERGE reading a query', /^MERGE INTO [^\n]*\nUSING \(/],
];

function lacking(sql: string): string[] {
  const found = LACKING.filter(([, re]) => re.test(words(sql))).map(([what]) => what);
  if (/\bE'/.test(sql.replace(/"(?:[^"]|"")*"/gs, '""'))) found.push("E'' strings");
  if (/^MERGE /.test(sql) && !(/\nWHEN MATCHED THEN /.test(sql) && /\nWHEN NOT MATCHED THEN /.test(sql)))
    found.push('a MERGE without both WHEN clauses (Redshift requires them)');
  return found;
}

/** node-sql-parser's known false negatives on valid Redshift queries. */
function nodeSqlParserCannotJudge(sql: string): boolean {
  const w = words(sql);
  return (
    /\bTIMESTAMPTZ\b/.test(w) ||
    /"(?:[^"]|"")*\\(?:[^"]|"")*"/s.test(sql) ||
    /\b(?!COUNT\b)[A-Z_]+\(DISTINCT\b/i.test(w)
  );
}

/**
 * What of a plan statement node-sql-parser's Redshift grammar can judge: a CREATE … AS by its
 * query, a DROP … IF EXISTS without the IF EXISTS, a MERGE not at all (undefined).
 */
function planStatementForGrammar(sql: string): string | undefined {
  if (/^MERGE /.test(sql)) return undefined;
  const ctas = /^CREATE (?:TEMP )?TABLE [^\n]* AS\n([\s\S]*)$/.exec(sql);
  if (ctas) return ctas[1];
  return sql.replace(/^DROP TABLE IF EXISTS /, 'DROP TABLE ');
}

const nsp = new nodeSqlParser.Parser();
function redshiftGrammarErrors(sql: string): string | undefined {
  try {
    nsp.astify(sql, { database: 'redshift' });
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

describe('Redshift SQL: PostgreSQL’s parser, node-sql-parser’s Redshift grammar, and what Redshift lacks', () => {
  const tally = {
    postgres: 0,
    sortkey: 0,
    redshiftGrammar: 0,
    notJudged: 0,
    planGrammar: 0,
    planNotJudged: 0,
  };
  afterAll(() => {
    console.log(
      `redshift-grammar: ${tally.postgres} SQL texts parsed by PostgreSQL's parser (${tally.sortkey} with SORTKEY taken out first); ${tally.redshiftGrammar} preview queries parsed by node-sql-parser's Redshift grammar, ${tally.notJudged} it cannot judge; ${tally.planGrammar} plan statements parsed by it (CREATE … AS by its query), ${tally.planNotJudged} it cannot judge (MERGE, and its false negatives)`,
    );
  });

  it('the corpus covers every component and every portable function', () => {
    const names = new Set(CASES.map((c) => JSON.stringify(c.workflow)));
    for (const def of COMPONENTS)
      expect(
        [...names].some((w) => w.includes(`"type":"${def.id}"`)),
        def.id,
      ).toBe(true);
    const text = [...scalarExpressions(), ...AGGREGATES, ...WINDOWS].join(' ');
    for (const fn of FUNCTIONS.keys()) expect(text, fn).toMatch(new RegExp(`\\b${fn}\\b`));
  });

  it('the oracles are not rubber stamps; node-sql-parser is too weak for DDL', async () => {
    for (const bad of ['SELECT * FROM select', "SELECT 'a", 'SELECT a FROM t WHERE', 'CREATE TABLE t AS'])
      await expect(parsePostgres(bad), bad).rejects.toThrow();
    expect(redshiftGrammarErrors('SELECT a FROM t WHERE')).toBeDefined();
    expect(lacking('SELECT SUBSTR(a, 1) FROM t')).toEqual(['SUBSTR (leader node only)']);
    expect(lacking('SELECT \'LATERAL SUBSTR(\' AS "CURRENT_TIMESTAMP"')).toEqual([]);
    // Valid Redshift node-sql-parser rejects: why plan statements are not given to it.
    for (const valid of [
      'DROP TABLE IF EXISTS s.t',
      'CREATE TABLE s.t AS SELECT 1 AS x',
      'CREATE TEMP TABLE x AS SELECT 1 AS x',
      'MERGE INTO s.t USING src AS s ON t.k = s.k WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a)',
    ])
      expect(redshiftGrammarErrors(valid), valid).toBeDefined();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const expected = expectedRefusal(c);
      const { texts, errors } = compileCorpusCase(c, 'redshift', catalog, {
        ...(expected ? { expected } : {}),
      });
      expect(errors, 'the corpus workflow compiles (or is refused as expected)').toEqual([]);
      if (expected) return;
      expect(texts.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const text of texts) {
        const sql = text.sql.replace(SORTKEY, '');
        if (sql !== text.sql) tally.sortkey++;
        try {
          await parsePostgres(sql);
          tally.postgres++;
        } catch (e) {
          failures.push(`${text.label}: PostgreSQL's parser: ${(e as Error).message}\n--- SQL ---\n${sql}`);
        }
        const missing = lacking(text.sql);
        if (missing.length)
          failures.push(`${text.label}: Redshift lacks ${missing.join(', ')}\n--- SQL ---\n${text.sql}`);
        if (text.kind === 'preview') {
          if (nodeSqlParserCannotJudge(text.sql)) tally.notJudged++;
          else {
            const problem = redshiftGrammarErrors(text.sql);
            if (problem)
              failures.push(`${text.label}: Redshift grammar: ${problem}\n--- SQL ---\n${text.sql}`);
            else tally.redshiftGrammar++;
          }
        } else {
          const judged = planStatementForGrammar(sql);
          if (judged === undefined || nodeSqlParserCannotJudge(judged)) tally.planNotJudged++;
          else {
            const problem = redshiftGrammarErrors(judged);
            if (problem) failures.push(`${text.label}: Redshift grammar: ${problem}\n--- SQL ---\n${judged}`);
            else tally.planGrammar++;
          }
        }
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
});
