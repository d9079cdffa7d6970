/**
 * The real daemon, spawned as `node bin/edgeflow.js serve --listen 127.0.0.1:0`, driven over HTTP:
 * auth matrix, workflows, runs, idempotency, cancel, logs, metrics, the OpenAPI document,
 * malformed requests, DNS rebinding, and a canary secret that must never come out.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi } from '../../test/support/daemon-api.js';
import { e2eDir, writeE2eWarehouse } from '../../test/support/e2e-warehouse.js';
import { runCli, startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';

const CANARY = 'canary-e2e-4c1f0a9d-pw';
const e2e = e2eDir('edgeflow-e2e-');
const { dir, cfg, stateDir } = e2e;
let daemon: DaemonProcess;
const { tokens, bodies, api, withHost, waitForRun, createTokens } = daemonApi(() => daemon);

const workflow = (extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name: 'store_revenue',
  connection: 'wh',
  params: { min_amount: { type: 'number', default: 0 } },
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    {
      id: 'paid',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: "status = 'paid' AND amount >= :min_amount" },
    },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'rev' }, config: { table: 'analytics.store_revenue' } },
  ],
  ...extra,
});

beforeAll(async () => {
  await writeE2eWarehouse(e2e, {
    rows: 5000,
    stores: 7,
    amounts: 50,
    connections: `  pg: { type: postgres, url: 'postgres://edgeflow:${CANARY}@127.0.0.1:1/warehouse' }\n`,
    config: `lineage: { file: ${JSON.stringify(path.join(dir, 'lineage.jsonl'))} }\n`,
  });
  daemon = await startDaemon({ config: cfg });
  await createTokens(cfg, stateDir);
}, 120_000);

afterAll(async () => {
  const code = await daemon?.stop();
  expect(code).toBe(0);
  const all = daemon.output() + bodies.join('\n');
  expect(all).not.toContain(CANARY);
  expect(all).not.toContain(encodeURIComponent(CANARY));
  for (const t of Object.values(tokens)) if (t) expect(daemon.output()).not.toContain(t);
});

describe('the daemon over HTTP', () => {
  it('binds the port it was given (0: any free one) on loopback and prints the URL', () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(daemon.port).toBeGreaterThan(0);
    expect(statSync(path.join(stateDir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(daemon.output()).toContain(path.join(stateDir, 'admin.token'));
    // Its logs are JSON lines on stderr.
    const logLines = daemon
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const l of logLines) expect(JSON.parse(l)).toHaveProperty('level');
  });

  it('answers /healthz without a token', async () => {
    const r = await api('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses requests without a valid token (401) and too weak a token (403, naming the scope)', async () => {
    for (const p of ['/v1/workflows', '/metrics', '/v1/openapi.json', '/v1/runs']) {
      const r = await api('GET', p);
      expect(r.status, p).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await api('GET', '/v1/connections', { token: 'ef_not-a-real-token' })).status).toBe(401);
    expect(
      (await api('GET', '/v1/connections', { headers: { authorization: `Basic ${tokens.read}` } })).status,
    ).toBe(401);
    expect((await api('GET', '/v1/connections', { token: 'read' })).status).toBe(200);

    const put = await api('PUT', '/v1/workflows/store_revenue', { token: 'read', body: workflow() });
    expect(put.status).toBe(403);
    expect(put.json.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { needed: 'write', granted: ['read'] },
    });
    expect(put.json.error.message).toContain('"write" scope');
    const runAsRead = await api('POST', '/v1/workflows/store_revenue/runs', { token: 'read', body: {} });
    expect(runAsRead.status).toBe(403);
    expect(runAsRead.json.error.details.needed).toBe('run');
    const putAsRun = await api('PUT', '/v1/workflows/store_revenue', { token: 'run', body: workflow() });
    expect(putAsRun.status).toBe(403);
    expect(putAsRun.json.error.details.needed).toBe('write');
    const cancelAsRead = await api('POST', '/v1/runs/r0/cancel', { token: 'read' });
    expect(cancelAsRead.json.error.details.needed).toBe('run');
  });

  it('saves workflows as versions: identical content keeps the version, a change makes a new one', async () => {
    const first = await api('PUT', '/v1/workflows/store_revenue', { token: 'write', body: workflow() });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ name: 'store_revenue', version: 1, created: true });
    const same = await api('PUT', '/v1/workflows/store_revenue', { token: 'admin', body: workflow() });
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ version: 1, created: false });
    const changed = await api('PUT', '/v1/workflows/store_revenue', {
      token: 'write',
      body: workflow({ description: 'revenue of paid orders per store' }),
    });
    expect(changed.status).toBe(201);
    expect(changed.json.version).toBe(2);

    const list = await api('GET', '/v1/workflows', { token: 'read' });
    expect(list.json.workflows).toEqual([
      expect.objectContaining({ name: 'store_revenue', latestVersion: 2 }),
    ]);
    const v1 = await api('GET', '/v1/workflows/store_revenue?version=1', { token: 'read' });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ name: 'store_revenue', version: 1 });
    expect(v1.json.document).not.toHaveProperty('description');
    expect((await api('GET', '/v1/workflows/nope', { token: 'read' })).status).toBe(404);
  });

  it('refuses a workflow whose name is not the path (400) or that is invalid (422, diagnostics)', async () => {
    const other = await api('PUT', '/v1/workflows/other_name', { token: 'write', body: workflow() });
    expect(other.status).toBe(400);
    expect(other.json.error.message).toContain('/v1/workflows/store_revenue');
    const typo = workflow();
    (typo.nodes[1] as Record<string, unknown>)['inptus'] = { in: 'orders' };
    const bad = await api('PUT', '/v1/workflows/store_revenue', { token: 'write', body: typo });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('INVALID_WORKFLOW');
    expect(bad.json.error.details.diagnostics[0]).toMatchObject({ path: expect.stringContaining('inptus') });
    const unknownColumn = workflow();
    (unknownColumn.nodes[1] as { config: { where: string } }).config.where = 'amout > 1';
    const semantic = await api('PUT', '/v1/workflows/store_revenue', { token: 'write', body: unknownColumn });
    expect(semantic.status).toBe(422);
    expect(JSON.stringify(semantic.json.error.details)).toContain('amount');
  });

  it('runs a saved workflow: 202 with the run, then it succeeds, with logs', async () => {
    const start = await api('POST', '/v1/workflows/store_revenue/runs', {
      token: 'run',
      body: { params: { min_amount: 10 } },
    });
    expect(start.status, start.text).toBe(202);
    expect(start.json).toMatchObject({
      workflow: 'store_revenue',
      trigger: 'api',
      params: { min_amount: 10 },
    });
    expect(start.headers.get('location')).toBe(`/v1/runs/${start.json.id}`);
    const run = await waitForRun(start.json.id);
    expect(run.status).toBe('succeeded');
    const logs = await api('GET', `/v1/runs/${run.id}/logs`, { token: 'read' });
    expect(logs.status).toBe(200);
    expect(logs.json.logs.length).toBeGreaterThan(0);
    expect(logs.json.logs[0]).toMatchObject({ runId: run.id, message: expect.any(String) });
    const list = await api('GET', '/v1/runs?workflow=store_revenue&status=succeeded', { token: 'read' });
    expect(list.json.runs.map((r: { id: string }) => r.id)).toContain(run.id);
    expect((await api('GET', '/v1/runs/r_nope', { token: 'read' })).status).toBe(404);

    // Its JSON log lines carry the run id (and step ids), and OpenLineage events went to the file.
    const runLines = daemon
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(run.id))
      .map((l) => JSON.parse(l));
    expect(runLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['run started', 'run succeeded']));
    expect(runLines.some((l) => l.runId === run.id && typeof l.stepId === 'string')).toBe(true);
    let events: Array<{
      eventType: string;
      run: { facets: { edgeflow: { runId: string } } };
      job: { name: string };
      inputs: unknown[];
      outputs: Array<{ name: string; facets: Record<string, { fields: unknown }> }>;
    }> = [];
    for (let i = 0; i < 50 && events.filter((e) => e.run.facets.edgeflow.runId === run.id).length < 2; i++) {
      await new Promise((res) => setTimeout(res, 50));
      events = readFileSync(path.join(dir, 'lineage.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    }
    const mine = events.filter((e) => e.run.facets.edgeflow.runId === run.id);
    expect(mine.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(mine[1]).toMatchObject({
      job: { namespace: 'edgeflow', name: 'store_revenue' },
      inputs: [{ namespace: 'duckdb://wh', name: 'main.orders' }],
      outputs: [{ namespace: 'duckdb://wh', name: 'analytics.store_revenue' }],
    });
    expect(mine[1]!.outputs[0]!.facets['columnLineage']!.fields).toMatchObject({
      revenue: { inputFields: [{ name: 'main.orders', field: 'amount' }] },
    });
  });

  it('starts one run per Idempotency-Key', async () => {
    const key = `e2e-${Date.now()}`;
    const a = await api('POST', '/v1/workflows/store_revenue/runs', {
      token: 'run',
      headers: { 'idempotency-key': key },
    });
    const b = await api('POST', '/v1/workflows/store_revenue/runs', {
      token: 'run',
      body: {},
      headers: { 'idempotency-key': key },
    });
    expect(a.status, a.text).toBe(202);
    expect(b.status).toBe(202);
    expect(b.json.id).toBe(a.json.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('POST', '/v1/workflows/store_revenue/runs', {
      token: 'run',
      headers: { 'idempotency-key': `${key}-2` },
    });
    expect(other.json.id).not.toBe(a.json.id);
    const bad = await api('POST', '/v1/workflows/store_revenue/runs', {
      token: 'run',
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expect(bad.status).toBe(400);
    await waitForRun(a.json.id);
    await waitForRun(other.json.id);
  });

  it('pages through runs with a cursor', async () => {
    const p1 = await api('GET', '/v1/runs?workflow=store_revenue&limit=2', { token: 'read' });
    expect(p1.json.runs).toHaveLength(2);
    expect(p1.json.nextCursor).toBeTruthy();
    const p2 = await api('GET', `/v1/runs?workflow=store_revenue&limit=2&cursor=${p1.json.nextCursor}`, {
      token: 'read',
    });
    const ids = [...p1.json.runs, ...p2.json.runs].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await api('GET', '/v1/runs?limit=0', { token: 'read' })).status).toBe(400);
    expect((await api('GET', '/v1/runs?status=sleeping', { token: 'read' })).status).toBe(400);
  });

  it('cancels a run', async () => {
    const start = await api('POST', '/v1/workflows/store_revenue/runs', { token: 'run' });
    const cancel = await api('POST', `/v1/runs/${start.json.id}/cancel`, { token: 'run' });
    expect([200, 202]).toContain(cancel.status);
    expect(['cancelled', 'requested', 'finished']).toContain(cancel.json.effect);
    const run = await waitForRun(start.json.id);
    // A run this small may finish before the cancel reaches it; otherwise it is cancelled.
    expect(cancel.json.effect === 'finished' ? 'succeeded' : 'cancelled').toBe(run.status);
    expect((await api('POST', '/v1/runs/r_nope/cancel', { token: 'run' })).status).toBe(404);
  });

  it('schedules and unschedules a workflow', async () => {
    const s = await api('PUT', '/v1/workflows/store_revenue/schedule', {
      token: 'write',
      body: { cron: '0 6 * * *', timezone: 'Europe/Madrid' },
    });
    expect(s.status, s.text).toBe(200);
    expect(s.json).toMatchObject({ workflow: 'store_revenue', cron: '0 6 * * *', timezone: 'Europe/Madrid' });
    const bad = await api('PUT', '/v1/workflows/store_revenue/schedule', {
      token: 'write',
      body: { cron: '0 6 * * *', timezone: 'Europe/Madrid', every: 'day' },
    });
    expect(bad.status).toBe(400);
    expect((await api('DELETE', '/v1/workflows/store_revenue/schedule', { token: 'run' })).status).toBe(403);
    const d = await api('DELETE', '/v1/workflows/store_revenue/schedule', { token: 'write' });
    expect(d.status).toBe(200);
    expect((await api('DELETE', '/v1/workflows/store_revenue/schedule', { token: 'write' })).status).toBe(
      404,
    );
  });

  it('answers 503 with a hint for the assistant when the config has no assistant block', async () => {
    const r = await api('POST', '/v1/assistant/generate', {
      token: 'write',
      body: { request: 'revenue per store' },
    });
    expect(r.status).toBe(503);
    expect(r.json.error).toMatchObject({
      code: 'ASSISTANT_NOT_CONFIGURED',
      details: { hint: expect.stringContaining('assistant') },
    });
  });

  it('serves Prometheus metrics to a read token', async () => {
    const r = await api('GET', '/metrics', { token: 'read' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    for (const m of [
      '# TYPE edgeflow_runs_total counter',
      '# TYPE edgeflow_step_duration_seconds histogram',
      '# TYPE edgeflow_step_retries_total counter',
      '# TYPE edgeflow_scheduler_lag_seconds histogram',
      '# TYPE edgeflow_scheduler_skipped_fires_total counter',
      '# TYPE edgeflow_queue_depth gauge',
      'edgeflow_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
      'edgeflow_runs_total{status="succeeded"}',
      'process_resident_memory_bytes',
    ])
      expect(r.text).toContain(m);
  });

  it('describes itself in an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const r = await api('GET', '/v1/openapi.json', { token: 'read' });
    expect(r.status).toBe(200);
    const doc = r.json;
    expect(doc.openapi).toBe('3.1.0');
    const expected: Array<[string, string, string]> = [
      ['get', '/healthz', 'none'],
      ['get', '/metrics', 'read'],
      ['get', '/v1/components', 'read'],
      ['get', '/v1/connections', 'read'],
      ['get', '/v1/connections/{name}/tables', 'read'],
      ['get', '/v1/connections/{name}/tables/{table}', 'read'],
      ['post', '/v1/validate', 'read'],
      ['post', '/v1/compile', 'read'],
      ['post', '/v1/preview', 'read'],
      ['put', '/v1/workflows/{name}', 'write'],
      ['get', '/v1/workflows', 'read'],
      ['get', '/v1/workflows/{name}', 'read'],
      ['post', '/v1/workflows/{name}/runs', 'run'],
      ['get', '/v1/runs', 'read'],
      ['post', '/v1/runs', 'write'],
      ['get', '/v1/runs/{id}', 'read'],
      ['get', '/v1/runs/{id}/logs', 'read'],
      ['post', '/v1/runs/{id}/cancel', 'run'],
      ['put', '/v1/workflows/{name}/schedule', 'write'],
      ['delete', '/v1/workflows/{name}/schedule', 'write'],
      ['post', '/v1/assistant/generate', 'write'],
      ['get', '/v1/openapi.json', 'read'],
    ];
    for (const [method, p, scope] of expected) {
      const op = doc.paths[p]?.[method];
      expect(op, `${method} ${p}`).toBeDefined();
      expect(op['x-edgeflow-scope'], `${method} ${p}`).toBe(scope);
      expect(op.operationId).toBeTruthy();
    }
    // Bodies point at named schemas generated from zod, every $ref resolves.
    expect(doc.paths['/v1/workflows/{name}'].put.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Workflow',
    });
    const wf = doc.components.schemas.Workflow;
    expect(wf.properties.nodes.type).toBe('array');
    expect(wf.additionalProperties).toBe(false);
    expect(doc.components.schemas.StartRunRequest.properties).toHaveProperty('params');
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
    expect(
      doc.paths['/v1/workflows/{name}/runs'].post.parameters.map((p: { name: string }) => p.name),
    ).toContain('Idempotency-Key');
  });

  it('answers malformed requests with 4xx and a code, and stays up', async () => {
    const cases: Array<[string, string, Parameters<typeof api>[2], number, string]> = [
      ['POST', '/v1/validate', { token: 'read', raw: '{"workflow": ' }, 400, 'INVALID_JSON'],
      ['POST', '/v1/validate', { token: 'read', raw: '' }, 400, 'INVALID_JSON'],
      ['POST', '/v1/validate', { token: 'read', body: [1, 2] }, 400, 'INVALID_REQUEST'],
      [
        'POST',
        '/v1/validate',
        { token: 'read', body: { workflow: workflow(), offline: 'yes' } },
        400,
        'INVALID_REQUEST',
      ],
      [
        'POST',
        '/v1/validate',
        { token: 'read', body: { workflow: workflow(), wat: 1 } },
        400,
        'INVALID_REQUEST',
      ],
      [
        'POST',
        '/v1/preview',
        { token: 'read', body: { workflow: workflow(), node: 'rev', limit: 5000 } },
        400,
        'INVALID_REQUEST',
      ],
      [
        'POST',
        '/v1/workflows/store_revenue/runs',
        { token: 'run', body: { params: 'x' } },
        400,
        'INVALID_REQUEST',
      ],
      ['PUT', '/v1/workflows/store_revenue', { token: 'write', body: 'just text' }, 422, 'INVALID_WORKFLOW'],
      ['PUT', '/v1/workflows/Bad-Name', { token: 'write', body: workflow() }, 400, 'INVALID_REQUEST'],
      ['GET', '/v1/nothing-here', { token: 'read' }, 404, 'NOT_FOUND'],
      ['DELETE', '/v1/validate', { token: 'admin' }, 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [method, p, opts, status, code] of cases) {
      const r = await api(method, p, opts);
      expect(r.status, `${method} ${p} ${r.text}`).toBe(status);
      expect(r.json.error.code, `${method} ${p}`).toBe(code);
      expect(r.json.error.message).toBeTruthy();
    }
    const unknownKey = await api('POST', '/v1/validate', {
      token: 'read',
      body: { workflow: workflow(), wat: 1 },
    });
    expect(unknownKey.json.error.details.issues[0]).toMatchObject({ path: 'body', keys: ['wat'] });
    const wrongType = await api('POST', '/v1/validate', {
      token: 'read',
      body: { workflow: workflow(), offline: 'yes' },
    });
    expect(wrongType.json.error.details.issues[0].path).toBe('body.offline');

    const big = await api('POST', '/v1/validate', {
      token: 'read',
      raw: JSON.stringify({ workflow: workflow(), pad: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await api('GET', '/healthz')).status).toBe(200);
    expect((await api('GET', '/v1/connections', { token: 'read' })).status).toBe(200);
  });

  it('refuses another Host than its own (DNS rebinding) and answers its own names', async () => {
    const evil = await withHost(`rebind.attacker.example:${daemon.port}`, '/v1/connections', tokens.read);
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text).error.code).toBe('HOST_NOT_ALLOWED');
    expect((await withHost(`127.0.0.1:${daemon.port + 1}`, '/v1/connections', tokens.read)).status).toBe(403);
    expect((await withHost(`rebind.attacker.example:${daemon.port}`, '/healthz', tokens.read)).status).toBe(
      403,
    );
    for (const host of [`localhost:${daemon.port}`, `127.0.0.1:${daemon.port}`, `[::1]:${daemon.port}`])
      expect((await withHost(host, '/v1/connections', tokens.read)).status, host).toBe(200);
  });

  it('keeps the canary password of a connection out of every answer and log line', async () => {
    const tables = await api('GET', '/v1/connections/pg/tables', { token: 'read' });
    expect(tables.status).toBe(502);
    expect(tables.json.error.code).toBe('WAREHOUSE_ERROR');
    await api('GET', '/v1/connections', { token: 'read' });
    await api('POST', '/v1/validate', { token: 'read', body: { workflow: workflow({ connection: 'pg' }) } });
    await api('POST', '/v1/preview', {
      token: 'read',
      body: { workflow: workflow({ connection: 'pg' }), node: 'rev' },
    });
    await api('POST', '/v1/workflows/store_revenue/runs', { token: 'run', body: { connection: 'pg' } });
    // Checked in afterAll, over every body and the daemon's whole output.
    expect(bodies.join('\n')).not.toContain(CANARY);
  });

  it('creates a token with the CLI and refuses bad scopes', async () => {
    const bad = await runCli(['token', 'create', '--scopes', 'read,owner', '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown scope "owner"');
    const json = await runCli([
      'token',
      'create',
      '--scopes',
      'write',
      '--name',
      'ci',
      '--json',
      '--config',
      cfg,
    ]);
    expect(json.code).toBe(0);
    const made = JSON.parse(json.stdout);
    expect(made).toMatchObject({ name: 'ci', scopes: ['write'], token: expect.stringMatching(/^ef_/) });
    expect((await api('GET', '/v1/connections', { token: made.token })).status).toBe(200);
    const revoke = await runCli(['token', 'revoke', made.id, '--config', cfg]);
    expect(revoke.code).toBe(0);
    const after = await api('GET', '/v1/connections', { token: made.token });
    expect(after.status).toBe(401);
    expect(after.json.error.message).toContain('revoked');
  });
});
