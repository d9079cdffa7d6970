/**
 * The demo belongs to the zero-config default (./first-start.e2e.test.ts), `edgeflow demo` and
 * `serve --demo`: a company's config with a DuckDB connection named `local` gets no demo data and
 * no demo workflows or schedules from `serve`, and says why in one log line; `serve --demo` seeds
 * it into a config's `local`, and refuses a config whose `local` is not DuckDB.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { daemonApi } from '../../test/support/daemon-api.js';
import { runCli, startDaemon, waitReady, type DaemonProcess } from '../../test/support/daemon-process.js';

let daemon: DaemonProcess | undefined;
const { api, tokens } = daemonApi(() => daemon!);

afterEach(async () => {
  if (daemon) expect(await daemon.stop()).toBe(0);
  daemon = undefined;
});

/** A temporary directory with a config whose `local` is the DuckDB file local.duckdb in it. */
function configWithLocal(local = `{ type: duckdb, path: ./local.duckdb }`) {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-demo-opt-in-'));
  const cfg = path.join(dir, 'edgeflow.yaml');
  writeFileSync(cfg, `state: ./state/state.db\nconnections:\n  local: ${local}\n`);
  return { dir, cfg, db: path.join(dir, 'local.duckdb'), stateDir: path.join(dir, 'state') };
}

const readAdminToken = (stateDir: string) =>
  (tokens.admin = readFileSync(path.join(stateDir, 'admin.token'), 'utf8').trim());

describe('serve and the demo', () => {
  it('installs nothing into a config with a DuckDB "local", and says why in one log line', async () => {
    const { cfg, db, stateDir } = configWithLocal();
    // An empty warehouse: no main.orders, the case the daemon used to seed 1M demo orders into.
    await (await openDuckDb({ path: db })).close();
    daemon = await startDaemon({ config: cfg });
    readAdminToken(stateDir);

    // Ready as soon as it listens: there is nothing to seed.
    expect(await api('GET', '/readyz')).toMatchObject({ status: 200, json: { status: 'ready' } });
    const skipped = daemon
      .output()
      .split('\n')
      .filter((l) => l.includes('"the demo is not installed"'));
    expect(skipped).toHaveLength(1);
    expect(JSON.parse(skipped[0]!).reason).toContain('edgeflow serve --demo');
    expect(daemon.output()).not.toMatch(/seeding the demo|seeded the demo|saved and scheduled/);

    const workflows = await api('GET', '/v1/workflows', { token: 'admin' });
    expect(workflows.status, workflows.text).toBe(200);
    expect(workflows.json.workflows).toEqual([]);
    // `local` opens (nothing holds it) and has no orders.
    const orders = await api('GET', '/v1/connections/local/tables/main.orders', { token: 'admin' });
    expect(orders.status, orders.text).toBe(404);

    expect(await daemon.stop()).toBe(0);
    daemon = undefined;
    const c = await openDuckDb({ path: db });
    try {
      const r = await c.execute(`SELECT schema_name, table_name FROM duckdb_tables()`);
      expect(r.rows).toEqual([]);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('serve --demo seeds a config\'s DuckDB "local" and saves and schedules the demo workflows', async () => {
    const { cfg, stateDir } = configWithLocal();
    daemon = await startDaemon({ config: cfg, args: ['--demo'] });
    readAdminToken(stateDir);
    await waitReady(daemon, { timeoutMs: 150_000 });

    expect(daemon.output()).toMatch(/seeded the demo warehouse in [\d.]+ s: .*main\.orders 1,000,000/);
    expect(daemon.output()).not.toContain('"the demo is not installed"');
    const list = await api('GET', '/v1/workflows', { token: 'admin' });
    expect(list.json.workflows.map((w: { name: string }) => w.name).sort()).toEqual([
      'daily_store_revenue',
      'flagship_catchment_cells',
      'monthly_refunds',
      'nearest_store',
      'orders_h3_density',
      'store_customers_1km',
      'top_customers_by_region',
    ]);
    const wf = await api('GET', '/v1/workflows/monthly_refunds', { token: 'admin' });
    expect(wf.json.schedule).toMatchObject({ enabled: true });
  }, 180_000);

  it('serve --demo refuses a config whose "local" is not DuckDB (usage error, exit 2)', async () => {
    const { cfg } = configWithLocal(`{ type: postgres, url: 'postgres://edgeflow@127.0.0.1:1/warehouse' }`);
    const r = await runCli(['serve', '--demo', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('serve --demo seeds the demo into the DuckDB connection "local"');
    expect(r.stderr).toContain('"local" is postgres');
  }, 30_000);
});
