/**
 * The scheduler in the real daemon: a workflow saved with a `schedule` block is scheduled at its
 * next local fire; after downtime the `latest` catch-up runs the newest missed fire exactly once,
 * with the schedule's idempotency key; restarting again runs nothing more; a schedule changed over
 * the API starts from its first fire after now; unscheduling stops it.
 *
 * The downtime is made by moving the stored next fire into the past while the daemon is stopped
 * (the clock cannot be moved for a spawned process); the expected fire times are computed here
 * with Intl, independently of croner.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi } from '../../test/support/daemon-api.js';
import { e2eDir, writeE2eWarehouse } from '../../test/support/e2e-warehouse.js';
import { startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';

const e2e = e2eDir('edgeflow-sched-e2e-');
const { cfg, stateDir, statePath } = e2e;
let daemon: DaemonProcess;
const { api, waitForRun, createTokens } = daemonApi(() => daemon);

const ZONE = 'Europe/Madrid';
const workflow = {
  edgeflow: 1,
  name: 'nightly_totals',
  connection: 'wh',
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    {
      id: 'tot',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['store_id'], measures: { n: 'count(*)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'tot' }, config: { table: 'analytics.totals' } },
  ],
  schedule: { cron: '0 6 * * *', timezone: ZONE, catchup: 'latest' },
};

/** Wall-clock fields of instant `t` in ZONE. */
function local(t: number): { date: string; hm: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const f = (type: string) => parts.find((p) => p.type === type)!.value;
  return { date: `${f('year')}-${f('month')}-${f('day')}`, hm: `${f('hour')}:${f('minute')}` };
}

/** The instants at 06:00 in ZONE on the days around `t` (Madrid is UTC+1 or UTC+2). */
function sixAmInstants(t: number, days: number): number[] {
  const out = new Set<number>();
  for (let d = -days; d <= 1; d++) {
    const day = local(t + d * 86_400_000).date;
    const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
    for (const offset of [1, 2]) {
      const candidate = Date.UTC(y, m - 1, dd, 6 - offset);
      const l = local(candidate);
      if (l.date === day && l.hm === '06:00') out.add(candidate);
    }
  }
  return [...out].sort((a, b) => a - b);
}

function setStoredFire(nextFireAt: string, lastNominalAt: string | null): void {
  const db = new Database(statePath);
  try {
    const changed = db
      .prepare('UPDATE schedules SET next_fire_at = ?, last_nominal_at = ? WHERE workflow = ?')
      .run(nextFireAt, lastNominalAt, workflow.name).changes;
    expect(changed).toBe(1);
  } finally {
    db.close();
  }
}

async function scheduledRuns(): Promise<Array<{ id: string; nominalAt: string; trigger: string }>> {
  const r = await api('GET', `/v1/runs?workflow=${workflow.name}`, { token: 'read' });
  expect(r.status, r.text).toBe(200);
  return (r.json.runs as Array<{ id: string; nominalAt: string; trigger: string }>).filter(
    (x) => x.trigger === 'schedule',
  );
}

async function restart(): Promise<void> {
  expect(await daemon.stop()).toBe(0);
  daemon = await startDaemon({ config: cfg });
}

beforeAll(async () => {
  await writeE2eWarehouse(e2e, { rows: 300, stores: 3, amounts: 20 });
  daemon = await startDaemon({ config: cfg });
  await createTokens(cfg, stateDir);
}, 120_000);

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

describe('the scheduler in the daemon', () => {
  it("schedules a saved workflow by its schedule block, at the next 06:00 in the schedule's zone", async () => {
    const before = Date.now();
    const saved = await api('PUT', `/v1/workflows/${workflow.name}`, { token: 'write', body: workflow });
    expect(saved.status, saved.text).toBe(201);
    const got = await api('GET', `/v1/workflows/${workflow.name}`, { token: 'read' });
    expect(got.json.schedule).toMatchObject({
      cron: '0 6 * * *',
      timezone: ZONE,
      catchup: 'latest',
      enabled: true,
    });
    const next = Date.parse(got.json.schedule.nextFireAt as string);
    expect(next).toBe(sixAmInstants(before, 1).find((t) => t > before));
    expect(await scheduledRuns()).toEqual([]);
  });

  it('after downtime, runs the newest missed fire once (catchup latest), and never again', async () => {
    const now = Date.now();
    const missed = sixAmInstants(now, 4).filter((t) => t <= now);
    expect(missed.length).toBeGreaterThanOrEqual(3);
    // Stopped, and the stored next fire is three fires ago: as if the daemon had been down since.
    expect(await daemon.stop()).toBe(0);
    setStoredFire(new Date(missed.at(-3)!).toISOString(), null);
    daemon = await startDaemon({ config: cfg });

    let runs: Awaited<ReturnType<typeof scheduledRuns>> = [];
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      runs = await scheduledRuns();
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toHaveLength(1);
    const newest = new Date(missed.at(-1)!).toISOString();
    expect(runs[0]!.nominalAt).toBe(newest);
    const run = await waitForRun(runs[0]!.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
      idempotencyKey: `schedule:${workflow.name}:${newest}`,
    });
    const sched = (await api('GET', `/v1/workflows/${workflow.name}`, { token: 'read' })).json.schedule;
    expect(sched.lastNominalAt).toBe(newest);
    expect(Date.parse(sched.nextFireAt as string)).toBe(sixAmInstants(now, 1).find((t) => t > now));
    // The skipped older fires are counted.
    const metrics = (await api('GET', '/metrics', { token: 'read' })).text;
    expect(metrics).toMatch(/edgeflow_scheduler_skipped_fires_total\{reason="catchup"\} 2\b/);

    // A restart finds the fire recorded: nothing runs again.
    await restart();
    await new Promise((r) => setTimeout(r, 500));
    expect((await scheduledRuns()).map((r) => r.id)).toEqual([run.id]);

    // Even if the record were lost (next fire put back), the idempotency key keeps it one run.
    expect(await daemon.stop()).toBe(0);
    setStoredFire(newest, new Date(missed.at(-2)!).toISOString());
    daemon = await startDaemon({ config: cfg });
    for (let i = 0; i < 50; i++) {
      const s = (await api('GET', `/v1/workflows/${workflow.name}`, { token: 'read' })).json.schedule;
      if (s.lastNominalAt === newest) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await scheduledRuns()).map((r) => r.id)).toEqual([run.id]);
  }, 120_000);

  it('a changed schedule starts from its first fire after now; an invalid one is refused with a hint', async () => {
    const before = Date.now();
    const put = await api('PUT', `/v1/workflows/${workflow.name}/schedule`, {
      token: 'write',
      body: { cron: '30 2 * * *', timezone: 'America/New_York', catchup: 'none' },
    });
    expect(put.status, put.text).toBe(200);
    const next = new Date(put.json.nextFireAt as string);
    expect(next.getTime()).toBeGreaterThan(before);
    const ny = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(next);
    // 02:30 New York, or 03:00 on a spring-forward day (the end of the gap).
    expect(['02:30', '03:00']).toContain(ny);
    expect(next.getTime() - before).toBeLessThanOrEqual(25 * 3_600_000);

    const bad = await api('PUT', `/v1/workflows/${workflow.name}/schedule`, {
      token: 'write',
      body: { cron: '0 6 * * *', timezone: 'Madrid' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'INVALID_SCHEDULE' });
    expect(bad.json.error.details.hint).toContain('Europe/Madrid');
    const bad2 = await api('PUT', `/v1/workflows/${workflow.name}/schedule`, {
      token: 'write',
      body: { cron: '0 6 * *' },
    });
    expect(bad2.status).toBe(400);
    expect(bad2.json.error.message).toMatch(/4 fields, not 5/);
    const missing = await api('PUT', '/v1/workflows/not_saved/schedule', {
      token: 'write',
      body: { cron: '0 6 * * *' },
    });
    expect(missing.status).toBe(404);
  });

  it('unscheduling stops the fires and keeps the runs', async () => {
    const d = await api('DELETE', `/v1/workflows/${workflow.name}/schedule`, { token: 'write' });
    expect(d.status).toBe(200);
    expect((await api('GET', `/v1/workflows/${workflow.name}`, { token: 'read' })).json.schedule).toBeNull();
    expect(await scheduledRuns()).toHaveLength(1);
    const again = await api('DELETE', `/v1/workflows/${workflow.name}/schedule`, { token: 'write' });
    expect(again.status).toBe(404);
  });
});
