/**
 * Exactly-once appends through the ledger (./ledger.ts) on Redshift, as on PostgreSQL: the append's
 * statements and its ledger row commit in one transaction, and a retry of the same run finds the
 * row and writes nothing. Through both Redshift connectors — over its PostgreSQL protocol (`pg`)
 * and through the Data API (the real AWS SDK client against connectors/redshift/data-api-fake.ts)
 * — running on the PostgreSQL 15 of CI, where Redshift's GETDATE() (the ledger's commit time) is a
 * shim. Redshift accepts the ledger's primary key without enforcing it: the lookup is what keeps a
 * retry from appending twice, which is what this checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../compiler/planner/plan.js';
import type { Connector } from '../../connectors/connector.js';
import { startDataApiFake, type DataApiFake } from '../../connectors/redshift/data-api-fake.js';
import { openRedshift } from '../../connectors/redshift/index.js';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  PG_URL,
  resetSchemas,
  type PgTestDb,
} from '../../test/support/postgres.js';
import { Ledgers, ledgerSql } from './ledger.js';
import { runStep } from './step-runner.js';

const SCHEMA = 'ledger_rs';
const STAGING = 'ledger_rs_stg';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** An append step as the planner writes one (only what runStep reads). */
const appendStep = (statements: string[]) =>
  ({
    id: 'append:out',
    statements,
    target: { mode: 'append', node: 'out', table: `${SCHEMA}.appended` },
  }) as unknown as PlanStep;

/** Runs an append through the ledger, as the executor does. */
async function append(connector: Connector, ledgers: Ledgers, run: string, statements: string[]) {
  return runStep(appendStep(statements), {
    connector,
    label: { run, workflow: 'wf', step: 'append:out', origin: 'run' },
    ledgerRun: run,
    stagingSchema: STAGING,
    signal: new AbortController().signal,
    onQueryId: () => undefined,
    ledgers,
  });
}

/** The append ledger's exactly-once, on a connector. */
function describeLedger(name: string, open: () => Promise<Connector>, db: () => PgTestDb) {
  describe(`${name}: exactly-once append through the ledger`, () => {
    let c: Connector;
    beforeAll(async () => {
      c = await open();
      await db().exec(
        `DROP TABLE IF EXISTS ${SCHEMA}.appended; CREATE TABLE ${SCHEMA}.appended (run_id VARCHAR(64), n INTEGER)`,
      );
    });
    afterAll(async () => {
      await c?.close();
    });

    it('commits the rows and the ledger row together, once per run and output', async () => {
      const ledgers = new Ledgers();
      const run = `run_${name}_${Date.now()}`;
      const insert = `INSERT INTO ${SCHEMA}.appended (run_id, n) SELECT '${run}', generate_series(1, 3)`;
      const first = await append(c, ledgers, run, [insert]);
      expect(first.alreadyAppended).toBeUndefined();
      // A retry of the same run (after a crash, a lost reply) finds the ledger row and writes nothing.
      const second = await append(c, ledgers, run, [insert]);
      expect(second).toMatchObject({ alreadyAppended: true });
      const rows = await db().query(`SELECT count(*)::int AS n FROM ${SCHEMA}.appended WHERE run_id = $1`, [
        run,
      ]);
      expect(rows.rows[0]?.['n']).toBe(3);
      const sql = ledgerSql('redshift', STAGING);
      expect(sql.insert).toContain('GETDATE()');
      const ledger = await db().query(
        `SELECT count(*)::int AS n FROM ${STAGING}.ef_ledger WHERE run_id = $1`,
        [run],
      );
      expect(ledger.rows[0]?.['n']).toBe(1);
    });

    it('rolls the rows back with the ledger row when a statement of the append fails', async () => {
      const ledgers = new Ledgers();
      const run = `run_${name}_fail_${Date.now()}`;
      const err = await failure(
        append(c, ledgers, run, [
          `INSERT INTO ${SCHEMA}.appended (run_id, n) VALUES ('${run}', 1)`,
          'SELEC 1',
        ]),
      );
      expect(err).toBeInstanceOf(Error);
      const rows = await db().query(`SELECT count(*)::int AS n FROM ${SCHEMA}.appended WHERE run_id = $1`, [
        run,
      ]);
      expect(rows.rows[0]?.['n']).toBe(0);
      expect(await ledgers.has(c, ledgerSql('redshift', STAGING), { run, output: 'out' })).toBe(false);
    });
  });
}

describePostgres('redshift: the append ledger', () => {
  let db: PgTestDb;
  let fake: DataApiFake;
  beforeAll(async () => {
    db = await connectPostgres();
    await resetSchemas(db, [SCHEMA]);
    await dropSchemas(db, [STAGING]);
    await db.exec(
      `CREATE OR REPLACE FUNCTION public.getdate() RETURNS timestamp LANGUAGE sql AS 'SELECT LOCALTIMESTAMP'`,
    );
    fake = await startDataApiFake(PG_URL!);
  });
  afterAll(async () => {
    await fake?.close();
    await dropSchemas(db, [SCHEMA, STAGING]);
    await db.close();
  });

  describeLedger(
    'pg',
    () => openRedshift({ url: PG_URL!, max: 2 }),
    () => db,
  );
  describeLedger(
    'Data API',
    () =>
      openRedshift({
        dataApi: true,
        region: 'us-east-1',
        database: 'dev',
        workgroupName: 'edgeflow-test',
        endpoint: fake.endpoint,
        credentials: {
          accessKeyId: 'AKIAEDGEFLOWTEST0002',
          secretAccessKey: 'test-secret-key-not-used-by-the-fake',
        },
        pollIntervalMs: 20,
      }),
    () => db,
  );
});
