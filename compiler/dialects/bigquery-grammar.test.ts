/**
 * Every BigQuery SQL text edgeflow writes, checked by BigQuery's own front end (ZetaSQL, started
 * locally by test/support/bigquery-grammar.ts): every component's example, every write mode and
 * hint, multi-node workflows, every portable function and operator, every date unit on date,
 * timestamp and timestamptz columns, awkward string literals and identifiers. Each preview query
 * (literal and bound parameters) and each statement of each plan step must parse; each is also
 * analyzed (names, types and function signatures resolved) against the tables it reads and writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS, FUNCTIONS, getDialect, type PortableType } from '../index.js';
import { RESERVED_WORDS } from './reserved.js';
import {
  bigQueryGrammarUnavailable,
  startBigQueryGrammar,
  type BigQueryGrammar,
  type GrammarFunction,
  type GrammarTable,
} from '../../test/support/bigquery-grammar.js';
import {
  AGGREGATES,
  BIGQUERY_RESERVED,
  WINDOWS,
  compileCorpusCase,
  corpusCases,
  corpusCatalog,
  corpusTables,
  scalarExpressions,
  type Case,
  type CorpusOptions,
} from '../../test/support/grammar-corpus.js';

const bq = getDialect('bigquery');

const CORPUS: CorpusOptions = {
  dialect: 'bigquery',
  sourceSql: 'SELECT * FROM main.orders WHERE ordered_at > DATETIME_SUB(CURRENT_DATETIME(), INTERVAL 7 DAY)',
  sqlNodeSql:
    'SELECT store_id, APPROX_QUANTILES(amount, 2)[OFFSET(1)] AS median_amount FROM {{in}} GROUP BY store_id',
  // A project id with '-', a table name with a space.
  oddTable: {
    parts: ['my-proj', 'analytics', 'odd table'],
    refs: [
      'my-proj.analytics.`odd table`',
      '`my-proj.analytics.odd table`',
      '`my-proj`.analytics.`odd table`',
    ],
    outputs: {
      replace: 'my-proj.analytics.`odd out`',
      merge: '`my-proj.analytics.odd agg`',
      append: 'my-proj.analytics.odd_append',
    },
  },
  partitionedTable: 'my-proj.analytics.partitioned',
  reserved: BIGQUERY_RESERVED,
};
const TABLES = corpusTables(CORPUS);
const catalog = corpusCatalog(CORPUS);
const CASES: Case[] = corpusCases(CORPUS);

/** Where the spatial pack's H3 functions are (the connection's cartoToolbox), and their signatures. */
const TOOLBOX = 'carto-os.carto';
const TOOLBOX_FUNCTIONS: GrammarFunction[] = (
  [
    ['H3_FROMGEOGPOINT', ['GEOGRAPHY', 'INT64'], 'STRING'],
    ['H3_FROMLONGLAT', ['FLOAT64', 'FLOAT64', 'INT64'], 'STRING'],
    ['H3_BOUNDARY', ['STRING'], 'GEOGRAPHY'],
    ['H3_CENTER', ['STRING'], 'GEOGRAPHY'],
    ['H3_RESOLUTION', ['STRING'], 'INT64'],
    ['H3_TOPARENT', ['STRING', 'INT64'], 'STRING'],
    ['H3_POLYFILL_MODE', ['GEOGRAPHY', 'INT64', 'STRING'], 'ARRAY<STRING>'],
  ] as const
).map(([name, args, returns]) => ({ path: [...TOOLBOX.split('.'), name], args, returns }));

// ------------------------------------------------------------------ compiling a case
interface SqlText {
  label: string;
  sql: string;
  tables: GrammarTable[];
}

function grammarTable(
  parts: readonly string[],
  columns: ReadonlyArray<{ name: string; type: PortableType }>,
): GrammarTable {
  return { path: parts, columns: columns.map((c) => ({ name: c.name, type: bq.typeName(c.type) })) };
}

const SOURCE_TABLES = TABLES.map((tb) => grammarTable(tb.parts, tb.columns));

/** Every SQL text BigQuery would receive for a case, with the tables each one may touch. */
function compileCase(c: Case): { texts: SqlText[]; errors: string[] } {
  const compiled = compileCorpusCase(c, 'bigquery', catalog, {
    dialectOptions: { cartoToolbox: TOOLBOX },
    ...(c.unsupported?.bigquery ? { expected: c.unsupported.bigquery } : {}),
  });
  const { analysis, plan } = compiled;
  if (!plan || !analysis) return { texts: [], errors: compiled.errors };
  // Tables the plan writes: each output's target and each staging table, with their columns.
  const written: GrammarTable[] = [];
  for (const id of analysis.graph!.outputs) {
    const w = analysis.nodes.get(id)!.analysis!.write!;
    written.push(grammarTable(w.table, w.columns));
  }
  for (const step of plan.steps.filter((s) => s.kind === 'materialize')) {
    const cte = step.id.slice('materialize:'.length);
    const node = step.nodes[step.nodes.length - 1]!;
    const port = cte === node ? 'out' : cte.slice(node.length + 1);
    const parts = bq.parseTableName(step.creates[0]!);
    if (typeof parts === 'string') throw new Error(parts);
    written.push(grammarTable(parts, analysis.nodes.get(node)!.analysis!.outputs[port]!.columns));
  }
  const tables = [...SOURCE_TABLES, ...written];
  return {
    texts: compiled.texts.map((t) => ({
      label: t.label,
      sql: t.sql,
      tables: t.kind === 'preview' ? SOURCE_TABLES : tables,
    })),
    errors: compiled.errors,
  };
}

// ------------------------------------------------------------------ the checks
const unavailable = bigQueryGrammarUnavailable();

describe.skipIf(unavailable !== undefined)(
  'BigQuery SQL is accepted by ZetaSQL (BigQuery’s front end)',
  () => {
    let grammar: BigQueryGrammar;
    let validated = 0;
    beforeAll(async () => {
      grammar = await startBigQueryGrammar();
    });
    afterAll(async () => {
      await grammar?.close();
      console.log(`bigquery-grammar: ${validated} SQL texts parsed and analyzed by ZetaSQL`);
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
      expect(BIGQUERY_RESERVED.filter((w) => !RESERVED_WORDS.has(w))).toEqual([]);
    });

    it('rejects what BigQuery rejects (the oracle is not a rubber stamp)', async () => {
      expect(await grammar.check('SELECT x::text FROM t')).toMatchObject({ ok: false });
      expect(await grammar.check("SELECT 'a\nb'")).toMatchObject({ ok: false });
      expect(await grammar.check('SELECT * FROM select')).toMatchObject({ ok: false });
      expect(await grammar.analyze('SELECT MOD(1.5, 2.0)', [])).toMatchObject({ ok: false });
      expect(await grammar.analyze('SELECT CAST(1 AS DOUBLE)', [])).toMatchObject({ ok: false });
      expect(await grammar.analyze('SELECT nope FROM main.orders', SOURCE_TABLES)).toMatchObject({
        ok: false,
      });
    });

    for (const c of CASES) {
      it(c.name, async () => {
        const { texts, errors } = compileCase(c);
        expect(errors, 'the corpus workflow compiles').toEqual([]);
        if (c.unsupported?.bigquery) return;
        expect(texts.length).toBeGreaterThan(0);
        const failures: string[] = [];
        for (const text of texts) {
          const parsed = await grammar.check(text.sql);
          const result = parsed.ok ? await grammar.analyze(text.sql, text.tables, TOOLBOX_FUNCTIONS) : parsed;
          if (!result.ok) failures.push(`${text.label}: ${result.message}\n--- SQL ---\n${text.sql}`);
          validated++;
        }
        expect(failures, failures.join('\n\n')).toEqual([]);
      });
    }
  },
);

if (unavailable !== undefined)
  describe('BigQuery SQL is accepted by ZetaSQL', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
