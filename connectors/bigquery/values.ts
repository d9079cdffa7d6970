/**
 * Result rows as the REST API sends them (`rows: [{f: [{v}]}]`, every scalar a string) to plain JS
 * values, by the convention of connectors/connector.ts (above `ExecuteResult`). We convert the raw
 * API values ourselves, not through the client's row parser, because the client turns NUMERIC into
 * Big.js objects and DATE/DATETIME/TIMESTAMP/GEOGRAPHY into wrapper classes:
 *
 * | BigQuery type           | JS value                                                              |
 * | ----------------------- | --------------------------------------------------------------------- |
 * | INT64                   | number when a safe integer, else its decimal text (string)            |
 * | FLOAT64                 | number; NaN and ±Infinity as `'NaN'`, `'Infinity'`, `'-Infinity'`      |
 * | NUMERIC, BIGNUMERIC     | from the exact text sent: number up to 15 significant digits (or a    |
 * |                         | safe integer), else the exact text: `'1234567890123456.789'`          |
 * | BOOL                    | boolean                                                               |
 * | STRING, JSON            | string (JSON as its text)                                             |
 * | BYTES                   | base64 text (as sent)                                                 |
 * | DATE                    | `'YYYY-MM-DD'`                                                        |
 * | DATETIME                | `'YYYY-MM-DD HH:MM:SS[.ffffff]'` (fraction trimmed, absent when zero)  |
 * | TIME                    | `'HH:MM:SS[.ffffff]'`                                                 |
 * | TIMESTAMP               | ISO 8601 in UTC: `'2024-01-31T12:00:00.123456Z'`, `'…T12:00:00Z'`     |
 * | GEOGRAPHY               | WKT text (as sent)                                                    |
 * | INTERVAL                | ISO-8601 duration when no part is negative, else the canonical text  |
 * | STRUCT / ARRAY          | object / array of the above                                           |
 *
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults
 */
import { exactValue, floatValue, instantText, isoDuration } from '../values.js';

export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  fields?: FieldSchema[];
}

export interface RawRow {
  f: Array<{ v: unknown }>;
}

/** The REST schema spells legacy names (INTEGER, FLOAT, BOOLEAN, RECORD); GoogleSQL names them so. */
const GOOGLE_SQL_NAMES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

function baseType(field: FieldSchema): string {
  const t = field.type.toUpperCase();
  return GOOGLE_SQL_NAMES[t] ?? t;
}

/** The GoogleSQL type name of a result column, e.g. `ARRAY<STRUCT<a INT64, b STRING>>`. */
export function googleSqlType(field: FieldSchema): string {
  let t = baseType(field);
  if (t === 'STRUCT')
    t = `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${googleSqlType(f)}`).join(', ')}>`;
  return field.mode === 'REPEATED' ? `ARRAY<${t}>` : t;
}

export function rowsToObjects(
  fields: readonly FieldSchema[],
  rows: readonly RawRow[],
): Array<Record<string, unknown>> {
  return rows.map((row) => recordValue(fields, row));
}

function recordValue(fields: readonly FieldSchema[], row: RawRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    out[field.name] = fieldValue(field, row.f[i]?.v ?? null);
  });
  return out;
}

function fieldValue(field: FieldSchema, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (field.mode === 'REPEATED')
    return (v as Array<{ v: unknown }>).map((item) => scalarValue(field, item.v));
  return scalarValue(field, v);
}

function scalarValue(field: FieldSchema, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (baseType(field)) {
    case 'STRUCT':
      return recordValue(field.fields ?? [], v as RawRow);
    case 'INT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return exactValue(String(v));
    case 'FLOAT64':
      return floatValue(Number(v));
    case 'BOOL':
      return String(v).toLowerCase() === 'true';
    case 'DATETIME': // the API sends `2024-01-31T12:00:00[.ffffff]`
    case 'TIME':
      return trimFraction(String(v).replace('T', ' '));
    case 'TIMESTAMP':
      return timestampText(String(v));
    case 'INTERVAL':
      return intervalText(String(v));
    default:
      return v; // STRING, BYTES, DATE, GEOGRAPHY, JSON, RANGE: as sent
  }
}

const trimFraction = (text: string) =>
  text.replace(/\.(\d*?)0*$/, (_, digits: string) => (digits ? `.${digits}` : ''));

/** INTERVAL's canonical text (`Y-M D H:M:S[.F]`, each group signed) as an ISO-8601 duration. */
function intervalText(v: string): string {
  const m = /^([+-]?)(\d+)-(\d+) ([+-]?\d+) ([+-]?)(\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return v;
  const months = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 12 + Number(m[3]));
  const seconds = BigInt(Number(m[6]) * 3600 + Number(m[7]) * 60 + Number(m[8]));
  const micros =
    (m[5] === '-' ? -1n : 1n) * (seconds * 1_000_000n + BigInt((m[9] ?? '').slice(0, 6).padEnd(6, '0')));
  return isoDuration(months, Number(m[4]), micros) ?? v;
}

/**
 * TIMESTAMP values come as integer microseconds since the epoch when the request asks
 * `formatOptions.useInt64Timestamp` (we always do: a float of seconds loses microseconds), or as a
 * float of seconds from servers that ignore it. Either way: ISO text in UTC.
 */
export function timestampText(v: string): string {
  return instantText(/^-?\d+$/.test(v) ? BigInt(v) : BigInt(Math.round(Number(v) * 1e6)));
}
