/**
 * Issue 11.1: raw SQL gets its columns from the live connection. A chain source.sql → sql →
 * portable nodes validates, compiles and previews on DuckDB and PostgreSQL with no declared
 * columns; declared columns are checked against the warehouse; offline and for another dialect the
 * declaration is still needed, and the error says so.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { connectPostgres, describePostgres, PG_URL, type PgTestDb } from '../../test/support/postgres.js';
import type { LoadedConfig } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { ConnectorPool } from './connectors.js';
import { Service } from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-raw-sql-'));

function service(connections: Record<string, unknown>): Service {
  const loaded: LoadedConfig = {
    config: configSchema.parse({ state: ':memory:', connections }),
    baseDir: dir,
  };
  return new Service(loaded, new ConnectorPool(loaded));
}

/** source.sql → sql → filter → aggregate, with no column declared anywhere. */
function chain(
  connection: string,
  sourceSql: string,
  middleSql: string,
  extra: Record<string, unknown> = {},
) {
  return {
    edgeflow: 1,
    name: 'raw_chain',
    connection,
    nodes: [
      { id: 'src', type: 'source.sql', config: { sql: sourceSql, ...extra } },
      { id: 'mid', type: 'sql', inputs: { in: 'src' }, config: { sql: middleSql } },
      { id: 'big', type: 'filter', inputs: { in: 'mid' }, config: { where: 'total > 10' } },
      {
        id: 'per_status',
        type: 'aggregate',
        inputs: { in: 'big' },
        config: { groupBy: ['status'], measures: { n: 'count(*)', revenue: 'sum(total)' } },
      },
    ],
  };
}

const SOURCE = `SELECT order_id, status, amount::DECIMAL(12,2) AS amount, placed FROM shop.orders`;
const MIDDLE = `SELECT order_id, status, amount * 2 AS total, placed FROM {{in}} WHERE order_id > 1`;

describe('raw SQL columns on DuckDB', () => {
  let s: Service;
  beforeAll(async () => {
    const file = path.join(dir, 'wh.duckdb');
    const c = await openDuckDb({ path: file });
    await c.execute(`CREATE SCHEMA shop; CREATE TABLE shop.orders AS
      SELECT i AS order_id, CASE WHEN i % 2 = 0 THEN 'paid' ELSE 'open' END AS status,
             (i * 3)::DOUBLE AS amount, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL 1 HOUR AS placed
      FROM range(1, 11) t(i)`);
    await c.close();
    s = service({ wh: { type: 'duckdb', path: file } });
  });
  afterAll(() => s?.close());

  it('validates a chain source.sql → sql → portable nodes with the types the warehouse gives', async () => {
    const v = await s.validate({ workflow: chain('wh', SOURCE, MIDDLE) });
    expect(v.diagnostics).toEqual([expect.objectContaining({ code: 'NO_OUTPUT', severity: 'warning' })]);
    expect(v.valid).toBe(true);
    const compiled = await s.compile({ workflow: chain('wh', SOURCE, MIDDLE), node: 'mid' });
    expect(compiled.columns).toEqual([
      { name: 'order_id', type: 'bigint' },
      { name: 'status', type: 'string' },
      { name: 'total', type: 'decimal(18,2)' },
      { name: 'placed', type: 'timestamp' },
    ]);
  });

  it('previews the end of the chain with the rows independent SQL gives', async () => {
    const p = await s.preview({ workflow: chain('wh', SOURCE, MIDDLE), node: 'per_status', limit: 10 });
    expect(p.ok).toBe(true);
    const byStatus = Object.fromEntries((p.rows ?? []).map((r) => [r['status'], r]));
    // Orders 2…10; total = 6 × id; kept when > 10: ids 2…10 → paid 2,4,6,8,10; open 3,5,7,9.
    expect(byStatus).toEqual({
      paid: { status: 'paid', n: 5, revenue: 6 * (2 + 4 + 6 + 8 + 10) },
      open: { status: 'open', n: 4, revenue: 6 * (3 + 5 + 7 + 9) },
    });
  });

  it('checks declared columns against the warehouse, naming the column', async () => {
    const wf = chain('wh', SOURCE, MIDDLE, {
      columns: [
        { name: 'order_id', type: 'bigint' },
        { name: 'status', type: 'date' },
        { name: 'amout', type: 'double' },
      ],
    });
    const v = await s.validate({ workflow: wf });
    expect(v.valid).toBe(false);
    expect(v.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'COLUMNS_MISMATCH',
          severity: 'error',
          nodeId: 'src',
          message: 'column "amout" is declared, but the query does not return it',
          path: '$.nodes[0].config.columns[2].name',
        }),
        expect.objectContaining({
          code: 'COLUMNS_MISMATCH',
          severity: 'warning',
          nodeId: 'src',
          message: 'column "status" is declared date, but the warehouse returns string',
        }),
      ]),
    );
  });

  it("reports the warehouse's refusal of the SQL on the node", async () => {
    const v = await s.validate({ workflow: chain('wh', 'SELECT nope FROM shop.orders', MIDDLE) });
    expect(v.valid).toBe(false);
    expect(v.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'SQL_ERROR',
          nodeId: 'src',
          path: '$.nodes[0].config.sql',
          message: expect.stringMatching(/the warehouse refused this query: .*nope/),
        }),
      ]),
    );
  });

  it('offline, and for another dialect, the columns must be declared, and the error says why', async () => {
    const offline = await s.validate({ workflow: chain('wh', SOURCE, MIDDLE), offline: true });
    expect(offline.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'SCHEMA_UNKNOWN',
          nodeId: 'src',
          message: 'the columns of this query are not known: there is no live connection to describe it',
        }),
      ]),
    );
    const other = await s.validate({ workflow: chain('wh', SOURCE, MIDDLE), dialect: 'bigquery' });
    expect(other.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'SCHEMA_UNKNOWN',
          nodeId: 'src',
          message: expect.stringContaining('compiled for bigquery, and connection "wh" speaks duckdb'),
          hint: expect.stringMatching(/^declare "columns"/),
        }),
      ]),
    );
  });
});

describePostgres('raw SQL columns on PostgreSQL', () => {
  let s: Service;
  let db: PgTestDb;
  const schema = 'raw_sql_cols';
  beforeAll(async () => {
    db = await connectPostgres();
    await db.client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.orders AS
        SELECT i AS order_id, CASE WHEN i % 2 = 0 THEN 'paid' ELSE 'open' END AS status,
               (i * 3)::float8 AS amount, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1 hour' AS placed
        FROM generate_series(1, 10) i`);
    s = service({ pg: { type: 'postgres', url: PG_URL } });
  });
  afterAll(async () => {
    await s?.close();
    await db?.client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  it('describes numeric precision, timestamps and geography from the result, and previews the chain', async () => {
    const source = `SELECT order_id, status, amount::numeric(12,2) AS amount, placed,
      ST_SetSRID(ST_MakePoint(order_id, 1), 4326)::geography AS site FROM ${schema}.orders`;
    const wf = chain('pg', source, MIDDLE);
    const c = await s.compile({ workflow: wf, node: 'src' });
    expect(c.columns).toEqual([
      { name: 'order_id', type: 'int' },
      { name: 'status', type: 'string' },
      { name: 'amount', type: 'decimal(12,2)' },
      { name: 'placed', type: 'timestamp' },
      { name: 'site', type: 'geography' },
    ]);
    const p = await s.preview({ workflow: wf, node: 'per_status', limit: 10 });
    expect(p.ok).toBe(true);
    const byStatus = Object.fromEntries((p.rows ?? []).map((r) => [r['status'], r]));
    expect(byStatus).toEqual({
      paid: { status: 'paid', n: 5, revenue: 6 * (2 + 4 + 6 + 8 + 10) },
      open: { status: 'open', n: 4, revenue: 6 * (3 + 5 + 7 + 9) },
    });
  });
});
