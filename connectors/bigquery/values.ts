/**
 * Result rows as the REST API sends them (`rows: [{f: [{v}]}]`, every scalar a string) to plain JS
 * values. We convert the raw API values ourselves, not through the client's row parser, because the
 * client turns NUMERIC into Big.js objects and DATE/DATETIME/TIMESTAMP/GEOGRAPHY into wrapper
 * classes; here every value is a JSON-safe primitive with one documented meaning:
 *
 * | BigQuery type           | JS value                                                           |
 * | ----------------------- | ------------------------------------------------------------------ |
 * | INT64                   | number when a safe integer, else its decimal text (string)          |
 * | FLOAT64                 | number (NaN and ±Infinity included)                                |
 * | NUMERIC, BIGNUMERIC     | decimal text (string), exact: `'123.450000000'` stays as sent       |
 * | BOOL                    | boolean                                                            |
 * | STRING, JSON            | string (JSON as its text)                                          |
 * | BYTES                   | base64 text                                                        |
 * | DATE                    | `'YYYY-MM-DD'`                                                     |
 * | DATETIME                | `'YYYY-MM-DD HH:MM:SS[.ffffff]'`                                   |
 * | TIME                    | `'HH:MM:SS[.ffffff]'`                                              |
 * | TIMESTAMP               | ISO 8601 in UTC with microseconds: `'2024-01-31T12:00:00.000000Z'` |
 * | GEOGRAPHY               | WKT text                                                           |
 * | STRUCT / ARRAY          | object / array of the above                                        |
 *
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults
 */

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
    case 'INT64': {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : String(v);
    }
    case 'FLOAT64':
      return Number(v);
    case 'BOOL':
      return String(v).toLowerCase() === 'true';
    case 'DATETIME':
      return String(v).replace('T', ' '); // the API sends `2024-01-31T12:00:00`
    case 'TIMESTAMP':
      return timestampText(String(v));
    default:
      return v; // NUMERIC, BIGNUMERIC, STRING, BYTES, DATE, TIME, GEOGRAPHY, JSON, INTERVAL, RANGE: as sent
  }
}

/**
 * TIMESTAMP values come as integer microseconds since the epoch when the request asks
 * `formatOptions.useInt64Timestamp` (we always do: a float of seconds loses microseconds), or as a
 * float of seconds from servers that ignore it.
 */
export function timestampText(v: string): string {
  const micros = /^-?\d+$/.test(v) ? BigInt(v) : BigInt(Math.round(Number(v) * 1e6));
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000n;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(fraction).padStart(6, '0')}Z`;
}
