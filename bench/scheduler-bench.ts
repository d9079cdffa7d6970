/**
 * Scheduler fire lag with 1,000 schedules due in the same minute: real timers on the system clock
 * (shifted, so the minute boundary is 2 s away instead of up to 60 s). Goal: p99 < 100 ms. Three
 * run services behind the scheduler's `startRun`:
 *
 * - memory: an in-memory run service (the scheduler's own cost);
 * - sqlite: the SQLite run store, `startRun` stubbed by a bare `createRun` insert (an empty plan,
 *   no compile, no lineage): the store's cost on top of the scheduler's;
 * - service: what `edgeflow serve` really does: the RunService (`startRun` → prepare, with the live
 *   DuckDB catalog → compilePlan → `createRun` with steps and lineage) on an embedded DuckDB
 *   warehouse, 1,000 saved copies of a small workflow (source → filter → aggregate → output), and
 *   its executor started as the daemon starts it (so it claims and runs the new runs meanwhile).
 *
 * Two lags per fire:
 * - dispatch lag: the instant the scheduler calls `startRun` minus the nominal instant (the
 *   scheduler's own lag, what `metrics.lag` measures). With an async `startRun` this says little:
 *   the call returns at its first await, long before the run exists.
 * - queued lag: the instant `startRun` resolved (the run row committed, queued) minus the nominal
 *   one. The goal is judged on this one: it is when the fire has happened as far as anyone can see.
 *
 *   npx tsx -e "import('./bench/scheduler-bench.ts').then(async m => console.log(JSON.stringify(await m.runSchedulerBench({ log: console.log }), null, 2)))"
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryScheduleStore } from '../daemon/scheduler/memory-store.js';
import { runStoreSchedules } from '../daemon/scheduler/run-store-schedules.js';
import type { ScheduleStore, StartScheduledRun, StoredSchedule } from '../daemon/scheduler/schedule-store.js';
import { Scheduler } from '../daemon/scheduler/scheduler.js';
import { systemClock } from '../daemon/scheduler/clock.js';
import { configSchema } from '../daemon/config/schema.js';
import { ConnectorPool } from '../daemon/service/connectors.js';
import { Service } from '../daemon/service/index.js';
import { RunStore } from '../daemon/store/index.js';

export const SCHEDULER_BACKENDS = ['memory', 'sqlite', 'service'] as const;
export type SchedulerBenchBackend = (typeof SCHEDULER_BACKENDS)[number];

export interface LagSummary {
  p50: number;
  p99: number;
  max: number;
}

export interface SchedulerBenchCase {
  backend: SchedulerBenchBackend;
  schedules: number;
  fires: number;
  dispatchLagMs: LagSummary;
  /** Until the run was committed (queued): what the goal is judged on. */
  recordedLagMs: LagSummary;
  /** From the minute boundary until every fire was recorded and its next fire computed. */
  settledMs: number;
  /** `scheduler.start()` with this many schedules (load, compile, catch-up check). */
  startupMs: number;
  /** Queued-lag p99 under the goal. */
  met: boolean;
}

export interface SchedulerBenchResult {
  cases: SchedulerBenchCase[];
  goalP99Ms: number;
  /** Every case's queued-lag p99 under the goal. */
  met: boolean;
}

const GOAL_P99_MS = 100;

export const DESCRIBE: Record<SchedulerBenchBackend, string> = {
  memory: 'in-memory run service',
  sqlite: 'SQLite run store, bare createRun insert (no compile)',
  service: 'RunService on embedded DuckDB (compile + insert, executor on)',
};
/** A Monday, 09:00 UTC: the minute every schedule is due in (virtual: the clock is shifted to it). */
const DUE = Date.UTC(2025, 0, 6, 9, 0);
const LEAD_MS = 2_000;
const ZONES = ['UTC', 'Europe/Madrid', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];

/** Local minute and hour of DUE in a zone. */
function localTime(timeZone: string): { minute: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  })
    .formatToParts(new Date(DUE))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return { minute: Number(parts['minute']), hour: Number(parts['hour']) };
}

/** A realistic mix of schedules, all due at DUE: minutely, every 5 min, hourly, daily, weekdays, Mondays. */
function schedules(n: number): Array<Pick<StoredSchedule, 'workflow' | 'cron' | 'timezone'>> {
  return Array.from({ length: n }, (_, i) => {
    const timezone = ZONES[i % ZONES.length]!;
    const { minute, hour } = localTime(timezone);
    const shapes = [
      '* * * * *',
      '*/5 * * * *',
      `${minute} * * * *`,
      `${minute} ${hour} * * *`,
      `${minute} ${hour} * * 1-5`,
      `${minute} ${hour} * * 1`,
    ];
    return { workflow: `wf_${i}`, cron: shapes[Math.floor(i / ZONES.length) % shapes.length]!, timezone };
  });
}

/** A small workflow: orders → paid → revenue per store → a table replaced on each run. */
function benchWorkflow(name: string): Record<string, unknown> {
  return {
    edgeflow: 1,
    name,
    connection: 'local',
    nodes: [
      { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', n: 'count(*)' } },
      },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'rev' },
        config: { table: `main.rev_${name}`, mode: 'replace' },
      },
    ],
  };
}

/**
 * The daemon's run service on a fresh state file and an embedded DuckDB warehouse with a small
 * orders table; one workflow validated and saved through the service, the rest saved as copies
 * straight into the store (validating 1,000 copies would only slow the set-up down).
 */
async function realService(
  rows: Array<Pick<StoredSchedule, 'workflow' | 'cron' | 'timezone' | 'nextFireAt'>>,
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-scheduler-bench-'));
  const loaded = {
    config: configSchema.parse({
      state: path.join(dir, 'state.db'),
      connections: { local: { type: 'duckdb', path: path.join(dir, 'warehouse.duckdb') } },
    }),
    baseDir: dir,
  };
  const store = RunStore.open(path.join(dir, 'state.db'));
  const pool = new ConnectorPool(loaded);
  const service = new Service(loaded, pool, { runs: { store } });
  const duck = await pool.get('local');
  await duck.execute(
    `CREATE TABLE main.orders AS SELECT CAST(i AS BIGINT) AS id, CAST(i % 5 AS BIGINT) AS store_id,
       CASE WHEN i % 3 = 0 THEN 'refunded' ELSE 'paid' END AS status, CAST((i % 17) * 1.5 AS DECIMAL(10,2)) AS amount
     FROM range(1, 1001) AS t(i)`,
  );
  const [first, ...rest] = rows;
  const saved = await service.saveWorkflow(benchWorkflow(first!.workflow));
  store.upsertSchedule(first!);
  for (const r of rest) {
    store.saveWorkflowVersion({ name: r.workflow, hash: saved.hash, document: benchWorkflow(r.workflow) });
    store.upsertSchedule(r);
  }
  await service.startRuns();
  return {
    service,
    store,
    async close() {
      await service.close({ graceMs: 5_000 });
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function summary(samples: number[]): LagSummary {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? NaN };
}

async function runCase(
  backend: SchedulerBenchBackend,
  n: number,
  leadMs: number,
): Promise<SchedulerBenchCase | { startupMs: number }> {
  // As a daemon that has been running finds them: each schedule's next fire recorded, so a slow
  // start-up still fires all of them for DUE (a schedule seen for the first time after DUE would
  // rightly wait for its next fire instead).
  const rows = schedules(n).map((r) => ({ ...r, nextFireAt: new Date(DUE).toISOString() }));
  let store: ScheduleStore;
  let startRun: StartScheduledRun;
  let cleanup: () => Promise<void> | void = () => {};
  if (backend === 'memory') {
    const memory = new MemoryScheduleStore();
    for (const r of rows) memory.put(r);
    store = memory;
    startRun = memory.startRun;
  } else if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-scheduler-bench-'));
    const runStore = RunStore.open(path.join(dir, 'state.db'));
    for (const r of rows) {
      runStore.saveWorkflowVersion({ name: r.workflow, hash: 'h', document: {} });
      runStore.upsertSchedule(r);
    }
    store = runStoreSchedules(runStore);
    // The run service's insert alone: no compile, an empty plan, no steps, no lineage.
    startRun = async (req) =>
      runStore.createRun({
        workflow: req.workflow,
        version: 1,
        trigger: req.trigger,
        idempotencyKey: req.idempotencyKey,
        params: req.params,
        connection: 'local',
        dialect: 'duckdb',
        nominalAt: req.nominalAt,
        plan: { workflow: req.workflow, dialect: 'duckdb', runId: 'bench', steps: [] },
      });
    cleanup = () => {
      runStore.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const real = await realService(rows);
    store = runStoreSchedules(real.store);
    startRun = (req) => real.service.startRun(req);
    cleanup = real.close;
  }
  const clock = systemClock({ offsetMs: DUE - leadMs - Date.now() });
  const dispatch: number[] = [];
  const recorded: number[] = [];
  const scheduler = new Scheduler({
    store,
    clock,
    startRun: async (req) => {
      const out = await startRun(req);
      recorded.push(clock.now().getTime() - Date.parse(req.nominalAt));
      return out;
    },
    onEvent: (e) => {
      if (e.type === 'fired') dispatch.push(e.lagMs);
    },
  });
  try {
    const started = Date.now();
    await scheduler.start();
    const startupMs = Date.now() - started;
    // Start-up that runs into the due minute would count as lag: the caller retries with more lead.
    if (clock.now().getTime() > DUE - 100) {
      await scheduler.stop();
      return { startupMs };
    }
    const waitUntil = DUE + 60_000;
    while (recorded.length < n && clock.now().getTime() < waitUntil)
      await new Promise((r) => setTimeout(r, 5));
    await scheduler.idle();
    const settledMs = clock.now().getTime() - DUE;
    await scheduler.stop();
    if (dispatch.length !== n) throw new Error(`${backend}: ${dispatch.length} of ${n} schedules fired`);
    return {
      backend,
      schedules: n,
      startupMs,
      fires: dispatch.length,
      dispatchLagMs: summary(dispatch),
      recordedLagMs: summary(recorded),
      settledMs,
      met: summary(recorded).p99 < GOAL_P99_MS,
    };
  } finally {
    await cleanup();
  }
}

export async function runSchedulerBench(
  opts: { schedules?: number; backends?: SchedulerBenchBackend[]; log?: (line: string) => void } = {},
): Promise<SchedulerBenchResult> {
  const n = opts.schedules ?? 1000;
  const log = opts.log ?? (() => {});
  const cases: SchedulerBenchCase[] = [];
  for (const backend of opts.backends ?? SCHEDULER_BACKENDS) {
    log(`  scheduler: ${n} schedules due in the same minute, ${DESCRIBE[backend]}`);
    let c = await runCase(backend, n, LEAD_MS);
    for (let lead = LEAD_MS * 2; !('fires' in c) && lead <= LEAD_MS * 8; lead *= 2) {
      log(`    start-up took ${c.startupMs} ms, into the due minute: again with ${lead} ms of lead`);
      c = await runCase(backend, n, lead);
    }
    if (!('fires' in c)) throw new Error(`${backend}: start-up took ${c.startupMs} ms every time`);
    log(
      `    dispatch lag p50 ${c.dispatchLagMs.p50} ms, p99 ${c.dispatchLagMs.p99} ms, max ${c.dispatchLagMs.max} ms; ` +
        `queued p50 ${c.recordedLagMs.p50} ms, p99 ${c.recordedLagMs.p99} ms; settled after ${c.settledMs} ms; ` +
        `start-up ${c.startupMs} ms (goal p99 < ${GOAL_P99_MS} ms: ${c.met ? 'met' : 'missed'})`,
    );
    cases.push(c);
  }
  return { cases, goalP99Ms: GOAL_P99_MS, met: cases.every((c) => c.met) };
}
