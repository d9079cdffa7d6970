/**
 * The /mcp handler's sessions (mcp/http.ts) over real HTTP with the SDK client: a session ends on
 * DELETE, and the number of open sessions is capped (the least recently used idle one makes room,
 * a busy server answers 503).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpTestServer, type McpTestServer } from '../support/mcp-test-server.js';

let server: McpTestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startMcpTestServer({ scope: 'read', maxSessions: 2 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.close();
});

async function connect() {
  const transport = new StreamableHTTPClientTransport(new URL(server.url));
  const client = new Client({ name: 'sessions', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

describe('MCP sessions over HTTP', () => {
  it('a session ends on DELETE', async () => {
    const { transport } = await connect();
    expect(server.sessionCount()).toBe(1);
    await transport.terminateSession();
    expect(server.sessionCount()).toBe(0);
  });

  it('refuses a session beyond the cap while the others are in use (503)', async () => {
    await connect();
    await connect();
    expect(server.sessionCount()).toBe(2);
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(r.status).toBe(503);
    expect(server.sessionCount()).toBe(2);
  });
});
