/**
 * Issue 10: the attacks a hostile agent or token holder made on the daemon, each performed again
 * against the real HTTP API and MCP over HTTP (the daemon's own composition, served in-process on
 * a real socket so that clients can disconnect), with the embedded DuckDB and a config holding
 * canary secrets. Each test failed before its fix.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { ensureAdminToken } from '../../daemon/auth/admin-token.js';
import { createApiToken, TokenAuthenticator } from '../../daemon/auth/tokens.js';
import { loadConfig } from '../../daemon/config/load.js';
import { limitSettings } from '../../daemon/config/schema.js';
import { createHttpApp } from '../../daemon/http/app.js';
import { Redactor } from '../../daemon/secrets/redactor.js';
import { ConnectorPool } from '../../daemon/service/connectors.js';
import { Service } from '../../daemon/service/index.js';
import { RunStore } from '../../daemon/store/index.js';
import { createMcpHttpHandler } from '../../mcp/http.js';
import { daemonApi, type Scope } from '../support/daemon-api.js';
import type { DaemonProcess } from '../support/daemon-process.js';

const PG_CANARY = 'pg-canary-8c1f0e9a';
const KEY_CANARY = 'sk-canary-literal-0123456789';
const env = { ...process.env, EF_ATTACK_CANARY: PG_CANARY };
/** Hours of work on every core unless stopped (10^13 multiplications). */
const ENDLESS = 'SELECT sum(a.range * b.range)::VARCHAR AS x FROM range(100000000) a, range(100000) b';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-attacks-'));
const stateDir = path.join(dir, 'state');
const cfg = path.join(dir, 'edgeflow.yaml');
const wh = path.join(dir, 'wh.duckdb');

let server: ServerType;
let url = '';
let store: RunStore;
let service: Service;
let mcp: ReturnType<typeof createMcpHttpHandler>;
const { tokens, api, waitForRun } = daemonApi(() => ({ url }) as DaemonProcess);
/** Another read token: a second user of the same daemon. */
let otherRead = '';
const clients: Client[] = [];

beforeAll(async () => {
  mkdirSync(stateDir, { mode: 0o700 });
  const c = await openDuckDb({ path: wh });
  await c.execute(`CREATE TABLE main.orders AS
    SELECT i AS order_id, i % 3 AS store_id, (i % 20)::DOUBLE AS amount FROM range(1, 201) t(i)`);
  await c.close();
  writeFileSync(
    cfg,
    `state: ${JSON.stringify(path.join(stateDir, 'state.db'))}
connections:
  wh: { type: duckdb, path: ${JSON.stringify(wh)}, writeSchemas: [analytics], poolSize: 4 }
  pg: { type: postgres, url: "postgres://etl:\${env:EF_ATTACK_CANARY}@127.0.0.1:1/db" }
assistant: { model: m, apiKey: ${KEY_CANARY} }
limits: { previewTimeout: 10m, warehouseRequestsPerToken: 2, mcpSessionsPerToken: 2 }
`,
  );
  const loaded = loadConfig(cfg, env);
  const redactor = Redactor.forConfig(loaded, env);
  store = RunStore.open(path.join(stateDir, 'state.db'), { redactor });
  service = new Service(loaded, new ConnectorPool(loaded), {
    redactor,
    runs: { store },
    assistant: { env },
  });
  await service.startRuns();
  tokens.admin = ensureAdminToken(stateDir, store).token;
  redactor.add(tokens.admin);
  for (const scope of ['read', 'run', 'write'] as const)
    tokens[scope] = createApiToken(store, { name: scope, scopes: [scope] }).token;
  otherRead = createApiToken(store, { name: 'other', scopes: ['read'] }).token;
  mcp = createMcpHttpHandler({
    service,
    maxSessionsPerToken: limitSettings(loaded.config).mcpSessionsPerToken,
  });
  const app = createHttpApp({ service, runs: service, authenticator: new TokenAuthenticator(store), mcp });
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await mcp?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await service?.close({ graceMs: 0 });
  store?.close();
});

const sqlWorkflow = (sql: string, extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name: 'probe',
  connection: 'wh',
  nodes: [{ id: 'q', type: 'source.sql', config: { sql, columns: [{ name: 'x', type: 'string' }] } }],
  ...extra,
});

const preview = (sql: string, token: Scope | string = 'read', signal?: AbortSignal) =>
  fetch(`${url}/v1/preview`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token in tokens ? tokens[token as Scope] : token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ workflow: sqlWorkflow(sql), node: 'q' }),
    ...(signal ? { signal } : {}),
  });

async function mcpClient(token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'attacker', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** One raw POST to /mcp (what a client without the SDK sends), in a session or to start one. */
function mcpPost(token: string, message: unknown, session?: string, signal?: AbortSignal) {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
    },
    body: JSON.stringify(message),
    ...(signal ? { signal } : {}),
  });
}

/** A new raw session of `token`: its id. */
async function mcpSession(token: string): Promise<string> {
  const r = await mcpPost(token, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await r.body?.cancel();
  expect(r.status).toBe(200);
  const session = r.headers.get('mcp-session-id')!;
  await (
    await mcpPost(token, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)
  ).body?.cancel();
  return session;
}

const FILE_ATTACKS = () => [
  `SELECT content AS x FROM read_text('${path.join(stateDir, 'admin.token')}')`,
  `SELECT content AS x FROM read_text('${cfg}')`,
  `SELECT file AS x FROM glob('${stateDir}/*')`,
  `SELECT column0 AS x FROM read_csv('/etc/passwd', header = false)`,
  `SELECT content::VARCHAR AS x FROM read_blob('${path.join(stateDir, 'state.db')}')`,
];

describe('attack 1: a read token reads local files through DuckDB', () => {
  it('over HTTP: every file reader is refused by the engine, and nothing of the files comes back', async () => {
    for (const sql of FILE_ATTACKS()) {
      const r = await preview(sql);
      const text = await r.text();
      // Refused by the engine: when the warehouse describes the node's query (422, SQL_ERROR on
      // the node) or, for what gets that far, when it runs (502).
      expect([422, 502], `${sql}: ${text}`).toContain(r.status);
      expect(text, sql).toMatch(/disabled by configuration|does not exist/);
      expect(text, sql).not.toContain(tokens.admin);
      expect(text, sql).not.toContain(KEY_CANARY);
      expect(text, sql).not.toContain('root:x:0:0');
      expect(text, sql).not.toContain('admin.token"'); // no glob listing
    }
    // The admin token it would have stolen still works only for its owner; the read token is refused.
    expect((await api('PUT', '/v1/workflows/x', { token: 'read', body: {} })).status).toBe(403);
  });

  it('over MCP (HTTP, read session): preview_workflow is refused the same way', async () => {
    const client = await mcpClient(tokens.read);
    for (const sql of FILE_ATTACKS()) {
      const r = await client.callTool({
        name: 'preview_workflow',
        arguments: { workflow: sqlWorkflow(sql), node: 'q' },
      });
      const text = JSON.stringify(r);
      // A tool error, or the workflow's own diagnostics (the warehouse refused the query).
      expect(r.isError === true || (r.structuredContent as { ok?: boolean }).ok === false, text).toBe(true);
      expect(text).toMatch(/disabled by configuration|does not exist/);
      expect(text).not.toContain(tokens.admin);
      expect(text).not.toContain(KEY_CANARY);
      expect(text).not.toContain('root:x:0:0');
    }
  });

  it('refuses a config whose allowFiles would open the state directory, the config or a secret file', () => {
    const bad = (allowFiles: string, extra = '') => {
      const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(
        file,
        `state: ${JSON.stringify(path.join(stateDir, 'state.db'))}
connections:
  wh: { type: duckdb, path: ${JSON.stringify(wh)}, allowFiles: [${JSON.stringify(allowFiles)}] }
${extra}`,
      );
      try {
        loadConfig(file, env);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad(stateDir)).toMatch(/overlaps the daemon's state directory/);
    expect(bad(dir)).toMatch(/overlaps the daemon's state directory/);
    expect(bad(path.join(stateDir, 'imports'))).toMatch(/overlaps the daemon's state directory/);
    expect(bad('/')).toMatch(/root of the file system/);
    const secrets = path.join(dir, 'secrets');
    mkdirSync(secrets, { recursive: true });
    expect(
      bad(secrets, `  pg: { type: postgres, url: "\${file:${path.join(secrets, 'pg.url')}}" }\n`),
    ).toMatch(/covers a secret file/);
    const data = mkdtempSync(path.join(tmpdir(), 'edgeflow-data-'));
    expect(bad(data)).toBeUndefined();
  });
});

describe('attack 2: secrets reach answers and the run store', () => {
  it('preview rows, column names and error SQL never carry a configured secret (HTTP and MCP)', async () => {
    for (const [sql, status] of [
      [`SELECT '${PG_CANARY}' AS x`, 200],
      [`SELECT '${KEY_CANARY}' AS x`, 200],
      [`SELECT upper('${PG_CANARY}') AS x`, 200],
      // Fails when it runs, after being described: the message and details.sql quote it.
      [`SELECT CASE WHEN order_id > 0 THEN error('boom ${PG_CANARY}') END AS x FROM main.orders`, 502],
    ] as const) {
      const r = await preview(sql);
      const text = await r.text();
      expect(r.status, text).toBe(status);
      expect(text).toContain('[redacted]');
      expect(text.toLowerCase()).not.toContain(PG_CANARY);
      expect(text).not.toContain(KEY_CANARY);
    }
    const client = await mcpClient(tokens.read);
    const r = await client.callTool({
      name: 'preview_workflow',
      arguments: { workflow: sqlWorkflow(`SELECT '${PG_CANARY}' AS x`), node: 'q' },
    });
    expect(JSON.stringify(r)).toContain('[redacted]');
    expect(JSON.stringify(r)).not.toContain(PG_CANARY);
  });

  it("a run whose warehouse error quotes another connection's secret keeps it nowhere", async () => {
    const wf = {
      edgeflow: 1,
      name: 'leaky',
      connection: 'wh',
      nodes: [
        {
          id: 'q',
          type: 'source.sql',
          config: {
            // No row at LIMIT 0 (the raw-SQL check passes); the run's first row fails with the text.
            sql: `SELECT CASE WHEN order_id > 0 THEN error('boom ${PG_CANARY}') END AS x FROM main.orders`,
            columns: [{ name: 'x', type: 'string' }],
          },
        },
        { id: 'out', type: 'output.table', inputs: { in: 'q' }, config: { table: 'analytics.leaky' } },
      ],
    };
    expect((await api('PUT', '/v1/workflows/leaky', { token: 'write', body: wf })).status).toBe(201);
    const started = await api('POST', '/v1/workflows/leaky/runs', { token: 'run' });
    expect(started.status).toBe(202);
    const run = await waitForRun(started.json.id as string);
    expect(run.status, JSON.stringify(run)).toBe('failed');
    const answers = [
      JSON.stringify(run),
      (await api('GET', `/v1/runs/${run.id}`, { token: 'read' })).text,
      (await api('GET', `/v1/runs/${run.id}/logs`, { token: 'read' })).text,
    ];
    for (const text of answers) expect(text).not.toContain(PG_CANARY);
    expect(answers.join('\n')).toContain('boom [redacted]');
    // What the store itself keeps: run and step errors, log lines.
    const kept = [
      ...store.database.prepare('SELECT error AS t FROM runs WHERE id = ?').all(run.id),
      ...store.database.prepare('SELECT last_error AS t FROM steps WHERE run_id = ?').all(run.id),
      ...store.database
        .prepare("SELECT message || coalesce(data, '') AS t FROM logs WHERE run_id = ?")
        .all(run.id),
    ].map((r) => String((r as { t: unknown }).t));
    expect(kept.join('\n')).toContain('[redacted]');
    expect(kept.join('\n')).not.toContain(PG_CANARY);
  });
});

describe('attack 3: writes outside writeSchemas', () => {
  const writer = (table: string) => ({
    edgeflow: 1,
    name: 'writer',
    connection: 'wh',
    nodes: [
      { id: 'o', type: 'source.table', config: { table: 'main.orders' } },
      { id: 'out', type: 'output.table', inputs: { in: 'o' }, config: { table } },
    ],
  });

  it('a run token cannot run an inline document over MCP (it needs write, as over HTTP)', async () => {
    const client = await mcpClient(tokens.run);
    const r = await client.callTool({
      name: 'run_workflow',
      arguments: { workflow: writer('analytics.inline_copy') },
    });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r)).toContain('FORBIDDEN');
    expect(
      (await api('GET', '/v1/connections/wh/tables/analytics.inline_copy', { token: 'read' })).status,
    ).toBe(404);
  });

  it('a write token cannot write the source tables, another catalog or the staging schema', async () => {
    const client = await mcpClient(tokens.write);
    for (const table of [
      'main.orders',
      'wh.main.orders',
      'temp.analytics.t',
      'edgeflow_staging.ef_ledger',
      'x.analytics.t',
    ]) {
      const r = await client.callTool({ name: 'run_workflow', arguments: { workflow: writer(table) } });
      expect(r.isError, `${table}: ${JSON.stringify(r)}`).toBe(true);
      expect(JSON.stringify(r), table).toContain('WRITE_NOT_ALLOWED');
      const saved = await api('PUT', '/v1/workflows/writer', { token: 'write', body: writer(table) });
      expect(saved.status, table).toBe(422);
      expect(saved.text, table).toContain('WRITE_NOT_ALLOWED');
    }
    const ok = await client.callTool({
      name: 'run_workflow',
      arguments: { workflow: writer('analytics.orders_copy') },
    });
    expect(ok.isError, JSON.stringify(ok)).toBeFalsy();
    expect((ok.structuredContent as { run: { status: string } }).run.status).toBe('succeeded');
    // The source is untouched.
    const rows = await api('POST', '/v1/preview', {
      token: 'read',
      body: { workflow: sqlWorkflow('SELECT count(*)::VARCHAR AS x FROM main.orders'), node: 'q' },
    });
    expect(rows.json.rows).toEqual([{ x: '200' }]);
  });

  it('the embedded default writes to analytics only', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'edgeflow-default-'));
    const loaded = loadConfig(undefined, {}, empty);
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.connections['local']).toMatchObject({ type: 'duckdb', writeSchemas: ['analytics'] });
  });
});

describe('attack 4: previews nobody waits for hold the warehouse', () => {
  it('a client that disconnects stops its statement; the catalog and /healthz never wait', async () => {
    // Four endless previews fill the pool (poolSize 4), two per token (the per-token share).
    const aborts = [
      new AbortController(),
      new AbortController(),
      new AbortController(),
      new AbortController(),
    ];
    const pending = aborts.map((a, i) =>
      preview(ENDLESS, i < 2 ? 'read' : otherRead, a.signal).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 500));
    // A third for the same token is refused at once, not queued.
    const third = await preview('SELECT 1::VARCHAR AS x', 'read');
    expect(third.status).toBe(429);
    const body = (await third.json()) as { error: { code: string; details: { hint: string } } };
    expect(body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(body.error.details.hint).toMatch(/limits\.warehouseRequestsPerToken/);
    // The daemon's own answers do not wait behind the warehouse work.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await api('GET', '/v1/connections/wh/tables', { token: 'read' })).status).toBe(200);
    expect((await api('GET', '/v1/connections/wh/tables/main.orders', { token: 'read' })).status).toBe(200);
    // The clients go away: every statement is interrupted, so the pool serves again.
    for (const a of aborts) a.abort();
    await Promise.all(pending);
    const after = await preview("SELECT 'ok' AS x", 'write');
    expect(after.status).toBe(200);
    expect(((await after.json()) as { rows: unknown[] }).rows).toEqual([{ x: 'ok' }]);
  }, 60_000);

  it('over MCP too: a tools/call whose HTTP request is dropped is cancelled in the warehouse', async () => {
    const session = await mcpSession(tokens.admin);
    // Four endless previews over MCP fill the pool; their clients drop.
    const aborts = [1, 2, 3, 4].map(() => new AbortController());
    const calls = aborts.map((a, i) =>
      mcpPost(
        tokens.admin,
        {
          jsonrpc: '2.0',
          id: 10 + i,
          method: 'tools/call',
          params: { name: 'preview_workflow', arguments: { workflow: sqlWorkflow(ENDLESS), node: 'q' } },
        },
        session,
        a.signal,
      ).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 700));
    for (const a of aborts) a.abort();
    await Promise.all(calls);
    const after = await preview("SELECT 'ok' AS x", 'read');
    expect(after.status).toBe(200);
  }, 60_000);

  it('a preview stops at limits.previewTimeout, with a hint naming it', async () => {
    const file = path.join(dir, 'short.yaml');
    writeFileSync(
      file,
      readFileSync(cfg, 'utf8')
        .replace('previewTimeout: 10m', 'previewTimeout: 300ms')
        .replace(`path: ${JSON.stringify(wh)}`, `path: ${JSON.stringify(path.join(dir, 'other.duckdb'))}`),
    );
    const loaded = loadConfig(file, env);
    const s = new Service(loaded, new ConnectorPool(loaded), { assistant: { env } });
    try {
      const err = await s.preview({ workflow: sqlWorkflow(ENDLESS), node: 'q', caller: 'someone' }).then(
        () => undefined,
        (e: unknown) => e as { code: string; details: { code: string; hint: string } },
      );
      expect(err?.code).toBe('WAREHOUSE_ERROR');
      expect(err?.details.code).toBe('TIMEOUT');
      expect(err?.details.hint).toMatch(/limits\.previewTimeout/);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('attack 6: one token holds every MCP session', () => {
  it("caps sessions per token: a token's new session ends its own oldest, and others are untouched", async () => {
    const ping = async (token: string, session: string) => {
      const r = await mcpPost(token, { jsonrpc: '2.0', id: 2, method: 'ping' }, session);
      await r.body?.cancel();
      return r.status;
    };
    const admin = await mcpSession(tokens.admin);
    const before = mcp.sessionCount;
    // limits.mcpSessionsPerToken is 2: a hog's 10 sessions never hold more than 2 slots.
    const hog: string[] = [];
    for (let i = 0; i < 10; i++) hog.push(await mcpSession(otherRead));
    await new Promise((r) => setTimeout(r, 50));
    expect(mcp.sessionCount).toBe(before + 2);
    expect(await ping(otherRead, hog[0]!)).toBe(404);
    expect(await ping(otherRead, hog[9]!)).toBe(200);
    // The admin's session was never touched.
    expect(await ping(tokens.admin, admin)).toBe(200);
  });
});
