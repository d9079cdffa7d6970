/**
 * Oracle's catalog: ALL_TABLES / ALL_VIEWS for listings, ALL_TAB_COLUMNS for columns, with
 * Oracle's types mapped to portable ones. Names are stored as Oracle stores them (unquoted names
 * upper-case), which is how the dialect parses a table name.
 */
import type { TableInfo } from '../../compiler/catalog.js';
import type { PortableType } from '../../compiler/schema/types.js';

// connectors/ import compiler types only: the portable types written as values here.
const T = {
  bool: { kind: 'bool' },
  int: { kind: 'int' },
  bigint: { kind: 'bigint' },
  double: { kind: 'double' },
  string: { kind: 'string' },
  timestamp: { kind: 'timestamp' },
  timestamptz: { kind: 'timestamptz' },
  geography: { kind: 'geography' },
} as const satisfies Record<string, PortableType>;
const decimal = (precision: number, scale: number): PortableType => ({ kind: 'decimal', precision, scale });
import type { TableListing } from '../connector.js';

type Rows = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

const CURRENT_SCHEMA = "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')";

/**
 * Oracle's type name (as ALL_TAB_COLUMNS.DATA_TYPE or a result's dbTypeName gives it) as a
 * portable type. NUMBER(1,0) is bool (how edgeflow stores a bool: Oracle SQL has no BOOLEAN before
 * 23ai); DATE holds a time of day, so it is a timestamp (a date edgeflow wrote reads back at midnight).
 */
export function oracleNativeToPortable(
  native: string,
  precision?: number | null,
  scale?: number | null,
): PortableType {
  const t = native.toUpperCase().replace(/\(.*$/, '').trim();
  if (t === 'NUMBER' || t === 'DB_TYPE_NUMBER') {
    if (precision === undefined || precision === null || precision === 0)
      return scale === 0 ? T.bigint : T.double;
    if (scale === 0 || scale === undefined || scale === null) {
      if (precision === 1) return T.bool;
      // NUMBER(10) and NUMBER(19) are how edgeflow writes int and bigint.
      if (precision <= 10) return T.int;
      if (precision <= 19) return T.bigint;
    }
    return decimal(Math.min(precision, 38), Math.max(0, scale ?? 0));
  }
  if (t === 'INTEGER') return T.bigint;
  if (['BINARY_DOUBLE', 'BINARY_FLOAT', 'FLOAT', 'DB_TYPE_BINARY_DOUBLE', 'DB_TYPE_BINARY_FLOAT'].includes(t))
    return T.double;
  if (/^(N?VARCHAR2?|N?CHAR|N?CLOB|LONG|DB_TYPE_(N?VARCHAR|N?CHAR|N?CLOB))$/.test(t)) return T.string;
  if (t === 'DATE' || t === 'DB_TYPE_DATE') return T.timestamp;
  if (/WITH (LOCAL )?TIME ZONE|TIMESTAMP_(L)?TZ/.test(native.toUpperCase())) return T.timestamptz;
  if (t.startsWith('TIMESTAMP') || t === 'DB_TYPE_TIMESTAMP') return T.timestamp;
  if (t === 'SDO_GEOMETRY' || t.endsWith('.SDO_GEOMETRY')) return T.geography;
  return { kind: 'other', native };
}

export async function listTables(rows: Rows, schema?: string): Promise<TableListing[]> {
  const owner = schema ? ':p1' : CURRENT_SCHEMA;
  const r = await rows(
    `SELECT owner, table_name, 'table' AS kind FROM all_tables WHERE owner = ${owner}
UNION ALL
SELECT owner, view_name, 'view' FROM all_views WHERE owner = ${owner}
ORDER BY 1, 2`,
    schema ? [schema] : [],
  );
  return r.map((x) => ({
    parts: [String(x['OWNER']), String(x['TABLE_NAME'])],
    kind: x['KIND'] === 'view' ? 'view' : 'table',
  }));
}

export async function describeTable(
  rows: Rows,
  parts: readonly string[],
  schema?: string,
): Promise<TableInfo | undefined> {
  if (parts.length === 0 || parts.length > 2) return undefined;
  const table = parts[parts.length - 1]!;
  const owner = parts.length === 2 ? parts[0] : schema;
  const r = await rows(
    `SELECT column_name, data_type, data_precision, data_scale FROM all_tab_columns
WHERE owner = ${owner ? ':p2' : CURRENT_SCHEMA} AND table_name = :p1
ORDER BY column_id`,
    owner ? [table, owner] : [table],
  );
  if (r.length === 0) return undefined;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    parts: [...parts],
    columns: r.map((c) => ({
      name: String(c['COLUMN_NAME']),
      type: oracleNativeToPortable(String(c['DATA_TYPE']), num(c['DATA_PRECISION']), num(c['DATA_SCALE'])),
    })),
  };
}
