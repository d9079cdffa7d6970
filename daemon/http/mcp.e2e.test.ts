/**
 * MCP over Streamable HTTP at `/mcp` on the real daemon (`node bin/edgeflow.js serve`), driven by
 * the MCP SDK's own client with bearer tokens made by `edgeflow token create`: the token's scope is
 * the session's, a session belongs to its token, Host and Origin are checked, and a run started by
 * an agent runs in the daemon.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type Scope } from '../../test/support/daemon-api.js';
import { e2eDir, writeE2eWarehouse } from '../../test/support/e2e-warehouse.js';
import { startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';

const e2e = e2eDir('edgeflow-mcp-http-');
const { cfg, stateDir } = e2e;
let daemon: DaemonProcess;
const { tokens, api, withHost, createTokens } = daemonApi(() => daemon);
const clients: Client[] = [];

const workflow = {
  edgeflow: 1,
  name: 'paid_totals',
  connection: 'wh',
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
    {
      id: 'totals',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'totals' }, config: { table: 'main.paid_totals' } },
  ],
};

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

async function connect(scope: Scope): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${daemon.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${tokens[scope]}` } },
  });
  const client = new Client({ name: `e2e-${scope}`, version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

/** A raw POST to /mcp (what a browser or a client without the SDK sends). */
function post(headers: Record<string, string>, body: unknown = INITIALIZE) {
  return fetch(`${daemon.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  await writeE2eWarehouse(e2e, { rows: 200, stores: 3, amounts: 20 });
  daemon = await startDaemon({ config: cfg });
  await createTokens(cfg, stateDir);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  expect(await daemon?.stop()).toBe(0);
  for (const t of Object.values(tokens)) if (t) expect(daemon.output()).not.toContain(t);
});

describe('/mcp on the daemon', () => {
  it('a read token sees only read tools, and a write tool is refused', async () => {
    const { client } = await connect('read');
    expect(client.getServerVersion()?.name).toBe('edgeflow');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_connections', 'list_tables', 'validate_workflow']));
    for (const hidden of ['run_workflow', 'save_workflow', 'schedule_workflow', 'cancel_run'])
      expect(names).not.toContain(hidden);

    const r = await client.callTool({ name: 'save_workflow', arguments: { workflow } });
    expect(r.isError).toBe(true);
    // Nothing was saved.
    expect((await api('GET', '/v1/workflows/paid_totals', { token: 'read' })).status).toBe(404);

    const tables = await client.callTool({ name: 'list_tables', arguments: { connection: 'wh' } });
    expect(tables.isError, JSON.stringify(tables.content)).toBeFalsy();
    expect(JSON.stringify(tables.structuredContent)).toContain('main.orders');
  });

  it('answers 401 without a token, and with a token that is not one', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post({ authorization: 'Bearer ef_not-a-token' })).status).toBe(401);
  });

  it("refuses an Origin other than the daemon's own (403), and takes its own and none", async () => {
    const auth = { authorization: `Bearer ${tokens.read}` };
    const evil = await post({ ...auth, origin: 'http://evil.example.com' });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    // The port is part of the origin: another local site is another origin.
    expect((await post({ ...auth, origin: `http://127.0.0.1:${daemon.port + 1}` })).status).toBe(403);
    expect((await post({ ...auth, origin: 'null' })).status).toBe(403);

    const own = await post({ ...auth, origin: `http://localhost:${daemon.port}` });
    expect(own.status).toBe(200);
    expect(own.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    const noOrigin = await post(auth);
    expect(noOrigin.status).toBe(200);
  });

  it('refuses a Host that is not the daemon’s (DNS rebinding)', async () => {
    const r = await withHost(`evil.example.com:${daemon.port}`, '/mcp', tokens.read);
    expect(r.status).toBe(403);
    expect(r.text).toContain('HOST_NOT_ALLOWED');
  });

  it('binds a session to the token that created it, and DELETE ends it', async () => {
    const { client, transport } = await connect('read');
    const sessionId = transport.sessionId!;
    expect(sessionId).toBeTruthy();
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const session = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };

    // Another token presenting this session id is told it does not exist.
    const other = await post({ authorization: `Bearer ${tokens.admin}`, ...session }, list);
    expect(other.status).toBe(404);
    expect(await client.listTools()).toBeTruthy();

    await transport.terminateSession();
    const after = await post({ authorization: `Bearer ${tokens.read}`, ...session }, list);
    expect(after.status).toBe(404);
  });

  it('a request without a session that is not initialize is refused', async () => {
    const r = await post(
      { authorization: `Bearer ${tokens.read}` },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
    );
    expect(r.status).toBe(400);
  });

  it('a run token runs a saved workflow; get_run shows it succeeded', async () => {
    const saved = await api('PUT', '/v1/workflows/paid_totals', { token: 'write', body: workflow });
    expect(saved.status, saved.text).toBeLessThan(300);

    const { client } = await connect('run');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('run_workflow');
    expect(names).not.toContain('save_workflow');

    const started = await client.callTool({ name: 'run_workflow', arguments: { name: 'paid_totals' } });
    expect(started.isError, JSON.stringify(started.content)).toBeFalsy();
    const { run } = started.structuredContent as { run: { id: string } };
    const got = await client.callTool({ name: 'get_run', arguments: { id: run.id } });
    expect(got.isError, JSON.stringify(got.content)).toBeFalsy();
    expect(got.structuredContent).toMatchObject({ run: { id: run.id, status: 'succeeded' } });

    // The HTTP API sees the same run, started by MCP, and its output.
    const viaApi = await api('GET', `/v1/runs/${run.id}`, { token: 'read' });
    expect(viaApi.json.status).toBe('succeeded');
    const out = await api('GET', '/v1/connections/wh/tables/main.paid_totals', { token: 'read' });
    expect(out.status, out.text).toBe(200);
  });

  it('is documented in the OpenAPI document and counted in the metrics', async () => {
    const doc = (await api('GET', '/v1/openapi.json', { token: 'read' })).json;
    expect(Object.keys(doc.paths['/mcp']).sort()).toEqual(['delete', 'get', 'post']);
    expect(doc.paths['/mcp'].post['x-edgeflow-scope']).toBe('read');
    const metrics = await api('GET', '/metrics', { token: 'read' });
    expect(metrics.text).toMatch(/route="\/mcp"/);
  });
});
