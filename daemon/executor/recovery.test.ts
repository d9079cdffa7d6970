/**
 * Crash recovery on a real DuckDB file and a real run store file. A "dead" executor is one whose
 * process stopped mid-run: its statements never settle and its store and connectors close under
 * it (TestRuntime.crash), leaving its run `running` under its owner id. A new service on the same
 * files then starts as the daemon does, and must resume the run from its last finished step (or
 * interrupt it and, when safe, start one new attempt), never append twice, and leave no staging.
 * A graceful shutdown lets running steps finish within its grace period, cancels the rest in the
 * warehouse and hands their runs back, which the next start resumes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.js';
import { ConnectorError } from '../../connectors/connector.js';
import type { RunStore } from '../store/index.js';
import { processIsAlive } from './owner.js';
import {
  FakeClock,
  finished,
  loadedConfig,
  ordersExpectedSql,
  ordersSetupSql,
  ordersWorkflow,
  rows,
  testRuntime,
  waitFor,
  withFaults,
  workflowDoc,
  type Faults,
  type TestRuntime,
} from './testing.js';

const dirs: string[] = [];
const runtimes: TestRuntime[] = [];
const crashed: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  await Promise.all(crashed.splice(0).map((r) => r.crash()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A warehouse file and a state file in a new temp dir. */
function files() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeflow-recovery-'));
  dirs.push(dir);
  return {
    state: path.join(dir, 'state.db'),
    config: loadedConfig({ local: { type: 'duckdb', path: path.join(dir, 'wh.duckdb') } }),
  };
}

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(processIsAlive(child.pid)).toBe(false);
  return child.pid;
}

/** The owner id of an executor in the process `pid` on this host. */
const ownerIn = (pid: number) => `${os.hostname()}:${pid}:0badf00d`;

type Files = ReturnType<typeof files>;

/** The executor that is about to die: its connector goes through `faults`, optionally without transactions. */
async function doomed(f: Files, owner: string, faults: Faults, opts: { ledger?: boolean } = {}) {
  const rt = testRuntime({
    config: f.config,
    state: f.state,
    wrap: (c) => (opts.ledger === false ? withoutTransactions(withFaults(c, faults)) : withFaults(c, faults)),
    runs: { executor: { owner } },
  });
  crashed.push(rt);
  const c = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await c.execute(sql);
  const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
  return { rt, run };
}

/** The process that starts after the crash, as the daemon does; its run statements are recorded. */
function successor(
  f: Files,
  opts: Omit<Parameters<typeof testRuntime>[0], 'config' | 'state' | 'wrap'> = {},
) {
  const executed: string[] = [];
  let down = 0;
  const rt = testRuntime({
    ...opts,
    config: f.config,
    state: f.state,
    wrap: (c) => {
      if (down > 0) {
        down--;
        throw new Error('injected: the warehouse is not reachable');
      }
      return withFaults(c, { match: (_s, o) => !!o?.label?.run, onStart: (sql) => executed.push(sql) });
    },
  });
  runtimes.push(rt);
  return {
    ...rt,
    executed,
    /** The next `n` times a connector is asked for, it cannot be opened. */
    unreachable(n: number) {
      down = n;
    },
    connector: () => rt.service.connector('local'),
  };
}

/** A connector like `c` that cannot hold a transaction (so has no ledger, as on BigQuery). */
function withoutTransactions(c: Connector): Connector {
  const copy = { ...c };
  delete copy.transaction;
  return copy;
}

function step(store: RunStore, runId: string, stepId: string) {
  return store.listSteps(runId).find((s) => s.stepId === stepId);
}

function planStatements(store: RunStore, runId: string, ...stepIds: string[]): string[] {
  const plan = store.getRunPlan(runId)!;
  return stepIds.flatMap((id) => plan.steps.find((s) => s.id === id)!.statements);
}

/** Tables in the staging schema other than the ledger. */
async function stagingLeft(c: Connector): Promise<unknown[]> {
  return (
    await rows(
      c,
      `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'edgeflow_staging' AND table_name <> 'ef_ledger'`,
    )
  ).map((r) => r['table_name']);
}

/** The append ledger's rows (none before the first append created it). */
async function ledger(c: Connector) {
  const exists = await rows(
    c,
    `SELECT 1 FROM duckdb_tables() WHERE schema_name = 'edgeflow_staging' AND table_name = 'ef_ledger'`,
  );
  if (exists.length === 0) return [];
  return rows(c, 'SELECT run_id, output_node FROM edgeflow_staging.ef_ledger ORDER BY run_id, output_node');
}

/** The outputs hold exactly what hand-written SQL over the source gives (the append once). */
async function expectOutputs(c: Connector) {
  const expected = ordersExpectedSql('src');
  expect(await rows(c, 'SELECT * FROM out.store_revenue ORDER BY store_id')).toEqual(
    await rows(c, expected.revenue),
  );
  expect(await rows(c, 'SELECT * FROM out.big_paid ORDER BY id')).toEqual(await rows(c, expected.big));
}

function messages(store: RunStore, runId: string, stepId?: string): string[] {
  return store
    .runLogs(runId, { limit: 1000 })
    .filter((l) => stepId === undefined || l.stepId === stepId)
    .map((l) => l.message);
}

const REPLACE_SQL = /^CREATE OR REPLACE TABLE "out"\.store_revenue AS/;

describe('crash recovery', () => {
  it('resumes a run whose process died from its last finished step; the committed append is not made again', async () => {
    const f = files();
    const dead = ownerIn(deadPid());
    // The replace hangs before it reaches the warehouse; the append commits (with its ledger row),
    // then the process dies before the store hears of it.
    const { rt: gone, run } = await doomed(f, dead, {
      hang: (sql) => REPLACE_SQL.test(sql),
      hangAfterCommit: true,
    });
    const c0 = await gone.service.connector('local');
    await waitFor(
      async () =>
        step(gone.store, run.id, 'write:out_rev')?.status === 'running' &&
        !!step(gone.store, run.id, 'write:out_big')?.queryId &&
        (await ledger(c0)).length === 1,
      20_000,
      'the append to commit and the replace to hang',
    );
    await gone.crash();

    const rt = successor(f);
    expect(rt.store.getRun(run.id)).toMatchObject({ status: 'running', owner: dead });
    const leftRunning = step(rt.store, run.id, 'write:out_big')!;
    expect(leftRunning).toMatchObject({ status: 'running', queryId: expect.stringMatching(/^duckdb-/) });
    expect(rt.store.listSteps(run.id).map((s) => [s.stepId, s.status])).toEqual([
      ['prepare', 'succeeded'],
      ['materialize:paid', 'succeeded'],
      ['write:out_rev', 'running'],
      ['write:out_big', 'running'],
      ['cleanup', 'pending'],
    ]);

    const report = await rt.service.startRuns();
    expect(report).toMatchObject({ resumed: [run.id], interrupted: [] });
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.stagingDropped).toBe(true);

    // Only what had not finished ran again: the replace and the cleanup. Not the prepare, not the
    // materialisation of the shared branch, not the append (its ledger row says it committed).
    expect([...rt.executed].sort()).toEqual(
      planStatements(rt.store, run.id, 'write:out_rev', 'cleanup').sort(),
    );
    expect(rt.store.listSteps(run.id).map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['prepare', 'succeeded', 1],
      ['materialize:paid', 'succeeded', 1],
      ['write:out_rev', 'succeeded', 2],
      ['write:out_big', 'succeeded', 2],
      ['cleanup', 'succeeded', 1],
    ]);
    expect(step(rt.store, run.id, 'write:out_big')!.lastError).toMatchObject({ code: 'INTERRUPTED' });

    const c = await rt.connector();
    await expectOutputs(c);
    expect(await ledger(c)).toEqual([{ run_id: run.id, output_node: 'out_big' }]);
    expect(await stagingLeft(c)).toEqual([]);

    const logs = messages(rt.store, run.id);
    expect(logs).toContain(
      `the executor running this run (${dead}) stopped without finishing it; recovering`,
    );
    expect(messages(rt.store, run.id, 'write:out_big')).toEqual(
      expect.arrayContaining([
        `cancelled the statement ${leftRunning.queryId} it left running`,
        'already appended by an earlier attempt (found in the ledger): not appended again',
      ]),
    );
    expect(logs).toContain('resumed from its last finished step');
    expect(logs.at(-1)).toBe('run succeeded');
    expect(rt.store.listRuns().runs).toHaveLength(1);
  });

  it('takes over a run from an owner elsewhere only once its heartbeat is stale', async () => {
    const f = files();
    const remote = 'another-host.internal:4242:0badf00d';
    const { rt: gone, run } = await doomed(f, remote, {
      hang: (sql) => /^CREATE OR REPLACE TABLE edgeflow_staging\.ef_\w+_paid AS/.test(sql),
    });
    await waitFor(
      () => step(gone.store, run.id, 'materialize:paid')?.status === 'running',
      20_000,
      'the materialisation to hang',
    );
    await gone.crash();

    const clock = new FakeClock(Date.now());
    const rt = successor(f, { clock });
    const executor = rt.service.runs!.executor;
    // Its heartbeat is fresh: it may still be running over there.
    expect(await executor.recover()).toEqual({ resumed: [], interrupted: [], stagingDropped: [] });
    expect(rt.store.getRun(run.id)).toMatchObject({ status: 'running', owner: remote });
    expect(rt.executed).toEqual([]);

    await clock.sleep(61_000);
    const report = await rt.service.startRuns();
    expect(report.resumed).toEqual([run.id]);
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(rt.executed).not.toEqual(expect.arrayContaining(planStatements(rt.store, run.id, 'prepare')));
    expect(step(rt.store, run.id, 'prepare')!.attempts).toBe(1);
    expect(step(rt.store, run.id, 'materialize:paid')!.attempts).toBe(2);
    const c = await rt.connector();
    await expectOutputs(c);
    expect(await ledger(c)).toEqual([{ run_id: run.id, output_node: 'out_big' }]);
    expect(await stagingLeft(c)).toEqual([]);
    expect(messages(rt.store, run.id)).toContain(
      `the executor running this run (${remote}) stopped without finishing it; recovering`,
    );
  });

  it('drops the staging tables of a run that ended but died before its cleanup', async () => {
    const f = files();
    const { rt: gone, run } = await doomed(f, ownerIn(deadPid()), {
      // The replace fails for good; the run fails, and its cleanup hangs (the process dies in it).
      match: (sql, o) => !!o?.label?.run && (REPLACE_SQL.test(sql) || /^DROP TABLE/.test(sql)),
      failFirst: 1,
      error: (sql) =>
        new ConnectorError('injected: no such thing', 'permanent', { connector: 'duckdb', sql }),
      hang: (sql) => /^DROP TABLE/.test(sql),
    });
    const failed = await finished(gone, run.id);
    expect(failed.status).toBe('failed');
    const c0 = await gone.service.connector('local');
    await waitFor(
      () => messages(gone.store, run.id).includes('run failed'),
      20_000,
      'the run to be recorded failed',
    );
    expect(await stagingLeft(c0)).toEqual([`ef_${run.id}_paid`]);
    await gone.crash();

    const rt = successor(f);
    expect(rt.store.getRun(run.id)!.stagingDropped).toBe(false);
    const report = await rt.service.startRuns();
    expect(report).toEqual({ resumed: [], interrupted: [], stagingDropped: [run.id] });
    expect(await stagingLeft(await rt.connector())).toEqual([]);
    expect(rt.store.getRun(run.id)).toMatchObject({ status: 'failed', stagingDropped: true });
    expect(rt.executed).toEqual([`DROP TABLE IF EXISTS edgeflow_staging.ef_${run.id}_paid`]);
    expect(messages(rt.store, run.id).at(-1)).toBe('recovery dropped the staging tables it left');
  });

  it('interrupts, and does not retry, a run whose append was running on a connector with no ledger', async () => {
    const f = files();
    const insert = /^INSERT INTO "out"\.big_paid/;
    let inserting = false;
    const { rt: gone, run } = await doomed(
      f,
      ownerIn(deadPid()),
      { hang: (sql) => insert.test(sql), onStart: (sql) => (inserting ||= insert.test(sql)) },
      { ledger: false },
    );
    await waitFor(
      () =>
        inserting &&
        step(gone.store, run.id, 'write:out_rev')?.status === 'succeeded' &&
        !!step(gone.store, run.id, 'write:out_big')?.queryId,
      20_000,
      'the append to be under way',
    );
    await gone.crash();

    const executed: string[] = [];
    const rt = testRuntime({
      config: f.config,
      state: f.state,
      wrap: (c) =>
        withoutTransactions(
          withFaults(c, { match: (_s, o) => !!o?.label?.run, onStart: (s) => executed.push(s) }),
        ),
    });
    runtimes.push(rt);
    const report = await rt.service.startRuns();
    expect(report.resumed).toEqual([]);
    expect(report.interrupted).toEqual([
      { run: expect.objectContaining({ id: run.id, status: 'interrupted' }), retryable: false },
    ]);
    expect(report.stagingDropped).toEqual([run.id]);
    const after = rt.store.getRun(run.id)!;
    expect(after.error).toMatchObject({
      code: 'INTERRUPTED',
      message: expect.stringContaining('has no ledger transaction to tell whether it committed'),
    });
    // No new attempt: it could append the rows twice.
    expect(rt.store.getRunByIdempotencyKey(`retry:${run.id}`)).toBeUndefined();
    expect(rt.store.listRuns().runs.map((r) => r.id)).toEqual([run.id]);
    // Nothing of the run ran again but the drop of its staging table.
    expect(executed).toEqual([`DROP TABLE IF EXISTS edgeflow_staging.ef_${run.id}_paid`]);
    const c = await rt.service.connector('local');
    expect(await rows(c, 'SELECT count(*) AS n FROM out.big_paid')).toEqual([{ n: 0 }]);
    expect(await stagingLeft(c)).toEqual([]);
    expect(messages(rt.store, run.id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^interrupted: the append to out\.big_paid was running when the executor stopped/,
        ),
        'recovery dropped the staging tables it left',
      ]),
    );
  });

  it('interrupts a run it cannot resume (connection unavailable) and makes one new attempt, which appends nothing twice', async () => {
    const f = files();
    const { rt: gone, run } = await doomed(f, ownerIn(deadPid()), {
      hang: (sql) => REPLACE_SQL.test(sql),
      hangAfterCommit: true,
    });
    const c0 = await gone.service.connector('local');
    await waitFor(
      async () =>
        step(gone.store, run.id, 'write:out_rev')?.status === 'running' && (await ledger(c0)).length === 1,
      20_000,
      'the append to commit',
    );
    await gone.crash();

    const rt = successor(f);
    rt.unreachable(1);
    const report = await rt.service.startRuns();
    expect(report.resumed).toEqual([]);
    expect(report.interrupted).toEqual([
      { run: expect.objectContaining({ id: run.id, status: 'interrupted' }), retryable: true },
    ]);
    expect(rt.store.getRun(run.id)!.error).toMatchObject({ code: 'CONNECTION_UNAVAILABLE' });

    const retry = await waitFor(
      () => rt.store.getRunByIdempotencyKey(`retry:${run.id}`),
      20_000,
      'the new attempt',
    );
    expect(retry).toMatchObject({ attempt: 2, rootId: run.id, retryOf: run.id, workflow: run.workflow });
    const done = await finished(rt, retry.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');

    const c = await rt.connector();
    await expectOutputs(c);
    // The ledger is keyed by the first attempt: the new attempt found the append made.
    expect(await ledger(c)).toEqual([{ run_id: run.id, output_node: 'out_big' }]);
    expect(messages(rt.store, retry.id, 'write:out_big')).toContain(
      'already appended by an earlier attempt (found in the ledger): not appended again',
    );
    expect(rt.executed.some((s) => /^INSERT INTO "out"\.big_paid/.test(s))).toBe(false);
    await waitFor(() => rt.store.getRun(run.id)!.stagingDropped, 20_000, 'the first attempt staging drop');
    expect(await stagingLeft(c)).toEqual([]);
    expect(messages(rt.store, run.id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^interrupted: connection "local" is not available/),
        `a new attempt was started: run ${retry.id}`,
      ]),
    );
    await rt.close();

    // A second recovery finds nothing to do: no second new attempt.
    const again = successor(f);
    expect(await again.service.startRuns()).toEqual({ resumed: [], interrupted: [], stagingDropped: [] });
    expect(
      again.store
        .listRuns()
        .runs.map((r) => [r.id, r.status])
        .sort(),
    ).toEqual(
      [
        [run.id, 'interrupted'],
        [retry.id, 'succeeded'],
      ].sort(),
    );
    expect(again.executed).toEqual([]);
  });
});

/** Per paid order, this many rows of a cross join: a step DuckDB takes a second or so on. */
const TICKS = 500_000;

/** The orders workflow with one more, slow, output over the shared branch: `out.ticks` (replace). */
function slowOrdersWorkflow(): Record<string, unknown> {
  const doc = ordersWorkflow('src', 'out', 'slow_orders');
  return { ...doc, nodes: [...(doc['nodes'] as unknown[]), ...ticksNodes('paid')] };
}

/** A slow count per store over `input`, written to out.ticks. */
function ticksNodes(input: string): unknown[] {
  return [
    {
      id: 'ticks',
      type: 'sql',
      inputs: { in: input },
      config: {
        sql: `SELECT p.store_id, count(*) AS n FROM {{in}} p CROSS JOIN range(${TICKS}) r GROUP BY p.store_id`,
        columns: [
          { name: 'store_id', type: 'bigint' },
          { name: 'n', type: 'bigint' },
        ],
      },
    },
    {
      id: 'out_ticks',
      type: 'output.table',
      inputs: { in: 'ticks' },
      config: { table: 'out.ticks', mode: 'replace' },
    },
  ];
}

/** What out.ticks must hold, written by hand over the source. */
function ticksExpectedSql(where = "status = 'paid' AND amount >= 3"): string {
  return `SELECT store_id, count(*) * ${TICKS} AS n FROM src.orders WHERE ${where} GROUP BY store_id ORDER BY store_id`;
}

async function tableExists(c: Connector, schema: string, table: string): Promise<boolean> {
  const r = await rows(
    c,
    `SELECT 1 FROM duckdb_tables() WHERE schema_name = '${schema}' AND table_name = '${table}'`,
  );
  return r.length > 0;
}

describe('graceful shutdown', () => {
  it('cancels a step that outlasts the grace period and hands the run back; the next start resumes it', async () => {
    const f = files();
    const first = testRuntime({ config: f.config, state: f.state });
    runtimes.push(first);
    const c0 = await first.service.connector('local');
    for (const sql of ordersSetupSql('duckdb', 'src')) await c0.execute(sql);
    await first.service.startRuns();
    const { run } = await first.service.startRun({ document: slowOrdersWorkflow() });
    await waitFor(
      () =>
        step(first.store, run.id, 'write:out_rev')?.status === 'succeeded' &&
        step(first.store, run.id, 'write:out_big')?.status === 'succeeded' &&
        step(first.store, run.id, 'write:out_ticks')?.status === 'running' &&
        !!step(first.store, run.id, 'write:out_ticks')?.queryId,
      20_000,
      'the slow step to run',
    );
    await first.service.close({ graceMs: 50 });

    // Handed back: queued, no owner; what finished stays finished; the slow step waits to run again.
    expect(first.store.getRun(run.id)).toMatchObject({ status: 'queued', owner: null, finishedAt: null });
    expect(first.store.listSteps(run.id).map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['prepare', 'succeeded', 1],
      ['materialize:paid', 'succeeded', 1],
      ['write:out_rev', 'succeeded', 1],
      ['write:out_big', 'succeeded', 1],
      ['write:out_ticks', 'pending', 1],
      ['cleanup', 'pending', 0],
    ]);
    expect(step(first.store, run.id, 'write:out_ticks')!.lastError).toMatchObject({ code: 'SHUTDOWN' });
    expect(messages(first.store, run.id, 'write:out_ticks')).toContain(
      'stopped by a shutdown; it runs again when the run resumes',
    );
    expect(messages(first.store, run.id).at(-1)).toBe(
      'handed back by a shutdown: the next start resumes it from its last finished step',
    );
    await first.close();

    const rt = successor(f);
    const c = await rt.connector();
    // The statement was stopped in the engine: the shutdown waited for it, and it wrote nothing.
    expect(await tableExists(c, 'out', 'ticks')).toBe(false);
    await rt.service.startRuns();
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect([...rt.executed].sort()).toEqual(
      planStatements(rt.store, run.id, 'write:out_ticks', 'cleanup').sort(),
    );
    expect(step(rt.store, run.id, 'write:out_ticks')!.attempts).toBe(2);
    await expectOutputs(c);
    expect(await rows(c, 'SELECT * FROM out.ticks ORDER BY store_id')).toEqual(
      await rows(c, ticksExpectedSql()),
    );
    expect(await ledger(c)).toEqual([{ run_id: run.id, output_node: 'out_big' }]);
    expect(await stagingLeft(c)).toEqual([]);
    expect(messages(rt.store, run.id)).toContain('resumed from its last finished step');
  });

  it('lets a running step finish within a long grace period, and starts nothing new meanwhile', async () => {
    const f = files();
    const rt = testRuntime({ config: f.config, state: f.state });
    runtimes.push(rt);
    const c0 = await rt.service.connector('local');
    for (const sql of ordersSetupSql('duckdb', 'src')) await c0.execute(sql);
    await rt.service.startRuns();
    const doc = workflowDoc('slow_last', [
      { id: 'orders', type: 'source.table', config: { table: 'src.orders' } },
      ...ticksNodes('orders'),
    ]);
    const { run } = await rt.service.startRun({ document: doc });
    await waitFor(() => !!step(rt.store, run.id, 'write:out_ticks')?.queryId, 20_000, 'the slow step to run');
    const closing = rt.service.close({ graceMs: 120_000 });
    // Queued while the executor drains: not started.
    const late = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    await closing;

    expect(rt.store.getRun(run.id)!.status).toBe('succeeded');
    expect(rt.store.listSteps(run.id).map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['prepare', 'succeeded', 1],
      ['write:out_ticks', 'succeeded', 1],
    ]);
    expect(messages(rt.store, run.id).some((m) => /shutdown/.test(m))).toBe(false);
    expect(rt.store.getRun(late.run.id)).toMatchObject({ status: 'queued', owner: null, startedAt: null });
    expect(rt.store.listSteps(late.run.id).every((s) => s.status === 'pending' && s.attempts === 0)).toBe(
      true,
    );
    const c = await rt.service.connector('local');
    expect(await rows(c, 'SELECT * FROM out.ticks ORDER BY store_id')).toEqual(
      await rows(c, ticksExpectedSql('status IS NOT NULL')),
    );
  });
});
