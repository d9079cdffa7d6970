/**
 * The geography values edgeflow's DuckDB functions work on: WGS84 longitude/latitude shapes as
 * plain objects, read from and written to WKB (DuckDB's GEOMETRY holds WKB; connectors/values.ts
 * turns WKB into the rows' WKT). Coordinates are flat `[lon0, lat0, lon1, lat1, …]` arrays; an
 * empty shape has no coordinates (`POINT EMPTY` is written as NaN NaN, as PostGIS and DuckDB do).
 * Only two dimensions: Z and M are dropped when read.
 */

export type Coords = number[];

export interface Point {
  type: 'Point';
  coords: Coords;
}
export interface LineString {
  type: 'LineString';
  coords: Coords;
}
export interface Polygon {
  type: 'Polygon';
  /** The shell first, then holes; each ring closed (its last position repeats its first). */
  rings: Coords[];
}
export interface MultiPoint {
  type: 'MultiPoint';
  parts: Point[];
}
export interface MultiLineString {
  type: 'MultiLineString';
  parts: LineString[];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  parts: Polygon[];
}
export interface GeometryCollection {
  type: 'GeometryCollection';
  parts: Geometry[];
}

export type Geometry =
  Point | LineString | Polygon | MultiPoint | MultiLineString | MultiPolygon | GeometryCollection;

export type GeometryType = Geometry['type'];

const WKB_TYPES: GeometryType[] = [
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'GeometryCollection',
];

/** A value that is not a geography edgeflow can read; the message says what is wrong. */
export class GeographyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeographyError';
  }
}

export function isEmpty(g: Geometry): boolean {
  switch (g.type) {
    case 'Point':
    case 'LineString':
      return g.coords.length === 0;
    case 'Polygon':
      return g.rings.length === 0;
    default:
      return g.parts.every(isEmpty);
  }
}

/** The simple shapes a geometry is made of (multi-shapes and collections flattened). */
export function simpleParts(g: Geometry, out: Array<Point | LineString | Polygon> = []) {
  if (g.type === 'Point' || g.type === 'LineString' || g.type === 'Polygon') {
    if (!isEmpty(g)) out.push(g);
  } else for (const p of g.parts) simpleParts(p, out);
  return out;
}

/** 0 points, 1 lines, 2 polygons; -1 for an empty geometry. */
export function dimension(g: Geometry): number {
  return simpleParts(g).reduce(
    (d, p) => Math.max(d, p.type === 'Point' ? 0 : p.type === 'LineString' ? 1 : 2),
    -1,
  );
}

// ---- WKB --------------------------------------------------------------------------------------

/** Reads WKB (ISO, or PostGIS's EWKB flags; the SRID is ignored, Z/M dropped). */
export function readWkb(bytes: Uint8Array): Geometry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const read = (): Geometry => {
    if (at + 5 > view.byteLength) throw new GeographyError('the WKB value is truncated');
    const little = view.getUint8(at) === 1;
    at += 1;
    const raw = view.getUint32(at, little);
    at += 4;
    let type = raw & 0x0fffffff;
    let width = 2 + (raw & 0x80000000 ? 1 : 0) + (raw & 0x40000000 ? 1 : 0);
    if (raw & 0x20000000) at += 4;
    if (type >= 1000) {
      const dims = Math.floor(type / 1000);
      type %= 1000;
      width = 2 + (dims === 1 || dims === 2 ? 1 : dims === 3 ? 2 : 0);
    }
    const name = WKB_TYPES[type - 1];
    if (!name)
      throw new GeographyError(`WKB geometry type ${raw} is not a point, line, polygon or collection`);
    const u32 = () => {
      const v = view.getUint32(at, little);
      at += 4;
      return v;
    };
    const positions = (n: number): Coords => {
      const out: Coords = new Array(n * 2);
      for (let i = 0; i < n; i++) {
        out[2 * i] = view.getFloat64(at, little);
        out[2 * i + 1] = view.getFloat64(at + 8, little);
        at += 8 * width;
      }
      return out;
    };
    switch (name) {
      case 'Point': {
        const c = positions(1);
        return { type: 'Point', coords: Number.isNaN(c[0]) && Number.isNaN(c[1]) ? [] : c };
      }
      case 'LineString':
        return { type: 'LineString', coords: positions(u32()) };
      case 'Polygon': {
        const n = u32();
        const rings: Coords[] = [];
        for (let i = 0; i < n; i++) rings.push(positions(u32()));
        return { type: 'Polygon', rings };
      }
      default: {
        const n = u32();
        const parts: Geometry[] = [];
        for (let i = 0; i < n; i++) parts.push(read());
        return { type: name, parts } as Geometry;
      }
    }
  };
  try {
    const g = read();
    if (at !== view.byteLength) throw new GeographyError('the WKB value has bytes after its geometry');
    return g;
  } catch (e) {
    if (e instanceof GeographyError) throw e;
    throw new GeographyError('the WKB value is truncated');
  }
}

/** Little-endian 2D ISO WKB. */
export function writeWkb(g: Geometry): Uint8Array {
  const size = wkbSize(g);
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  let at = 0;
  const head = (type: number) => {
    view.setUint8(at, 1);
    view.setUint32(at + 1, type, true);
    at += 5;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const coords = (c: Coords) => {
    for (let i = 0; i < c.length; i++) {
      view.setFloat64(at, c[i]!, true);
      at += 8;
    }
  };
  const write = (x: Geometry) => {
    head(WKB_TYPES.indexOf(x.type) + 1);
    switch (x.type) {
      case 'Point':
        coords(x.coords.length ? x.coords : [NaN, NaN]);
        return;
      case 'LineString':
        u32(x.coords.length / 2);
        coords(x.coords);
        return;
      case 'Polygon':
        u32(x.rings.length);
        for (const r of x.rings) {
          u32(r.length / 2);
          coords(r);
        }
        return;
      default:
        u32(x.parts.length);
        for (const p of x.parts) write(p);
    }
  };
  write(g);
  return buf;
}

function wkbSize(g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return 5 + 16;
    case 'LineString':
      return 9 + g.coords.length * 8;
    case 'Polygon':
      return g.rings.reduce((n, r) => n + 4 + r.length * 8, 9);
    default:
      return g.parts.reduce((n, p) => n + wkbSize(p), 9);
  }
}

/** The WKB of a point, written without building an object (the hot path of st_point). */
export function pointWkb(lon: number, lat: number): Uint8Array {
  const buf = new Uint8Array(21);
  const view = new DataView(buf.buffer);
  view.setUint8(0, 1);
  view.setUint32(1, 1, true);
  view.setFloat64(5, lon, true);
  view.setFloat64(13, lat, true);
  return buf;
}

/**
 * The coordinates of a 2D point WKB without building an object, or undefined when the bytes hold
 * something else (the hot path of distances between points and of H3 cells of points).
 */
export function readPointWkb(bytes: Uint8Array, out: [number, number]): boolean {
  if (bytes.length !== 21) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 21);
  const little = view.getUint8(0) === 1;
  if (view.getUint32(1, little) !== 1) return false;
  out[0] = view.getFloat64(5, little);
  out[1] = view.getFloat64(13, little);
  return true;
}

// ---- validation ------------------------------------------------------------------------------

/**
 * Checks what makes a geography: finite coordinates, longitude in [-180, 180], latitude in
 * [-90, 90], lines of two positions or more, closed rings of four or more. Throws a
 * GeographyError saying what is wrong and where.
 */
export function validate(g: Geometry): Geometry {
  const check = (c: Coords, what: string) => {
    for (let i = 0; i < c.length; i += 2) {
      const lon = c[i]!;
      const lat = c[i + 1]!;
      if (!Number.isFinite(lon) || !Number.isFinite(lat))
        throw new GeographyError(`${what} has a coordinate that is not a finite number`);
      if (lon < -180 || lon > 180)
        throw new GeographyError(`${what} has longitude ${lon}, outside [-180, 180] (x is the longitude)`);
      if (lat < -90 || lat > 90)
        throw new GeographyError(
          `${what} has latitude ${lat}, outside [-90, 90] (positions are written longitude first)`,
        );
    }
  };
  switch (g.type) {
    case 'Point':
      check(g.coords, 'a point');
      break;
    case 'LineString':
      if (g.coords.length > 0 && g.coords.length < 4)
        throw new GeographyError('a linestring needs at least two positions');
      check(g.coords, 'a linestring');
      break;
    case 'Polygon':
      g.rings.forEach((r, i) => {
        const what = i === 0 ? 'a polygon shell' : `polygon hole ${i}`;
        if (r.length < 8) throw new GeographyError(`${what} needs at least four positions (closed)`);
        const n = r.length;
        if (r[0] !== r[n - 2] || r[1] !== r[n - 1])
          throw new GeographyError(`${what} is not closed: its last position must repeat its first`);
        check(r, what);
      });
      break;
    default:
      for (const p of g.parts) validate(p);
  }
  return g;
}
