/**
 * Oracle values in the row convention of connector.ts. The connector asks the driver for NUMBER,
 * DATE, TIMESTAMP and LOB columns as text, formatted by the session's pinned NLS settings
 * (index.ts SESSION_SETUP), and maps the text here: NUMBER exactly (never through a double),
 * DATE as `YYYY-MM-DD` at midnight and `YYYY-MM-DD HH:MM:SS` otherwise, TIMESTAMP as the wall
 * clock with trailing fraction zeros trimmed, TIMESTAMP WITH TIME ZONE as the UTC instant.
 */
import { exactValue, floatValue } from '../values.js';
import type { OracleColumnMeta } from './driver.js';

/** `2024-01-31 10:00:00.120000` → `2024-01-31 10:00:00.12`; no fraction when it is zero. */
function wallClock(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return text;
  const fraction = (m[3] ?? '').slice(0, 6).replace(/0+$/, '');
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''}`;
}

/** `2024-01-31 10:00:00.000000 +01:00` → `2024-01-31T09:00:00Z`. */
function instant(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? ([+-]\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return text;
  const micros = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  const base = Date.parse(`${m[1]}T${m[2]}${m[4]}:${m[5]}`);
  if (Number.isNaN(base)) return text;
  const iso = new Date(base).toISOString().slice(0, 19);
  const fraction = micros.replace(/0+$/, '');
  return `${iso}${fraction ? `.${fraction}` : ''}Z`;
}

export function oracleValue(v: unknown, meta: OracleColumnMeta | undefined): unknown {
  if (v === null || v === undefined) return null;
  const type = (meta?.dbTypeName ?? '').toUpperCase();
  if (typeof v === 'number') return floatValue(v);
  if (typeof v === 'string') {
    if (type === 'NUMBER' || type === 'FLOAT') return exactValue(v);
    if (type === 'DATE') {
      const text = wallClock(v);
      return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
    }
    if (/TIME ZONE|TZ$/.test(type)) return instant(v);
    if (type.startsWith('TIMESTAMP')) return wallClock(v);
    return v;
  }
  if (typeof v === 'bigint') return exactValue(v.toString());
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  const wkt = sdoToWkt(v);
  if (wkt !== undefined) return wkt;
  // Other objects: the driver's object as plain JSON.
  try {
    return JSON.parse(JSON.stringify(v)) as unknown;
  } catch {
    return String(v);
  }
}

/** One row (an array in metaData's order) as an object keyed by column name. */
export function rowValues(row: unknown[], meta: OracleColumnMeta[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  meta.forEach((m, i) => {
    out[m.name] = oracleValue(row[i], m);
  });
  return out;
}

// ------------------------------------------------------------------ SDO_GEOMETRY as WKT
type Sdo = Record<string, unknown>;

/** A collection attribute (oracledb's DbObject collection, or a plain array) as numbers. */
function numbers(v: unknown): number[] | undefined {
  if (v === null || v === undefined) return undefined;
  const arr = Array.isArray(v)
    ? v
    : typeof (v as { getValues?: unknown }).getValues === 'function'
      ? (v as { getValues(): unknown[] }).getValues()
      : undefined;
  return arr?.map((x) => Number(x));
}

const num = (n: number) => String(n);

/**
 * An SDO_GEOMETRY object (SDO_GTYPE, SDO_POINT, SDO_ELEM_INFO, SDO_ORDINATES) as WKT, as rows
 * carry geography: points, lines, polygons with holes (straight edges: ETYPE 2/1003/2003 with
 * interpretation 1, and 1003/2003 rectangles), their multi- forms and collections of them, in 2D.
 * Anything else (arcs, 3D, a type edgeflow does not write) is undefined: the caller keeps the object.
 */
export function sdoToWkt(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const g = v as Sdo;
  const gtype = Number(g['SDO_GTYPE']);
  if (!Number.isFinite(gtype)) return undefined;
  const dims = Math.floor(gtype / 1000) || 2;
  const kind = gtype % 100;
  if (dims !== 2) return undefined;
  const point = g['SDO_POINT'] as Sdo | null | undefined;
  if (kind === 1 && point && point['X'] !== null && point['X'] !== undefined)
    return `POINT(${num(Number(point['X']))} ${num(Number(point['Y']))})`;
  const info = numbers(g['SDO_ELEM_INFO']);
  const ords = numbers(g['SDO_ORDINATES']);
  if (!info || !ords) return kind === 1 ? 'POINT EMPTY' : undefined;
  interface Elem {
    etype: number;
    interp: number;
    coords: Array<[number, number]>;
  }
  const elems: Elem[] = [];
  for (let i = 0; i < info.length; i += 3) {
    const start = info[i]! - 1;
    const end = i + 3 < info.length ? info[i + 3]! - 1 : ords.length;
    const coords: Array<[number, number]> = [];
    for (let j = start; j + 1 < end; j += 2) coords.push([ords[j]!, ords[j + 1]!]);
    elems.push({ etype: info[i + 1]!, interp: info[i + 2]!, coords });
  }
  const ring = (e: Elem): string | undefined => {
    let c = e.coords;
    if (e.interp === 3 && c.length === 2) {
      const [[x1, y1], [x2, y2]] = c as [[number, number], [number, number]];
      c = [
        [x1, y1],
        [x2, y1],
        [x2, y2],
        [x1, y2],
        [x1, y1],
      ];
      if (e.etype === 2003) c = c.reverse();
    } else if (e.interp !== 1) return undefined;
    return `(${c.map(([x, y]) => `${num(x)} ${num(y)}`).join(', ')})`;
  };
  const pts = (c: Array<[number, number]>) => c.map(([x, y]) => `${num(x)} ${num(y)}`).join(', ');
  // Group elements into shapes: a point (1), a line (2), a polygon (1003 then its 2003 holes).
  const shapes: Array<{ type: 'POINT' | 'LINESTRING' | 'POLYGON'; body: string }> = [];
  for (const e of elems) {
    if (e.etype === 1) {
      for (const [x, y] of e.coords) shapes.push({ type: 'POINT', body: `(${num(x)} ${num(y)})` });
    } else if (e.etype === 2 && e.interp === 1)
      shapes.push({ type: 'LINESTRING', body: `(${pts(e.coords)})` });
    else if (e.etype === 1003 || e.etype === 2003) {
      const r = ring(e);
      if (r === undefined) return undefined;
      const last = shapes[shapes.length - 1];
      if (e.etype === 2003 && last?.type === 'POLYGON') last.body = `${last.body.slice(0, -1)}, ${r})`;
      else shapes.push({ type: 'POLYGON', body: `(${r})` });
    } else return undefined;
  }
  if (shapes.length === 0) return undefined;
  switch (kind) {
    case 1:
    case 2:
    case 3:
      return shapes.length === 1 ? `${shapes[0]!.type}${shapes[0]!.body}` : undefined;
    case 5:
      return `MULTIPOINT(${shapes.map((s) => s.body).join(', ')})`;
    case 6:
      return `MULTILINESTRING(${shapes.map((s) => s.body).join(', ')})`;
    case 7:
      return `MULTIPOLYGON(${shapes.map((s) => s.body).join(', ')})`;
    case 4:
      return `GEOMETRYCOLLECTION(${shapes.map((s) => `${s.type}${s.body}`).join(', ')})`;
    default:
      return undefined;
  }
}
