/** PostgreSQL through `pg`: a small pool, introspection from information_schema. */
import type { TableInfo } from '../../compiler/catalog.js';
import type { Connector, ExecuteOptions, ExecuteResult, TableListing } from '../connector.js';
import { redact } from '../secrets.js';
import { postgresToPortable } from './types.js';

export interface PostgresOptions {
  url: string;
  applicationName?: string;
  max?: number;
}

export async function openPostgres(opts: PostgresOptions): Promise<Connector> {
  const { default: pg } = await import('pg');
  const secrets = secretsOf(opts.url);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 4,
    application_name: opts.applicationName ?? 'edgeflow',
  });
  pool.on('error', () => undefined); // idle client errors surface on the next query instead
  const query = async (sql: string, params?: readonly unknown[]) => {
    try {
      return await pool.query(sql, params as unknown[] | undefined);
    } catch (e) {
      const err = e as Error;
      err.message = redact(err.message, secrets);
      throw err;
    }
  };
  return {
    type: 'postgres',
    async execute(sql: string, o: ExecuteOptions = {}): Promise<ExecuteResult> {
      const r = await query(sql, o.params);
      const rows = Array.isArray(r) ? (r.at(-1)?.rows ?? []) : r.rows;
      const limited = o.maxRows !== undefined ? rows.slice(0, o.maxRows) : rows;
      return {
        rows: limited,
        rowCount: Array.isArray(r) ? (r.at(-1)?.rowCount ?? 0) : (r.rowCount ?? rows.length),
      };
    },
    async listTables(o = {}): Promise<TableListing[]> {
      const r = await query(
        `SELECT table_schema, table_name, table_type FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ${o.schema ? 'AND table_schema = $1' : ''}
         ORDER BY 1, 2`,
        o.schema ? [o.schema] : [],
      );
      return r.rows.map((x: Record<string, string>) => ({
        parts: [x['table_schema']!, x['table_name']!],
        kind: x['table_type'] === 'VIEW' ? 'view' : 'table',
      }));
    },
    async describeTable(parts): Promise<TableInfo | undefined> {
      const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
      const r = await query(
        `SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name, c.numeric_precision, c.numeric_scale
         FROM information_schema.columns c
         WHERE c.table_name = $1 AND ${schema ? 'c.table_schema = $2' : 'c.table_schema = ANY (current_schemas(false))'}
         ORDER BY c.ordinal_position`,
        schema ? [table, schema] : [table],
      );
      if (r.rows.length === 0) return undefined;
      const first = r.rows[0] as Record<string, string>;
      return {
        parts: [first['table_schema']!, first['table_name']!],
        columns: r.rows.map((x: Record<string, unknown>) => ({
          name: String(x['column_name']),
          type: postgresToPortable(
            String(x['data_type']),
            String(x['udt_name']),
            x['numeric_precision'] as number | null,
            x['numeric_scale'] as number | null,
          ),
        })),
      };
    },
    async close() {
      await pool.end();
    },
  };
}

function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, decodeURIComponent(u.password), url].filter(Boolean);
  } catch {
    return [url];
  }
}
