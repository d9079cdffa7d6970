/**
 * Geography from and to text: WKT (as PostGIS and BigQuery read it, `SRID=4326;` allowed) and
 * GeoJSON geometry objects. Errors say where the text went wrong, quoting a short excerpt.
 */
import {
  GeographyError,
  validate,
  type Coords,
  type Geometry,
  type GeometryType,
  type LineString,
  type Point,
  type Polygon,
} from './geometry.js';

const WKT_TYPES: Record<string, GeometryType> = {
  POINT: 'Point',
  LINESTRING: 'LineString',
  POLYGON: 'Polygon',
  MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString',
  MULTIPOLYGON: 'MultiPolygon',
  GEOMETRYCOLLECTION: 'GeometryCollection',
};

/** A short, quoted excerpt of text for messages. */
export function excerpt(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(t);
}

/** Parses WKT into a validated geography. */
export function parseWkt(text: string): Geometry {
  let s = text.trim();
  const srid = /^SRID=(\d+);/i.exec(s);
  if (srid) {
    if (srid[1] !== '4326')
      throw new GeographyError(`SRID=${srid[1]}: a geography is in WGS84 longitude/latitude (SRID 4326)`);
    s = s.slice(srid[0].length);
  }
  let at = 0;
  const fail = (what: string, position = at): never => {
    throw new GeographyError(
      `${what} at character ${position + 1 + (text.length - text.trimStart().length) + (srid ? srid[0].length : 0)} of ${excerpt(text)}; WKT looks like POINT(lon lat), LINESTRING(0 0, 1 1) or POLYGON((0 0, 1 0, 1 1, 0 0))`,
    );
  };
  const skip = () => {
    while (at < s.length && /\s/.test(s[at]!)) at++;
  };
  const peek = () => {
    skip();
    return s[at];
  };
  const expect = (ch: string) => {
    if (peek() !== ch) fail(`expected "${ch}"`);
    at++;
  };
  const word = (): string => {
    skip();
    const m = /^[A-Za-z]+/.exec(s.slice(at));
    if (!m) return '';
    at += m[0].length;
    return m[0].toUpperCase();
  };
  const number = (): number => {
    skip();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(at));
    if (!m) fail('expected a number');
    at += m![0].length;
    return Number(m![0]);
  };
  /** `EMPTY`, or undefined when a list follows. */
  const empty = (): boolean => {
    const save = at;
    if (word() === 'EMPTY') return true;
    at = save;
    return false;
  };
  const position = (out: Coords) => {
    out.push(number(), number());
    const save = at;
    skip();
    if (/[-+\d.]/.test(s[at] ?? '')) fail('only two coordinates (longitude latitude) are allowed');
    at = save;
  };
  const positions = (): Coords => {
    const out: Coords = [];
    expect('(');
    do position(out);
    while (peek() === ',' && ++at);
    expect(')');
    return out;
  };
  const list = <T>(item: () => T): T[] => {
    const out: T[] = [];
    expect('(');
    do out.push(item());
    while (peek() === ',' && ++at);
    expect(')');
    return out;
  };
  const polygonBody = (): Polygon => ({ type: 'Polygon', rings: list(positions) });
  const geometry = (): Geometry => {
    skip();
    const start = at;
    const kw = word();
    const type = WKT_TYPES[kw];
    if (!type) fail(kw ? `unknown geometry type ${kw}` : 'expected a geometry type', start);
    const dims = word();
    if (dims && dims !== 'EMPTY') {
      if (/^(Z|M|ZM)$/.test(dims)) fail(`${kw} ${dims}: a geography has two dimensions (longitude latitude)`);
      fail(`unexpected ${dims}`);
    }
    if (dims === 'EMPTY' || (dims === '' && empty())) {
      switch (type) {
        case 'Point':
        case 'LineString':
          return { type, coords: [] };
        case 'Polygon':
          return { type, rings: [] };
        default:
          return { type, parts: [] } as Geometry;
      }
    }
    switch (type!) {
      case 'Point': {
        const c = positions();
        if (c.length !== 2) fail('a point has one position');
        return { type: 'Point', coords: c };
      }
      case 'LineString':
        return { type: 'LineString', coords: positions() };
      case 'Polygon':
        return polygonBody();
      case 'MultiPoint':
        // Both MULTIPOINT(1 2, 3 4) and MULTIPOINT((1 2), (3 4)).
        return {
          type: 'MultiPoint',
          parts: list((): Point => {
            if (peek() === '(') {
              const c = positions();
              if (c.length !== 2) fail('a point has one position');
              return { type: 'Point', coords: c };
            }
            if (empty()) return { type: 'Point', coords: [] };
            const c: Coords = [];
            position(c);
            return { type: 'Point', coords: c };
          }),
        };
      case 'MultiLineString':
        return {
          type: 'MultiLineString',
          parts: list((): LineString =>
            empty() ? { type: 'LineString', coords: [] } : { type: 'LineString', coords: positions() },
          ),
        };
      case 'MultiPolygon':
        return {
          type: 'MultiPolygon',
          parts: list((): Polygon => (empty() ? { type: 'Polygon', rings: [] } : polygonBody())),
        };
      case 'GeometryCollection':
        return { type: 'GeometryCollection', parts: list(geometry) };
    }
  };
  const g = geometry();
  skip();
  if (at < s.length) fail('unexpected text after the geometry');
  return validate(g);
}

// ---- GeoJSON ---------------------------------------------------------------------------------

type Json = unknown;

/** Parses a GeoJSON geometry object (not a Feature) into a validated geography. */
export function parseGeoJson(text: string): Geometry {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GeographyError(`not JSON (${(e as Error).message}): ${excerpt(text)}`);
  }
  return validate(geoJsonGeometry(doc, '$'));
}

function geoJsonGeometry(doc: Json, path: string): Geometry {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new GeographyError(`${path} must be a GeoJSON geometry object`);
  const o = doc as Record<string, Json>;
  const type = o['type'];
  const pos = (p: Json, where: string): Coords => {
    if (!Array.isArray(p) || p.length < 2 || !p.every((x) => typeof x === 'number'))
      throw new GeographyError(`${where} must be a position [longitude, latitude]`);
    if (p.length > 2)
      throw new GeographyError(`${where}: a geography has two dimensions (longitude, latitude)`);
    return p as number[];
  };
  const line = (l: Json, where: string): Coords => {
    if (!Array.isArray(l)) throw new GeographyError(`${where} must be an array of positions`);
    return l.flatMap((p, i) => pos(p, `${where}[${i}]`));
  };
  const rings = (r: Json, where: string): Coords[] => {
    if (!Array.isArray(r)) throw new GeographyError(`${where} must be an array of rings`);
    return r.map((x, i) => line(x, `${where}[${i}]`));
  };
  const arr = (where: string): Json[] => {
    const c = o[where === 'geometries' ? 'geometries' : 'coordinates'];
    if (!Array.isArray(c)) throw new GeographyError(`${path}.${where} must be an array`);
    return c;
  };
  switch (type) {
    case 'Point': {
      const c = arr('coordinates');
      return { type: 'Point', coords: c.length === 0 ? [] : pos(c, `${path}.coordinates`) };
    }
    case 'LineString':
      return { type: 'LineString', coords: line(arr('coordinates'), `${path}.coordinates`) };
    case 'Polygon':
      return { type: 'Polygon', rings: rings(arr('coordinates'), `${path}.coordinates`) };
    case 'MultiPoint':
      return {
        type: 'MultiPoint',
        parts: arr('coordinates').map((p, i) => ({
          type: 'Point',
          coords: pos(p, `${path}.coordinates[${i}]`),
        })),
      };
    case 'MultiLineString':
      return {
        type: 'MultiLineString',
        parts: arr('coordinates').map((l, i) => ({
          type: 'LineString',
          coords: line(l, `${path}.coordinates[${i}]`),
        })),
      };
    case 'MultiPolygon':
      return {
        type: 'MultiPolygon',
        parts: arr('coordinates').map((r, i) => ({
          type: 'Polygon',
          rings: rings(r, `${path}.coordinates[${i}]`),
        })),
      };
    case 'GeometryCollection':
      return {
        type: 'GeometryCollection',
        parts: arr('geometries').map((g, i) => geoJsonGeometry(g, `${path}.geometries[${i}]`)),
      };
    default:
      throw new GeographyError(
        `${path}.type ${JSON.stringify(type)} is not a GeoJSON geometry type (Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon, GeometryCollection)`,
      );
  }
}

/** At most 9 decimals, as PostGIS's ST_AsGeoJSON writes by default (about 0.1 mm). */
function num(x: number): string {
  const s = x.toFixed(9);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** GeoJSON text of a geography (RFC 7946 geometry object). */
export function toGeoJson(g: Geometry): string {
  const pos = (c: Coords, i: number) => `[${num(c[i]!)},${num(c[i + 1]!)}]`;
  const line = (c: Coords) => {
    const out: string[] = [];
    for (let i = 0; i < c.length; i += 2) out.push(pos(c, i));
    return `[${out.join(',')}]`;
  };
  const rings = (r: Coords[]) => `[${r.map(line).join(',')}]`;
  switch (g.type) {
    case 'Point':
      return `{"type":"Point","coordinates":${g.coords.length ? pos(g.coords, 0) : '[]'}}`;
    case 'LineString':
      return `{"type":"LineString","coordinates":${line(g.coords)}}`;
    case 'Polygon':
      return `{"type":"Polygon","coordinates":${rings(g.rings)}}`;
    case 'MultiPoint':
      return `{"type":"MultiPoint","coordinates":[${g.parts
        .filter((p) => p.coords.length)
        .map((p) => pos(p.coords, 0))
        .join(',')}]}`;
    case 'MultiLineString':
      return `{"type":"MultiLineString","coordinates":[${g.parts.map((p) => line(p.coords)).join(',')}]}`;
    case 'MultiPolygon':
      return `{"type":"MultiPolygon","coordinates":[${g.parts.map((p) => rings(p.rings)).join(',')}]}`;
    case 'GeometryCollection':
      return `{"type":"GeometryCollection","geometries":[${g.parts.map(toGeoJson).join(',')}]}`;
  }
}
