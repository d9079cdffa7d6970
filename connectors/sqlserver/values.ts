/**
 * mssql's values onto the row convention (connectors/connector.ts). With `useUTC` the driver gives
 * DATE, DATETIME2 and DATETIMEOFFSET as JS Dates whose UTC fields are the stored ones.
 *
 * Known limits of the driver, stated in the README: DECIMAL/NUMERIC arrive as doubles (tedious
 * parses them), so more than 15 significant digits are not exact; DATETIME2 fractions arrive to the
 * millisecond; geography arrives parsed by mssql: a point is written as WKT, other shapes as the
 * driver's JSON text.
 */
import { exactValue, floatValue, integerValue } from '../values.js';
import type { DriverColumn } from './driver.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function fraction(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : '';
}
function dateOf(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
function timeOf(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction(d)}`;
}

interface ParsedGeography {
  points?: Array<{ lat?: number; lng?: number; x?: number; y?: number }>;
}

export function convertValue(value: unknown, column: DriverColumn | undefined): unknown {
  if (value === null || value === undefined) return null;
  const type = column?.type ?? '';
  if (value instanceof Date) {
    if (type === 'date') return dateOf(value);
    if (type === 'datetimeoffset') return `${dateOf(value)}T${timeOf(value)}Z`;
    return `${dateOf(value)} ${timeOf(value)}`;
  }
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return integerValue(value);
  if (typeof value === 'string' && type === 'bigint') return integerValue(BigInt(value));
  if (typeof value === 'string' && (type === 'decimal' || type === 'numeric')) return exactValue(value);
  if (typeof value === 'number') return floatValue(value);
  if (type === 'geography' && typeof value === 'object') {
    const g = value as ParsedGeography;
    const p = g.points?.length === 1 ? g.points[0]! : undefined;
    if (p) return `POINT(${p.lng ?? p.x} ${p.lat ?? p.y})`;
    return JSON.stringify(value);
  }
  return value;
}

export function convertRows(
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: readonly DriverColumn[],
): Array<Record<string, unknown>> {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) out[k] = convertValue(v, byName.get(k));
    return out;
  });
}
