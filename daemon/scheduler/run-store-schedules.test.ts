/**
 * The scheduler on the real SQLite run store (virtual time, real database): two daemons sharing
 * one state file, the overlap policy reading the runs table, DST and catch-up across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../store/index.js';
import { FakeClock } from './fake-clock.js';
import { runStoreSchedules } from './run-store-schedules.js';
import type { StartScheduledRun } from './schedule-store.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** What the run service will do for a scheduled run, minus compiling the plan. */
const startRunOn =
  (store: RunStore): StartScheduledRun =>
  async (req) =>
    store.createRun({
      workflow: req.workflow,
      version: 1,
      trigger: req.trigger,
      idempotencyKey: req.idempotencyKey,
      params: req.params,
      connection: req.connection ?? 'local',
      dialect: 'duckdb',
      nominalAt: req.nominalAt,
      plan: { workflow: req.workflow, dialect: 'duckdb', runId: 'x', steps: [] },
    });

describe('Scheduler over the SQLite run store', () => {
  let dir: string;
  let file: string;
  let clock: FakeClock;
  const open: RunStore[] = [];

  function openStore(): RunStore {
    const store = RunStore.open(file, { now: () => clock.now().getTime() });
    open.push(store);
    return store;
  }

  function scheduler(store: RunStore, opts: Partial<SchedulerOptions> = {}): Scheduler {
    return new Scheduler({ store: runStoreSchedules(store), startRun: startRunOn(store), clock, ...opts });
  }

  const runsOf = (store: RunStore) => store.listRuns({ workflow: 'wf', limit: 1000 }).runs.reverse();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-scheduler-'));
    file = path.join(dir, 'state.db');
    clock = new FakeClock('2025-01-01T10:00:30Z');
    const store = openStore();
    store.saveWorkflowVersion({ name: 'wf', hash: 'h1', document: { name: 'wf' } });
  });

  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two daemons on one state file fire each nominal time once', async () => {
    const [a, b] = [openStore(), openStore()];
    a.upsertSchedule({ workflow: 'wf', cron: '* * * * *' });
    const [sa, sb] = [scheduler(a, { overlap: 'allow' }), scheduler(b, { overlap: 'allow' })];
    await Promise.all([sa.start(), sb.start()]);
    await clock.advanceTo('2025-01-01T10:10:00Z');
    await Promise.all([sa.stop(), sb.stop()]);
    const runs = runsOf(a).sort((x, y) => x.nominalAt!.localeCompare(y.nominalAt!));
    expect(runs).toHaveLength(10);
    expect(new Set(runs.map((r) => r.nominalAt)).size).toBe(10);
    expect(runs[0]).toMatchObject({
      trigger: 'schedule',
      status: 'queued',
      idempotencyKey: 'schedule:wf:2025-01-01T10:01:00.000Z',
      nominalAt: '2025-01-01T10:01:00.000Z',
    });
    expect(sa.metrics.firesStarted + sb.metrics.firesStarted).toBe(20); // both started; the key made them one
    expect(b.getSchedule('wf')).toMatchObject({
      lastNominalAt: '2025-01-01T10:10:00.000Z',
      nextFireAt: '2025-01-01T10:11:00.000Z',
    });
  });

  it('overlap skip sees queued and running runs in the runs table', async () => {
    const store = openStore();
    store.upsertSchedule({ workflow: 'wf', cron: '* * * * *' });
    const s = scheduler(store);
    await s.start();
    await clock.advanceTo('2025-01-01T10:02:00Z'); // 10:01 queued → 10:02 skipped
    const first = runsOf(store)[0]!;
    store.claimRun(first.id, 'executor-1');
    await clock.advanceTo('2025-01-01T10:03:00Z'); // running → 10:03 skipped
    store.finishRun(first.id, 'executor-1', 'succeeded');
    await clock.advanceTo('2025-01-01T10:04:00Z'); // finished → 10:04 runs
    await s.stop();
    expect(
      runsOf(store)
        .map((r) => r.nominalAt)
        .sort(),
    ).toEqual(['2025-01-01T10:01:00.000Z', '2025-01-01T10:04:00.000Z']);
    expect(s.metrics.skippedFires).toBe(2);
  });

  it('DST and catch-up across a restart: Madrid 02:30 daily, down three days, catchup all', async () => {
    clock = new FakeClock('2025-03-28T12:00:00Z');
    let store = openStore();
    store.upsertSchedule({ workflow: 'wf', cron: '30 2 * * *', timezone: 'Europe/Madrid', catchup: 'all' });
    let s = scheduler(store, { overlap: 'allow' });
    await s.start();
    await clock.advanceTo('2025-03-30T12:00:00Z');
    await s.stop();
    store.close();

    await clock.advanceTo('2025-04-02T12:00:00Z'); // the daemon is down
    store = openStore();
    const fired: string[] = [];
    s = scheduler(store, { overlap: 'allow', onEvent: (e) => e.type === 'fired' && fired.push(e.nominalAt) });
    await s.start();
    await s.stop();
    // Run ids order by creation only to the millisecond, so compare sorted; `fired` shows the order.
    expect(fired).toEqual([...fired].sort());
    expect(
      runsOf(store)
        .map((r) => r.nominalAt)
        .sort(),
    ).toEqual([
      '2025-03-29T01:30:00.000Z', // 02:30 CET
      '2025-03-30T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST
      '2025-03-31T00:30:00.000Z', // caught up after the restart…
      '2025-04-01T00:30:00.000Z',
      '2025-04-02T00:30:00.000Z', // …oldest first
    ]);
    expect(s.metrics.catchupFires).toBe(3);
    expect(store.getSchedule('wf')?.nextFireAt).toBe('2025-04-03T00:30:00.000Z');
  });

  it('a crash between creating the run and recording the fire does not run it twice', async () => {
    const store = openStore();
    store.upsertSchedule({ workflow: 'wf', cron: '0 * * * *' });
    const broken = {
      ...runStoreSchedules(store),
      recordFire: () => {
        throw new Error('killed');
      },
    };
    const first = new Scheduler({ store: broken, startRun: startRunOn(store), clock });
    await first.start();
    await clock.advanceTo('2025-01-01T11:00:00Z');
    await first.stop();
    expect(store.getSchedule('wf')?.lastNominalAt).toBeNull();

    await clock.advanceTo('2025-01-01T11:00:05Z');
    const second = scheduler(store, { overlap: 'allow' });
    await second.start();
    await second.stop();
    expect(second.metrics.firesStarted).toBe(1);
    expect(runsOf(store).map((r) => r.nominalAt)).toEqual(['2025-01-01T11:00:00.000Z']);
    expect(store.getSchedule('wf')?.lastNominalAt).toBe('2025-01-01T11:00:00.000Z');
  });
});
