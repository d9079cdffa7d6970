/**
 * Reuse of unchanged results on real engines (DuckDB in-process, PostgreSQL when
 * EDGEFLOW_TEST_PG_URL is set), through the real RunService and executor: the second run of an
 * unchanged workflow runs no statement for its cached steps (every statement is counted), an
 * insert into a source invalidates, an output changed behind the daemon's back is written again,
 * a kept result expires after its ttl, and the janitor drops what expired or does not fit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, ExecuteOptions, Transaction } from '../../connectors/connector.js';
import { describePostgres, PG_URL } from '../../test/support/postgres.js';
import { configSchema } from '../config/schema.js';
import {
  FakeClock,
  finished,
  ordersExpectedSql,
  ordersSetupSql,
  ordersWorkflow,
  rows,
  testRuntime,
  type TestRuntime,
} from '../executor/testing.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Counted {
  /** Statements run, with the step each was labelled with. */
  statements: Array<{ sql: string; step: string | undefined }>;
  /** Table-version lookups (metadata; on DuckDB and PostgreSQL a checksum scan of each table). */
  versionLookups: number;
}

/** Every statement the connector runs (inside transactions too), by step. */
function counting(inner: Connector, counted: Counted): Connector {
  const record = (sql: string, o?: ExecuteOptions) => counted.statements.push({ sql, step: o?.label?.step });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'execute')
        return (sql: string, o?: ExecuteOptions) => {
          record(sql, o);
          return target.execute(sql, o);
        };
      if (prop === 'transaction' && target.transaction)
        return (fn: (tx: Transaction) => Promise<unknown>, o?: ExecuteOptions) =>
          target.transaction!(
            (tx) =>
              fn({
                execute: (sql, so) => {
                  record(sql, { ...o, ...so });
                  return tx.execute(sql, so);
                },
              }),
            o,
          );
      if (prop === 'tableVersions' && target.tableVersions)
        return (...args: Parameters<NonNullable<Connector['tableVersions']>>) => {
          counted.versionLookups += args[0].length;
          return target.tableVersions!(...args);
        };
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

interface Engine {
  name: 'duckdb' | 'postgres';
  connection: Record<string, unknown>;
  src: string;
  out: string;
  stage: string;
}

const duckdb: Engine = {
  name: 'duckdb',
  connection: { type: 'duckdb', path: ':memory:', stagingSchema: 'cache_stage' },
  src: 'src',
  out: 'out',
  stage: 'cache_stage',
};

const postgres: Engine = {
  name: 'postgres',
  connection: { type: 'postgres', url: PG_URL ?? '', stagingSchema: 'efc_stage' },
  src: 'efc_src',
  out: 'efc_out',
  stage: 'efc_stage',
};

/** Orders per store with a shared `paid` filter (materialised once), both outputs `replace`. */
function workflow(e: Engine, cache: unknown = { ttl: '1h' }) {
  const wf = ordersWorkflow(e.src, e.out, 'cached_orders') as { nodes: Array<Record<string, unknown>> };
  for (const n of wf.nodes)
    if (n['id'] === 'out_big') n['config'] = { table: `${e.out}.big_paid`, mode: 'replace' };
  return { ...wf, cache };
}

async function setup(e: Engine, extra: Record<string, unknown> = {}) {
  const clock = new FakeClock(Date.now());
  const counted: Counted = { statements: [], versionLookups: 0 };
  const loaded = {
    config: configSchema.parse({ state: ':memory:', connections: { wh: e.connection }, ...extra }),
    baseDir: process.cwd(),
  };
  const rt: TestRuntime = testRuntime({ config: loaded, clock, wrap: (c) => counting(c, counted) });
  cleanup.push(() => rt.close());
  const c = await rt.service.connector('wh');
  const reset = async () => {
    if (e.name === 'postgres')
      for (const s of [e.src, e.out, e.stage]) await c.execute(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  };
  await reset();
  cleanup.push(reset);
  for (const sql of ordersSetupSql(e.name, e.src)) await c.execute(sql);
  await c.execute(`CREATE SCHEMA IF NOT EXISTS ${e.out}`);
  const wf = { ...workflow(e), connection: 'wh' };
  await rt.service.saveWorkflow(wf);
  const run = async () => {
    counted.statements.length = 0;
    counted.versionLookups = 0;
    const { run } = await rt.service.startRun({ workflow: 'cached_orders' });
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const view = rt.service.runs!.getRun(run.id);
    return {
      id: run.id,
      reused: Object.fromEntries(view.steps.map((s) => [s.stepId, s.reusedFrom])),
      statements: [...counted.statements],
      versionLookups: counted.versionLookups,
    };
  };
  const outputs = async () => ({
    revenue: await rows(c, `SELECT * FROM ${e.out}.store_revenue ORDER BY store_id`),
    big: await rows(c, `SELECT * FROM ${e.out}.big_paid ORDER BY id`),
  });
  const expected = async () => {
    const sql = ordersExpectedSql(e.src);
    return { revenue: await rows(c, sql.revenue), big: await rows(c, sql.big) };
  };
  return { rt, c, clock, run, outputs, expected, counted };
}

const CACHED = ['materialize:paid', 'write:out_rev', 'write:out_big'];

function suite(e: Engine) {
  it('the second run of an unchanged workflow runs no statement for its cached steps', async () => {
    const t = await setup(e);
    const first = await t.run();
    expect(Object.values(first.reused).every((r) => r === null)).toBe(true);
    expect(first.statements.filter((s) => CACHED.includes(s.step ?? '')).length).toBeGreaterThan(0);
    const before = await t.outputs();
    expect(before).toEqual(await t.expected());
    // The shared node's result is kept in the staging schema under its key, not dropped.
    const entries = t.rt.store.listCacheEntries({ workflow: 'cached_orders' });
    expect(entries.map((x) => [x.stepId, x.kind, x.status]).sort()).toEqual([
      ['materialize:paid', 'materialize', 'ready'],
      ['write:out_big', 'write', 'ready'],
      ['write:out_rev', 'write', 'ready'],
    ]);
    const kept = entries.find((x) => x.kind === 'materialize')!;
    expect(kept.table).toMatch(new RegExp(`${e.stage}.*ef_c_[0-9a-f]{24}`, 'i'));
    expect((await rows(t.c, `SELECT count(*) AS n FROM ${kept.table}`))[0]!['n']).toBe(kept.rows);

    const second = await t.run();
    expect(second.reused).toMatchObject(Object.fromEntries(CACHED.map((s) => [s, first.id])));
    // Not one statement for the cached steps: only the plan's prepare step (CREATE SCHEMA IF NOT
    // EXISTS for the staging schema, and on DuckDB, which the daemon owns, the output's schema).
    expect(second.statements.filter((s) => CACHED.includes(s.step ?? ''))).toEqual([]);
    expect(
      second.statements.every((s) => s.step === 'prepare' && /^CREATE SCHEMA IF NOT EXISTS/i.test(s.sql)),
    ).toBe(true);
    // One version lookup per source table at the start, then one per kept table as it is reused.
    expect(second.versionLookups).toBe(1 + CACHED.length);
    expect(await t.outputs()).toEqual(before);
    const logs = t.rt.store.runLogs(second.id).map((l) => l.message);
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^reused from run ${first.id}: `)));
  });

  it('a source insert invalidates; an output changed behind its back is written again', async () => {
    const t = await setup(e);
    const first = await t.run();
    await t.c.execute(
      `INSERT INTO ${e.src}.orders (id, store_id, status, amount) VALUES (1000, 1, 'paid', 99.5)`,
    );
    const second = await t.run();
    expect(Object.values(second.reused)).not.toContain(first.id);
    expect(second.statements.filter((s) => s.step === 'write:out_big').length).toBeGreaterThan(0);
    const now = await t.outputs();
    expect(now).toEqual(await t.expected());
    expect(now.big.map((r) => Number(r['id']))).toContain(1000);
    // An UPDATE that keeps the row count is a change too.
    await t.c.execute(`UPDATE ${e.src}.orders SET amount = 98.5 WHERE id = 1000`);
    const updated = await t.run();
    expect(Object.values(updated.reused)).not.toContain(second.id);
    expect(await t.outputs()).toEqual(await t.expected());
    // Unchanged sources again: reused; then one output is emptied by someone else.
    const third = await t.run();
    expect(third.reused).toMatchObject(Object.fromEntries(CACHED.map((s) => [s, updated.id])));
    await t.c.execute(`DELETE FROM ${e.out}.big_paid`);
    const fourth = await t.run();
    expect(fourth.reused).toMatchObject({
      'materialize:paid': updated.id,
      'write:out_rev': updated.id,
      'write:out_big': null,
    });
    expect(await t.outputs()).toEqual(await t.expected());
    expect(t.rt.store.runLogs(fourth.id).map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^runs: .*big_paid.* was changed since run /),
    );
  });

  it('expires after its ttl; the janitor drops expired and least recently used kept tables', async () => {
    const t = await setup(e, { cache: { maxSize: '1GB' } });
    const first = await t.run();
    const kept = t.rt.store
      .listCacheEntries({ workflow: 'cached_orders' })
      .find((x) => x.kind === 'materialize')!;
    // 59 minutes later: still reused.
    await t.clock.sleep(59 * 60_000);
    expect((await t.run()).reused['materialize:paid']).toBe(first.id);
    // The ttl (1h) counts from when the result was made: past it, everything runs again.
    await t.clock.sleep(2 * 60_000);
    const third = await t.run();
    expect(Object.values(third.reused).every((r) => r === null)).toBe(true);
    expect(t.rt.store.runLogs(third.id).map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^runs: its kept result \(run .*\) expired at /),
    );
    // Rebuilt under the same key (same SQL and sources) by the third run.
    expect(t.rt.store.getCacheEntry('wh', kept.key)).toMatchObject({ status: 'ready', runId: third.id });

    // Past the ttl the janitor drops the kept table and forgets the outputs' entries.
    await t.clock.sleep(61 * 60_000);
    const swept = await t.rt.service.runs!.sweepCache();
    expect(swept).toMatchObject({ dropped: [kept.table], forgotten: 2, failures: [] });
    expect(t.rt.store.listCacheEntries()).toEqual([]);
    const exists = await t.c.tableVersions!([kept.tableParts], { sizeOnly: true });
    expect(exists[0]).toBeUndefined();
    // The outputs are the workflow's: never dropped.
    expect(await t.outputs()).toEqual(await t.expected());
  });

  it('keeps at most cache.maxSize per connection, least recently used out first', async () => {
    const t = await setup(e, { cache: { maxSize: 1 } });
    await t.run();
    const kept = t.rt.store
      .listCacheEntries({ workflow: 'cached_orders' })
      .find((x) => x.kind === 'materialize')!;
    expect(kept.bytes).toBeGreaterThan(1);
    const swept = await t.rt.service.runs!.sweepCache();
    expect(swept.dropped).toEqual([kept.table]);
    // The outputs' entries stay (an output is not ours to size): the next run rebuilds `paid` only.
    const next = await t.run();
    expect(next.reused).toMatchObject({ 'materialize:paid': null });
    expect(await t.outputs()).toEqual(await t.expected());
  });
}

describe('reuse of unchanged results on DuckDB', () => {
  suite(duckdb);

  it('is off without `cache`, and never for raw SQL, volatile functions or appends', async () => {
    const t = await setup(duckdb);
    const plain = { ...workflow(duckdb, undefined), name: 'plain', connection: 'wh' };
    delete (plain as { cache?: unknown }).cache;
    await t.rt.service.saveWorkflow(plain);
    const { run } = await t.rt.service.startRun({ workflow: 'plain' });
    await finished(t.rt, run.id);
    expect(t.rt.store.getRunCache(run.id)).toBeUndefined();

    const mixed = {
      edgeflow: 1,
      name: 'mixed',
      connection: 'wh',
      cache: true,
      nodes: [
        { id: 'o', type: 'source.table', config: { table: `${duckdb.src}.orders` } },
        { id: 'stamp', type: 'compute', inputs: { in: 'o' }, config: { columns: { at: 'current_date' } } },
        {
          id: 'w1',
          type: 'output.table',
          inputs: { in: 'stamp' },
          config: { table: `${duckdb.out}.stamped` },
        },
        {
          id: 'w2',
          type: 'output.table',
          inputs: { in: 'o' },
          config: { table: `${duckdb.out}.log`, mode: 'append' },
        },
        { id: 'w3', type: 'output.table', inputs: { in: 'o' }, config: { table: `${duckdb.out}.copy` } },
      ],
    };
    await t.rt.service.saveWorkflow(mixed);
    const r1 = await t.rt.service.startRun({ workflow: 'mixed' });
    await finished(t.rt, r1.run.id);
    const doc = t.rt.store.getRunCache(r1.run.id) as { steps: Record<string, unknown> };
    expect(Object.keys(doc.steps)).toEqual(['write:w3']);
    const r2 = await t.rt.service.startRun({ workflow: 'mixed' });
    await finished(t.rt, r2.run.id);
    const steps = t.rt.service.runs!.getRun(r2.run.id).steps;
    expect(Object.fromEntries(steps.map((s) => [s.stepId, s.reusedFrom]))).toEqual({
      prepare: null,
      'write:w1': null,
      'write:w2': null,
      'write:w3': r1.run.id,
    });
  });
});

describe('reuse of unchanged results, scheduled', () => {
  it('a scheduled fire (compiled when it starts) reuses what the previous fire made', async () => {
    const t = await setup(duckdb);
    const fire = async (nominalAt: string) => {
      const { run } = await t.rt.service.startRun({
        workflow: 'cached_orders',
        trigger: 'schedule',
        idempotencyKey: `schedule:cached_orders:${nominalAt}`,
        nominalAt,
      });
      expect((await finished(t.rt, run.id)).status).toBe('succeeded');
      return t.rt.service.runs!.getRun(run.id);
    };
    const first = await fire('2026-01-01T06:00:00.000Z');
    const second = await fire('2026-01-02T06:00:00.000Z');
    expect(
      second.steps
        .filter((s) => s.reusedFrom === first.id)
        .map((s) => s.stepId)
        .sort(),
    ).toEqual([...CACHED].sort());
  });
});

describePostgres('reuse of unchanged results on PostgreSQL', () => {
  suite(postgres);
});
