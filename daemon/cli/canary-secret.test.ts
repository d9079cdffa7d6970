/**
 * A canary secret through every error path the daemon owns: config validation, secrets that cannot
 * be resolved, a warehouse that cannot be reached, and the warehouse's own errors that echo a value.
 * Whatever fails, the canary must not appear in a message, a stack, an error's JSON, CLI output
 * (text or --json), an HTTP answer, or a line the daemon prints.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  PG_URL,
  resetSchemas,
} from '../../test/support/postgres.js';
import { createApiToken, TokenAuthenticator } from '../auth/tokens.js';
import { RunStore } from '../store/index.js';
import { main } from './main.js';
import { serveCommand } from './commands/serve.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { openConnector } from '../connections.js';
import { createHttpApp } from '../http/app.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';

const CANARY = 'canary-5d1e8b2f-must-not-print';
const NUMERIC_CANARY = '918273645546371';
const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-canary-'));
const seen: string[] = [];

/** Everything an error exposes, for the check. */
function exposed(e: unknown): string {
  const err = e as Error;
  return [
    String(e),
    err?.message,
    err?.stack,
    JSON.stringify(e),
    JSON.stringify((e as { details?: unknown })?.details),
  ]
    .filter(Boolean)
    .join('\n');
}

function expectClean(text: string, where: string): void {
  seen.push(where);
  expect(text, where).not.toContain(CANARY);
  expect(text, where).not.toContain(encodeURIComponent(CANARY));
  expect(text, where).not.toContain(NUMERIC_CANARY);
}

/** The HTTP app over a service, with an admin token in an in-memory run store. */
function httpApp(service: Service) {
  const store = RunStore.open(':memory:');
  const { token } = createApiToken(store, { name: 'test', scopes: ['admin'] });
  return { app: createHttpApp({ service, authenticator: new TokenAuthenticator(store) }), token };
}

let n = 0;
function file(name: string, content: unknown): string {
  const p = path.join(dir, `${++n}-${name}`);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

/** Runs the CLI both ways (text and --json) and checks both outputs. */
async function cliClean(
  label: string,
  ...args: string[]
): Promise<Array<{ code: number; out: string; err: string }>> {
  const results = [];
  for (const json of [false, true]) {
    const r = await cli(...args, ...(json ? ['--json'] : []));
    expectClean(r.out + r.err, `cli ${label}${json ? ' --json' : ''}`);
    results.push(r);
  }
  return results;
}

const workflow = (connection: string, nodes: unknown[]) => ({
  edgeflow: 1,
  name: 'canary',
  connection,
  nodes,
});
const tableWorkflow = workflow('pg', [
  {
    id: 'src',
    type: 'source.table',
    config: { table: 'public.anything', columns: [{ name: 'id', type: 'bigint' }] },
  },
]);

describe('canary secret: config and secret resolution', () => {
  it('does not repeat secret values in config validation errors (CLI, text and JSON)', async () => {
    const cfg = file(
      'invalid.yaml',
      `connections:
  pg: { type: postgres, url: ${NUMERIC_CANARY} }
  sf: { type: snowflake, account: a, user: u, password: ${NUMERIC_CANARY} }
  dbx: { type: databricks, host: h, warehouseId: w, token: ${NUMERIC_CANARY}, clientId: c, clientSecret: ${NUMERIC_CANARY} }
  rs: { type: redshift, url: ${NUMERIC_CANARY} }
  ms: { type: sqlserver, server: s, database: d, user: u, password: ${NUMERIC_CANARY} }
  rsd: { type: redshift, dataApi: { region: r, database: d, workgroupName: w, accessKeyId: AKIA, secretAccessKey: ${NUMERIC_CANARY}, sessionToken: ${NUMERIC_CANARY} } }
assistant: { model: m, apiKey: ${NUMERIC_CANARY} }
`,
    );
    let error: unknown;
    try {
      loadConfig(cfg);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expectClean(exposed(error), 'ConfigError');
    const [text] = await cliClean(
      'invalid config',
      'validate',
      file('wf.json', tableWorkflow),
      '--config',
      cfg,
    );
    expect(text!.code).toBe(2);
    expect(text!.err).toMatch(/invalid config/);
  });

  it('names a missing ${env:…} or ${file:…}, not the URL around it', async () => {
    process.env['EDGEFLOW_CANARY_PASSWORD'] = CANARY;
    try {
      for (const url of [
        `postgres://etl:${CANARY}@\${env:EDGEFLOW_CANARY_NOT_SET}/db`,
        'postgres://etl:${env:EDGEFLOW_CANARY_PASSWORD}@127.0.0.1:1/${file:no-such-secret-file}',
      ]) {
        const cfg = file('unresolved.yaml', `connections:\n  pg: { type: postgres, url: '${url}' }\n`);
        const loaded = loadConfig(cfg);
        const err = await openConnector(loaded, 'pg').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((err as { code?: string }).code).toBe('SECRET_UNRESOLVED');
        expectClean(exposed(err), `openConnector ${url}`);
        const wf = file('wf.json', tableWorkflow);
        const [, json] = await cliClean('unresolved secret', 'preview', wf, '--node', 'src', '--config', cfg);
        expect(JSON.parse(json!.out).error.message).toMatch(/cannot be opened: connection "pg": url: /);
        await cliClean('unresolved secret', 'validate', wf, '--config', cfg);
      }
    } finally {
      delete process.env['EDGEFLOW_CANARY_PASSWORD'];
    }
  });
});

describe('canary secret: an unreachable PostgreSQL', () => {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const badUrl = `postgres://edgeflow:${encodeURIComponent(CANARY)}@127.0.0.1:1/warehouse`;
  let cfg: string;
  beforeAll(() => {
    process.env['EDGEFLOW_CANARY_URL'] = badUrl;
    cfg = file(
      'unreachable.yaml',
      `state: ${JSON.stringify(path.join(dir, 'state', 'state.db'))}
listen: 127.0.0.1:0
connections:
  pg: { type: postgres, url: '\${env:EDGEFLOW_CANARY_URL}' }
  pg_literal: { type: postgres, url: '${badUrl}' }
`,
    );
  });
  afterAll(() => {
    delete process.env['EDGEFLOW_CANARY_URL'];
  });

  it('keeps the password out of the connector error', async () => {
    for (const name of ['pg', 'pg_literal']) {
      const c = await openConnector(loadConfig(cfg), name);
      try {
        const err = await c.execute('SELECT 1').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(c.classify(err)).toBe('transient');
        expectClean(exposed(err), `execute on ${name}`);
      } finally {
        await c.close();
      }
    }
  });

  it('keeps it out of CLI output: validate (live catalog) and preview', async () => {
    const wf = file('wf.json', tableWorkflow);
    for (const connection of ['pg', 'pg_literal']) {
      const [, validate] = await cliClean(
        'validate',
        'validate',
        wf,
        '--config',
        cfg,
        '--connection',
        connection,
      );
      expect(JSON.parse(validate!.out).offlineReason).toMatch(/ECONNREFUSED/);
      const [, preview] = await cliClean(
        'preview',
        'preview',
        wf,
        '--node',
        'src',
        '--config',
        cfg,
        '--connection',
        connection,
      );
      expect(preview!.code).not.toBe(0);
    }
  });

  it('keeps it out of HTTP answers', async () => {
    const loaded = loadConfig(cfg);
    const service = new Service(loaded, new ConnectorPool(loaded));
    const { app, token } = httpApp(service);
    const call = async (p: string, body?: unknown) => {
      const r = await app.request(p, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      expectClean(text, `HTTP ${p}`);
      return { status: r.status, text };
    };
    try {
      const tables = await call('/v1/connections/pg/tables');
      expect(tables.status).toBe(502);
      expect(JSON.parse(tables.text).error).toMatchObject({
        code: 'WAREHOUSE_ERROR',
        details: { errorClass: 'transient', code: 'ECONNREFUSED' },
      });
      await call('/v1/connections/pg_literal/tables/public.anything');
      await call('/v1/connections');
      await call('/v1/validate', { workflow: tableWorkflow });
      const p = await call('/v1/preview', { workflow: tableWorkflow, node: 'src' });
      expect(p.status).toBeGreaterThanOrEqual(400);
    } finally {
      await service.close();
    }
  });

  it('keeps it out of what `edgeflow serve` prints and answers', async () => {
    let printed = '';
    const io = { out: (t: string) => (printed += `${t}\n`), err: (t: string) => (printed += `${t}\n`) };
    const ac = new AbortController();
    const serving = serveCommand({ config: cfg }, io, ac.signal);
    try {
      let port = '';
      for (let i = 0; i < 100 && !port; i++) {
        port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(printed)?.[1] ?? '';
        if (!port) await new Promise((r) => setTimeout(r, 50));
      }
      expect(port).not.toBe('');
      const token = readFileSync(path.join(dir, 'state', 'admin.token'), 'utf8').trim();
      const r = await fetch(`http://127.0.0.1:${port}/v1/connections/pg/tables`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expectClean(await r.text(), 'serve HTTP');
    } finally {
      ac.abort();
      await serving;
    }
    expectClean(printed, 'serve output');
  });
});

describePostgres('canary secret: errors from a live PostgreSQL', () => {
  const schema = 'canary_secret';
  let cfg: string;
  beforeAll(async () => {
    const db = await connectPostgres();
    await resetSchemas(db, [schema]);
    await db.exec(
      `CREATE TABLE ${schema}.items (id bigint, name text); INSERT INTO ${schema}.items VALUES (1, '${CANARY}')`,
    );
    await db.close();
    // The test server trusts every local connection, so the canary password is accepted and unused.
    const u = new URL(PG_URL!);
    u.password = CANARY;
    cfg = file('live.yaml', `connections:\n  pg: { type: postgres, url: '${u.toString()}' }\n`);
  });
  afterAll(async () => {
    const db = await connectPostgres();
    await dropSchemas(db, [schema]);
    await db.close();
  });

  const broken = {
    // PostgreSQL quotes the value it cannot cast: here, the password.
    cast: workflow('pg', [
      { id: 'src', type: 'source.table', config: { table: `${schema}.items` } },
      { id: 'bad', type: 'compute', inputs: { in: 'src' }, config: { columns: { n: 'cast(name as int)' } } },
    ]),
    // A syntax error in SQL that itself holds the secret (the error carries the SQL).
    syntax: workflow('pg', [
      {
        id: 'bad',
        type: 'source.sql',
        config: { sql: `SELEC '${CANARY}' AS n`, columns: [{ name: 'n', type: 'string' }] },
      },
    ]),
  };

  it('redacts it from warehouse errors in the CLI', async () => {
    for (const [what, wf] of Object.entries(broken)) {
      const [text, json] = await cliClean(
        what,
        'preview',
        file(`${what}.json`, wf),
        '--node',
        'bad',
        '--config',
        cfg,
      );
      expect(text!.code).toBe(1);
      const answer = JSON.parse(json!.out);
      if (what === 'cast') {
        // Fails when the preview runs: the warehouse's message quotes the value, redacted.
        expect(answer.error.code).toBe('WAREHOUSE_ERROR');
        expect(answer.error.message).toMatch(/invalid input syntax.*\[redacted\]/);
      } else {
        // Refused when the warehouse describes the node: a SQL_ERROR diagnostic on it.
        expect(answer.ok).toBe(false);
        expect(answer.diagnostics[0]).toMatchObject({
          code: 'SQL_ERROR',
          message: expect.stringMatching(/syntax error/),
        });
      }
    }
  });

  it('redacts it from warehouse errors over HTTP', async () => {
    const loaded = loadConfig(cfg);
    const service = new Service(loaded, new ConnectorPool(loaded));
    const { app, token } = httpApp(service);
    try {
      for (const [what, wf] of Object.entries(broken)) {
        const r = await app.request('/v1/preview', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ workflow: wf, node: 'bad' }),
        });
        const text = await r.text();
        expectClean(text, `HTTP preview ${what}`);
        expect(JSON.parse(text).error).toMatchObject(
          what === 'cast'
            ? { code: 'WAREHOUSE_ERROR', details: { errorClass: 'permanent', code: '22P02' } }
            : {
                code: 'INVALID_WORKFLOW',
                details: {
                  diagnostics: [{ code: 'SQL_ERROR', message: expect.stringMatching(/syntax error/) }],
                },
              },
        );
      }
    } finally {
      await service.close();
    }
  });
});

afterAll(() => {
  // Every path above was looked at (a test that returned early would leave one out).
  expect(seen.length).toBeGreaterThan(10);
});
