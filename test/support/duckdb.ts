/**
 * An in-memory DuckDB for tests. Extension auto-install/auto-load is off: this machine has no
 * internet, and a test must never depend on a download.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { registerSpatialFunctions } from '../../connectors/duckdb/spatial/functions.js';
import type { ResultSet } from './compare.js';

export interface DuckDbTestDb {
  connection: DuckDBConnection;
  /** Runs one or more statements, discarding results. */
  exec(sql: string): Promise<void>;
  /** Runs a query; rows as plain objects keyed by column name (values are DuckDB value objects). */
  query(sql: string, params?: readonly unknown[]): Promise<ResultSet>;
  close(): void;
}

export async function openDuckDb(): Promise<DuckDbTestDb> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  // As every DuckDB edgeflow opens (connectors/duckdb/instances.ts): the spatial pack's functions.
  registerSpatialFunctions(connection);
  return {
    connection,
    async exec(sql) {
      await connection.run(sql);
    },
    async query(sql, params) {
      const reader = await connection.runAndReadAll(sql, params ? (params as DuckDBValue[]) : undefined);
      const columns = reader.columnNames();
      const rows = reader.getRows().map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
      return { columns, rows };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
