import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { ensureAdminToken } from '../auth/admin-token.js';
import { TokenAuthenticator } from '../auth/tokens.js';
import { RunStore } from '../store/index.js';
import type { LoadedConfig } from '../config/load.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';
import { answer, startFakeOpenAI } from '../assistant/fake-openai.js';
import { createHttpApp } from './app.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-http-'));
const dbFile = path.join(dir, 'wh.duckdb');
const config: LoadedConfig = {
  config: {
    listen: '127.0.0.1:0',
    state: path.join(dir, 'state.db'),
    connections: { local: { type: 'duckdb', path: dbFile } },
  },
  baseDir: dir,
};
let service: Service;
let app: ReturnType<typeof createHttpApp>;
let token: string;
let store: RunStore;

const wf = {
  edgeflow: 1,
  name: 'w',
  nodes: [
    { id: 'o', type: 'source.table', config: { table: 'main.orders' } },
    { id: 'big', type: 'filter', inputs: { in: 'o' }, config: { where: 'amount > 3' } },
  ],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
const json = (r: Response): Promise<any> => r.json();

const call = (p: string, init: RequestInit = {}, auth = true) =>
  app.request(p, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(auth ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers ?? {}),
    },
  });

beforeAll(async () => {
  const c = await openDuckDb({ path: dbFile });
  await c.execute(
    `CREATE TABLE main.orders (order_id BIGINT, amount DECIMAL(12,2)); INSERT INTO main.orders VALUES (1, 2.00), (2, 5.00), (9007199254740993, 9.00)`,
  );
  await c.close();
  service = new Service(config, new ConnectorPool(config));
  store = RunStore.open(path.join(dir, 'state.db'));
  token = ensureAdminToken(dir, store).token;
  app = createHttpApp({ service, authenticator: new TokenAuthenticator(store) });
});
afterAll(async () => {
  await service.close();
  store.close();
});

describe('HTTP API', () => {
  it('answers /healthz without a token', async () => {
    const r = await app.request('/healthz');
    expect(r.status).toBe(200);
    expect(await json(r)).toEqual({ status: 'ok' });
  });

  it('answers /readyz without a token: 503 with what it waits for, then 200; in the OpenAPI document', async () => {
    const waiting = ['demo seeding'];
    const starting = createHttpApp({
      service,
      authenticator: new TokenAuthenticator(store),
      waitingFor: () => waiting,
    });
    const r = await starting.request('/readyz');
    expect(r.status).toBe(503);
    expect(await json(r)).toMatchObject({ status: 'starting', waitingFor: ['demo seeding'] });
    waiting.pop();
    const ready = await starting.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready' });
    const doc = await json(await call('/v1/openapi.json'));
    expect(doc.paths['/readyz'].get).toMatchObject({ operationId: 'ready', 'x-edgeflow-scope': 'none' });
    expect(Object.keys(doc.paths['/readyz'].get.responses)).toEqual(['200', '503']);
  });

  it('requires a bearer token everywhere else, with the error shape', async () => {
    for (const auth of [undefined, 'Bearer nope', `Basic ${token}`]) {
      const r = await app.request('/v1/components', auth ? { headers: { authorization: auth } } : {});
      expect(r.status).toBe(401);
      expect(await json(r)).toEqual({
        error: { code: 'UNAUTHORIZED', message: expect.stringContaining('bearer token') },
      });
    }
  });

  it('stores the admin token in a file only its owner can read', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(dir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(ensureAdminToken(dir, store)).toMatchObject({ token, status: 'kept' });
  });

  it('lists components and connections without secrets', async () => {
    expect((await json(await call('/v1/components'))).components).toHaveLength(28);
    expect(await json(await call('/v1/connections'))).toEqual({
      connections: [{ name: 'local', type: 'duckdb', dialect: 'duckdb' }],
    });
  });

  it('lists and describes tables', async () => {
    const tables = await json(await call('/v1/connections/local/tables'));
    expect(tables).toEqual({
      connection: 'local',
      tables: [{ name: 'main.orders', parts: ['main', 'orders'], kind: 'table' }],
    });
    const t = await json(await call('/v1/connections/local/tables/main.orders'));
    // Types as the workflow format writes them, not objects.
    expect(t).toMatchObject({ connection: 'local', table: 'main.orders', parts: ['main', 'orders'] });
    expect(t.columns).toEqual([
      expect.objectContaining({ name: 'order_id', type: 'bigint' }),
      expect.objectContaining({ name: 'amount', type: 'decimal(12,2)' }),
    ]);
    const missing = await call('/v1/connections/local/tables/main.order');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.details.hint).toBe('did you mean "main.orders"?');
    expect((await call('/v1/connections/nope/tables')).status).toBe(404);
  });

  it('validates, compiles and previews', async () => {
    const v = await json(
      await call('/v1/validate', { method: 'POST', body: JSON.stringify({ workflow: wf }) }),
    );
    expect(v).toMatchObject({ valid: true, catalog: 'live', dialect: 'duckdb' });
    const c = await json(
      await call('/v1/compile', {
        method: 'POST',
        body: JSON.stringify({ workflow: wf, node: 'big', dialect: 'snowflake' }),
      }),
    );
    expect(c.sql).toContain('WHERE "amount" > 3'); // DuckDB's lower-case names, quoted for Snowflake
    const p = await call('/v1/preview', {
      method: 'POST',
      body: JSON.stringify({ workflow: wf, node: 'big', limit: 10 }),
    });
    expect(p.status).toBe(200);
    const preview = await json(p);
    // All of the node's rows fit the limit: the total is exact, and no NO_OUTPUT for a preview.
    expect(preview).toMatchObject({ limit: 10, rowCount: 2, totalRows: 2, diagnostics: [] });
    expect(preview.columns).toEqual([
      { name: 'order_id', type: 'bigint' },
      { name: 'amount', type: 'decimal(12,2)' },
    ]);
    const rows = preview.rows;
    // A 64-bit id that does not fit a JSON number comes back as exact text.
    expect(rows).toEqual(
      expect.arrayContaining([
        { order_id: 2, amount: 5 },
        { order_id: '9007199254740993', amount: 9 },
      ]),
    );
    expect(rows).toHaveLength(2);
  });

  it('returns 422 with diagnostics for an invalid workflow and 400 for a bad body', async () => {
    const bad = await call('/v1/compile', {
      method: 'POST',
      body: JSON.stringify({ workflow: { ...wf, nodes: [wf.nodes[0]] }, node: 'nope' }),
    });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details.diagnostics.map((d: { code: string }) => d.code)).toContain(
      'UNKNOWN_NODE_REQUESTED',
    );
    const notJson = await call('/v1/validate', { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    const extra = await call('/v1/validate', {
      method: 'POST',
      body: JSON.stringify({ workflow: wf, wat: 1 }),
    });
    expect(extra.status).toBe(400);
    expect((await json(extra)).error.code).toBe('INVALID_REQUEST');
  });

  it('refuses a workflow over the node limit (2,000 by default) with TOO_MANY_NODES, unanalysed', async () => {
    // Every node is also wrong in ways analysis would report; only the count is.
    const nodes = Array.from({ length: 2_001 }, (_, i) => ({ id: `n${i}`, type: 'nope', wat: i }));
    const huge = { ...wf, nodes };
    const tooMany = [
      expect.objectContaining({
        code: 'TOO_MANY_NODES',
        path: '$.nodes',
        message: expect.stringContaining('2,001'),
      }),
    ];
    const v = await call('/v1/validate', { method: 'POST', body: JSON.stringify({ workflow: huge }) });
    expect(v.status).toBe(200);
    expect(await json(v)).toMatchObject({ valid: false, diagnostics: tooMany });
    const c = await call('/v1/compile', {
      method: 'POST',
      body: JSON.stringify({ workflow: JSON.stringify(huge) }),
    });
    expect(c.status).toBe(422);
    const body = await json(c);
    expect(body.error.code).toBe('INVALID_WORKFLOW');
    expect(body.error.details.diagnostics).toEqual(tooMany);
  });
});

describe('POST /v1/assistant/generate', () => {
  it('without an assistant block: 503 ASSISTANT_NOT_CONFIGURED with a hint how to configure', async () => {
    const r = await call('/v1/assistant/generate', {
      method: 'POST',
      body: JSON.stringify({ request: 'x' }),
    });
    expect(r.status).toBe(503);
    const body = await json(r);
    expect(body.error.code).toBe('ASSISTANT_NOT_CONFIGURED');
    expect(body.error.details.hint).toMatch(/assistant: \{ baseURL/);
  });

  it('with one: the assistant answers through the fake endpoint; the workflow is returned, not saved', async () => {
    const fake = await startFakeOpenAI();
    const withAssistant: LoadedConfig = {
      ...config,
      config: {
        ...config.config,
        assistant: { baseURL: fake.baseURL, model: 'fake-model', apiKey: 'k-test' },
      },
    };
    const s = new Service(withAssistant, new ConnectorPool(withAssistant));
    const a = createHttpApp({ service: s, authenticator: new TokenAuthenticator(store) });
    try {
      fake.script(answer({ ...wf, name: 'big_orders' }, 'orders above 3'));
      const r = await a.request('/v1/assistant/generate', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ request: 'orders above 3', connection: 'local' }),
      });
      expect(r.status).toBe(200);
      const body = await json(r);
      expect(body).toMatchObject({
        workflow: { name: 'big_orders' },
        validation: { valid: true },
        rounds: 0,
      });
      expect(body.model).toBe('fake-model');
      expect(store.listWorkflows().map((w) => w.name)).not.toContain('big_orders');
    } finally {
      await s.close();
      await fake.close();
    }
  });
});
