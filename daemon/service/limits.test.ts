/**
 * Issue 10, "one request can take gigabytes": a document over `limits.maxNodes` is refused with
 * TOO_MANY_NODES on every path into the service, before its shape is checked or its tables are
 * looked up; and at most `limits.maxConcurrentCompiles` analyses are in progress at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NODES } from '../../compiler/workflow/model.js';
import type { Connector } from '../../connectors/connector.js';
import type { LoadedConfig } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import {
  ordersSetupSql,
  ordersWorkflow,
  testRuntime,
  workflowDoc,
  type TestRuntime,
} from '../executor/testing.js';
import { ServiceError } from './errors.js';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
});

function config(limits: Record<string, number> = {}): LoadedConfig {
  return {
    config: configSchema.parse({
      connections: { local: { type: 'duckdb', path: ':memory:' } },
      state: ':memory:',
      limits,
    }),
    baseDir: process.cwd(),
  };
}

/**
 * A service whose connector counts (and, while `hold` is set, holds) its table lookups: the live
 * catalog is the await inside an analysis.
 */
async function setup(limits: Record<string, number> = {}) {
  const lookups = { count: 0, hold: undefined as Promise<void> | undefined, waiting: 0 };
  const rt = testRuntime({
    config: config(limits),
    wrap: (c) =>
      new Proxy(c, {
        get(target, key) {
          if (key === 'describeTable')
            return async (parts: readonly string[]) => {
              lookups.count++;
              lookups.waiting++;
              await lookups.hold;
              lookups.waiting--;
              return target.describeTable(parts);
            };
          const v: unknown = Reflect.get(target, key, target);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as Connector,
  });
  runtimes.push(rt);
  const c = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await c.execute(sql);
  return { ...rt, lookups };
}

/**
 * `n` nodes that read a table (a catalog lookup each, if anything looked) and are otherwise wrong
 * in every way analysis would report: unknown keys, unknown components, missing inputs.
 */
function oversized(n: number): Record<string, unknown> {
  return workflowDoc(
    'too_big',
    Array.from({ length: n }, (_, i) =>
      i % 2 === 0
        ? { id: `n${i}`, type: 'source.table', config: { table: 'src.orders' } }
        : { id: `n${i}`, type: 'no_such_component', inptus: { in: `n${i - 1}` } },
    ),
  );
}

/** A valid chain of `n` nodes: a source, filters, an output. */
function chain(n: number): Record<string, unknown> {
  const nodes: unknown[] = [{ id: 'n0', type: 'source.table', config: { table: 'src.orders' } }];
  for (let i = 1; i < n - 1; i++)
    nodes.push({ id: `n${i}`, type: 'filter', inputs: { in: `n${i - 1}` }, config: { where: 'amount > 1' } });
  nodes.push({
    id: 'out',
    type: 'output.table',
    inputs: { in: `n${n - 2}` },
    config: { table: 'dst.t', mode: 'replace' },
  });
  return workflowDoc('long_chain', nodes);
}

const tooMany = (count: number, limit: number) => [
  {
    code: 'TOO_MANY_NODES',
    severity: 'error',
    path: '$.nodes',
    message: expect.stringContaining(
      `${count.toLocaleString('en-US')} nodes; at most ${limit.toLocaleString('en-US')}`,
    ) as string,
    hint: expect.stringMatching(/split it.*limits\.maxNodes/) as string,
  },
];

async function serviceError(p: Promise<unknown>): Promise<ServiceError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ServiceError);
  return e as ServiceError;
}

describe('limits.maxNodes', () => {
  it('refuses a document of maxNodes + 1 nodes on every path, with TOO_MANY_NODES alone, unanalysed', async () => {
    const rt = await setup({ maxNodes: 20 });
    const doc = oversized(21);
    const s = rt.service;

    const v = await s.validate({ workflow: doc });
    expect(v.valid).toBe(false);
    // Nothing else was looked at: not the unknown keys and components, not the tables.
    expect(v.diagnostics).toEqual(tooMany(21, 20));
    expect(v.catalog).toBe('declared');
    // JSON text is refused the same way.
    expect((await s.validate({ workflow: JSON.stringify(doc) })).diagnostics).toEqual(tooMany(21, 20));

    const c = await s.compile({ workflow: doc });
    expect([c.ok, c.diagnostics]).toEqual([false, tooMany(21, 20)]);
    const p = await s.preview({ workflow: doc, node: 'n0' });
    expect([p.ok, p.diagnostics]).toEqual([false, tooMany(21, 20)]);
    const e = await s.estimate({ workflow: doc });
    expect([e.ok, e.diagnostics]).toEqual([false, tooMany(21, 20)]);
    expect(s.diagram(doc).diagnostics).toEqual(tooMany(21, 20));

    const saved = await serviceError(s.saveWorkflow(doc));
    expect(saved.code).toBe('INVALID_WORKFLOW');
    expect((saved.details as { diagnostics: unknown }).diagnostics).toEqual(tooMany(21, 20));
    const run = await serviceError(s.startRun({ document: doc }));
    expect(run.code).toBe('INVALID_WORKFLOW');
    expect((run.details as { diagnostics: unknown }).diagnostics).toEqual(tooMany(21, 20));

    expect(rt.lookups.count).toBe(0);
    expect(s.listWorkflows()).toEqual([]);
    expect(rt.store.listRuns({}).runs).toEqual([]);
    // At the limit, the same kind of document is checked (and its faults reported).
    const atLimit = await s.validate({ workflow: oversized(20) });
    expect(atLimit.diagnostics.map((d) => d.code)).toContain('UNKNOWN_KEY');
  });

  it("defaults to the compiler's 2,000 nodes; a raised limit lets a longer workflow through", async () => {
    expect(DEFAULT_MAX_NODES).toBe(2_000);
    const byDefault = await setup();
    const doc = chain(DEFAULT_MAX_NODES + 1);
    expect((await byDefault.service.validate({ workflow: doc })).diagnostics).toEqual(
      tooMany(DEFAULT_MAX_NODES + 1, DEFAULT_MAX_NODES),
    );
    const raised = await setup({ maxNodes: DEFAULT_MAX_NODES + 1 });
    const v = await raised.service.validate({ workflow: doc });
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it('bounds the columns too: a chain that widens at every node stops at TOO_MANY_COLUMNS', async () => {
    // 40 compute nodes adding 20 columns each to the 4 of orders: 16,564 columns in all, over the
    // 50 × 250 = 12,500 a limit of 50 nodes allows. Its first 20 nodes (3,880) pass under 20 × 250.
    const rt = await setup({ maxNodes: 50 });
    const nodes: unknown[] = [{ id: 'n0', type: 'source.table', config: { table: 'src.orders' } }];
    for (let i = 1; i <= 40; i++)
      nodes.push({
        id: `n${i}`,
        type: 'compute',
        inputs: { in: `n${i - 1}` },
        config: { columns: Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`c${i}_${k}`, '1'])) },
      });
    const small = await setup({ maxNodes: 20 });
    const doc = workflowDoc('widening', nodes.slice(0, 20));
    expect((await small.service.validate({ workflow: doc })).valid).toBe(true);
    const v = await rt.service.validate({ workflow: workflowDoc('widening', nodes) });
    expect(v.valid).toBe(false);
    const errors = v.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'TOO_MANY_COLUMNS',
        nodeId: expect.stringMatching(/^n\d+$/) as string,
        hint: expect.stringContaining('limits.maxNodes') as string,
      }),
    ]);
  });
});

describe('limits.maxConcurrentCompiles', () => {
  it('never has more analyses in progress than the limit; the rest wait, and a waiter can be aborted', async () => {
    const rt = await setup({ maxConcurrentCompiles: 2 });
    const s = rt.service;
    let release!: () => void;
    rt.lookups.hold = new Promise((r) => (release = r));
    const doc = ordersWorkflow('src', 'dst');
    const requests = [
      s.validate({ workflow: doc }),
      s.compile({ workflow: doc }),
      s.validate({ workflow: doc }),
      s.saveWorkflow(doc),
      s.startRun({ document: doc }),
    ] as const;
    const ac = new AbortController();
    const abandoned = s.validate({ workflow: doc, signal: ac.signal });
    while (rt.lookups.waiting < 2) await new Promise((r) => setTimeout(r, 5));
    // Two analyses are waiting on their table lookups; the others have not even parsed.
    expect([s.compileGate.active, s.compileGate.queued]).toEqual([2, 4]);
    expect(rt.lookups.waiting).toBe(2);
    ac.abort(new Error('the client went away'));
    await expect(abandoned).rejects.toThrow('the client went away');
    expect(s.compileGate.queued).toBe(3);

    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, s.compileGate.active, rt.lookups.waiting)), 1);
    release();
    const [v1, c, v2, saved, run] = await Promise.all(requests);
    clearInterval(watch);
    expect(most).toBeLessThanOrEqual(2);
    expect([v1.valid, c.ok, v2.valid, saved.created, run.created]).toEqual([true, true, true, true, true]);
    expect([s.compileGate.active, s.compileGate.queued]).toEqual([0, 0]);
  });
});
