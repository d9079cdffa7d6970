/**
 * PostgreSQL values to plain JS, by the convention of connectors/connector.ts (above
 * `ExecuteResult`), parsed from the server's text (DateStyle ISO, IntervalStyle postgres: the
 * server defaults; a value in another style comes back as the server's text):
 * - int8: the integer rule (pg's default is text); numeric: from its exact text (pg's default is
 *   text), NaN/±Infinity as text; float4/float8: numbers, NaN/±Infinity as text;
 * - date, timestamp: text, `2024-01-31`, `2024-01-31 10:00:00[.ffffff]` (pg's default makes a Date
 *   in the daemon's time zone, shifting the wall clock); timestamptz: the instant in UTC as ISO
 *   text, microseconds kept (pg's default is a Date, milliseconds only); ±infinity as the server's
 *   text; BC years as astronomical years (`-0043-03-15` is 44 BC);
 * - interval: ISO-8601 duration when no part is negative, else the server's text;
 * - bytea: base64 (pg's default is a Buffer);
 * - arrays of the above: arrays of values converted the same way;
 * - PostGIS geometry and geography: WKT, decoded from the hex EWKB the server sends (see
 *   `spatialToWkt`; the connector finds their type ids, which are not fixed, by name);
 * - everything else as pg parses it (json/jsonb parsed, time/uuid/text as text).
 */
import pg from 'pg';
import {
  bytesText,
  dateText,
  daysFromCivil,
  epochMicros,
  exactValue,
  floatValue,
  instantText,
  integerValue,
  isoDuration,
  timestampText,
  wkbToWkt,
} from '../values.js';

type Parse = (value: string) => unknown;

const DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?)?( BC)?$/;
const INTERVAL =
  /^(?:([+-]?\d+) years? ?)?(?:([+-]?\d+) mons? ?)?(?:([+-]?\d+) days? ?)?(?:([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Years as PostgreSQL writes them (`0044 … BC`) to astronomical years (44 BC is -43). */
const year = (digits: string, bc: string | undefined) => (bc ? 1 - Number(digits) : Number(digits));

function parseDate(v: string): string {
  const m = DATE.exec(v);
  return m ? dateText(daysFromCivil(year(m[1]!, m[4]), +m[2]!, +m[3]!)) : v;
}

function parseTimestamp(v: string, withZone: boolean): string {
  const m = TIMESTAMP.exec(v);
  if (!m || !!m[8] !== withZone) return v;
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (+m[9]! * 3600 + +(m[10] ?? 0) * 60 + +(m[11] ?? 0)) : 0;
  const micros = epochMicros(
    { year: year(m[1]!, m[12]), month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! },
    m[7] ?? '',
    offset,
  );
  return withZone ? instantText(micros) : timestampText(micros);
}

function parseInterval(v: string): string {
  const m = INTERVAL.exec(v);
  if (!m || v === '') return v;
  const sign = m[4] === '-' ? -1n : 1n;
  const seconds = BigInt(+(m[5] ?? 0) * 3600 + +(m[6] ?? 0) * 60 + +(m[7] ?? 0));
  const micros = sign * (seconds * 1_000_000n + BigInt((m[8] ?? '').padEnd(6, '0') || '0'));
  return isoDuration(+(m[1] ?? 0) * 12 + +(m[2] ?? 0), +(m[3] ?? 0), micros) ?? v;
}

const defaultParser = (oid: number): Parse => pg.types.getTypeParser(oid, 'text') as Parse;

function parseBytea(v: string): unknown {
  if (v.startsWith('\\x')) return bytesText(Buffer.from(v.slice(2), 'hex'));
  const b = defaultParser(17)(v); // the old escape format
  return Buffer.isBuffer(b) ? bytesText(b) : b;
}

/** Element parsers by type oid, and the oid of their array type. */
const SCALARS: Record<number, { parse: Parse; array: number }> = {
  20: { parse: (v) => integerValue(BigInt(v)), array: 1016 }, // int8
  1700: { parse: exactValue, array: 1231 }, // numeric
  700: { parse: (v) => floatValue(parseFloat(v)), array: 1021 }, // float4
  701: { parse: (v) => floatValue(parseFloat(v)), array: 1022 }, // float8
  1082: { parse: parseDate, array: 1182 }, // date
  1114: { parse: (v) => parseTimestamp(v, false), array: 1115 }, // timestamp
  1184: { parse: (v) => parseTimestamp(v, true), array: 1185 }, // timestamptz
  1186: { parse: parseInterval, array: 1187 }, // interval
  17: { parse: parseBytea, array: 1001 }, // bytea
};
const ARRAYS = new Map(Object.values(SCALARS).map((s) => [s.array, s.parse]));

/** pg-types' array literal parser (its typings call it a function; it is `{ create }`). */
const arrayParser = pg.types.arrayParser as unknown as {
  create(source: string, transform: (entry: string | null) => unknown): { parse(): unknown[] };
};

function parserFor(oid: number, format?: string): Parse {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as Parse;
  const scalar = SCALARS[oid]?.parse;
  if (scalar) return scalar;
  const element = ARRAYS.get(oid);
  if (element)
    return (v) => arrayParser.create(v, (entry) => (entry === null ? null : element(entry))).parse();
  return defaultParser(oid);
}

export const edgeflowTypes: pg.CustomTypesConfig = {
  getTypeParser: parserFor as pg.CustomTypesConfig['getTypeParser'],
};

/** PostGIS's type names whose values (hex EWKB as sent) become WKT. */
export const SPATIAL_TYPES = new Set(['geometry', 'geography']);

/** WKT of a PostGIS value as the server sends it (hex EWKB); the value itself when undecodable. */
export function spatialToWkt(v: unknown): unknown {
  if (typeof v !== 'string' || !/^(?:[0-9A-Fa-f]{2})+$/.test(v)) return v;
  return wkbToWkt(Buffer.from(v, 'hex')) ?? v;
}
