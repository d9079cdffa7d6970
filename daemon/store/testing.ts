/**
 * Tests of the run store on both backends: SQLite (`:memory:`) and PostgreSQL when
 * EDGEFLOW_TEST_PG_URL names a server (each suite gets a database of its own,
 * `edgeflow_store_test_<tag>_<pid>`, emptied before each test and dropped after the suite).
 * Without the variable the PostgreSQL cases are skipped, except under CI=true, where they fail.
 */
import pg from 'pg';

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** What RunStore.open takes. */
  target(): string;
  setup(): Promise<void>;
  /** Empties the database (no-op for :memory:, fresh each open). */
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

export const TEST_PG_URL = process.env['EDGEFLOW_TEST_PG_URL'] ?? '';

/** The server's URL with another database name. */
export function pgUrlFor(database: string, base = TEST_PG_URL): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates (replacing) a database on the test server; returns its URL. */
export async function createTestDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return pgUrlFor(name);
}

export async function dropTestDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function storeBackends(tag: string): StoreBackend[] {
  const sqlite: StoreBackend = {
    name: 'sqlite',
    target: () => ':memory:',
    setup: async () => undefined,
    reset: async () => undefined,
    teardown: async () => undefined,
  };
  if (!TEST_PG_URL) {
    if (process.env['CI'] === 'true')
      throw new Error('CI=true but EDGEFLOW_TEST_PG_URL is not set: the PostgreSQL run store is not tested');
    console.warn('[postgres run-store tests skipped] EDGEFLOW_TEST_PG_URL is not set');
    return [sqlite];
  }
  const database = `edgeflow_store_test_${tag}_${process.pid}`;
  let url = '';
  const postgres: StoreBackend = {
    name: 'postgres',
    target: () => url,
    async setup() {
      url = await createTestDatabase(database);
    },
    async reset() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        // Emptied, not dropped: the migrations stay applied, so the next open only checks them.
        const tables = await c.query<{ t: string }>(
          `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
        );
        if (tables.rows.length > 0)
          await c.query(`TRUNCATE ${tables.rows.map((r) => `"${r.t}"`).join(', ')} RESTART IDENTITY CASCADE`);
      } finally {
        await c.end();
      }
    },
    async teardown() {
      if (url) await dropTestDatabase(database);
    },
  };
  return [sqlite, postgres];
}
