/**
 * Result values to plain JS, by the convention of connectors/connector.ts (above `ExecuteResult`).
 * The SDK is asked for rows as arrays with NUMBER columns as their wire text
 * (`fetchAsString: ['Number']`), so precision is decided here, not by the SDK's Number():
 * https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-consume#fetching-data-types-as-strings
 *
 * - NUMBER(p,0) and NUMBER(p,s): from the exact wire text (`'12.50'`), by the shared rule: a number
 *   when it is a safe integer or has at most 15 significant digits, else its exact decimal text.
 * - FLOAT: a number; `NaN`, `inf`, `-inf` as 'NaN', 'Infinity', '-Infinity'.
 * - DATE: 'YYYY-MM-DD'; TIMESTAMP_NTZ: 'YYYY-MM-DD HH:MM:SS[.ffffff]' (a wall clock with no zone,
 *   so not a Date); TIMESTAMP_TZ / TIMESTAMP_LTZ: the instant in UTC, 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z'
 *   (the offset is dropped). All from the SDK's exact epoch seconds and nanoseconds, the nanoseconds
 *   truncated to microseconds, fractions trimmed.
 * - TIME: the SDK's text, which it formats by TIME_OUTPUT_FORMAT itself (Snowflake's default,
 *   'HH24:MI:SS', has no fraction): the exact value never reaches us.
 * - GEOGRAPHY, GEOMETRY: WKT, which every statement asks for (GEOGRAPHY_OUTPUT_FORMAT and
 *   GEOMETRY_OUTPUT_FORMAT = 'WKT', see `RESULT_PARAMETERS`); the SDK hands it over as text.
 * - BINARY: base64 text. TEXT, BOOLEAN: as they are. VARIANT/OBJECT/ARRAY: parsed JSON (the SDK's).
 */
import type { Column } from 'snowflake-sdk';
import type { ResultColumn } from '../connector.js';
import {
  bytesText,
  dateText,
  exactValue,
  floatValue,
  instantText,
  microsFromSeconds,
  timestampText,
} from '../values.js';

/** Session parameters every statement carries so its values come in the convention's form. */
export const RESULT_PARAMETERS = { GEOGRAPHY_OUTPUT_FORMAT: 'WKT', GEOMETRY_OUTPUT_FORMAT: 'WKT' } as const;

type Convert = (v: unknown) => unknown;

export interface RowShape {
  columns: ResultColumn[];
  names: string[];
  converters: Convert[];
}

/** The SDK's SfDate: a Date that also carries the exact epoch seconds and nanoseconds. */
interface SfDate extends Date {
  getEpochSeconds(): number;
  getNanoSeconds(): number;
}

export function rowShape(columns: readonly Column[]): RowShape {
  const seen = new Map<string, number>();
  const names = columns.map((c) => {
    // Duplicate names (SELECT a.ID, b.ID) would overwrite each other in an object: number them.
    const n = (seen.get(c.getName()) ?? 0) + 1;
    seen.set(c.getName(), n);
    return n === 1 ? c.getName() : `${c.getName()}_${n}`;
  });
  return {
    names,
    columns: columns.map((c, i) => ({ name: names[i]!, nativeType: nativeTypeName(c) })),
    converters: columns.map(converterFor),
  };
}

export function toRow(values: readonly unknown[], shape: RowShape): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < shape.names.length; i++) {
    const v = values[i];
    row[shape.names[i]!] = v === null || v === undefined ? null : shape.converters[i]!(v);
  }
  return row;
}

/** Snowflake's SQL name for a result column (the wire says `fixed`, `text`, `timestamp_ntz`…). */
export function nativeTypeName(c: Column): string {
  const t = c.getType().toLowerCase();
  if (t === 'fixed') return `NUMBER(${c.getPrecision() ?? 38},${c.getScale() ?? 0})`;
  if (t === 'real') return 'FLOAT';
  return t.toUpperCase();
}

function converterFor(c: Column): Convert {
  switch (c.getType().toLowerCase()) {
    case 'fixed':
      return (v) => exactValue(String(v));
    case 'real':
      return float;
    case 'date':
      return (v) => dateText(Math.floor(Number(epochMicrosOf(v as SfDate) / 1_000_000n) / 86_400));
    case 'timestamp_ntz':
      return (v) => timestampText(epochMicrosOf(v as SfDate));
    case 'timestamp_tz':
    case 'timestamp_ltz':
      return (v) => instantText(epochMicrosOf(v as SfDate));
    case 'binary':
      return (v) => (v instanceof Uint8Array ? bytesText(v) : v);
    default:
      return (v) => v;
  }
}

function float(v: unknown): number | string {
  const text = String(v).toLowerCase();
  if (text === 'inf') return 'Infinity';
  if (text === '-inf') return '-Infinity';
  return floatValue(Number(v));
}

/** Exact epoch microseconds of an SfDate (its epoch seconds and nanoseconds; a plain Date's ms). */
function epochMicrosOf(d: SfDate): bigint {
  return typeof d.getEpochSeconds === 'function'
    ? microsFromSeconds(d.getEpochSeconds(), d.getNanoSeconds())
    : BigInt(d.getTime()) * 1000n;
}
