/**
 * Tables and columns from the Unity Catalog information_schema of the configured catalog (the
 * warehouse's current catalog when none is configured). Unity Catalog stores names in lower case
 * and resolves them case-insensitively, so lookups compare lower-cased names.
 * https://docs.databricks.com/en/sql/language-manual/sql-ref-information-schema.html
 */
import type { TableInfo } from '../../compiler/catalog.js';
import type { TableListing, TableVersion } from '../connector.js';
import { databricksToPortable } from './types.js';

export type Query = (
  sql: string,
  params: unknown[],
  names: string[],
) => Promise<Array<Record<string, unknown>>>;

/** `` `cat`.information_schema `` (or the current catalog's). */
function infoSchema(catalog: string | undefined): string {
  return catalog ? `\`${catalog.replaceAll('`', '``')}\`.information_schema` : 'information_schema';
}

export async function listTables(
  query: Query,
  catalog: string | undefined,
  schema?: string,
): Promise<TableListing[]> {
  const rows = await query(
    `SELECT table_schema, table_name, table_type FROM ${infoSchema(catalog)}.tables
WHERE table_schema <> 'information_schema'${schema ? ' AND table_schema = lower(:schema_name)' : ''}
ORDER BY table_schema, table_name`,
    schema ? [schema] : [],
    schema ? ['schema_name'] : [],
  );
  return rows.map((r) => ({
    parts: [String(r['table_schema']), String(r['table_name'])],
    kind: /VIEW/i.test(String(r['table_type'])) ? 'view' : 'table',
  }));
}

/** `[table]` (current schema), `[schema, table]`, or `[catalog, schema, table]`. */
export async function describeTable(
  query: Query,
  catalog: string | undefined,
  parts: readonly string[],
): Promise<TableInfo | undefined> {
  if (parts.length === 0 || parts.length > 3) return undefined;
  const table = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  const cat = parts.length === 3 ? parts[0]! : catalog;
  const rows = await query(
    `SELECT table_schema, table_name, column_name, full_data_type, is_nullable, comment
FROM ${infoSchema(cat)}.columns
WHERE table_schema = ${schema ? 'lower(:schema_name)' : 'current_schema()'} AND table_name = lower(:table_name)
ORDER BY ordinal_position`,
    schema ? [schema, table] : [table],
    schema ? ['schema_name', 'table_name'] : ['table_name'],
  );
  const first = rows[0];
  if (!first) return undefined;
  const found = [String(first['table_schema']), String(first['table_name'])];
  return {
    parts: parts.length === 3 ? [parts[0]!, ...found] : found,
    columns: rows.map((r) => ({
      name: String(r['column_name']),
      type: databricksToPortable(String(r['full_data_type'])),
      nullable: r['is_nullable'] === 'YES',
      ...(r['comment'] ? { comment: String(r['comment']) } : {}),
    })),
  };
}

/**
 * A table's version from information_schema.tables: `last_altered`, which moves with every commit
 * to a Delta table (data or schema), with `created`. Views, materialized views, streaming and
 * foreign tables have none. Sizes are not in information_schema (DESCRIBE DETAIL has them): null.
 */
export async function tableVersion(
  query: Query,
  catalog: string | undefined,
  parts: readonly string[],
  sizeOnly: boolean,
): Promise<TableVersion | undefined> {
  if (parts.length === 0 || parts.length > 3) return undefined;
  const table = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2]! : undefined;
  const cat = parts.length === 3 ? parts[0]! : catalog;
  const rows = await query(
    `SELECT table_type, created, last_altered FROM ${infoSchema(cat)}.tables
WHERE table_schema = ${schema ? 'lower(:schema_name)' : 'current_schema()'} AND table_name = lower(:table_name)`,
    schema ? [schema, table] : [table],
    schema ? ['schema_name', 'table_name'] : ['table_name'],
  );
  const r = rows[0];
  if (!r) return undefined;
  const versioned =
    ['MANAGED', 'EXTERNAL'].includes(String(r['table_type'])) && !sizeOnly && r['last_altered'] != null;
  return {
    version: versioned ? `created:${String(r['created'])};altered:${String(r['last_altered'])}` : null,
    bytes: null,
  };
}
