/**
 * The part of Redshift's SQL that PostgreSQL shares, run on the PostgreSQL 15 of CI: each workflow
 * is compiled for the `redshift` dialect and executed on PostgreSQL, compiled for `duckdb` and
 * executed on DuckDB, and the two must give the same rows. The PostgreSQL session reads string
 * literals as Redshift does (standard_conforming_strings off: a backslash escapes), so the quoting
 * is exercised too.
 *
 * What this proves: the Redshift renderings of these components, expressions and write plans
 * (replace by DROP + RENAME in a transaction, append, the merge through a staged temporary table)
 * mean what DuckDB's do, on an engine with PostgreSQL's semantics. What it does not: that Redshift
 * runs them the same (Redshift is PostgreSQL 8 with its own executor), nor anything Redshift-only.
 *
 * Redshift-only, and so checked by text alone (compiler/dialects/redshift.test.ts and the grammar
 * checks of redshift-grammar.test.ts): date_add (DATEADD), current_timestamp (SYSDATE), log10
 * (DLOG10), string_agg (LISTAGG), the regular-expression functions (REGEXP_* with PCRE's 'p'),
 * SORTKEY, any_value of a geography (ANY_VALUE), and the spatial pack (GEOMETRY, ST_DistanceSphere
 * with a radius, H3_*).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  formatDiagnostic,
  type DialectName,
} from '../../compiler/index.js';
import { demoCatalog } from '../fixtures/catalog.js';
import { demoLoadStatements, quoteName } from '../fixtures/load.js';
import { diffResults, type ResultSet } from '../support/compare.js';
import { openDuckDb } from '../support/duckdb.js';
import { connectPostgres, describePostgres, dropSchemas, resetSchemas } from '../support/postgres.js';
import type { NodeDoc } from '../support/workflow-run.js';

const SCHEMA = 'rs_exec';
const OUT = 'rs_exec_out';
const STAGING = 'rs_exec_stg';

interface Engine {
  dialect: DialectName;
  exec(sql: string): Promise<void>;
  query(sql: string, params?: readonly unknown[]): Promise<ResultSet>;
}

describePostgres('Redshift SQL on PostgreSQL 15 gives DuckDB’s rows', () => {
  let duck: Engine;
  let pg: Engine;
  const closers: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    const d = await openDuckDb();
    closers.push(() => d.close());
    duck = { dialect: 'duckdb', exec: d.exec, query: d.query };
    for (const s of [SCHEMA, OUT]) await d.exec(`CREATE SCHEMA ${quoteName(s)}`);
    for (const sql of demoLoadStatements('duckdb', SCHEMA)) await d.exec(sql);

    const p = await connectPostgres();
    closers.push(async () => {
      await dropSchemas(p, [SCHEMA, OUT, STAGING]);
      await p.close();
    });
    await resetSchemas(p, [SCHEMA, OUT]);
    await dropSchemas(p, [STAGING]);
    for (const sql of demoLoadStatements('postgres', SCHEMA)) await p.exec(sql);
    // Redshift stores every name lower-case ("Store Name" is the column `store name`), and the
    // redshift dialect writes names so: the tables are given the names Redshift would have stored.
    const mixed = await p.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = $1 AND column_name <> lower(column_name)`,
      [SCHEMA],
    );
    for (const r of mixed.rows) {
      const [table, column] = [String(r['table_name']), String(r['column_name'])];
      await p.exec(
        `ALTER TABLE ${quoteName(SCHEMA)}.${quoteName(table)} RENAME COLUMN ${quoteName(column)} TO ${quoteName(column.toLowerCase())}`,
      );
    }
    // Redshift reads '…' with backslash escapes; so does PostgreSQL with this setting.
    await p.exec('SET standard_conforming_strings = off; SET escape_string_warning = off');
    pg = { dialect: 'redshift', exec: p.exec, query: p.query };
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  const wf = (nodes: NodeDoc[], params: Record<string, unknown> = {}) => ({
    edgeflow: 1,
    name: 'rs_exec',
    params,
    nodes: [
      ...['orders', 'stores', 'customers'].map((t) => ({
        id: t,
        type: 'source.table',
        config: { table: `${SCHEMA}.${t}` },
      })),
      ...nodes,
    ],
  });

  function analysis(doc: unknown, dialect: DialectName) {
    const a = analyzeWorkflow(doc, { dialect, catalog: demoCatalog(SCHEMA) });
    if (!a.valid)
      throw new Error(`does not compile for ${dialect}:\n${a.diagnostics.map(formatDiagnostic).join('\n')}`);
    return a;
  }

  async function previewOn(engine: Engine, doc: unknown, node: string, params?: Record<string, unknown>) {
    const { query, diagnostics } = compilePreview(analysis(doc, engine.dialect), {
      node,
      paramMode: 'bind',
      limit: 1000,
      ...(params ? { params } : {}),
    });
    if (!query) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
    try {
      return await engine.query(
        query.sql,
        query.bindings.map((b) => b.value),
      );
    } catch (e) {
      throw new Error(`${engine.dialect}: ${(e as Error).message}\n${query.sql}`, { cause: e });
    }
  }

  async function same(
    doc: unknown,
    node: string,
    opts: { ordered?: boolean; params?: Record<string, unknown> } = {},
  ) {
    const [a, b] = [
      await previewOn(pg, doc, node, opts.params),
      await previewOn(duck, doc, node, opts.params),
    ];
    const diff = diffResults(a, b, { ordered: opts.ordered ?? false });
    if (diff) expect.fail(`node ${node}: Redshift SQL on PostgreSQL differs from DuckDB\n${diff}`);
    expect(a.rows.length).toBeGreaterThan(0);
  }

  // ------------------------------------------------------------------ components
  it('filter, select, compute, cast, fill_nulls, rename, drop', async () => {
    await same(
      wf([
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'orders' },
          config: { where: "status IN ('paid', 'shipped') AND amount >= 10" },
        },
        {
          id: 's',
          type: 'select',
          inputs: { in: 'f' },
          config: {
            columns: ['order_id', { as: 'net', expr: 'amount - coalesce(discount, 0)' }, 'note', 'quantity'],
          },
        },
        {
          id: 'c',
          type: 'cast',
          inputs: { in: 's' },
          config: { columns: { quantity: 'bigint', order_id: 'string' } },
        },
        { id: 'n', type: 'fill_nulls', inputs: { in: 'c' }, config: { columns: { note: "it's \\ none" } } },
        { id: 'r', type: 'rename', inputs: { in: 'n' }, config: { columns: { net: 'Net Amount' } } },
        { id: 'd', type: 'drop', inputs: { in: 'r' }, config: { columns: ['quantity'] } },
      ]),
      'd',
    );
  });

  it('aggregate: sums, integer averages as doubles, distinct counts, percentiles, count_if', async () => {
    await same(
      wf([
        {
          id: 'a',
          type: 'aggregate',
          inputs: { in: 'orders' },
          config: {
            groupBy: ['store_id', 'status'],
            measures: {
              n: 'count(*)',
              customers: 'count(distinct customer_id)',
              revenue: 'sum(amount)',
              avg_qty: 'avg(quantity)',
              sd: 'stddev(amount)',
              med: 'median(quantity)',
              p90: 'percentile_cont(amount, 0.9)',
              gifts: 'count_if(is_gift)',
              first: 'min(ordered_at)',
              last: 'max(ship_date)',
              some_status: 'any_value(status)',
            },
          },
        },
      ]),
      'a',
    );
  });

  it('window with a rows frame, top_n and dedupe (row_number subqueries)', async () => {
    await same(
      wf([
        {
          id: 'w',
          type: 'window',
          inputs: { in: 'orders' },
          config: {
            partitionBy: ['store_id'],
            orderBy: ['ordered_at', 'order_id'],
            frame: { unit: 'rows', from: 'unbounded', to: 0 },
            columns: {
              running: 'sum(amount)',
              rn: 'row_number()',
              prev: 'lag(amount)',
              nxt: 'lead(quantity, 1, 0)',
              first_status: 'first_value(status)',
              share: 'amount / sum(amount)',
            },
          },
        },
        {
          id: 't',
          type: 'top_n',
          inputs: { in: 'orders' },
          config: { groupBy: ['store_id'], orderBy: [{ expr: 'amount', desc: true }, 'order_id'], n: 2 },
        },
        {
          id: 'dd',
          type: 'dedupe',
          inputs: { in: 'orders' },
          config: { key: ['customer_id'], orderBy: [{ expr: 'ordered_at', desc: true }, 'order_id'] },
        },
      ]),
      'w',
    );
    await same(
      wf([
        {
          id: 't',
          type: 'top_n',
          inputs: { in: 'orders' },
          config: { groupBy: ['store_id'], orderBy: [{ expr: 'amount', desc: true }, 'order_id'], n: 2 },
        },
      ]),
      't',
    );
    await same(
      wf([
        {
          id: 'dd',
          type: 'dedupe',
          inputs: { in: 'orders' },
          config: { key: ['customer_id'], orderBy: [{ expr: 'ordered_at', desc: true }, 'order_id'] },
        },
      ]),
      'dd',
    );
  });

  it('joins of every kind, union by name, distinct, sort with limit', async () => {
    for (const kind of ['inner', 'left', 'right', 'full', 'semi', 'anti'])
      await same(
        wf([
          {
            id: 'j',
            type: 'join',
            inputs: { left: 'stores', right: 'orders' },
            config: { kind, on: [{ left: 'store_id', right: 'store_id' }] },
          },
        ]),
        'j',
      );
    await same(
      wf([
        { id: 'a', type: 'select', inputs: { in: 'orders' }, config: { columns: ['order_id', 'status'] } },
        {
          id: 'b',
          type: 'select',
          inputs: { in: 'customers' },
          config: { columns: ['segment', 'customer_id'] },
        },
        { id: 'u', type: 'union', inputs: { in: ['a', 'b'] }, config: { mode: 'distinct', byName: true } },
      ]),
      'u',
    );
    await same(
      wf([
        { id: 'd', type: 'distinct', inputs: { in: 'orders' }, config: { columns: ['store_id', 'status'] } },
      ]),
      'd',
    );
    await same(
      wf([
        {
          id: 's',
          type: 'sort',
          inputs: { in: 'orders' },
          config: {
            by: [
              { expr: 'discount', nulls: 'first' },
              { expr: 'order_id', desc: true },
            ],
          },
        },
        { id: 'l', type: 'limit', inputs: { in: 's' }, config: { count: 25, offset: 5 } },
      ]),
      'l',
      { ordered: true },
    );
  });

  // ------------------------------------------------------------------ expressions
  it('the portable expressions Redshift and PostgreSQL share mean what DuckDB’s do', async () => {
    const exprs: Record<string, string> = {
      div_true: 'quantity / 4',
      div_int: 'div(quantity, 4)',
      div_zero: 'quantity / (quantity - quantity)',
      modulo: 'quantity % 3',
      mod_double: 'mod(discount, 0.7)',
      rounded: 'round(discount, 1)',
      rounded_dec: 'round(amount, 0)',
      greatest_null: 'greatest(discount, 1.5)',
      concat_null: "concat(note, '!')",
      piped: "status || '-' || order_id",
      text_len: 'length(note)',
      sub: 'substr(status, -3, 2)',
      sub_neg: 'substr(status, 2, -1)',
      lefty: 'left(status, 2) || right(status, 2)',
      starts: "starts_with(status, 'pa')",
      ends: "ends_with(status, 'ed')",
      parts: "split_part(coalesce(note, 'a,b'), ',', 2)",
      liked: "status LIKE 'p%' OR note LIKE '%\\%%'",
      iliked: "status ILIKE 'P%'",
      week_start: "date_trunc('week', ordered_at)",
      month_start: "date_trunc('month', ship_date)",
      dow: 'extract(dow from ordered_at)',
      isoweek: 'extract(week from ship_date)',
      isoyear: 'extract(isoyear from ship_date)',
      doy: 'extract(doy from ordered_at)',
      secs: 'extract(second from ordered_at)',
      days: "date_diff('day', ordered_at, CAST(ship_date AS timestamp))",
      weeks: "date_diff('week', ordered_at, CAST(ship_date AS timestamp))",
      months: "date_diff('month', ship_date, ship_date)",
      hours: "date_diff('hour', ordered_at, CAST(ship_date AS timestamp))",
      formatted: "format_date(ordered_at, 'Dy DD Month YYYY HH24:MI')",
      trig: 'round(sin(radians(quantity)) + atan2(quantity, 2) + pi(), 6)',
      domain: 'asin(discount)',
      signs: 'sign(discount)',
      nulled: "nullif(status, 'paid')",
      cased: "CASE WHEN amount > 100 THEN 'big' WHEN amount IS NULL THEN 'none' ELSE 'small' END",
      between: 'quantity BETWEEN 2 AND 4',
      text_of_double: 'CAST(discount AS string)',
      quoted: "'it''s \\ here'",
    };
    await same(
      wf([
        {
          id: 'c',
          type: 'select',
          inputs: { in: 'orders' },
          config: { columns: ['order_id', ...Object.entries(exprs).map(([as, expr]) => ({ as, expr }))] },
        },
      ]),
      'c',
    );
  });

  it('bound parameters of every type', async () => {
    const doc = wf(
      [
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'orders' },
          config: {
            where:
              'amount >= :min AND status <> :s AND ordered_at < :at AND ship_date >= :day AND quantity <> :k AND is_gift = :yes',
          },
        },
      ],
      {
        min: { type: 'number' },
        s: { type: 'string' },
        at: { type: 'timestamp' },
        day: { type: 'date' },
        k: { type: 'integer' },
        yes: { type: 'boolean' },
      },
    );
    await same(doc, 'f', {
      params: { min: 5, s: "it's \\", at: '2030-01-01T00:00:00', day: '2000-01-01', k: -1, yes: false },
    });
  });

  // ------------------------------------------------------------------ write plans
  async function runPlan(engine: Engine, doc: unknown, runId: string) {
    const { plan, diagnostics } = compilePlan(analysis(doc, engine.dialect), {
      runId,
      stagingSchema: STAGING,
    });
    if (!plan) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
    for (const step of plan.steps) {
      if (step.transactional) await engine.exec('BEGIN');
      try {
        for (const sql of step.statements) await engine.exec(sql);
        if (step.transactional) await engine.exec('COMMIT');
      } catch (e) {
        if (step.transactional) await engine.exec('ROLLBACK');
        throw new Error(
          `${engine.dialect} step ${step.id}: ${(e as Error).message}\n${step.statements.join(';\n')}`,
          { cause: e },
        );
      }
    }
    return plan;
  }

  const table = (name: string) => `${quoteName(OUT)}.${quoteName(name)}`;

  it('replace, append, merge (through a staged table) and create write the same tables', async () => {
    const paid = {
      id: 'paid',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: "status = 'paid'" },
    };
    const rev = {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    };
    const out = (mode: string, name: string, extra: Record<string, unknown> = {}) => ({
      id: `o_${name}`,
      type: 'output.table',
      inputs: { in: 'rev' },
      config: { table: `${OUT}.${name}`, mode, ...extra },
    });
    const doc = wf([
      paid,
      rev,
      out('replace', 'r'),
      out('append', 'a'),
      out('merge', 'm', { keys: ['store_id'] }),
    ]);
    // Twice: the second replace swaps a table that exists, the append doubles, the merge updates.
    for (const runId of ['r1', 'r2']) {
      const plan = await runPlan(pg, doc, runId);
      await runPlan(duck, doc, runId);
      expect(plan.steps.find((s) => s.id === 'write:o_m')!.statements).toHaveLength(4);
    }
    for (const name of ['r', 'a', 'm']) {
      const sql = `SELECT * FROM ${table(name)}`;
      const diff = diffResults(await pg.query(sql), await duck.query(sql));
      if (diff) expect.fail(`table ${name} differs\n${diff}`);
    }
    const count = async (name: string) =>
      Number((await pg.query(`SELECT count(*) AS n FROM ${table(name)}`)).rows[0]!['n']);
    expect(await count('a')).toBe(2 * (await count('r')));
    // A null key never matches: the merge inserts the null-key group again, as DuckDB's MERGE does.
    expect(await count('m')).toBe((await count('r')) + 1);
    // create fails when the table exists.
    await runPlan(pg, wf([paid, rev, out('create', 'c')]), 'r3');
    await expect(runPlan(pg, wf([paid, rev, out('create', 'c')]), 'r4')).rejects.toThrow(/already exists/);
  });
});
