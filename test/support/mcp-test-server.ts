/**
 * A test-only HTTP server for MCP: the daemon's `/mcp` handler (mcp/http.ts) on the real Service
 * (an in-memory run store and an in-memory DuckDB `wh`), behind the daemon's own Host and Origin
 * checks, with a fixed session scope instead of bearer tokens. It exists because the official
 * conformance suite cannot send an Authorization header; the daemon itself never answers /mcp
 * without a token.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createMcpHttpHandler } from '../../mcp/http.js';
import type { McpScope } from '../../mcp/server.js';
import type { LoadedConfig } from '../../daemon/config/load.js';
import type { ApiEnv } from '../../daemon/http/env.js';
import { errorHandler } from '../../daemon/http/middleware/error-handler.js';
import { hostCheck, loopbackHosts } from '../../daemon/http/middleware/host-check.js';
import { originCheck } from '../../daemon/http/middleware/origin-check.js';
import { ConnectorPool } from '../../daemon/service/connectors.js';
import { Service } from '../../daemon/service/index.js';
import { RunStore } from '../../daemon/store/index.js';

export interface McpTestServer {
  /** http://127.0.0.1:PORT/mcp */
  url: string;
  service: Service;
  /** Open MCP sessions. */
  sessionCount(): number;
  close(): Promise<void>;
}

export async function startMcpTestServer(opts: {
  scope: McpScope;
  /** Runs against the service before the server listens (tables to create, workflows to save). */
  seed?: (service: Service) => Promise<void>;
  maxSessions?: number;
}): Promise<McpTestServer> {
  const loaded: LoadedConfig = {
    config: {
      listen: '127.0.0.1:0',
      state: ':memory:',
      connections: { wh: { type: 'duckdb', path: ':memory:' } },
    },
    baseDir: process.cwd(),
  };
  const store = RunStore.open(':memory:');
  const service = new Service(loaded, new ConnectorPool(loaded), { runs: { store } });
  await opts.seed?.(service);
  const mcp = createMcpHttpHandler({
    service,
    version: '0.0.0-test',
    ...(opts.maxSessions ? { maxSessions: opts.maxSessions } : {}),
  });

  let hosts: ReadonlySet<string> | undefined = undefined;
  const app = new Hono<ApiEnv>();
  app.use(
    '*',
    hostCheck(() => hosts),
  );
  app.use(
    '*',
    originCheck(() => hosts),
  );
  app.all('/mcp', (c) => mcp.handle(c.req.raw, { tokenId: 'test', scope: opts.scope }));
  app.onError(errorHandler());

  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  hosts = loopbackHosts('127.0.0.1', port);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    service,
    sessionCount: () => mcp.sessionCount,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await mcp.close();
      await closed;
      await service.close();
      store.close();
    },
  };
}
