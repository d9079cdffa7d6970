/**
 * `edgeflow mcp` end to end: the real command (`node bin/edgeflow.js mcp`) spawned by the MCP SDK's
 * own client over stdio, as a desktop agent starts it; and the same process driven by raw lines,
 * to prove stdout carries nothing but JSON-RPC while the logs go to stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../../connectors/duckdb/index.js';
import { REPO } from '../../../test/support/daemon-process.js';

const BIN = path.join(REPO, 'bin', 'edgeflow.js');
const NO_NETWORK = fileURLToPath(new URL('../../../test/preload/no-network.mjs', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-mcp-stdio-'));
const cfg = path.join(dir, 'edgeflow.yaml');

const workflow = {
  edgeflow: 1,
  name: 'paid_orders',
  connection: 'wh',
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
  ],
};

beforeAll(async () => {
  const c = await openDuckDb({ path: path.join(dir, 'wh.duckdb') });
  await c.execute(`CREATE TABLE main.orders AS
    SELECT i AS order_id, (i * 10)::DOUBLE AS amount, CASE WHEN i % 2 = 0 THEN 'paid' ELSE 'refunded' END AS status
    FROM range(1, 11) t(i)`);
  await c.close();
  writeFileSync(
    cfg,
    `state: ${JSON.stringify(path.join(dir, 'state', 'state.db'))}
connections:
  wh: { type: duckdb, path: ${JSON.stringify(path.join(dir, 'wh.duckdb'))} }
`,
  );
});

describe('edgeflow mcp (stdio)', () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';
  const clientErrors: Error[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', NO_NETWORK, BIN, 'mcp', '--config', cfg],
      cwd: REPO,
      env: { ...(process.env as Record<string, string>) },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    client = new Client({ name: 'edgeflow-e2e', version: '1.0.0' });
    // A line on stdout that is not JSON-RPC is reported here by the SDK's reader.
    client.onerror = (e) => clientErrors.push(e);
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
  });

  it('initializes as edgeflow and lists the tools a run-scoped session may use', async () => {
    expect(client.getServerVersion()?.name).toBe('edgeflow');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_tables', 'validate_workflow', 'preview_workflow']));
    // The default stdio scope is `run`: it may run, not save.
    expect(names).toContain('run_workflow');
    expect(names).not.toContain('save_workflow');
  });

  it('lists the tables of the DuckDB connection', async () => {
    const r = await client.callTool({ name: 'list_tables', arguments: { connection: 'wh' } });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      connection: 'wh',
      tables: expect.arrayContaining([{ name: 'main.orders', parts: ['main', 'orders'], kind: 'table' }]),
    });
  });

  it('validates a workflow, and reports a wrong column as a normal result the agent can fix', async () => {
    const ok = await client.callTool({ name: 'validate_workflow', arguments: { workflow } });
    expect(ok.isError, JSON.stringify(ok.content)).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ valid: true, connection: 'wh' });

    const bad = structuredClone(workflow);
    bad.nodes[1]!.config = { where: "stauts = 'paid'" };
    const r = await client.callTool({ name: 'validate_workflow', arguments: { workflow: bad } });
    expect(r.structuredContent).toMatchObject({ valid: false });
    expect(JSON.stringify(r.structuredContent)).toContain('status');
  });

  it('previews rows of a node from the warehouse', async () => {
    const r = await client.callTool({
      name: 'preview_workflow',
      arguments: { workflow, node: 'paid', limit: 3 },
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    const preview = r.structuredContent as { ok: boolean; rows: Array<Record<string, unknown>> };
    expect(preview.ok).toBe(true);
    expect(preview.rows).toHaveLength(3);
    for (const row of preview.rows) expect(row['status']).toBe('paid');
  });

  it('reads no local file through DuckDB, whatever a source.sql says (issue 10)', async () => {
    writeFileSync(path.join(dir, 'state', 'admin.token'), 'ef_stdio_canary_0123456789\n');
    for (const sql of [
      `SELECT content AS x FROM read_text('${path.join(dir, 'state', 'admin.token')}')`,
      `SELECT content AS x FROM read_text('${cfg}')`,
      `SELECT column0 AS x FROM read_csv('/etc/passwd', header = false)`,
    ]) {
      const r = await client.callTool({
        name: 'preview_workflow',
        arguments: {
          workflow: {
            edgeflow: 1,
            name: 'probe',
            connection: 'wh',
            nodes: [
              { id: 'q', type: 'source.sql', config: { sql, columns: [{ name: 'x', type: 'string' }] } },
            ],
          },
          node: 'q',
        },
      });
      const text = JSON.stringify(r);
      // The warehouse refuses the query when asked to describe it: the node's diagnostics say so.
      expect(r.isError === true || (r.structuredContent as { ok?: boolean }).ok === false, text).toBe(true);
      expect(text).toMatch(/disabled by configuration/);
      expect(text).not.toContain('ef_stdio_canary');
      expect(text).not.toContain('root:x:0:0');
    }
  });

  it('wrote its logs to stderr and nothing but protocol to stdout', () => {
    expect(clientErrors).toEqual([]);
    expect(stderr).toContain('"msg":"mcp on stdio"');
    expect(stderr).toContain('"scope":"run"');
  });
});

describe('edgeflow mcp stdout', () => {
  it('is JSON-RPC only, line by line; logs are on stderr; stdin closing ends the process cleanly', async () => {
    const child = spawn(process.execPath, ['--import', NO_NETWORK, BIN, 'mcp', '--config', cfg], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    const answered = (id: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (stdout.split('\n').some((l) => l.includes(`"id":${id}`))) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await answered(1);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'list_connections', arguments: {} },
    });
    await answered(2);
    child.stdin.end();
    expect(await exited).toBe(0);

    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(lines.map((l) => (JSON.parse(l) as { id?: number }).id)).toEqual([1, 2]);
    expect(stderr).toContain('"reason":"stdin closed"');
    expect(stderr).toContain('"msg":"stopped"');
  }, 60_000);
});
