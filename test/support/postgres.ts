/**
 * The throwaway PostgreSQL that `.ci/run` starts (EDGEFLOW_TEST_PG_URL). Without it, PostgreSQL
 * tests are skipped with a printed reason, except under CI=true, where a missing server fails.
 * Each test file works in its own schemas so files can run in parallel.
 */
import pg from 'pg';
import { describe, it } from 'vitest';
import type { ResultSet } from './compare.js';

export const PG_URL = process.env['EDGEFLOW_TEST_PG_URL'];
const IN_CI = process.env['CI'] === 'true';
const SKIP_REASON = 'EDGEFLOW_TEST_PG_URL is not set; run .ci/run to start PostgreSQL';

/** Whether PostgreSQL tests run here (false: skipped, or failed under CI). */
export const hasPostgres = PG_URL !== undefined && PG_URL !== '';

let warned = false;

/**
 * `describe` for tests that need PostgreSQL: skipped (with the reason printed) when no server is
 * configured, and a failing test under CI=true, where skipping would hide that nothing ran.
 */
export function describePostgres(name: string, body: () => void): void {
  if (!hasPostgres && IN_CI) {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`CI=true but ${SKIP_REASON}`);
      });
    });
    return;
  }
  if (!hasPostgres && !warned) {
    warned = true;
    console.warn(`[postgres tests skipped] ${SKIP_REASON}`);
  }
  describe.skipIf(!hasPostgres)(name, body);
}

// Values come back as plain JS: int8 and numeric as numbers (bigint when unsafe), date and
// timestamp as their text (no time-zone shifting through Date), timestamptz as Date.
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (v: string) => unknown;
  switch (oid) {
    case OID.int8:
      return (v) => {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : BigInt(v);
      };
    case OID.numeric:
      return (v) => Number(v);
    case OID.date:
    case OID.timestamp:
      return (v) => v;
    case OID.timestamptz:
      return (v) => new Date(v);
    default:
      return pg.types.getTypeParser(oid, 'text') as (v: string) => unknown;
  }
}

export interface PgTestDb {
  client: pg.Client;
  exec(sql: string): Promise<void>;
  query(sql: string, params?: readonly unknown[]): Promise<ResultSet>;
  close(): Promise<void>;
}

export function pgClientConfig(): pg.ClientConfig {
  if (!PG_URL) throw new Error(SKIP_REASON);
  return {
    connectionString: PG_URL,
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  };
}

export async function connectPostgres(): Promise<PgTestDb> {
  const client = new pg.Client(pgClientConfig());
  await client.connect();
  // Deterministic session: UTC, and no notices about IF EXISTS / IF NOT EXISTS.
  await client.query(`SET TIME ZONE 'UTC'; SET client_min_messages = warning`);
  return {
    client,
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params) {
      const r = await client.query({ text: sql, values: params ? [...params] : [] });
      return { columns: r.fields.map((f) => f.name), rows: r.rows as ResultSet['rows'] };
    },
    async close() {
      await client.end();
    },
  };
}

export function newPgPool(): pg.Pool {
  return new pg.Pool({ ...pgClientConfig(), max: 4 });
}

/** Drops and recreates each schema (empty), so a test file starts from a known state. */
export async function resetSchemas(db: PgTestDb, schemas: readonly string[]): Promise<void> {
  for (const s of schemas) await db.exec(`DROP SCHEMA IF EXISTS "${s}" CASCADE; CREATE SCHEMA "${s}"`);
}

export async function dropSchemas(db: PgTestDb, schemas: readonly string[]): Promise<void> {
  for (const s of schemas) await db.exec(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
}
