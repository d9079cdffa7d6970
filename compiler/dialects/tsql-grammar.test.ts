/**
 * Every T-SQL text edgeflow writes for the grammar corpus (test/support/grammar-corpus.ts: every
 * component, write mode and hint, multi-node workflows, every portable function and operator,
 * every date unit, odd identifiers, reserved words) is parsed by a parser generated from the
 * ANTLR grammars-v4 T-SQL grammar (TSqlLexer.g4/TSqlParser.g4, as packaged in `antlr4ts-sql`):
 * each preview query and each plan statement (a T-SQL batch), from its `tsql_file` entry rule.
 *
 * What it proves: the texts are T-SQL as that grammar reads it (bracketed names, N'' literals, TOP,
 * OFFSET … FETCH, SELECT … INTO, MERGE …;, IF OBJECT_ID(…) …, EXEC sp_rename, DATEPART(ISO_WEEK …),
 * COLLATE, @@DATEFIRST). What it does not: that SQL Server accepts them (the grammar is a community
 * approximation), or what they compute. Its limits, counted and shown below: it has no
 * `geography::Method(…)` static calls (written `geography_Method(…)` before parsing) nor methods on
 * a parenthesised expression (`(CASE … END).STAsText()`: those texts are not judged), and no Azure
 * Synapse syntax (CTAS `WITH (DISTRIBUTION = …)`, RENAME OBJECT): the corpus compiled for Synapse
 * is parsed with each CTAS header taken out, and its RENAME OBJECT statements are pinned as exact
 * text in tsql.test.ts instead.
 */
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
import { tsqlGrammarErrors } from '../../test/support/tsql-grammar.js';

const CORPUS: CorpusOptions = {
  dialect: 'tsql',
  sourceSql: 'SELECT * FROM main.orders WHERE ordered_at > DATEADD(day, -7, SYSDATETIME())',
  sqlNodeSql:
    'SELECT DISTINCT store_id, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount) OVER (PARTITION BY store_id) AS median_amount FROM {{in}} AS i',
  oddTable: {
    parts: ['analytics', 'odd table'],
    refs: ['analytics.[odd table]', '[analytics].[odd table]', 'analytics."odd table"'],
    outputs: {
      replace: 'analytics.[odd out]',
      merge: '[analytics].[odd agg]',
      append: 'analytics.odd_append',
    },
  },
  partitionedTable: 'analytics.partitioned',
  reserved: [...BIGQUERY_RESERVED, 'key', 'file', 'plan', 'top', 'percent', 'identity', 'user', 'public'],
};
const catalog = corpusCatalog(CORPUS);
const CASES: Case[] = corpusCases(CORPUS);

/** What SQL Server refuses beyond the corpus's own expectations, by case name, with the reason. */
const REFUSED: Array<[RegExp, RegExp]> = [
  [/regexp_/, /regexp_(like|replace|extract)\(\) is not available on SQL Server/],
  [/split_part/, /split_part\(\) is not available on SQL Server/],
  [/^aggregate (median|percentile_cont)/, /(median|percentile_cont)\(\) as an aggregate is not available/],
  [/geojson/, /st_(geogfromgeojson|asgeojson)\(\) is not available on SQL Server/],
  [/st_centroid/, /st_centroid\(\) is not available on SQL Server/],
  [/h3/, /(h3_\w+\(\)|h3\.polyfill) is not available on SQL Server/],
  [/^window count\(distinct\)/, /count\(DISTINCT …\) over a window is not available/],
  [/^window median over an ordered window/, /over an ordered window or a frame is not available/],
  [/^st_union_agg over a window/, /st_union_agg\(\) over a window is not available on SQL Server/],
  [/^window frame \{"unit":"range","from":-7/, /RANGE frames with numeric offsets are not available/],
];

function expectedRefusal(c: Case): RegExp | undefined {
  return c.unsupported?.tsql ?? REFUSED.find(([name]) => name.test(c.name))?.[1];
}

/** `geography::Point(…)` as a plain call: the grammar has no static method calls. */
function withoutStaticCalls(sql: string): string {
  return sql.replace(/\bgeography::(\w+)\(/g, 'geography_$1(');
}

/** A method on a parenthesised expression, which the grammar cannot read. */
const METHOD_ON_EXPRESSION = /\)\.(ST\w+|Lat|Long|EnvelopeAngle|ReorientObject)\b/;

describe('T-SQL: the grammars-v4 T-SQL parser', () => {
  const tally = { parsed: 0, staticCalls: 0, notJudged: 0 };
  afterAll(() => {
    console.log(
      `tsql-grammar: ${tally.parsed} SQL texts parsed by the grammars-v4 T-SQL parser (${tally.staticCalls} with geography:: calls rewritten first); ${tally.notJudged} it cannot judge (a method on a parenthesised expression)`,
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

  it('the parser is not a rubber stamp, and says what it cannot read', () => {
    for (const bad of [
      'SELECT * FROM select',
      "SELECT N'a",
      'SELECT a FROM t WHERE',
      'SELECT a FROM t LIMIT 5',
      'SELECT a FROM t ORDER BY a NULLS LAST',
      'CREATE OR REPLACE TABLE t AS SELECT 1 AS x',
      'SELECT "a" FROM t WHERE a = TRUE AND',
    ])
      expect(tsqlGrammarErrors(bad), bad).not.toEqual([]);
    for (const good of [
      'SELECT TOP (5) [a]]b] FROM [dbo].[t] ORDER BY a OFFSET 0 ROWS',
      'WITH c AS (SELECT 1 AS x) SELECT * INTO [s].[t] FROM (SELECT * FROM c) AS _q',
      "IF OBJECT_ID(N'[s].[t]', N'U') IS NULL\nCREATE TABLE [s].[t] (a INT)",
      "EXEC sp_rename N'[s].[t_new]', N't'",
      'SELECT home.STDistance(x) FROM t WHERE home.STIntersects(y) = 1',
    ])
      expect(tsqlGrammarErrors(good), good).toEqual([]);
    // Valid T-SQL (SQL Server or Synapse) this grammar rejects: why those texts are rewritten or skipped.
    for (const valid of [
      'SELECT geography::Point(1, 2, 4326) FROM t',
      'RENAME OBJECT [a].[b] TO [c]',
      'CREATE TABLE a.b WITH (DISTRIBUTION = ROUND_ROBIN) AS SELECT 1 AS x',
    ])
      expect(tsqlGrammarErrors(valid), valid).not.toEqual([]);
  });

  /**
   * Azure Synapse (`synapse: true`): the same corpus, each CTAS header (`CREATE TABLE x WITH
   * (DISTRIBUTION = ROUND_ROBIN) AS`, which the grammar lacks) taken out so the query after it is
   * parsed, and RENAME OBJECT statements counted and left to tsql.test.ts.
   */
  describe('Azure Synapse', () => {
    const NO_GEOGRAPHY = /Azure Synapse dedicated SQL pools: they have no geography type/;
    const CTAS = /CREATE TABLE [^\n]+\nWITH \(DISTRIBUTION = ROUND_ROBIN\)\nAS\n/g;
    const synapseTally = { parsed: 0, ctas: 0, rename: 0 };
    afterAll(() => {
      console.log(
        `tsql-grammar (synapse): ${synapseTally.parsed} SQL texts parsed (${synapseTally.ctas} with CTAS headers taken out first); ${synapseTally.rename} RENAME OBJECT statements pinned as text instead`,
      );
    });
    for (const c of CASES) {
      it(
        c.name,
        () => {
          const expected = expectedRefusal(c);
          const { texts, errors, refusal } = compileCorpusCase(c, 'tsql', catalog, {
            dialectOptions: { synapse: true },
            ...(expected ? { expected } : {}),
          });
          // Whatever reads or makes a geography is refused on Synapse, with that reason.
          const spatial = /"(spatial\.|h3\.)|\b(st_|h3_)\w+\(/.test(JSON.stringify(c.workflow));
          if (spatial && !c.noToolbox) expect(refusal).toMatch(NO_GEOGRAPHY);
          if (refusal && NO_GEOGRAPHY.test(refusal)) return;
          expect(errors, 'the corpus workflow compiles (or is refused as expected)').toEqual([]);
          if (expected) return;
          const failures: string[] = [];
          for (const text of texts) {
            if (/^RENAME OBJECT /m.test(text.sql)) {
              synapseTally.rename++;
              continue;
            }
            const sql = text.sql.replace(CTAS, '');
            if (sql !== text.sql) synapseTally.ctas++;
            const problems = tsqlGrammarErrors(sql);
            if (problems.length)
              failures.push(
                `${text.label}: T-SQL grammar: ${problems.slice(0, 3).join('; ')}\n--- SQL ---\n${sql}`,
              );
            else synapseTally.parsed++;
          }
          expect(failures, failures.join('\n\n')).toEqual([]);
        },
        180_000,
      );
    }
  });

  for (const c of CASES) {
    it(
      c.name,
      () => {
        const expected = expectedRefusal(c);
        const { texts, errors } = compileCorpusCase(c, 'tsql', catalog, {
          ...(expected ? { expected } : {}),
        });
        expect(errors, 'the corpus workflow compiles (or is refused as expected)').toEqual([]);
        if (expected) return;
        expect(texts.length).toBeGreaterThan(0);
        const failures: string[] = [];
        for (const text of texts) {
          if (METHOD_ON_EXPRESSION.test(text.sql)) {
            tally.notJudged++;
            continue;
          }
          const sql = withoutStaticCalls(text.sql);
          if (sql !== text.sql) tally.staticCalls++;
          const problems = tsqlGrammarErrors(sql);
          if (problems.length)
            failures.push(
              `${text.label}: T-SQL grammar: ${problems.slice(0, 3).join('; ')}\n--- SQL ---\n${text.sql}`,
            );
          else tally.parsed++;
        }
        expect(failures, failures.join('\n\n')).toEqual([]);
      },
      180_000,
    );
  }
});
