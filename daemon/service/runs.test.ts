/**
 * Scheduled runs in the run service: a fire records its run at once, without compiling, and a
 * burst of fires is recorded in one transaction; the executor compiles the run when it starts (on
 * the catalog of that moment); a workflow that cannot compile by then fails its run with the
 * compiler's reason; a repeated key — even within one burst — is one run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describePostgres, PG_URL } from '../../test/support/postgres.js';
import {
  finished,
  loadedConfig,
  ordersExpectedSql,
  ordersSetupSql,
  ordersWorkflow,
  rows,
  testRuntime,
  type TestRuntime,
} from '../executor/testing.js';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
});

async function setup() {
  const rt = testRuntime({ config: loadedConfig({ local: { type: 'duckdb', path: ':memory:' } }) });
  runtimes.push(rt);
  const c = await rt.service.connector('local');
  for (const sql of ordersSetupSql('duckdb', 'src')) await c.execute(sql);
  await rt.service.saveWorkflow(ordersWorkflow('src', 'out', 'orders_flow'));
  return { ...rt, connector: c };
}

const fire = (nominalAt: string, workflow = 'orders_flow') => ({
  workflow,
  trigger: 'schedule' as const,
  idempotencyKey: `schedule:${workflow}:${nominalAt}`,
  nominalAt,
  params: { min_amount: 5 },
});

describe('scheduled runs', () => {
  it('are recorded without a plan, in one transaction per burst, and compiled when they start', async () => {
    const rt = await setup();
    const nominal = ['2026-01-01T06:00:00.000Z', '2026-01-02T06:00:00.000Z', '2026-01-03T06:00:00.000Z'];
    // Three fires and a repeat of the first, all in one burst (before any of them resolves).
    const started = await Promise.all([...nominal, nominal[0]!].map((n) => rt.service.startRun(fire(n))));
    expect(started.map((s) => s.created)).toEqual([true, true, true, false]);
    expect(started[3]!.run.id).toBe(started[0]!.run.id);
    expect(new Set(started.map((s) => s.run.id)).size).toBe(3);
    expect(started[0]!.run).toMatchObject({ trigger: 'schedule', version: 1, nominalAt: nominal[0] });
    // Recorded before compiling: no plan yet, no steps.
    for (const s of started.slice(0, 3)) {
      expect(rt.store.getRunPlan(s.run.id)).toBeUndefined();
      expect(rt.store.listSteps(s.run.id)).toEqual([]);
    }

    const done = await Promise.all(started.slice(0, 3).map((s) => finished(rt, s.run.id)));
    for (const d of done) expect(d.status, JSON.stringify(d.error)).toBe('succeeded');
    // Compiled at start: the plan, its steps and the lineage are there now.
    const view = rt.service.getRun(started[0]!.run.id);
    expect(view.steps.map((s) => s.stepId)).toContain('write:out_rev');
    expect(view.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(view.lineage.length).toBeGreaterThan(0);
    expect(rt.store.getRunPlan(started[0]!.run.id)?.steps.length).toBe(view.steps.length);
    // The runs wrote what the SQL says, with the schedule's parameters.
    expect(await rows(rt.connector, 'SELECT * FROM out.store_revenue ORDER BY store_id')).toEqual(
      await rows(rt.connector, ordersExpectedSql('src', 5).revenue),
    );
  });

  it('fails a run whose workflow no longer compiles when it starts, with the reason', async () => {
    const rt = await setup();
    await rt.connector.execute('DROP TABLE src.orders');
    const { run } = await rt.service.startRun(fire('2026-02-01T06:00:00.000Z'));
    const done = await finished(rt, run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('INVALID_WORKFLOW');
    expect(done.error?.message).toMatch(/src\.orders/);
    expect(rt.store.listSteps(run.id)).toEqual([]);
  });

  it('refuses a fire for a workflow that is not saved, or a connection that is not configured', async () => {
    const rt = await setup();
    await expect(rt.service.startRun(fire('2026-03-01T06:00:00.000Z', 'nope'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      rt.service.startRun({ ...fire('2026-03-01T06:00:00.000Z'), connection: 'elsewhere' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_CONNECTION' });
  });
});

describe('raw SQL in a workflow', () => {
  const breakout = (sql: string) => ({
    edgeflow: 1,
    name: 'inj',
    connection: 'local',
    nodes: [
      { id: 's', type: 'source.sql', config: { sql, columns: [{ name: 'x', type: 'int' }] } },
      { id: 'o', type: 'output.table', inputs: { in: 's' }, config: { table: 'out.t' } },
    ],
  });

  it('runs when it is one SELECT', async () => {
    const rt = await setup();
    const { run } = await rt.service.startRun({
      document: breakout('SELECT count(*)::INT AS x FROM src.orders'),
    });
    expect((await finished(rt, run.id)).status).toBe('succeeded');
    expect(await rows(rt.connector, 'SELECT x FROM out.t')).toEqual(
      await rows(rt.connector, 'SELECT count(*)::INT AS x FROM src.orders'),
    );
  });

  it('is refused, by the engine, when it breaks out of its parentheses into more statements', async () => {
    const rt = await setup();
    const attack =
      'SELECT 1 AS x) AS _q) SELECT * FROM s; DROP TABLE src.orders; ' +
      'CREATE TABLE out.zz AS WITH s AS (SELECT _q.x FROM (SELECT 1 AS x';
    await expect(rt.service.startRun({ document: breakout(attack) })).rejects.toMatchObject({
      code: 'INVALID_WORKFLOW',
      details: { diagnostics: [expect.objectContaining({ nodeId: 's', path: '$.nodes[0].config.sql' })] },
    });
    expect(
      await rows(
        rt.connector,
        "SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name IN ('orders', 'zz')",
      ),
    ).toEqual([{ n: 1 }]);
    expect(rt.store.listRuns({ workflow: 'inj' }).runs).toEqual([]);
  });

  it('is refused when it writes', async () => {
    const rt = await setup();
    await expect(
      rt.service.startRun({
        document: breakout('INSERT INTO src.orders SELECT * FROM src.orders RETURNING 1 AS x'),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_WORKFLOW' });
  });
});

describePostgres('raw SQL on PostgreSQL', () => {
  const schema = 'raw_sql_guard';
  it('refuses a breakout into a data-modifying CTE: the read-only session stops the DELETE', async () => {
    const rt = testRuntime({ config: loadedConfig({ pg: { type: 'postgres', url: PG_URL } }) });
    runtimes.push(rt);
    const c = await rt.service.connector('pg');
    await c.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.execute(`CREATE SCHEMA ${schema}`);
    await c.execute(`CREATE TABLE ${schema}.victim AS SELECT g AS id FROM generate_series(1, 5) g`);
    try {
      const attack = `SELECT 1 AS x) AS _q), d AS (DELETE FROM ${schema}.victim RETURNING 1) SELECT * FROM s, (SELECT 1 AS x`;
      const doc = {
        edgeflow: 1,
        name: 'inj_pg',
        connection: 'pg',
        nodes: [
          { id: 's', type: 'source.sql', config: { sql: attack, columns: [{ name: 'x', type: 'int' }] } },
          { id: 'o', type: 'output.table', inputs: { in: 's' }, config: { table: `${schema}.out` } },
        ],
      };
      const refused = await rt.service.startRun({ document: doc }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(refused?.code).toBe('INVALID_WORKFLOW');
      // Refused by the warehouse in a read-only session: when the node's query is described (its
      // text no longer fits the nesting: a syntax error), or by the raw-SQL check (read-only).
      expect(refused?.message).toMatch(/read-only|syntax error/);
      expect((await c.execute(`SELECT count(*)::int AS n FROM ${schema}.victim`)).rows).toEqual([{ n: 5 }]);
    } finally {
      await c.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
