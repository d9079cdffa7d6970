/**
 * The real daemon killed mid-run. A workflow with a shared branch (materialised into a staging
 * table), a replace output and a slow append output runs over HTTP; while the append's statement
 * runs in DuckDB the daemon gets SIGKILL, and a new daemon on the same state dir and warehouse file
 * must finish the run: outputs equal hand-written SQL, the append holds its rows once, the ledger
 * one row, no staging table is left, the Idempotency-Key still names the same run, and the run's
 * logs tell the recovery. Then SIGTERM during a run: the daemon exits 0 and nothing is doubled.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.js';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { daemonApi } from '../../test/support/daemon-api.js';
import { e2eDir, writeE2eWarehouse } from '../../test/support/e2e-warehouse.js';
import { rows } from '../executor/testing.js';
import { startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';

const e2e = e2eDir('edgeflow-crash-');
const { dir, cfg, stateDir, wh } = e2e;
let daemon: DaemonProcess | undefined;
const { api, tokens, waitForRun } = daemonApi(() => daemon!);

/** Rows of the slow aggregate: DuckDB takes about a second on it here. */
const N = 60_000_000;
const MIN_AMOUNT = 40;

const workflow = {
  edgeflow: 1,
  name: 'crash_flow',
  connection: 'wh',
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    // Read by two outputs: materialised once into a staging table.
    { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    {
      id: 'out_rev',
      type: 'output.table',
      inputs: { in: 'rev' },
      config: { table: 'analytics.store_revenue', mode: 'replace' },
    },
    {
      id: 'slow',
      type: 'source.sql',
      config: {
        sql: `SELECT range % 7 AS store_id, count(*) AS ticks FROM range(${N}) GROUP BY ALL`,
        columns: [
          { name: 'store_id', type: 'bigint' },
          { name: 'ticks', type: 'bigint' },
        ],
      },
    },
    {
      id: 'joined',
      type: 'join',
      inputs: { left: 'paid', right: 'slow' },
      config: {
        on: [{ left: 'store_id', right: 'store_id' }],
        select: ['left.order_id', 'left.store_id', 'left.amount', 'right.ticks'],
      },
    },
    { id: 'big', type: 'filter', inputs: { in: 'joined' }, config: { where: `amount >= ${MIN_AMOUNT}` } },
    {
      id: 'out_big',
      type: 'output.table',
      inputs: { in: 'big' },
      config: { table: 'analytics.big_paid', mode: 'append' },
    },
  ],
};

/** The slow aggregate's counts, worked out here: how many of 0..N-1 leave each remainder mod 7. */
const ticksCase = `CAST(CASE store_id ${Array.from(
  { length: 7 },
  (_, k) => `WHEN ${k} THEN ${Math.floor((N - 1 - k) / 7) + 1}`,
).join(' ')} END AS BIGINT)`;

const expected = {
  revenue: `SELECT store_id, sum(amount) AS revenue, count(*) AS orders FROM main.orders
            WHERE status = 'paid' GROUP BY store_id ORDER BY store_id`,
  big: `SELECT order_id, store_id, amount, ${ticksCase} AS ticks FROM main.orders
        WHERE status = 'paid' AND amount >= ${MIN_AMOUNT} ORDER BY order_id`,
};

/** The warehouse, opened by the test while no daemon holds it (DuckDB locks the file). */
async function inWarehouse<T>(fn: (c: Connector) => Promise<T>): Promise<T> {
  expect(daemon, 'the daemon must be stopped first').toBeUndefined();
  const c = await openDuckDb({ path: wh });
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

async function start(): Promise<DaemonProcess> {
  // One daemon at a time: DuckDB lets one process hold the warehouse file.
  if (daemon) await stop();
  daemon = await startDaemon({ config: cfg });
  // The admin token serves every scope the helpers ask for.
  const admin = readFileSync(path.join(stateDir, 'admin.token'), 'utf8').trim();
  for (const scope of ['admin', 'read', 'run', 'write'] as const) tokens[scope] = admin;
  return daemon;
}

/** Stops the daemon with `signal`; its exit code (null when a signal ended it) and signal. */
async function stop(signal: NodeJS.Signals = 'SIGTERM') {
  const d = daemon!;
  const code = await d.stop(signal);
  daemon = undefined;
  return { code, signal: d.child.signalCode, output: d.output() };
}

interface StepView {
  stepId: string;
  status: string;
  attempts: number;
  queryId: string | null;
}

function stepOf(run: { steps: StepView[] }, stepId: string): StepView {
  const s = run.steps.find((x) => x.stepId === stepId);
  expect(s, stepId).toBeDefined();
  return s!;
}

/** Starts a run of crash_flow and waits until its slow append is running in the warehouse. */
async function runUntilTheAppendRuns(key: string): Promise<string> {
  const started = await api('POST', '/v1/workflows/crash_flow/runs', {
    token: 'admin',
    headers: { 'idempotency-key': key },
  });
  expect(started.status, started.text).toBe(202);
  const id = started.json.id as string;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await api('GET', `/v1/runs/${id}`, { token: 'admin' });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status, 'the run ended before its slow step could be interrupted').toMatch(
      /^(queued|running)$/,
    );
    const append = r.json.steps.find((s: StepView) => s.stepId === 'write:out_big') as StepView;
    if (append.status === 'running' && append.queryId) return id;
    if (Date.now() > deadline) throw new Error(`the append of run ${id} did not start within 30 s`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

beforeAll(async () => {
  await writeE2eWarehouse(e2e, { rows: 5000, stores: 7, amounts: 50 });
  await start();
  const saved = await api('PUT', '/v1/workflows/crash_flow', { token: 'admin', body: workflow });
  expect(saved.status, saved.text).toBe(201);
}, 120_000);

afterAll(async () => {
  if (daemon) await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the daemon killed mid-run', () => {
  it('finishes the run after SIGKILL and a restart: outputs right, the append once, no staging left', async () => {
    const key = `crash-${Date.now()}`;
    const id = await runUntilTheAppendRuns(key);
    const killed = await stop('SIGKILL');
    expect(killed).toMatchObject({ code: null, signal: 'SIGKILL' });

    await start();
    let run = await waitForRun(id, { timeoutMs: 60_000 });
    if (run.status === 'interrupted') {
      // Recovery may also interrupt it and make one new attempt, which must then succeed.
      const list = await api('GET', '/v1/runs?workflow=crash_flow', { token: 'admin' });
      const retry = list.json.runs.find((r: { retryOf: string | null }) => r.retryOf === id);
      expect(retry, 'a new attempt of the interrupted run').toBeDefined();
      run = await waitForRun(retry.id, { timeoutMs: 60_000 });
    }
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.stagingDropped).toBe(true);
    if (run.id === id) {
      // Resumed from its last finished step: what had finished did not run again.
      expect(stepOf(run, 'prepare').attempts).toBe(1);
      expect(stepOf(run, 'materialize:paid').attempts).toBe(1);
      expect(stepOf(run, 'write:out_big').attempts).toBe(2);
    }

    // The same Idempotency-Key names the same run, after the crash as before.
    const again = await api('POST', '/v1/workflows/crash_flow/runs', {
      token: 'admin',
      headers: { 'idempotency-key': key },
    });
    expect(again.status, again.text).toBe(202);
    expect(again.json.id).toBe(id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const all = await api('GET', '/v1/runs?workflow=crash_flow', { token: 'admin' });
    expect(all.json.runs.filter((r: { rootId: string }) => r.rootId === id)).toHaveLength(
      run.id === id ? 1 : 2,
    );

    const logs = await api('GET', `/v1/runs/${id}/logs?limit=1000`, { token: 'admin' });
    expect(logs.status, logs.text).toBe(200);
    const messages = logs.json.logs.map((l: { message: string }) => l.message) as string[];
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^the executor running this run \(.+\) stopped without finishing it; recovering$/,
      ),
    );
    expect(messages).toContain(
      run.id === id ? 'resumed from its last finished step' : `a new attempt was started: run ${run.id}`,
    );
    // The new daemon says so in its own log too.
    const recovery = daemon!
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; recovery?: { resumed: string[]; interrupted: unknown[] } })
      .find((l) => l.msg === 'executor started')?.recovery;
    expect(recovery).toBeDefined();
    expect([
      ...recovery!.resumed,
      ...recovery!.interrupted.map((r) => (r as { run: { id: string } }).run.id),
    ]).toEqual([id]);

    expect((await stop()).code).toBe(0);
    await inWarehouse(async (c) => {
      expect(await rows(c, 'SELECT * FROM analytics.store_revenue ORDER BY store_id')).toEqual(
        await rows(c, expected.revenue),
      );
      const big = await rows(c, expected.big);
      expect(big.length).toBeGreaterThan(100);
      expect(await rows(c, 'SELECT * FROM analytics.big_paid ORDER BY order_id')).toEqual(big);
      expect(await rows(c, 'SELECT run_id, output_node FROM edgeflow_staging.ef_ledger')).toEqual([
        { run_id: id, output_node: 'out_big' },
      ]);
      expect(
        await rows(
          c,
          "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'edgeflow_staging' AND table_name <> 'ef_ledger'",
        ),
      ).toEqual([]);
    });
  }, 180_000);

  it('exits 0 on SIGTERM during a run, lets the running step finish, and the restart completes the run once', async () => {
    await start();
    const id = await runUntilTheAppendRuns(`term-${Date.now()}`);
    const stopped = await stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.output).toContain('shutting down');

    await start();
    const run = await waitForRun(id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    // The append finished within the grace period: it was not run again.
    expect(stepOf(run, 'write:out_big')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(run.steps.every((s: StepView) => s.status === 'succeeded' && s.attempts === 1)).toBe(true);
    const logs = await api('GET', `/v1/runs/${id}/logs?limit=1000`, { token: 'admin' });
    const messages = logs.json.logs.map((l: { message: string }) => l.message) as string[];
    expect(messages.filter((m) => m === 'run succeeded')).toHaveLength(1);
    // Unless it ended in the instant before the signal, the shutdown handed it back to be resumed.
    if (messages.some((m) => m.startsWith('handed back by a shutdown')))
      expect(messages).toContain('resumed from its last finished step');

    expect((await stop()).code).toBe(0);
    await inWarehouse(async (c) => {
      // Two runs appended, each exactly once: every expected row twice.
      const once = await rows(c, expected.big);
      const twice = await rows(
        c,
        `SELECT order_id, store_id, amount, ticks FROM (${expected.big}) CROSS JOIN range(2) ORDER BY order_id`,
      );
      expect(twice).toHaveLength(once.length * 2);
      expect(await rows(c, 'SELECT * FROM analytics.big_paid ORDER BY order_id')).toEqual(twice);
      const ledger = await rows(
        c,
        'SELECT run_id, output_node FROM edgeflow_staging.ef_ledger ORDER BY run_id',
      );
      expect(ledger).toHaveLength(2);
      expect(ledger).toContainEqual({ run_id: id, output_node: 'out_big' });
      expect(
        await rows(
          c,
          "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'edgeflow_staging' AND table_name <> 'ef_ledger'",
        ),
      ).toEqual([]);
      expect(await rows(c, 'SELECT * FROM analytics.store_revenue ORDER BY store_id')).toEqual(
        await rows(c, expected.revenue),
      );
    });
  }, 180_000);
});
