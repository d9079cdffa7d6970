import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, compilePlan, compilePreview, getDialect, outputLineage } from '../index.js';
import { EXAMPLE_CATALOG } from '../components/examples.js';
import { stagingTableName } from './plan.js';

type Node = Record<string, unknown>;
const wf = (nodes: Node[], extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name: 'plan_test',
  nodes,
  ...extra,
});
const src: Node = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
const paid: Node = {
  id: 'paid',
  type: 'filter',
  inputs: { in: 'orders' },
  config: { where: "status = 'paid'" },
};
const out = (id: string, input: string, table: string, mode = 'replace'): Node => ({
  id,
  type: 'output.table',
  inputs: { in: input },
  config: { table, mode, ...(mode === 'merge' ? { keys: ['store_id'] } : {}) },
});
const agg = (id: string, input: string, by: string): Node => ({
  id,
  type: 'aggregate',
  inputs: { in: input },
  config: { groupBy: [by], measures: { revenue: 'sum(amount)' } },
});

function plan(
  nodes: Node[],
  dialect: 'duckdb' | 'postgres' | 'bigquery' | 'snowflake' = 'duckdb',
  opts = {},
) {
  const a = analyzeWorkflow(wf(nodes), { dialect, catalog: EXAMPLE_CATALOG });
  const r = compilePlan(a, { runId: 'r42', ...opts });
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics, null, 2));
  return r.plan;
}

describe('run plan', () => {
  it('writes a single output in one step, without staging', () => {
    const p = plan([src, paid, agg('rev', 'paid', 'store_id'), out('o1', 'rev', 'analytics.rev')]);
    expect(p.steps.map((s) => s.id)).toEqual(['write:o1']);
    expect(p.steps[0]!.nodes).toEqual(['orders', 'paid', 'rev', 'o1']);
  });

  it('materialises the shared branch point once, and drops it at the end', () => {
    const p = plan([
      src,
      paid,
      agg('by_store', 'paid', 'store_id'),
      agg('by_customer', 'paid', 'customer_id'),
      out('o1', 'by_store', 'analytics.a'),
      out('o2', 'by_customer', 'analytics.b'),
    ]);
    expect(p.steps.map((s) => s.id)).toEqual([
      'prepare',
      'materialize:paid',
      'write:o1',
      'write:o2',
      'cleanup',
    ]);
    const mat = p.steps[1]!;
    expect(mat.statements[0]).toMatch(/^CREATE OR REPLACE TABLE edgeflow_staging\.ef_r42_paid AS/);
    expect(mat.purpose).toContain('2 outputs (o1, o2)');
    expect(mat.creates).toEqual(['edgeflow_staging.ef_r42_paid']);
    const w1 = p.steps[2]!;
    expect(w1.dependsOn).toEqual(['prepare', 'materialize:paid']);
    expect(w1.statements[0]).toContain('FROM edgeflow_staging.ef_r42_paid');
    expect(w1.statements[0]).not.toContain("status = 'paid'");
    expect(p.steps[4]!.statements).toEqual(['DROP TABLE IF EXISTS edgeflow_staging.ef_r42_paid']);
    expect(p.steps[4]!.dependsOn).toEqual(['write:o1', 'write:o2']);
  });

  it('materialises only the last shared node of a shared chain', () => {
    const cheap: Node = {
      id: 'big',
      type: 'filter',
      inputs: { in: 'paid' },
      config: { where: 'amount > 10' },
    };
    const p = plan([
      src,
      paid,
      cheap,
      agg('a', 'big', 'store_id'),
      agg('b', 'big', 'customer_id'),
      out('o1', 'a', 'analytics.a'),
      out('o2', 'b', 'analytics.b'),
    ]);
    expect(p.steps.filter((s) => s.kind === 'materialize').map((s) => s.id)).toEqual(['materialize:big']);
  });

  it('materialises where lines fan out, through both ports of a filter and past 32 outputs', () => {
    // paid (out) → c1 → c2 → 35 aggregates → 35 outputs; paid (rejected) → late → 2 outputs.
    // Lines share their reader's set of outputs, so only c2 and late are branch points.
    const compute = (id: string, input: string): Node => ({
      id,
      type: 'compute',
      inputs: { in: input },
      config: { columns: { [`${id}_x`]: 'amount * 2' } },
    });
    const many = Array.from({ length: 35 }, (_, i) => i);
    const p = plan([
      src,
      paid,
      compute('c1', 'paid'),
      compute('c2', 'c1'),
      ...many.flatMap((i) => [agg(`a${i}`, 'c2', 'store_id'), out(`o${i}`, `a${i}`, `analytics.t${i}`)]),
      { id: 'late', type: 'filter', inputs: { in: 'paid.rejected' }, config: { where: 'amount > 10' } },
      agg('l1', 'late', 'store_id'),
      agg('l2', 'late', 'customer_id'),
      out('lo1', 'l1', 'analytics.l1'),
      out('lo2', 'l2', 'analytics.l2'),
    ]);
    const mats = p.steps.filter((s) => s.kind === 'materialize');
    expect(mats.map((s) => s.id)).toEqual(['materialize:c2', 'materialize:late']);
    expect(mats[0]!.purpose).toContain('35 outputs (o0, o1, o2, o3, o4, …)');
    expect(mats[1]!.purpose).toContain('2 outputs (lo1, lo2)');
    expect(p.steps.find((s) => s.id === 'write:o34')!.dependsOn).toContain('materialize:c2');
  });

  it('does not materialise a plain table read that two outputs share', () => {
    const p = plan([
      src,
      agg('a', 'orders', 'store_id'),
      agg('b', 'orders', 'customer_id'),
      out('o1', 'a', 'analytics.a'),
      out('o2', 'b', 'analytics.b'),
    ]);
    expect(p.steps.some((s) => s.kind === 'materialize')).toBe(false);
  });

  it('materialises a relation that one output writes and another reads on', () => {
    const p = plan([
      src,
      paid,
      agg('a', 'paid', 'store_id'),
      out('o1', 'paid', 'analytics.paid'),
      out('o2', 'a', 'analytics.a'),
    ]);
    const write1 = p.steps.find((s) => s.id === 'write:o1')!;
    expect(write1.dependsOn).toContain('materialize:paid');
    expect(write1.statements[0]).toMatch(/FROM edgeflow_staging\.ef_r42_paid$/);
  });

  it('replaces on PostgreSQL by building beside the target and swapping in one transaction', () => {
    const p = plan([src, out('o1', 'orders', 'analytics.copy')], 'postgres');
    const w = p.steps.find((s) => s.kind === 'write')!;
    expect(w.transactional).toBe(true);
    expect(w.statements).toEqual([
      'DROP TABLE IF EXISTS analytics.ef_r42_copy_new',
      expect.stringMatching(/^CREATE TABLE analytics\.ef_r42_copy_new AS\nWITH/),
      'DROP TABLE IF EXISTS analytics.copy',
      'ALTER TABLE analytics.ef_r42_copy_new RENAME TO copy',
    ]);
  });

  it('creates a missing table from the known column types before append and merge', () => {
    for (const [mode, verb] of [
      ['append', /^INSERT INTO analytics\.rev \(store_id, revenue\)\nWITH/],
      ['merge', /^MERGE INTO analytics\.rev AS _tgt\nUSING \(/],
    ] as const) {
      const p = plan(
        [src, agg('rev', 'orders', 'store_id'), out('o1', 'rev', 'analytics.rev', mode)],
        'postgres',
      );
      const w = p.steps.find((s) => s.kind === 'write')!;
      expect(w.statements[0]).toBe(
        'CREATE TABLE IF NOT EXISTS analytics.rev (\n  store_id BIGINT,\n  revenue NUMERIC(38,2)\n)',
      );
      expect(w.statements[1]).toMatch(verb);
      expect(w.transactional).toBe(true);
    }
  });

  it('uses CREATE TABLE (failing when it exists) for create', () => {
    const p = plan([src, out('o1', 'orders', 'analytics.once', 'create')], 'snowflake');
    expect(p.steps.find((s) => s.kind === 'write')!.statements[0]).toMatch(
      /^CREATE TABLE ANALYTICS\.ONCE AS/,
    );
  });

  it('keeps staging names within the identifier limit and folds them like the warehouse', () => {
    const long = 'n'.repeat(80);
    const pg = stagingTableName(getDialect('postgres'), 'run_0123456789abcdef', long);
    expect(pg.length).toBeLessThanOrEqual(63);
    expect(pg).not.toBe(stagingTableName(getDialect('postgres'), 'run_0123456789abcdef', `${long}x`));
    expect(stagingTableName(getDialect('snowflake'), 'r1', 'paid')).toBe('EF_R1_PAID');
  });

  it('refuses outputs outside writeSchemas', () => {
    const a = analyzeWorkflow(wf([src, out('o1', 'orders', 'public.copy')]), {
      dialect: 'postgres',
      catalog: EXAMPLE_CATALOG,
    });
    const r = compilePlan(a, { writeSchemas: ['analytics'] });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'WRITE_NOT_ALLOWED', nodeId: 'o1', path: '$.nodes[1].config.table' }),
    ]);
  });
});

describe('write targets (issue 10: matched as whole resolved paths, never by suffix)', () => {
  type D = 'duckdb' | 'postgres' | 'bigquery' | 'snowflake';
  const verdict = (dialect: D, table: string, opts: Record<string, unknown>) => {
    const a = analyzeWorkflow(wf([src, out('o1', 'orders', table)]), { dialect, catalog: EXAMPLE_CATALOG });
    const r = compilePlan(a, opts);
    return r.plan ? 'ok' : r.diagnostics.map((d) => d.code).join(',');
  };
  const cases: Array<[D, string, Record<string, unknown>, string]> = [
    // PostgreSQL folds unquoted names to lower case: "ANALYTICS" is another schema.
    ['postgres', 'analytics.t', { writeSchemas: ['analytics'] }, 'ok'],
    ['postgres', 'ANALYTICS.t', { writeSchemas: ['analytics'] }, 'ok'],
    ['postgres', '"ANALYTICS".t', { writeSchemas: ['analytics'] }, 'WRITE_NOT_ALLOWED'],
    ['postgres', '"Analytics".t', { writeSchemas: ['"Analytics"'] }, 'ok'],
    ['postgres', 'otherdb.analytics.t', { writeSchemas: ['analytics'] }, 'WRITE_NOT_ALLOWED'],
    // Snowflake: another database is another place, even with the same schema name.
    ['snowflake', 'analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'DB' }, 'ok'],
    ['snowflake', 'db.analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'DB' }, 'ok'],
    [
      'snowflake',
      'otherdb.analytics.t',
      { writeSchemas: ['analytics'], defaultCatalog: 'DB' },
      'WRITE_NOT_ALLOWED',
    ],
    [
      'snowflake',
      '"analytics".t',
      { writeSchemas: ['analytics'], defaultCatalog: 'DB' },
      'WRITE_NOT_ALLOWED',
    ],
    ['snowflake', 'otherdb.analytics.t', { writeSchemas: ['analytics'] }, 'WRITE_NOT_ALLOWED'],
    ['snowflake', 'otherdb.analytics.t', { writeSchemas: ['otherdb.analytics'] }, 'ok'],
    // BigQuery: a two-part name is in the connection's project.
    ['bigquery', 'analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'acme' }, 'ok'],
    ['bigquery', 'acme.analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'acme' }, 'ok'],
    [
      'bigquery',
      'evil-corp.analytics.t',
      { writeSchemas: ['analytics'], defaultCatalog: 'acme' },
      'WRITE_NOT_ALLOWED',
    ],
    // DuckDB ignores case; its only other catalogs are system and temp (ATTACH is refused).
    ['duckdb', 'Analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'local' }, 'ok'],
    ['duckdb', 'local.analytics.t', { writeSchemas: ['analytics'], defaultCatalog: 'local' }, 'ok'],
    [
      'duckdb',
      'temp.analytics.t',
      { writeSchemas: ['analytics'], defaultCatalog: 'local' },
      'WRITE_NOT_ALLOWED',
    ],
    ['duckdb', 'main.orders', { writeSchemas: ['analytics'], defaultCatalog: 'local' }, 'WRITE_NOT_ALLOWED'],
    // A suffix is not a match.
    ['duckdb', 'x.analytics.t', { writeSchemas: ['analytics'] }, 'WRITE_NOT_ALLOWED'],
    // The staging schema belongs to the runs, with or without writeSchemas.
    ['duckdb', 'edgeflow_staging.ef_ledger', {}, 'WRITE_NOT_ALLOWED'],
    ['duckdb', 'EDGEFLOW_STAGING.t', { defaultCatalog: 'local' }, 'WRITE_NOT_ALLOWED'],
    ['duckdb', 'local.edgeflow_staging.t', {}, 'WRITE_NOT_ALLOWED'],
    ['postgres', 'scratch.t', { stagingSchema: 'scratch' }, 'WRITE_NOT_ALLOWED'],
    ['postgres', 'scratch.t', { stagingSchema: 'scratch', writeSchemas: ['scratch'] }, 'WRITE_NOT_ALLOWED'],
    ['snowflake', 'edgeflow_staging.t', { defaultCatalog: 'DB' }, 'WRITE_NOT_ALLOWED'],
    ['snowflake', 'other.edgeflow_staging.t', { defaultCatalog: 'DB' }, 'ok'],
  ];
  for (const [dialect, table, opts, want] of cases)
    it(`${dialect}: ${table} with ${JSON.stringify(opts)} → ${want}`, () => {
      expect(verdict(dialect, table, opts)).toBe(want);
    });

  it('names the staging schema in the refusal', () => {
    const a = analyzeWorkflow(wf([src, out('o1', 'orders', 'edgeflow_staging.t')]), {
      catalog: EXAMPLE_CATALOG,
    });
    expect(compilePlan(a).diagnostics).toEqual([
      expect.objectContaining({
        code: 'WRITE_NOT_ALLOWED',
        nodeId: 'o1',
        message: expect.stringContaining("edgeflow's staging schema"),
      }),
    ]);
  });
});

describe('preview', () => {
  it('compiles a node whose ancestors are valid even when another branch is broken', () => {
    const broken: Node = {
      id: 'bad',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: 'nope > 1' },
    };
    const a = analyzeWorkflow(wf([src, paid, broken]), { catalog: EXAMPLE_CATALOG });
    expect(a.valid).toBe(false);
    expect(compilePreview(a, { node: 'paid' }).query?.sql).toContain("WHERE status = 'paid'");
    expect(compilePreview(a, { node: 'bad' }).query).toBeUndefined();
  });

  it('applies the order of an upstream sort at the end, and limits', () => {
    const sorted: Node = {
      id: 's',
      type: 'sort',
      inputs: { in: 'paid' },
      config: { by: [{ expr: 'amount', desc: true }] },
    };
    const keep: Node = {
      id: 'k',
      type: 'select',
      inputs: { in: 's' },
      config: { columns: ['order_id', 'amount'] },
    };
    const a = analyzeWorkflow(wf([src, paid, sorted, keep]), { catalog: EXAMPLE_CATALOG });
    expect(compilePreview(a, { node: 'k', limit: 5 }).query!.sql).toMatch(
      /SELECT \*\nFROM k\nORDER BY amount DESC NULLS LAST\nLIMIT 5$/,
    );
  });
});

describe('lineage', () => {
  it('traces every written column back to the source table columns', () => {
    const join: Node = {
      id: 'j',
      type: 'join',
      inputs: { left: 'rev', right: 'stores' },
      config: { kind: 'left', on: [{ left: 'store_id', right: 'store_id' }] },
    };
    const nodes = [
      src,
      { id: 'stores', type: 'source.table', config: { table: 'main.stores' } },
      paid,
      agg('rev', 'paid', 'store_id'),
      join,
      out('o1', 'j', 'analytics.rev'),
    ];
    const a = analyzeWorkflow(wf(nodes), { catalog: EXAMPLE_CATALOG });
    const lineage = Object.fromEntries(
      outputLineage(a).map((l) => [l.column, l.sources.map((s) => `${s.table}.${s.column}`)]),
    );
    expect(lineage).toEqual({
      store_id: ['main.orders.store_id'],
      revenue: ['main.orders.amount'],
      right_store_id: ['main.stores.store_id'],
      city: ['main.stores.city'],
      region: ['main.stores.region'],
    });
  });
});

describe('preview limits', () => {
  it.each([-1, 1.5, Number.NaN, 1e21])('rejects a limit of %s', (limit) => {
    const a = analyzeWorkflow(wf([src]), { catalog: EXAMPLE_CATALOG });
    const r = compilePreview(a, { node: 'orders', limit });
    expect(r.query).toBeUndefined();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'INVALID_VALUE', path: '$' }));
  });
});

describe('dialect support found while writing the SQL', () => {
  const ranged: Node = {
    id: 'w',
    type: 'window',
    inputs: { in: 'orders' },
    config: {
      orderBy: ['amount'],
      frame: { unit: 'range', from: -10, to: 0 },
      columns: { near: 'count(*)' },
    },
  };
  const nodes = [src, ranged, out('o1', 'w', 'analytics.w')];

  it('is the same UNSUPPORTED error, naming the node, whether analysis checked first or not', () => {
    const checked = analyzeWorkflow(wf(nodes), { dialect: 'snowflake', catalog: EXAMPLE_CATALOG });
    const deferred = analyzeWorkflow(wf(nodes), {
      dialect: 'snowflake',
      catalog: EXAMPLE_CATALOG,
      checkDialect: false,
    });
    expect(deferred.valid).toBe(true);
    const fromPlan = compilePlan(deferred).diagnostics.filter((d) => d.code === 'UNSUPPORTED');
    const fromPreview = compilePreview(deferred, { node: 'w' }).diagnostics.filter(
      (d) => d.code === 'UNSUPPORTED',
    );
    const fromCheck = checked.diagnostics.filter((d) => d.code === 'UNSUPPORTED');
    expect(fromCheck).toEqual([
      expect.objectContaining({ nodeId: 'w', path: '$.nodes[1]', dialect: 'snowflake' }),
    ]);
    expect(fromPlan).toEqual(fromCheck);
    expect(fromPreview).toEqual(fromCheck);
  });

  it('reports a partitionBy hint on a column that is not a date at analysis, on the output node', () => {
    const hinted: Node = {
      id: 'o1',
      type: 'output.table',
      inputs: { in: 'orders' },
      config: { table: 'analytics.h', partitionBy: 'order_id' },
    };
    const a = analyzeWorkflow(wf([src, hinted]), { dialect: 'bigquery', catalog: EXAMPLE_CATALOG });
    const codes = a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.nodeId}`);
    expect(codes).toEqual(['TYPE_MISMATCH o1']);
  });
});
