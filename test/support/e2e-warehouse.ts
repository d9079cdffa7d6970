/**
 * The warehouse and config of an end-to-end test that spawns the daemon: a temporary directory, a
 * DuckDB file with `main.orders`, and an edgeflow.yaml naming it `wh` (a config never gets the demo
 * seeded, whatever its connections are called, unless `serve --demo` asks).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDuckDb } from '../../connectors/duckdb/index.js';

export interface E2eDir {
  dir: string;
  /** The config file. */
  cfg: string;
  stateDir: string;
  statePath: string;
  /** The DuckDB file behind the `wh` connection. */
  wh: string;
}

export function e2eDir(prefix: string): E2eDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const stateDir = path.join(dir, 'state');
  return {
    dir,
    cfg: path.join(dir, 'edgeflow.yaml'),
    stateDir,
    statePath: path.join(stateDir, 'state.db'),
    wh: path.join(dir, 'wh.duckdb'),
  };
}

/**
 * `main.orders(order_id, store_id, amount, status)`: `rows` orders over `stores` stores, amounts
 * 0 to `amounts` − 1, every fourth refunded. `connections`: more connection lines (YAML, indented
 * by two); `config`: more top-level lines.
 */
export async function writeE2eWarehouse(
  d: E2eDir,
  o: { rows: number; stores: number; amounts: number; connections?: string; config?: string },
): Promise<void> {
  const c = await openDuckDb({ path: d.wh });
  await c.execute(`CREATE TABLE main.orders AS
    SELECT i AS order_id, i % ${o.stores} AS store_id, (i % ${o.amounts})::DOUBLE AS amount,
           CASE WHEN i % 4 = 0 THEN 'refunded' ELSE 'paid' END AS status
    FROM range(1, ${o.rows + 1}) t(i)`);
  await c.close();
  writeFileSync(
    d.cfg,
    `listen: 127.0.0.1:8787
state: ${JSON.stringify(d.statePath)}
connections:
  wh: { type: duckdb, path: ${JSON.stringify(d.wh)} }
${o.connections ?? ''}${o.config ?? ''}`,
  );
}
