/**
 * Test support: a small demo warehouse (the real generator, fewer rows) in a temporary DuckDB
 * file, and a read-only service on it as `edgeflow eval` builds one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDuckDb } from '../connectors/duckdb/index.js';
import { configSchema } from '../daemon/config/schema.js';
import type { LoadedConfig } from '../daemon/config/load.js';
import { ensureDemo } from '../daemon/demo/index.js';
import { ConnectorPool } from '../daemon/service/connectors.js';
import { Service } from '../daemon/service/index.js';

/** Big enough that every gold answer has rows, small enough to seed in about a second. */
export const SMALL_DEMO = { orders: 20_000, customers: 3_000 };

export interface SmallDemo {
  dir: string;
  file: string;
  config: LoadedConfig;
  service: Service;
  close(): Promise<void>;
}

export async function smallDemo(): Promise<SmallDemo> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-evals-'));
  const file = path.join(dir, 'local.duckdb');
  const seeding = await openDuckDb({ path: file });
  try {
    await ensureDemo({ connector: seeding, size: SMALL_DEMO });
  } finally {
    await seeding.close();
  }
  const config: LoadedConfig = {
    config: configSchema.parse({
      connections: { local: { type: 'duckdb', path: file } },
      state: path.join(dir, 'state.db'),
    }),
    baseDir: dir,
  };
  const service = new Service(config, new ConnectorPool(config, { readOnly: true }));
  return {
    dir,
    file,
    config,
    service,
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
