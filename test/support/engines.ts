/**
 * Runs the same execution tests on every engine: DuckDB in-process and the throwaway PostgreSQL.
 * Each test file gets its own schemas (named after a prefix) with the demo data loaded, so files
 * run in parallel without seeing each other's tables.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Catalog, DialectName } from '../../compiler/index.js';
import { demoCatalog } from '../fixtures/catalog.js';
import { demoLoadStatements, quoteName, type EngineName } from '../fixtures/load.js';
import type { ResultSet } from './compare.js';
import { openDuckDb } from './duckdb.js';
import { connectPostgres, describePostgres, dropSchemas, resetSchemas } from './postgres.js';

export interface TestEngine {
  name: EngineName;
  dialect: DialectName;
  exec(sql: string): Promise<void>;
  query(sql: string, params?: readonly unknown[]): Promise<ResultSet>;
}

export interface EngineContext {
  readonly name: EngineName;
  readonly dialect: DialectName;
  /** Set before the first test of the block runs. */
  engine: TestEngine;
  /** Holds the demo tables (orders, stores, customers). */
  readonly schema: string;
  /** Where workflows of this file write their outputs. */
  readonly out: string;
  /** The plan's staging schema for this file (never the shared default). */
  readonly staging: string;
  readonly catalog: Catalog;
  /** `"schema"."table"` of a demo table, for hand-written SQL. */
  t(table: string): string;
  /** `"out"."table"` of an output table. */
  o(table: string): string;
}

function contextFor(name: EngineName, prefix: string): EngineContext {
  const schema = prefix;
  const out = `${prefix}_out`;
  const staging = `${prefix}_stg`;
  return {
    name,
    dialect: name,
    engine: undefined as unknown as TestEngine,
    schema,
    out,
    staging,
    catalog: demoCatalog(schema),
    t: (table) => `${quoteName(schema)}.${quoteName(table)}`,
    o: (table) => `${quoteName(out)}.${quoteName(table)}`,
  };
}

/**
 * Declares `body` once per engine, inside `describe('duckdb')` and `describe('postgres')` (the
 * latter skipped with a reason when no server is configured, failing under CI=true).
 */
export function forEachEngine(prefix: string, body: (ctx: EngineContext) => void): void {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`schema prefix ${prefix} must be a plain name`);
  describe('duckdb', () => {
    const ctx = contextFor('duckdb', prefix);
    let close = () => {};
    beforeAll(async () => {
      const db = await openDuckDb();
      close = () => db.close();
      ctx.engine = { name: 'duckdb', dialect: 'duckdb', exec: db.exec, query: db.query };
      for (const s of [ctx.schema, ctx.out]) await db.exec(`CREATE SCHEMA ${quoteName(s)}`);
      for (const sql of demoLoadStatements('duckdb', ctx.schema)) await db.exec(sql);
    });
    afterAll(() => close());
    body(ctx);
  });
  describePostgres('postgres', () => {
    const ctx = contextFor('postgres', prefix);
    const schemas = [ctx.schema, ctx.out, ctx.staging];
    let close = async () => {};
    beforeAll(async () => {
      const db = await connectPostgres();
      close = async () => {
        await dropSchemas(db, schemas);
        await db.close();
      };
      ctx.engine = { name: 'postgres', dialect: 'postgres', exec: db.exec, query: db.query };
      await resetSchemas(db, [ctx.schema, ctx.out]);
      await dropSchemas(db, [ctx.staging]);
      for (const sql of demoLoadStatements('postgres', ctx.schema)) await db.exec(sql);
    });
    afterAll(() => close());
    body(ctx);
  });
}
