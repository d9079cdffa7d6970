/**
 * The executor on a real DuckDB: results against hand-written SQL, concurrency limits, retries of
 * injected transient faults, fail-fast permanent errors, cancellation in the engine, exactly-once
 * appends, and crash recovery in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecuteOptions } from '../../connectors/connector.js';
import { ConnectorError } from '../../connectors/connector.js';
import type { ExecutorEvent } from './events.js';
import {
  FakeClock,
  finished,
  loadedConfig,
  ordersExpectedSql,
  ordersSetupSql,
  ordersWorkflow,
  slowNodes,
  rows,
  testRuntime,
  waitFor,
  withFaults,
  workflowDoc,
  type Faults,
  type TestRuntime,
} from './testing.js';

const memory = { local: { type: 'duckdb', path: ':memory:' } };

/** A query DuckDB takes many seconds on (a filtered cross join), with its columns declared. */
const SLOW_SQL =
  'SELECT count(*) AS n FROM range(60000) a CROSS JOIN range(60000) b WHERE (a.range * 7 + b.range) % 13 = 5';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

async function setup(opts: Parameters<typeof testRuntime>[0] = { config: loadedConfig(memory) }) {
  const rt = testRuntime(opts);
  runtimes.push(rt);
  const c = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await c.execute(sql);
  return { ...rt, connector: c };
}

describe('executor on DuckDB', () => {
  it('runs a multi-output workflow: the tables hold what hand-written SQL gives, every statement labelled', async () => {
    const labels: Array<ExecuteOptions['label']> = [];
    const rt = await setup({
      config: loadedConfig(memory),
      wrap: (c) =>
        withFaults(c, {
          onStart: () => undefined,
          match: (_s, o) => (o?.label?.run ? !!labels.push(o.label) : false),
        }),
    });
    const { run, created } = await rt.service.startRun({
      document: ordersWorkflow('src', 'out'),
      trigger: 'api',
    });
    expect(created).toBe(true);
    expect(run.status).toBe('queued');
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');

    const expected = ordersExpectedSql('src');
    expect(await rows(rt.connector, 'SELECT * FROM out.store_revenue ORDER BY store_id')).toEqual(
      await rows(rt.connector, expected.revenue),
    );
    expect(await rows(rt.connector, 'SELECT * FROM out.big_paid ORDER BY id')).toEqual(
      await rows(rt.connector, expected.big),
    );

    const view = rt.service.getRun(run.id);
    expect(view.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['prepare', 'succeeded', 1],
      ['materialize:paid', 'succeeded', 1],
      ['write:out_rev', 'succeeded', 1],
      ['write:out_big', 'succeeded', 1],
      ['cleanup', 'succeeded', 1],
    ]);
    for (const s of view.steps) expect(s.queryId).toMatch(/^duckdb-/);
    // Dependencies ran first.
    const at = (id: string) => Date.parse(view.steps.find((s) => s.stepId === id)!.startedAt!);
    const end = (id: string) => Date.parse(view.steps.find((s) => s.stepId === id)!.finishedAt!);
    expect(at('write:out_rev')).toBeGreaterThanOrEqual(end('materialize:paid'));
    expect(view.steps.find((s) => s.stepId === 'write:out_big')!.rows).toBe(
      (await rows(rt.connector, expected.big)).length,
    );
    expect(view.stagingDropped).toBe(true);
    expect(await rt.connector.listTables({ schema: 'edgeflow_staging' })).toEqual([
      { parts: ['edgeflow_staging', 'ef_ledger'], kind: 'table' },
    ]);
    expect(view.lineage).toContainEqual({
      outputNode: 'out_rev',
      outputTable: 'out.store_revenue',
      column: 'revenue',
      sourceTable: 'src.orders',
      sourceColumn: 'amount',
    });
    expect(labels.length).toBeGreaterThan(5);
    for (const l of labels)
      expect(l).toEqual({ workflow: 'orders_flow', run: run.id, step: expect.any(String), origin: 'api' });
    expect(rt.service.runLogs(run.id).map((l) => l.message)).toContain('run succeeded');
  });

  it('runs independent steps side by side, never more than the per-connection limit', async () => {
    let now = 0;
    let max = 0;
    const outputs = Array.from({ length: 6 }, (_, i) => [
      { id: `v${i}`, type: 'source.values', config: { columns: [{ name: 'x', type: 'int' }], rows: [[i]] } },
      {
        id: `o${i}`,
        type: 'output.table',
        inputs: { in: `v${i}` },
        config: { table: `out.t${i}`, mode: 'replace' },
      },
    ]).flat();
    const faults: Faults = {
      delayMs: 80,
      match: (sql, o) => !!o?.label?.run && /^CREATE/.test(sql) && !/SCHEMA/.test(sql),
      onStart: () => (max = Math.max(max, ++now)),
      onEnd: () => now--,
    };
    const rt = await setup({
      config: loadedConfig(memory),
      wrap: (c) => withFaults(c, faults),
      runs: { executor: { limits: { perConnection: 2, global: 8 } } },
    });
    const { run } = await rt.service.startRun({ document: workflowDoc('wide', outputs) });
    expect((await finished(rt, run.id)).status).toBe('succeeded');
    expect(max).toBe(2);
  });

  it('keeps to the global limit across connections', async () => {
    let now = 0;
    let max = 0;
    const config = loadedConfig({
      local: { type: 'duckdb', path: ':memory:' },
      other: { type: 'duckdb', path: ':memory:' },
    });
    const outputs = Array.from({ length: 4 }, (_, i) => [
      { id: `v${i}`, type: 'source.values', config: { columns: [{ name: 'x', type: 'int' }], rows: [[i]] } },
      {
        id: `o${i}`,
        type: 'output.table',
        inputs: { in: `v${i}` },
        config: { table: `out.t${i}`, mode: 'replace' },
      },
    ]).flat();
    const rt = await setup({
      config,
      wrap: (c) =>
        withFaults(c, {
          delayMs: 80,
          match: (sql, o) => !!o?.label?.run && /^CREATE/.test(sql) && !/SCHEMA/.test(sql),
          onStart: () => (max = Math.max(max, ++now)),
          onEnd: () => now--,
        }),
      runs: { executor: { limits: { perConnection: 4, global: 3 } } },
    });
    const a = await rt.service.startRun({ document: workflowDoc('wide', outputs) });
    const b = await rt.service.startRun({ document: workflowDoc('wide', outputs), connection: 'other' });
    expect((await finished(rt, a.run.id)).status).toBe('succeeded');
    expect((await finished(rt, b.run.id)).status).toBe('succeeded');
    expect(max).toBe(3);
  });

  it('retries transient faults with capped, jittered backoff and records the attempts', async () => {
    const clock = new FakeClock();
    const events: ExecutorEvent[] = [];
    const rt = await setup({
      config: loadedConfig(memory),
      clock,
      wrap: (c) => withFaults(c, { failFirst: 2 }),
      runs: {
        executor: {
          retry: { baseDelayMs: 1_000, maxDelayMs: 1_500 },
          random: () => 0.999,
          onEvent: (e) => events.push(e),
        },
      },
    });
    const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const prepare = rt.service.getRun(run.id).steps[0]!;
    expect(prepare).toMatchObject({ stepId: 'prepare', status: 'succeeded', attempts: 3, maxAttempts: 3 });
    expect(prepare.lastError).toMatchObject({
      errorClass: 'transient',
      message: expect.stringContaining('injected'),
    });
    // Full jitter under the cap: attempt 1 waits < 1 s, attempt 2 < min(1.5 s, 2 s).
    const retries = events.filter((e) => e.type === 'step.retry');
    expect(retries.map((e) => e.type === 'step.retry' && [e.attempt, e.delayMs])).toEqual([
      [1, 999],
      [2, 1498],
    ]);
    expect(clock.slept).toEqual(expect.arrayContaining([999, 1498]));
    expect(await rows(rt.connector, 'SELECT count(*) AS n FROM out.big_paid')).toEqual(
      await rows(rt.connector, `SELECT count(*) AS n FROM (${ordersExpectedSql('src').big})`),
    );
    const logs = rt.service.runLogs(run.id).filter((l) => l.stepId === 'prepare' && l.level === 'warn');
    expect(logs).toHaveLength(2);
  });

  it('fails a step whose transient faults outlast its attempts', async () => {
    const rt = await setup({
      config: loadedConfig(memory),
      clock: new FakeClock(),
      wrap: (c) => withFaults(c, { failFirst: 99 }),
    });
    const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    const done = await finished(rt, run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      step: 'prepare',
      message: expect.stringMatching(/^step prepare failed after 3 attempts: injected/),
    });
    expect(rt.service.getRun(run.id).steps.map((s) => s.status)).toEqual([
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('fails fast on a permanent error, with the warehouse message and the SQL; cancels what else runs', async () => {
    const rt = await setup();
    const doc = workflowDoc('boom', [
      {
        id: 'bad',
        type: 'source.sql',
        config: { sql: "SELECT error('boom: no such thing') AS x", columns: [{ name: 'x', type: 'int' }] },
      },
      {
        id: 'out_bad',
        type: 'output.table',
        inputs: { in: 'bad' },
        config: { table: 'out.bad', mode: 'replace' },
      },
      { id: 'slow', type: 'source.sql', config: { sql: SLOW_SQL, columns: [{ name: 'n', type: 'bigint' }] } },
      {
        id: 'out_slow',
        type: 'output.table',
        inputs: { in: 'slow' },
        config: { table: 'out.slow', mode: 'replace' },
      },
    ]);
    const t0 = Date.now();
    const { run } = await rt.service.startRun({ document: doc });
    const done = await finished(rt, run.id);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'WAREHOUSE_ERROR',
      step: 'write:out_bad',
      errorClass: 'permanent',
      message: expect.stringContaining('boom: no such thing'),
      sql: expect.stringContaining("error('boom: no such thing')"),
    });
    const steps = rt.service.getRun(run.id).steps;
    expect(steps.find((s) => s.stepId === 'write:out_bad')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(steps.find((s) => s.stepId === 'write:out_slow')?.status).toBe('cancelled');
  });

  it('cancels a long query in the engine; the run is cancelled and its staging tables dropped', async () => {
    const rt = await setup();
    const doc = workflowDoc('long', [
      ...slowNodes(),
      {
        id: 'out_slow',
        type: 'output.table',
        inputs: { in: 'slow' },
        config: { table: 'out.slow', mode: 'replace' },
      },
      {
        id: 'out_base',
        type: 'output.table',
        inputs: { in: 'base' },
        config: { table: 'out.base', mode: 'replace' },
      },
    ]);
    const { run } = await rt.service.startRun({ document: doc });
    const slow = await waitFor(
      () =>
        rt.service
          .getRun(run.id)
          .steps.find((s) => s.stepId === 'write:out_slow' && s.status === 'running' && s.queryId),
      20_000,
      'the slow step to run',
    );
    expect(await rt.connector.listTables({ schema: 'edgeflow_staging' })).toHaveLength(1);
    const t0 = Date.now();
    expect(rt.service.cancelRun(run.id).effect).toBe('requested');
    const done = await finished(rt, run.id);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(done).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(rt.store.getStep(run.id, slow.stepId)).toMatchObject({
      status: 'cancelled',
      lastError: { code: 'CANCELLED' },
    });
    expect(await rt.connector.listTables({ schema: 'edgeflow_staging' })).toEqual([]);
    expect(done.stagingDropped).toBe(true);
    // A cancel of a finished run changes nothing.
    expect(rt.service.cancelRun(run.id).effect).toBe('finished');
  });

  it('appends exactly once when the reply is lost after the commit: the retry finds the ledger row', async () => {
    const rt = await setup({
      config: loadedConfig(memory),
      wrap: (c) =>
        withFaults(c, {
          failAfterCommit: () =>
            new ConnectorError('injected: connection reset after COMMIT', 'transient', {
              connector: 'duckdb',
            }),
        }),
    });
    const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    const done = await finished(rt, run.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const expected = await rows(rt.connector, `SELECT count(*) AS n FROM (${ordersExpectedSql('src').big})`);
    expect(await rows(rt.connector, 'SELECT count(*) AS n FROM out.big_paid')).toEqual(expected);
    const ledger = await rows(rt.connector, 'SELECT run_id, output_node FROM edgeflow_staging.ef_ledger');
    expect(ledger).toEqual([{ run_id: run.id, output_node: 'out_big' }]);
    // The failure after the commit was seen for what it was: no retry was needed.
    const step = rt.store.getStep(run.id, 'write:out_big')!;
    expect(step.attempts).toBe(1);
    expect(rt.service.runLogs(run.id).some((l) => /already appended/.test(l.message))).toBe(true);

    // A second run appends again (another run id), exactly once more.
    const again = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    expect((await finished(rt, again.run.id)).status).toBe('succeeded');
    expect(await rows(rt.connector, 'SELECT count(*) AS n FROM out.big_paid')).toEqual([
      { n: (expected[0]!['n'] as number) * 2 },
    ]);
  });

  it('retries an append whose transaction failed before the commit, and appends once', async () => {
    let calls = 0;
    const rt = await setup({
      config: loadedConfig(memory),
      wrap: (c) =>
        withFaults(c, {
          failFirst: 1,
          // The INSERT of the append, inside its transaction.
          match: (sql, o) => !!o?.onQueryId && /^INSERT INTO "?out"?\.big_paid/.test(sql) && ++calls > 0,
        }),
    });
    const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    expect((await finished(rt, run.id)).status).toBe('succeeded');
    expect(rt.store.getStep(run.id, 'write:out_big')!.attempts).toBe(2);
    expect(await rows(rt.connector, 'SELECT count(*) AS n FROM out.big_paid')).toEqual(
      await rows(rt.connector, `SELECT count(*) AS n FROM (${ordersExpectedSql('src').big})`),
    );
  });

  it('survives the run store failing under a step: the run fails with the reason, nothing is left unhandled', async () => {
    const rt = await setup();
    const finishStep = rt.store.finishStep.bind(rt.store);
    let broken = 0;
    rt.store.finishStep = (runId, stepId, out) => {
      if (stepId === 'write:out_rev' && broken++ === 0) throw new Error('disk I/O error (injected)');
      return finishStep(runId, stepId, out);
    };
    const { run } = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    const done = await finished(rt, run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'STATE_ERROR' });
    expect(done.error?.message).toMatch(/disk I\/O error \(injected\)/);
    // The executor goes on: the next run succeeds.
    const again = await rt.service.startRun({ document: ordersWorkflow('src', 'out') });
    expect((await finished(rt, again.run.id)).status).toBe('succeeded');
  });
});
