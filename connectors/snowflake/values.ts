/**
 * Result values to plain JS. The SDK is asked for rows as arrays with NUMBER columns as their wire
 * text (`fetchAsString: ['Number']`), so precision is decided here, not by the SDK's Number():
 * https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-consume#fetching-data-types-as-strings
 *
 * - NUMBER(p,0): a number when it is a safe integer, else its exact decimal text (like `pg` does
 *   for int8), so nothing is silently rounded.
 * - NUMBER(p,s>0): a number (IEEE double: about 15–17 significant digits; NUMBER(38,s) values
 *   beyond that are rounded).
 * - FLOAT: a number (`inf`, `-inf`, `NaN` included).
 * - DATE: 'YYYY-MM-DD'; TIMESTAMP_NTZ: 'YYYY-MM-DD HH:MM:SS[.fffffffff]' (fraction only when
 *   non-zero, trailing zeros trimmed) — a wall-clock value with no zone, so not a Date.
 * - TIMESTAMP_TZ / TIMESTAMP_LTZ: a Date (an instant; millisecond precision, the offset is dropped).
 * - TEXT, BOOLEAN: as they are; VARIANT/OBJECT/ARRAY: parsed JSON; GEOGRAPHY: its text
 *   (GeoJSON by default, per GEOGRAPHY_OUTPUT_FORMAT); TIME: 'HH:MM:SS'; BINARY: a Buffer.
 */
import type { Column } from 'snowflake-sdk';
import type { ResultColumn } from '../connector.js';

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
      return (c.getScale() ?? 0) === 0 ? integer : (v) => Number(v);
    case 'real':
      return float;
    case 'date':
      return (v) => isoParts(v as SfDate).date;
    case 'timestamp_ntz': {
      return (v) => {
        const { date, time, fraction } = isoParts(v as SfDate);
        return `${date} ${time}${fraction ? `.${fraction}` : ''}`;
      };
    }
    case 'timestamp_tz':
    case 'timestamp_ltz':
      return (v) => new Date((v as Date).getTime());
    default:
      return (v) => v;
  }
}

function integer(v: unknown): number | string {
  const text = String(v);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function float(v: unknown): number {
  const text = String(v).toLowerCase();
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** UTC calendar parts of an SfDate from its exact epoch seconds and nanoseconds. */
function isoParts(d: SfDate): { date: string; time: string; fraction: string } {
  const seconds =
    typeof d.getEpochSeconds === 'function' ? d.getEpochSeconds() : Math.floor(d.getTime() / 1000);
  const nanos = typeof d.getNanoSeconds === 'function' ? d.getNanoSeconds() : (d.getTime() % 1000) * 1e6;
  const iso = new Date(seconds * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const t = iso.indexOf('T');
  return {
    date: iso.slice(0, t),
    time: iso.slice(t + 1, t + 9),
    fraction: String(Math.round(nanos)).padStart(9, '0').replace(/0+$/, ''),
  };
}
