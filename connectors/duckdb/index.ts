/**
 * DuckDB, the embedded default: a file (or `:memory:`) opened in-process. Extension downloads are
 * off unless the config allows them, so nothing reaches the network by surprise.
 */
import type { TableInfo } from '../../compiler/catalog.js';
import type { Connector, ExecuteOptions, ExecuteResult, TableListing } from '../connector.js';
import { duckdbToPortable } from './types.js';

export interface DuckDbOptions {
  path: string;
  readOnly?: boolean;
  allowExtensionInstall?: boolean;
}

export async function openDuckDb(opts: DuckDbOptions): Promise<Connector> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const ext = opts.allowExtensionInstall ? 'true' : 'false';
  const instance = await DuckDBInstance.create(opts.path, {
    autoinstall_known_extensions: ext,
    autoload_known_extensions: ext,
    ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}),
  });
  const conn = await instance.connect();

  const query = async (sql: string, params?: readonly unknown[], maxRows?: number) => {
    const values = params?.map(toDuckValue);
    const reader =
      maxRows !== undefined
        ? await conn.runAndReadUntil(sql, maxRows, values as never)
        : await conn.runAndReadAll(sql, values as never);
    const rows = reader.getRowObjectsJS() as Array<Record<string, unknown>>;
    return maxRows !== undefined ? rows.slice(0, maxRows) : rows;
  };

  return {
    type: 'duckdb',
    async execute(sql: string, o: ExecuteOptions = {}): Promise<ExecuteResult> {
      const onAbort = () => conn.interrupt();
      o.signal?.throwIfAborted();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const rows = await query(sql, o.params, o.maxRows);
        return { rows, rowCount: rows.length };
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
      }
    },
    async listTables(o = {}): Promise<TableListing[]> {
      const rows = await query(
        `SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables
         WHERE table_schema NOT IN ('information_schema', 'pg_catalog') ${o.schema ? 'AND table_schema = $1' : ''}
         ORDER BY table_schema, table_name`,
        o.schema ? [o.schema] : undefined,
      );
      return rows.map((r) => ({
        parts: [String(r['table_schema']), String(r['table_name'])],
        kind: r['table_type'] === 'VIEW' ? 'view' : 'table',
      }));
    },
    async describeTable(parts): Promise<TableInfo | undefined> {
      const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
      // DuckDB names are case-insensitive: match them so.
      const rows = await query(
        `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
         WHERE lower(table_name) = lower($1) ${schema ? 'AND lower(table_schema) = lower($2)' : ''}
         ORDER BY table_schema, ordinal_position`,
        schema ? [table, schema] : [table],
      );
      if (rows.length === 0) return undefined;
      const first = rows[0]!;
      const mine = rows.filter(
        (r) => r['table_schema'] === first['table_schema'] && r['table_name'] === first['table_name'],
      );
      return {
        parts: [String(first['table_schema']), String(first['table_name'])],
        columns: mine.map((r) => ({
          name: String(r['column_name']),
          type: duckdbToPortable(String(r['data_type'])),
        })),
      };
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

function toDuckValue(v: unknown): unknown {
  return v === undefined ? null : v;
}
