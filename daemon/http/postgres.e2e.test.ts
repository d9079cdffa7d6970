/**
 * The real daemon (`node bin/edgeflow.js serve`) on a real PostgreSQL, driven over HTTP:
 * - a transient fault (the step's backend terminated mid-statement, SQLSTATE 57P01) is retried and
 *   the run succeeds, counted in edgeflow_step_retries_total;
 * - a cancel over HTTP stops the statement in PostgreSQL and leaves no staging tables;
 * - after a SIGKILL of the daemon mid-statement, the next start cancels the statement the dead
 *   daemon left running and resumes the run to a correct, unduplicated result;
 * - the connection's password (a canary) never appears in an HTTP answer or the daemon's output.
 *
 * The slow statements sleep for as long as a control table says (`src.ctl`), read when the
 * statement starts: the test sets it to 60 s, sees the statement running, and sets it to 0 before
 * the step runs again, so nothing here depends on how long anything takes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectSameResults } from '../../test/support/compare.js';
import { daemonApi } from '../../test/support/daemon-api.js';
import { startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';
import { connectPostgres, describePostgres, PG_URL, type PgTestDb } from '../../test/support/postgres.js';

const SRC = 'daemon_e2e_src';
const OUT = 'daemon_e2e_out';
const STAGE = 'daemon_e2e_stage';
const ROLE = 'edgeflow_canary';
const CANARY = `canary-${randomBytes(12).toString('hex')}`;

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-pg-e2e-'));
const cfg = path.join(dir, 'edgeflow.yaml');
const stateDir = path.join(dir, 'state');
let daemon: DaemonProcess;
/** Daemons that were stopped or killed: their output is checked for the canary too. */
const earlier: DaemonProcess[] = [];
const { bodies, api, waitForRun, createTokens } = daemonApi(() => daemon);
let db: PgTestDb;

interface StepView {
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  target?: { table: string };
}
interface LogView {
  stepId: string | null;
  message: string;
  data: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The canary role's URL: the test server's, as another user with a password. */
function canaryUrl(port?: number): string {
  const u = new URL(PG_URL!);
  u.username = ROLE;
  u.password = CANARY;
  if (port !== undefined) u.port = String(port);
  return u.toString();
}

const ORDER_COLUMNS = [
  { name: 'order_id', type: 'int' },
  { name: 'store_id', type: 'int' },
  { name: 'amount', type: 'double' },
  { name: 'status', type: 'string' },
];

/** Every order, once the statement has slept for the seconds the control row `key` says. */
const slowOrders = (key: string) => ({
  id: 'slow',
  type: 'source.sql',
  config: {
    sql: `SELECT o.order_id, o.store_id, o.amount, o.status FROM ${SRC}.orders o
          WHERE (SELECT count(*) FROM ${SRC}.ctl c, pg_sleep(c.secs) s WHERE c.key = '${key}') = 1`,
    columns: ORDER_COLUMNS,
  },
});

/** One output: the slow statement runs in the write step. */
const revenueWorkflow = (name: string, key: string) => ({
  edgeflow: 1,
  name,
  connection: 'pg',
  nodes: [
    slowOrders(key),
    { id: 'paid', type: 'filter', inputs: { in: 'slow' }, config: { where: "status = 'paid'" } },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'rev' }, config: { table: `${OUT}.${name}` } },
  ],
});

/**
 * Two outputs read the slow node, so it is materialised once into the staging schema (the slow
 * statement runs in that step); one output replaces its table, the other appends (with the ledger).
 */
const fanoutWorkflow = (name: string, key: string) => ({
  edgeflow: 1,
  name,
  connection: 'pg',
  nodes: [
    slowOrders(key),
    {
      id: 'by_store',
      type: 'aggregate',
      inputs: { in: 'slow' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'all', type: 'output.table', inputs: { in: 'slow' }, config: { table: `${OUT}.${name}_all` } },
    {
      id: 'stores',
      type: 'output.table',
      inputs: { in: 'by_store' },
      config: { table: `${OUT}.${name}_stores`, mode: 'append' },
    },
  ],
});

const REVENUE_SQL = `SELECT store_id, sum(amount) AS revenue, count(*) AS orders
  FROM ${SRC}.orders WHERE status = 'paid' GROUP BY store_id`;
const ALL_SQL = `SELECT order_id, store_id, amount, status FROM ${SRC}.orders`;
const STORES_SQL = `SELECT store_id, sum(amount) AS revenue, count(*) AS orders FROM ${SRC}.orders GROUP BY store_id`;

async function setSleep(key: string, secs: number): Promise<void> {
  await db.query(`UPDATE ${SRC}.ctl SET secs = $2 WHERE key = $1`, [key, secs]);
}

/** Backends running a statement for the run (application_name `edgeflow run=<id> …`). */
async function activeFor(runId: string): Promise<Array<{ pid: number; query: string }>> {
  const r = await db.query(
    `SELECT pid, query FROM pg_stat_activity
     WHERE application_name LIKE $1 AND state <> 'idle' AND pid <> pg_backend_pid()`,
    [`edgeflow run=${runId} %`],
  );
  return r.rows as Array<{ pid: number; query: string }>;
}

/** Waits until the run's slow statement is executing in PostgreSQL; its backend pid. */
async function sleepingBackend(runId: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sleeping = (await activeFor(runId)).filter((b) => b.query.includes('pg_sleep'));
    if (sleeping.length === 1) return sleeping[0]!.pid;
    if (Date.now() > deadline) throw new Error(`no statement of run ${runId} sleeps in PostgreSQL`);
    await sleep(50);
  }
}

/** Polls (up to `ms`) until `check` holds; whether it did. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

async function backendExists(pid: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0;
}

/** Tables in the staging and output schemas whose names carry the run id (staging, `_new` swaps). */
async function runTablesLeft(runId: string): Promise<string[]> {
  const r = await db.query(
    `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables
     WHERE table_schema IN ($1, $2) AND table_name LIKE $3 ORDER BY 1`,
    [STAGE, OUT, `%${runId.toLowerCase()}%`],
  );
  return r.rows.map((x) => String(x['t']));
}

async function tablesIn(schema: string): Promise<string[]> {
  const r = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [schema],
  );
  return r.rows.map((x) => String(x['table_name']));
}

async function retriesCounted(): Promise<number> {
  const m = await api('GET', '/metrics', { token: 'read' });
  expect(m.status).toBe(200);
  const line = /^edgeflow_step_retries_total (\d+)$/m.exec(m.text);
  return line ? Number(line[1]) : 0;
}

async function saveAndStart(doc: { name: string }): Promise<string> {
  const put = await api('PUT', `/v1/workflows/${doc.name}`, { token: 'write', body: doc });
  expect(put.status, put.text).toBeLessThan(300);
  const start = await api('POST', `/v1/workflows/${doc.name}/runs`, { token: 'run', body: {} });
  expect(start.status, start.text).toBe(202);
  return start.json.id as string;
}

async function dropAll(): Promise<void> {
  // A statement a failed test left sleeping would hold its locks against the DROPs.
  await db.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
    [ROLE],
  );
  // DROP OWNED drops the role's schemas and revokes its grants in this database.
  await db.exec(`DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN
      EXECUTE 'DROP OWNED BY ${ROLE} CASCADE';
    END IF;
  END $$`);
  for (const s of [SRC, OUT, STAGE]) await db.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await db.exec(`DROP ROLE IF EXISTS ${ROLE}`);
}

async function startWithConfig(): Promise<DaemonProcess> {
  return startDaemon({ config: cfg, env: { EDGEFLOW_E2E_PG_URL: canaryUrl() } });
}

describePostgres('the daemon on PostgreSQL, over HTTP', () => {
  beforeAll(async () => {
    db = await connectPostgres();
    await dropAll();
    const database = new URL(PG_URL!).pathname.slice(1);
    // Trust authentication ignores the password: it only has to be in the config, as a canary.
    await db.exec(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${CANARY}';
      GRANT CREATE ON DATABASE "${database}" TO ${ROLE};
      -- The server must not notice a dead client on its own while a statement runs (PostgreSQL's
      -- default): only then does the SIGKILL test show that recovery is what stops it.
      DO $$ BEGIN
        IF current_setting('server_version_num')::int >= 140000 THEN
          EXECUTE 'ALTER ROLE ${ROLE} SET client_connection_check_interval = 0';
        END IF;
      END $$;
      CREATE SCHEMA ${SRC} AUTHORIZATION ${ROLE};
      CREATE SCHEMA ${OUT} AUTHORIZATION ${ROLE};
      CREATE SCHEMA ${STAGE} AUTHORIZATION ${ROLE};
      CREATE TABLE ${SRC}.orders AS
        SELECT i AS order_id, i % 7 AS store_id, (i % 50)::double precision AS amount,
               CASE WHEN i % 4 = 0 THEN 'refunded' ELSE 'paid' END AS status
        FROM generate_series(1, 5000) AS t(i);
      CREATE TABLE ${SRC}.ctl (key text PRIMARY KEY, secs double precision NOT NULL);
      INSERT INTO ${SRC}.ctl VALUES ('retry', 60), ('cancel', 60), ('crash', 60);
      ALTER TABLE ${SRC}.orders OWNER TO ${ROLE};
      ALTER TABLE ${SRC}.ctl OWNER TO ${ROLE}`);
    writeFileSync(
      cfg,
      `listen: 127.0.0.1:8787
state: ${JSON.stringify(path.join(stateDir, 'state.db'))}
connections:
  pg:
    type: postgres
    url: \${env:EDGEFLOW_E2E_PG_URL}
    writeSchemas: [${OUT}]
    stagingSchema: ${STAGE}
    statementTimeout: 5m
    poolSize: 4
  pg_down: { type: postgres, url: '${canaryUrl(1)}' }
`,
    );
    daemon = await startWithConfig();
    await createTokens(cfg, stateDir);
  }, 120_000);

  afterAll(async () => {
    // A daemon that died before this says why in its output.
    if (daemon) expect(await daemon.stop(), daemon.output().slice(-4000)).toBe(0);
    const outputs = [...earlier, daemon].filter(Boolean).map((d) => d.output());
    const state = readdirSync(stateDir).map((f) => readFileSync(path.join(stateDir, f)).toString('latin1'));
    for (const [what, text] of [
      ['daemon output', outputs.join('\n')],
      ['HTTP answers', bodies.join('\n')],
      ['run store', state.join('\n')],
    ] as const) {
      expect(text, what).not.toContain(CANARY);
      expect(text, what).not.toContain(encodeURIComponent(CANARY));
    }
    if (db) {
      await dropAll();
      await db.close();
    }
  }, 60_000);

  it('retries a step whose backend was terminated (57P01) and succeeds, counting the retry', async () => {
    const before = await retriesCounted();
    const id = await saveAndStart(revenueWorkflow('pg_retry', 'retry'));
    const pid = await sleepingBackend(id);
    // The next attempt must not sleep; the running statement read its 60 s already.
    await setSleep('retry', 0);
    const killed = await db.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE application_name LIKE $1 AND state = 'active' AND pid = $2`,
      [`edgeflow run=${id} %`, pid],
    );
    expect(killed.rows).toEqual([{ ok: true }]);

    const run = await waitForRun(id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const steps = run.steps as StepView[];
    const write = steps.find((s) => s.target?.table === `${OUT}.pg_retry`)!;
    expect(write).toMatchObject({ kind: 'write', status: 'succeeded', attempts: 2 });
    for (const s of steps.filter((x) => x !== write)) expect(s.attempts, s.stepId).toBe(1);
    const logs = await api('GET', `/v1/runs/${id}/logs`, { token: 'read' });
    const retried = (logs.json.logs as LogView[]).filter(
      (l) => l.stepId === write.stepId && l.message.startsWith('transient failure, retrying in'),
    );
    expect(retried).toHaveLength(1);
    expect(retried[0]!.data).toMatchObject({ errorClass: 'transient', warehouseCode: '57P01' });
    expect(await retriesCounted()).toBe(before + 1);

    expectSameResults(await db.query(`SELECT * FROM ${OUT}.pg_retry`), await db.query(REVENUE_SQL), {
      label: 'pg_retry',
    });
    expect(await runTablesLeft(id)).toEqual([]);
  }, 90_000);

  it('cancels a run over HTTP: the statement stops in PostgreSQL and no staging table is left', async () => {
    const id = await saveAndStart(fanoutWorkflow('pg_cancel', 'cancel'));
    const pid = await sleepingBackend(id);
    const cancel = await api('POST', `/v1/runs/${id}/cancel`, { token: 'run' });
    expect([200, 202]).toContain(cancel.status);
    expect(['cancelled', 'requested']).toContain(cancel.json.effect);

    const run = await waitForRun(id, { timeoutMs: 30_000 });
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatchObject({ code: 'CANCELLED' });
    // The backend is no longer running anything for the run (it may stay in the pool, idle).
    expect(await eventually(async () => (await activeFor(id)).length === 0)).toBe(true);
    expect(
      (await db.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid])).rows,
    ).not.toContainEqual({ state: 'active' });
    expect(await runTablesLeft(id)).toEqual([]);
    // Nothing was written: the writes come after the cancelled step.
    expect((await tablesIn(OUT)).filter((t) => t.startsWith('pg_cancel'))).toEqual([]);
    const steps = run.steps as StepView[];
    expect(steps.find((s) => s.kind === 'materialize')).toMatchObject({ status: 'cancelled', attempts: 1 });
    // The writes never started.
    for (const s of steps.filter((x) => x.kind === 'write'))
      expect(s, s.stepId).toMatchObject({ status: 'cancelled', attempts: 0 });
  }, 60_000);

  it('after a SIGKILL mid-statement, the next start cancels what the dead daemon left running and resumes', async () => {
    const id = await saveAndStart(fanoutWorkflow('pg_crash', 'crash'));
    const pid = await sleepingBackend(id);
    const dead = daemon;
    await dead.stop('SIGKILL');
    earlier.push(dead);
    // PostgreSQL does not notice the client is gone while pg_sleep runs: the statement goes on.
    expect((await activeFor(id)).map((b) => b.pid)).toEqual([pid]);
    // When it runs again, the step is quick.
    await setSleep('crash', 0);

    daemon = await startWithConfig();
    // Recovery cancelled the left-over statement: the backend ended (its client is gone), long
    // before its 60 s sleep would have.
    expect(await eventually(async () => !(await backendExists(pid)), 15_000)).toBe(true);
    const run = await waitForRun(id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const steps = run.steps as StepView[];
    const materialize = steps.find((s) => s.kind === 'materialize')!;
    expect(materialize).toMatchObject({ status: 'succeeded', attempts: 2 });
    for (const s of steps.filter((x) => x !== materialize)) {
      expect(s.status, s.stepId).toBe('succeeded');
      expect(s.attempts, s.stepId).toBe(1);
    }
    const logs = await api('GET', `/v1/runs/${id}/logs`, { token: 'read' });
    const messages = (logs.json.logs as LogView[]).map((l) => l.message);
    expect(messages).toContainEqual(
      expect.stringMatching(/^cancelled the statement \d+:\d+ it left running$/),
    );
    expect(messages).toContain('resumed from its last finished step');

    expectSameResults(await db.query(`SELECT * FROM ${OUT}.pg_crash_all`), await db.query(ALL_SQL), {
      label: 'pg_crash_all',
    });
    // Appended once: the same rows as the hand-written query, none twice.
    expectSameResults(await db.query(`SELECT * FROM ${OUT}.pg_crash_stores`), await db.query(STORES_SQL), {
      label: 'pg_crash_stores',
    });
    expect(await runTablesLeft(id)).toEqual([]);
    expect((await tablesIn(OUT)).filter((t) => t.startsWith('pg_crash'))).toEqual([
      'pg_crash_all',
      'pg_crash_stores',
    ]);
  }, 120_000);

  it('keeps the connection password out of every answer, error and log line', async () => {
    expect((await api('GET', '/v1/connections', { token: 'read' })).status).toBe(200);
    const tables = await api('GET', '/v1/connections/pg/tables', { token: 'read' });
    expect(tables.status, tables.text).toBe(200);
    expect((await api('GET', `/v1/connections/pg/tables/${SRC}.orders`, { token: 'read' })).status).toBe(200);
    const down = await api('GET', '/v1/connections/pg_down/tables', { token: 'read' });
    expect(down.status).toBe(502);
    expect(down.json.error.code).toBe('WAREHOUSE_ERROR');

    const broken = {
      edgeflow: 1,
      name: 'pg_broken',
      connection: 'pg',
      nodes: [
        {
          id: 'q',
          type: 'source.sql',
          config: {
            sql: 'SELECT 1 / (count(*) - count(*)) AS x FROM pg_class',
            columns: [{ name: 'x', type: 'int' }],
          },
        },
        { id: 'out', type: 'output.table', inputs: { in: 'q' }, config: { table: `${OUT}.pg_broken` } },
      ],
    };
    const preview = await api('POST', '/v1/preview', {
      token: 'read',
      body: { workflow: broken, node: 'q' },
    });
    expect(preview.status, preview.text).toBe(502);
    expect(preview.json.error.code).toBe('WAREHOUSE_ERROR');
    expect(preview.json.error.message).toContain('division by zero');
    await api('POST', '/v1/validate', { token: 'read', body: { workflow: broken } });
    await api('POST', '/v1/compile', { token: 'read', body: { workflow: broken } });
    const id = await saveAndStart(broken);
    const run = await waitForRun(id);
    expect(run.status).toBe('failed');
    expect(run.error.message).toContain('division by zero');
    await api('GET', `/v1/runs/${id}/logs`, { token: 'read' });

    const elsewhere = await api('POST', '/v1/workflows/pg_broken/runs', {
      token: 'run',
      body: { connection: 'pg_down' },
    });
    // Its raw SQL is checked read-only in the warehouse before a run is created: unreachable, so no
    // run, and an answer that names the node but not the password.
    expect(elsewhere.status, elsewhere.text).toBe(502);
    expect(elsewhere.json.error).toMatchObject({
      code: 'WAREHOUSE_ERROR',
      details: { errorClass: 'transient' },
    });
    await api('GET', '/v1/runs?workflow=pg_broken', { token: 'read' });
    await api('GET', '/metrics', { token: 'read' });

    // Checked again in afterAll, over every answer, both daemons' output and the run store.
    expect(bodies.join('\n')).not.toContain(CANARY);
    expect([...earlier, daemon].map((d) => d.output()).join('\n')).not.toContain(CANARY);
  }, 90_000);
});
