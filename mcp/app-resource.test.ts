/**
 * The MCP Apps part: compile_workflow and get_run name the workflow-DAG app in their `_meta`, the
 * app is listed and read as an HTML resource of the MCP Apps MIME type, and the tools' results are
 * what they were (clients without the extension keep the text and structured output).
 */
import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadedConfig,
  ordersSetupSql,
  ordersWorkflow,
  testRuntime,
  type TestRuntime,
} from '../daemon/service/testing.js';
import { WORKFLOW_DAG_APP_URI } from './app-resource.js';
import { createMcpServer } from './server.js';

const runtimes: TestRuntime[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const rt of runtimes.splice(0)) await rt.close({ graceMs: 200 });
});

async function connected() {
  const rt = testRuntime({ config: loadedConfig({ local: { type: 'duckdb', path: ':memory:' } }) });
  runtimes.push(rt);
  const connector = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await connector.execute(sql);
  const server = createMcpServer({
    service: rt.service,
    scope: 'read',
    version: 'test',
    log: () => undefined,
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1' });
  await server.connect(b);
  await client.connect(a);
  clients.push(client);
  return { client, rt };
}

describe('MCP Apps: the workflow DAG view', () => {
  it('compile_workflow and get_run offer the app; the other tools do not', async () => {
    const { client } = await connected();
    const { tools } = await client.listTools();
    const offering = tools.filter(
      (t) => (t._meta as { ui?: { resourceUri?: string } } | undefined)?.ui?.resourceUri,
    );
    expect(offering.map((t) => t.name).sort()).toEqual(['compile_workflow', 'get_run']);
    for (const t of offering) {
      expect(t._meta).toMatchObject({
        ui: { resourceUri: WORKFLOW_DAG_APP_URI },
        'ui/resourceUri': WORKFLOW_DAG_APP_URI,
      });
    }
  });

  it('lists and serves the app as an MCP Apps HTML resource', async () => {
    const { client } = await connected();
    const { resources } = await client.listResources();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uri: WORKFLOW_DAG_APP_URI, mimeType: 'text/html;profile=mcp-app' }),
      ]),
    );
    const read = await client.readResource({ uri: WORKFLOW_DAG_APP_URI });
    const content = read.contents[0] as { mimeType: string; text: string };
    expect(content.mimeType).toBe('text/html;profile=mcp-app');
    expect(content.text).toMatch(/^<!doctype html>/i);
    if (existsSync(new URL('../dist/mcp-app/workflow-dag.html', import.meta.url)))
      // Built: one self-contained file, its script inline (a host loads nothing else for it).
      expect(content.text).toMatch(/<script type="module">[\s\S]{1000,}<\/script>/);
    else expect(content.text).toContain('npm run build');
  });

  it('keeps the text and structured output of compile_workflow for clients without the extension', async () => {
    const { client } = await connected();
    const r = (await client.callTool({
      name: 'compile_workflow',
      arguments: { workflow: ordersWorkflow('src', 'out') },
    })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    const text = (r.content[0] as { type: string; text: string }).text;
    expect(JSON.parse(text.slice(text.indexOf('{')))).toEqual(r.structuredContent);
    expect((r.structuredContent as { diagram: string }).diagram).toMatch(/^flowchart LR/);
  });
});
