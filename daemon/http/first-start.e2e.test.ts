/**
 * `npm start` on a fresh machine, as the README promises: the daemon on the embedded DuckDB
 * default (no config file) seeds the demo warehouse (in a child process) while it already answers,
 * saves and schedules the demo workflows, writes an admin token only its owner can read, and serves
 * them; /readyz says when it is ready, and a request made meanwhile waits for the seeding rather
 * than fail on the DuckDB file's lock. A second start seeds nothing.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi } from '../../test/support/daemon-api.js';
import { startDaemon, waitReady, type DaemonProcess } from '../../test/support/daemon-process.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'edgeflow-first-start-'));
const stateDir = path.join(cwd, '.edgeflow');
let daemon: DaemonProcess;
const { api, waitForRun, tokens } = daemonApi(() => daemon);
const env = { EDGEFLOW_CONFIG: '' };
const SEEDED = /seeded the demo warehouse in [\d.]+ s: .*main\.orders 1,000,000/;

beforeAll(async () => {
  daemon = await startDaemon({ cwd, env });
  // The admin token the daemon wrote; it implies every lower scope (waitForRun reads with 'read').
  tokens.admin = tokens.read = readFileSync(path.join(stateDir, 'admin.token'), 'utf8').trim();
}, 60_000);

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

describe('the first start of the embedded default', () => {
  it('answers while it seeds: /healthz up, /readyz starting, a catalog request waits for the data', async () => {
    // Seeding 1M orders takes seconds: the daemon listens before it is done.
    expect(daemon.output()).not.toMatch(SEEDED);
    expect((await api('GET', '/healthz')).status).toBe(200);
    const ready = await api('GET', '/readyz');
    expect(ready.status, ready.text).toBe(503);
    expect(ready.json).toMatchObject({ status: 'starting' });
    expect(ready.json.waitingFor).toContain('demo seeding');

    // Needs `local`, whose file the seeding child holds: it waits, then answers from the seeded data
    // (404 had it not waited for the table, 503 "Could not set lock" had it not waited at all).
    const orders = await api('GET', '/v1/connections/local/tables/main.orders', { token: 'admin' });
    expect(orders.status, orders.text).toBe(200);

    const before = await waitReady(daemon, { timeoutMs: 120_000 });
    expect(before.every((b) => b.status === 'starting')).toBe(true);
    expect(await api('GET', '/readyz')).toMatchObject({ status: 200, json: { status: 'ready' } });
    expect(daemon.output()).not.toContain('Could not set lock');
  }, 180_000);

  it('seeds the demo, saves and schedules its workflows, and says where the token is', async () => {
    const out = daemon.output();
    expect(out).toMatch(SEEDED);
    expect(out).toContain('saved and scheduled the demo workflows');
    expect(out).toContain(path.join(stateDir, 'admin.token'));
    expect(statSync(path.join(stateDir, 'admin.token')).mode & 0o777).toBe(0o600);

    const list = await api('GET', '/v1/workflows', { token: 'admin' });
    expect(list.status, list.text).toBe(200);
    expect(list.json.workflows.map((w: { name: string }) => w.name).sort()).toEqual([
      'daily_store_revenue',
      'flagship_catchment_cells',
      'monthly_refunds',
      'nearest_store',
      'orders_h3_density',
      'store_customers_1km',
      'top_customers_by_region',
    ]);
    const wf = await api('GET', '/v1/workflows/daily_store_revenue', { token: 'admin' });
    expect(wf.json.schedule).toMatchObject({ cron: '15 6 * * *', timezone: 'Europe/Madrid', enabled: true });
    expect(Date.parse(wf.json.schedule.nextFireAt)).toBeGreaterThan(Date.now());
  });

  /** Runs a demo workflow over the API: it succeeds and writes analytics.<its name>. */
  async function runsDemo(name: string): Promise<void> {
    const r = await api('POST', `/v1/workflows/${name}/runs`, { token: 'admin' });
    expect(r.status, r.text).toBe(202);
    const run = await waitForRun(r.json.id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const tables = await api('GET', '/v1/connections/local/tables?schema=analytics', { token: 'admin' });
    expect(tables.json.tables.map((t: { parts: string[] }) => t.parts.join('.'))).toContain(
      `analytics.${name}`,
    );
  }

  it('runs a demo workflow over the API', () => runsDemo('top_customers_by_region'), 90_000);

  // From the bundle in CI (npm install builds it): JSTS is compiled into it, h3-js is required lazily.
  it(
    'runs the spatial demo workflow: a buffer (JSTS) and an H3 polyfill (h3-js, loaded on first use)',
    () => runsDemo('flagship_catchment_cells'),
    90_000,
  );

  it('seeds nothing on the next start', async () => {
    expect(await daemon.stop()).toBe(0);
    daemon = await startDaemon({ cwd, env });
    await waitReady(daemon);
    expect(daemon.output()).not.toMatch(/seeded the demo warehouse/);
    expect(daemon.output()).not.toMatch(/saved and scheduled/);
    const list = await api('GET', '/v1/workflows', { token: 'admin' });
    expect(list.json.workflows).toHaveLength(7);
  }, 60_000);
});
