/**
 * The HTTP API and the MCP server are two faces of one service (DESIGN.md Part 2): for the same
 * request over the same Service and DuckDB data, the HTTP answer's JSON and the MCP tool's
 * structuredContent carry the same document, declared once in daemon/service/shapes/. What a face
 * adds is listed here, and kept few: a test that fails here means a face reshaped an answer.
 *
 * A workflow compile or preview cannot use is a normal MCP result (`ok: false`, for the agent to
 * fix) and an HTTP 422 whose `error.details` is that same document.
 *
 * Not compared, because one face has no such request: GET /v1/runs (MCP has runs as resources,
 * no list tool), estimate_workflow (no HTTP route), POST …/runs vs run_workflow (MCP waits for
 * the run and answers how far it got), schedules (each call stamps its own updatedAt).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, TokenAuthenticator } from '../daemon/auth/tokens.js';
import { createHttpApp } from '../daemon/http/app.js';
import {
  loadedConfig,
  ordersSetupSql,
  ordersWorkflow,
  testRuntime,
  workflowDoc,
  type TestRuntime,
} from '../daemon/service/testing.js';
import { createMcpServer } from '../mcp/server.js';

/** Fields a face adds to the service's document: MCP's notes to the agent and its character cap. */
const MCP_ADDS: Record<string, string[]> = {
  describe_table: ['note'],
  validate_workflow: ['next'],
  preview_workflow: ['note', 'truncated'],
};
/** Answers MCP wraps in an envelope (HTTP answers the document itself). */
const MCP_WRAPS: Record<string, string> = { get_run: 'run' };

let rt: TestRuntime;
let app: ReturnType<typeof createHttpApp>;
let token: string;
let client: Client;

beforeAll(async () => {
  rt = testRuntime({ config: loadedConfig({ local: { type: 'duckdb', path: ':memory:' } }) });
  const c = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await c.execute(sql);
  token = createApiToken(rt.store, { name: 'faces', scopes: ['admin'] }).token;
  app = createHttpApp({
    service: rt.service,
    runs: rt.service,
    authenticator: new TokenAuthenticator(rt.store),
  });
  const server = createMcpServer({ service: rt.service, scope: 'admin', version: 'test', log: () => {} });
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'faces', version: '1' });
  await server.connect(b);
  await client.connect(a);
});
afterAll(async () => {
  await client.close();
  await rt.close({ graceMs: 200 });
});

async function http(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const r = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: await r.json() };
}

async function mcp(tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
}

/** The MCP document with what the face adds taken off (each listed addition must be there). */
function serviceDocument(tool: string, r: CallToolResult): unknown {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  // The text content is the same JSON (after a preface line for previews).
  const text = (r.content[0] as { text: string }).text;
  expect(JSON.parse(text.slice(text.indexOf('{')))).toEqual(r.structuredContent);
  let doc = { ...(r.structuredContent as Record<string, unknown>) };
  for (const key of MCP_ADDS[tool] ?? []) {
    expect(doc, `${tool} adds ${key}`).toHaveProperty(key);
    delete doc[key];
  }
  const envelope = MCP_WRAPS[tool];
  if (envelope) {
    expect(Object.keys(doc)).toEqual([envelope]);
    doc = doc[envelope] as Record<string, unknown>;
  }
  return doc;
}

async function same(
  tool: string,
  args: Record<string, unknown>,
  method: string,
  path: string,
  body?: unknown,
) {
  const h = await http(method, path, body);
  expect(h.status, JSON.stringify(h.json)).toBeLessThan(300);
  const m = serviceDocument(tool, await mcp(tool, args));
  expect(m).toEqual(h.json);
  return h.json as Record<string, unknown>;
}

const paid = (name = 'paid_orders') =>
  workflowDoc(
    name,
    [
      { id: 'orders', type: 'source.table', config: { table: 'src.orders' } },
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      { id: 'sorted', type: 'sort', inputs: { in: 'paid' }, config: { by: ['id'] } },
    ],
    {},
  );

describe('the HTTP API and MCP answer the same document', () => {
  it('for the catalog: connections, tables, a table (types as the format writes them)', async () => {
    await same('list_connections', {}, 'GET', '/v1/connections');
    await same(
      'list_tables',
      { connection: 'local', schema: 'src' },
      'GET',
      '/v1/connections/local/tables?schema=src',
    );
    const t = await same(
      'describe_table',
      { connection: 'local', table: 'src.orders' },
      'GET',
      '/v1/connections/local/tables/src.orders',
    );
    expect(t.columns).toEqual([
      { name: 'id', type: 'bigint', nullable: true },
      { name: 'store_id', type: 'bigint', nullable: true },
      { name: 'status', type: 'string', nullable: true },
      { name: 'amount', type: 'decimal(10,2)', nullable: true },
    ]);
  });

  it('for validate (valid with lineage, and invalid with diagnostics)', async () => {
    const v = await same('validate_workflow', { workflow: paid() }, 'POST', '/v1/validate', {
      workflow: paid(),
    });
    expect(v).toMatchObject({ valid: true, errors: 0, warnings: 1 }); // NO_OUTPUT: a run writes nothing
    expect(v.lineage).toContainEqual(
      expect.objectContaining({
        node: 'paid',
        columns: expect.arrayContaining([expect.objectContaining({ type: 'decimal(10,2)' })]),
      }),
    );
    const broken = paid();
    (broken.nodes as Array<{ config: Record<string, unknown> }>)[1]!.config.where = 'amout > 1';
    const bad = await same('validate_workflow', { workflow: broken }, 'POST', '/v1/validate', {
      workflow: broken,
    });
    expect(bad).toMatchObject({ valid: false, errors: 1 });
  });

  it("for compile: the plan, and a node's SELECT with its columns", async () => {
    const doc = ordersWorkflow('src', 'out');
    const plan = await same('compile_workflow', { workflow: doc }, 'POST', '/v1/compile', { workflow: doc });
    expect(plan).toMatchObject({ ok: true, diagram: expect.stringMatching(/^flowchart/) });
    const node = await same(
      'compile_workflow',
      { workflow: doc, node: 'rev', dialect: 'bigquery', params: { min_amount: 5 } },
      'POST',
      '/v1/compile',
      { workflow: doc, node: 'rev', dialect: 'bigquery', params: { min_amount: 5 } },
    );
    expect(node.columns).toEqual([
      { name: 'store_id', type: 'bigint' },
      { name: 'revenue', type: expect.stringMatching(/^decimal\(\d+,2\)$/) },
      { name: 'n', type: 'bigint' },
    ]);
  });

  it('for preview: the rows, the total, no NO_OUTPUT', async () => {
    const p = await same(
      'preview_workflow',
      { workflow: paid(), node: 'sorted', limit: 5 },
      'POST',
      '/v1/preview',
      {
        workflow: paid(),
        node: 'sorted',
        limit: 5,
      },
    );
    expect(p).toMatchObject({ ok: true, limit: 5, rowCount: 5, diagnostics: [] });
    expect(p.totalRows).toBeGreaterThan(5);
  });

  it('for saved workflows, runs and their logs', async () => {
    const doc = ordersWorkflow('src', 'out', 'faces_flow');
    expect((await http('PUT', '/v1/workflows/faces_flow', doc)).status).toBe(201);
    // Unchanged: both faces answer the version saved above.
    await same('save_workflow', { workflow: doc }, 'PUT', '/v1/workflows/faces_flow', doc);
    await same('list_workflows', {}, 'GET', '/v1/workflows');
    await same('get_workflow', { name: 'faces_flow' }, 'GET', '/v1/workflows/faces_flow');

    const ran = serviceDocument('run_workflow', await mcp('run_workflow', { name: 'faces_flow' })) as {
      run: { id: string; status: string };
    };
    expect(ran.run.status).toBe('succeeded');
    const id = ran.run.id;
    const run = await same('get_run', { id }, 'GET', `/v1/runs/${id}`);
    expect((run.lineage as unknown[]).length).toBeGreaterThan(0);
    await same('get_run_logs', { id }, 'GET', `/v1/runs/${id}/logs`);
    await same('cancel_run', { id }, 'POST', `/v1/runs/${id}/cancel`);
  });

  it('for a workflow that cannot compile or preview: MCP ok false, HTTP 422 with that document', async () => {
    const broken = paid();
    (broken.nodes as Array<{ config: Record<string, unknown> }>)[1]!.config.where = 'amout > 1';
    for (const [tool, path, args] of [
      ['compile_workflow', '/v1/compile', { workflow: broken, node: 'sorted' }],
      ['preview_workflow', '/v1/preview', { workflow: broken, node: 'sorted' }],
    ] as const) {
      const h = await http('POST', path, args);
      expect(h.status).toBe(422);
      const { error } = h.json as { error: { code: string; details: unknown } };
      expect(error.code).toBe('INVALID_WORKFLOW');
      const m = serviceDocument(tool, await mcp(tool, args));
      expect(m).toMatchObject({
        ok: false,
        diagnostics: [expect.objectContaining({ code: 'UNKNOWN_COLUMN' })],
      });
      expect(error.details).toEqual(m);
    }
  });

  it('for errors: the same code, message and details', async () => {
    const h = await http('GET', '/v1/connections/local/tables/src.order');
    expect(h.status).toBe(404);
    const m = await mcp('describe_table', { connection: 'local', table: 'src.order' });
    expect(m.isError).toBe(true);
    expect(JSON.parse((m.content[0] as { text: string }).text)).toEqual(h.json);
  });
});
