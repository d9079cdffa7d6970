/**
 * DuckDB values to plain JS and back. The choices (shared with the PostgreSQL connector, so a
 * preview reads the same on every engine):
 * - BIGINT, HUGEINT and the unsigned 64/128-bit types: a number when it is exact, else its
 *   decimal text (as the BigQuery and Snowflake connectors do: JSON-safe, never silently rounded);
 * - DECIMAL: a number (as DuckDB's own JS conversion does; exact text would break arithmetic in
 *   every caller for the rare value past 15 significant digits);
 * - DATE: its text, `2024-01-31`; TIMESTAMP: its text, `2024-01-31 10:00:00[.ffffff]`. Neither has
 *   a time zone, so neither becomes a JS Date (which would put one on it and drop microseconds);
 * - TIMESTAMP WITH TIME ZONE: a Date (an instant);
 * - lists, structs, maps, blobs, intervals: as @duckdb/node-api's JS conversion gives them.
 */
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBValue,
  type DuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';

function exactNumber(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

export const toPlainJs: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? exactNumber(value) : Number(value);
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return String(value);
    default:
      return JSDuckDBValueConverter(value, type, converter);
  }
};

/**
 * Parameters as DuckDB binds them: `undefined` is NULL; a Date is bound as its ISO text (DuckDB
 * cannot infer a type for a JS Date; the SQL's cast or comparison gives the text its type).
 */
export function toDuckDbParam(v: unknown): DuckDBValue {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return v as DuckDBValue;
}
