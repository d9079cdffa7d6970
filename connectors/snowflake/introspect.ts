/**
 * Tables and columns from INFORMATION_SCHEMA of the configured database (the session's current
 * one when none is configured). Names are stored as written when quoted and upper-cased when not
 * (`orders` is ORDERS): a lookup tries the name as given, then upper-cased, the way Snowflake
 * resolves an unquoted identifier. Equality filters on TABLE_SCHEMA/TABLE_NAME keep the views fast:
 * https://docs.snowflake.com/en/sql-reference/info-schema#general-usage-notes
 */
import type { TableInfo } from '../../compiler/catalog.js';
import type { TableListing } from '../connector.js';
import { snowflakeToPortable } from './types.js';

export type Query = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export async function listTables(
  query: Query,
  database: string | undefined,
  schema?: string,
): Promise<TableListing[]> {
  const sql = (filtered: boolean) =>
    `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM ${infoSchema(database)}.TABLES
WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'${filtered ? ' AND TABLE_SCHEMA = :1' : ''}
ORDER BY TABLE_SCHEMA, TABLE_NAME`;
  const rows = schema
    ? await firstNonEmpty(namesToTry([schema]), (names) => query(sql(true), names))
    : await query(sql(false), []);
  return rows.map((r) => ({
    parts: [String(r['TABLE_SCHEMA']), String(r['TABLE_NAME'])],
    kind: String(r['TABLE_TYPE']).includes('VIEW') ? 'view' : 'table',
  }));
}

/** `[table]` (current schema), `[schema, table]`, or `[database, schema, table]`. */
export async function describeTable(
  query: Query,
  database: string | undefined,
  parts: readonly string[],
): Promise<TableInfo | undefined> {
  if (parts.length === 0 || parts.length > 3) return undefined;
  const table = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  const db = parts.length === 3 ? parts[0]! : database;
  const sql = `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COMMENT
FROM ${infoSchema(db)}.COLUMNS
WHERE TABLE_SCHEMA = ${schema ? ':1' : 'CURRENT_SCHEMA()'} AND TABLE_NAME = ${schema ? ':2' : ':1'}
ORDER BY ORDINAL_POSITION`;
  const rows = await firstNonEmpty(namesToTry(schema ? [schema, table] : [table]), (names) =>
    query(sql, names),
  );
  const first = rows[0];
  if (!first) return undefined;
  const found = [String(first['TABLE_SCHEMA']), String(first['TABLE_NAME'])];
  return {
    parts: parts.length === 3 ? [parts[0]!, ...found] : found,
    columns: rows.map((r) => ({
      name: String(r['COLUMN_NAME']),
      type: snowflakeToPortable(
        String(r['DATA_TYPE']),
        r['NUMERIC_PRECISION'] as number | null,
        r['NUMERIC_SCALE'] as number | null,
      ),
      nullable: r['IS_NULLABLE'] === 'YES',
      ...(r['COMMENT'] ? { comment: String(r['COMMENT']) } : {}),
    })),
  };
}

/**
 * A table's version from INFORMATION_SCHEMA.TABLES: `LAST_ALTERED`, which Snowflake moves on
 * every DML, DDL and background maintenance of the table (more changes than the rows', which
 * only means a result is recomputed when it need not be), with `CREATED`. A view or an external
 * table has no version (its LAST_ALTERED is its definition's).
 * https://docs.snowflake.com/en/sql-reference/info-schema/tables
 */
export async function tableVersion(
  query: Query,
  database: string | undefined,
  parts: readonly string[],
  sizeOnly: boolean,
): Promise<{ version: string | null; bytes: number | null } | undefined> {
  if (parts.length === 0 || parts.length > 3) return undefined;
  const table = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  const db = parts.length === 3 ? parts[0]! : database;
  const sql = `SELECT TABLE_TYPE, IS_TRANSIENT, CREATED, LAST_ALTERED, BYTES
FROM ${infoSchema(db)}.TABLES
WHERE TABLE_SCHEMA = ${schema ? ':1' : 'CURRENT_SCHEMA()'} AND TABLE_NAME = ${schema ? ':2' : ':1'}`;
  const rows = await firstNonEmpty(namesToTry(schema ? [schema, table] : [table]), (names) =>
    query(sql, names),
  );
  const r = rows[0];
  if (!r) return undefined;
  const bytes = r['BYTES'] === null || r['BYTES'] === undefined ? null : Number(r['BYTES']);
  const versioned = String(r['TABLE_TYPE']) === 'BASE TABLE' && !sizeOnly && r['LAST_ALTERED'] != null;
  return {
    version: versioned ? `created:${String(r['CREATED'])};altered:${String(r['LAST_ALTERED'])}` : null,
    bytes,
  };
}

/** `<db>.INFORMATION_SCHEMA`, the database written as Snowflake would resolve the configured name. */
function infoSchema(database: string | undefined): string {
  if (!database) return 'INFORMATION_SCHEMA';
  const ident = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(database) ? database : `"${database.replace(/"/g, '""')}"`;
  return `${ident}.INFORMATION_SCHEMA`;
}

/** The names as given, then upper-cased (an unquoted identifier) when that differs. */
function namesToTry(names: string[]): string[][] {
  const upper = names.map((n) => n.toUpperCase());
  return upper.some((u, i) => u !== names[i]) ? [names, upper] : [names];
}

async function firstNonEmpty<T>(
  candidates: string[][],
  run: (names: string[]) => Promise<T[]>,
): Promise<T[]> {
  for (const names of candidates) {
    const rows = await run(names);
    if (rows.length) return rows;
  }
  return [];
}
