/**
 * `edgeflow serve`: the daemon. On the embedded default it seeds the demo warehouse on first
 * start, creates an admin token in a file only its owner can read, and listens on 127.0.0.1.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { serve as serveHttp } from '@hono/node-server';
import { ensureAdminToken, hashToken } from '../../auth/tokens.js';
import { loadConfig } from '../../config/load.js';
import { hasDemo, seedDemo } from '../../demo/seed.js';
import { createHttpApp } from '../../http/app.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Service } from '../../service/index.js';
import { UsageError, type Io } from '../io.js';

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`listen must be host:port, got "${listen}"`);
  const port = Number(m[2]);
  if (port < 0 || port > 65535) throw new UsageError(`listen port out of range: ${port}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function serveCommand(
  flags: { config?: string; listen?: string },
  io: Io,
  signal?: AbortSignal,
): Promise<number> {
  const loaded = loadConfig(flags.config);
  const { host, port } = parseListen(flags.listen ?? loaded.config.listen);
  const stateDir = path.dirname(path.resolve(loaded.baseDir, loaded.config.state));
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const service = new Service(loaded, new ConnectorPool(loaded));

  // The embedded default gets the demo warehouse on first start.
  const local = loaded.config.connections['local'];
  if (local?.type === 'duckdb') {
    if (local.path !== ':memory:')
      mkdirSync(path.dirname(path.resolve(loaded.baseDir, local.path)), { recursive: true });
    const connector = await service.connector('local');
    if (!(await hasDemo(connector))) {
      io.err('seeding the demo warehouse (main.stores, customers, products, orders, order_items)…');
      const seeded = await seedDemo(connector);
      io.err(`  ${seeded.map((t) => `${t.table} ${t.rows}`).join(', ')}`);
    }
  }

  const admin = ensureAdminToken(stateDir);
  const app = createHttpApp(service, { adminTokenHash: hashToken(admin.token) });
  const server = serveHttp({ fetch: app.fetch, hostname: host, port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  io.err(`edgeflow listening on http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`);
  io.err(
    `admin token ${admin.created ? 'created' : 'kept'} in ${admin.file} (readable only by you): curl -H "Authorization: Bearer $(cat ${admin.file})" http://${host}:${actualPort}/v1/components`,
  );
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1')
    io.err(`warning: listening on ${host}, not only on this machine`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  io.err('shutting down');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await service.close();
  return 0;
}
