/**
 * Buffers and unions, built on JSTS (the JavaScript port of JTS, the library GEOS and so PostGIS
 * descend from) in a local projection, because JSTS works on a plane:
 * - st_buffer: azimuthal equidistant around the shape's centre (distances from the centre are
 *   exact; the error grows with the shape's size, under 0.1% of the distance for shapes under
 *   ~500 km), buffered with 8 segments per quarter circle as PostGIS and BigQuery do by default.
 *   A point's buffer is the geodesic circle itself (32 positions at exactly the distance).
 * - st_union_agg: gnomonic around the shapes' centre, where great circles are straight lines, so
 *   the union of great-circle-edged shapes is exact; shapes spread over more than 80° from their
 *   common centre are refused.
 */
import BufferOp from 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js';
import BufferParameters from 'jsts/org/locationtech/jts/operation/buffer/BufferParameters.js';
import UnaryUnionOp from 'jsts/org/locationtech/jts/operation/union/UnaryUnionOp.js';
import Coordinate from 'jsts/org/locationtech/jts/geom/Coordinate.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import { GeographyError, isEmpty, type Coords, type Geometry } from './geometry.js';
import { EARTH_RADIUS_M, lonLat, prepare, xyz } from './sphere.js';

/** Segments per quarter circle (PostGIS's quad_segs and BigQuery's num_seg_quarter_circle default). */
export const QUARTER_SEGMENTS = 8;

const factory = new GeometryFactory();

/** The JSTS geometry calls used here (its own typings are mostly `any`). */
interface JstsGeometry {
  getGeometryType(): string;
  isEmpty(): boolean;
  getNumGeometries(): number;
  getGeometryN(i: number): JstsGeometry;
  getCoordinates(): Array<{ x: number; y: number }>;
  getExteriorRing(): JstsGeometry;
  getNumInteriorRing(): number;
  getInteriorRingN(i: number): JstsGeometry;
}

/** A map projection around a centre: to plane coordinates (metres or tangent units) and back. */
interface Projection {
  forward(lon: number, lat: number): [number, number];
  inverse(x: number, y: number): [number, number];
}

function tangentBasis(cx: number, cy: number, cz: number) {
  // East and north at the centre (any perpendicular pair at a pole).
  let ex = -cy;
  let ey = cx;
  let ez = 0;
  let n = Math.hypot(ex, ey, ez);
  if (n < 1e-12) {
    ex = 1;
    ey = 0;
    ez = 0;
    n = 1;
  }
  ex /= n;
  ey /= n;
  ez /= n;
  return { e: [ex, ey, ez] as const, n: [cy * ez - cz * ey, cz * ex - cx * ez, cx * ey - cy * ex] as const };
}

function azimuthalEquidistant(cx: number, cy: number, cz: number): Projection {
  const { e, n } = tangentBasis(cx, cy, cz);
  const v = new Float64Array(3);
  return {
    forward(lon, lat) {
      xyz(lon, lat, v, 0);
      const u = v[0]! * e[0] + v[1]! * e[1] + v[2]! * e[2];
      const w = v[0]! * n[0] + v[1]! * n[1] + v[2]! * n[2];
      const c = v[0]! * cx + v[1]! * cy + v[2]! * cz;
      const rho = Math.atan2(Math.hypot(u, w), c);
      const h = Math.hypot(u, w);
      return h < 1e-15 ? [0, 0] : [(u / h) * rho * EARTH_RADIUS_M, (w / h) * rho * EARTH_RADIUS_M];
    },
    inverse(x, y) {
      const h = Math.hypot(x, y);
      const rho = h / EARTH_RADIUS_M;
      const s = h < 1e-12 ? 0 : Math.sin(rho) / h;
      const c = Math.cos(rho);
      return lonLat(
        c * cx + s * (x * e[0] + y * n[0]),
        c * cy + s * (x * e[1] + y * n[1]),
        c * cz + s * (x * e[2] + y * n[2]),
      );
    },
  };
}

function gnomonic(cx: number, cy: number, cz: number): Projection {
  const { e, n } = tangentBasis(cx, cy, cz);
  const v = new Float64Array(3);
  return {
    forward(lon, lat) {
      xyz(lon, lat, v, 0);
      const c = v[0]! * cx + v[1]! * cy + v[2]! * cz;
      return [
        (v[0]! * e[0] + v[1]! * e[1] + v[2]! * e[2]) / c,
        (v[0]! * n[0] + v[1]! * n[1] + v[2]! * n[2]) / c,
      ];
    },
    inverse(x, y) {
      return lonLat(cx + x * e[0] + y * n[0], cy + x * e[1] + y * n[1], cz + x * e[2] + y * n[2]);
    },
  };
}

function toJsts(g: Geometry, p: Projection): JstsGeometry {
  const coords = (c: Coords) => {
    const out: unknown[] = [];
    for (let i = 0; i < c.length; i += 2) {
      const [x, y] = p.forward(c[i]!, c[i + 1]!);
      out.push(new Coordinate(x, y));
    }
    return out;
  };
  const polygon = (rings: Coords[]) =>
    rings.length === 0
      ? factory.createPolygon()
      : factory.createPolygon(
          factory.createLinearRing(coords(rings[0]!)),
          rings.slice(1).map((r) => factory.createLinearRing(coords(r))),
        );
  switch (g.type) {
    case 'Point':
      return g.coords.length ? factory.createPoint(coords(g.coords)[0]) : factory.createPoint();
    case 'LineString':
      return factory.createLineString(coords(g.coords));
    case 'Polygon':
      return polygon(g.rings);
    default:
      return factory.createGeometryCollection(g.parts.map((x) => toJsts(x, p))) as unknown as JstsGeometry;
  }
}

function fromJsts(j: JstsGeometry, p: Projection): Geometry {
  const coords = (x: JstsGeometry): Coords => {
    const out: Coords = [];
    for (const c of x.getCoordinates()) out.push(...p.inverse(c.x, c.y));
    return out;
  };
  const polygon = (x: JstsGeometry): Geometry & { type: 'Polygon' } => {
    if (x.isEmpty()) return { type: 'Polygon', rings: [] };
    const rings = [coords(x.getExteriorRing())];
    for (let i = 0; i < x.getNumInteriorRing(); i++) rings.push(coords(x.getInteriorRingN(i)));
    return { type: 'Polygon', rings };
  };
  const parts = () => Array.from({ length: j.getNumGeometries() }, (_, i) => j.getGeometryN(i));
  switch (j.getGeometryType()) {
    case 'Point':
      return { type: 'Point', coords: j.isEmpty() ? [] : coords(j) };
    case 'LineString':
    case 'LinearRing':
      return { type: 'LineString', coords: coords(j) };
    case 'Polygon':
      return polygon(j);
    case 'MultiPoint':
      return { type: 'MultiPoint', parts: parts().map((x) => ({ type: 'Point', coords: coords(x) })) };
    case 'MultiLineString':
      return {
        type: 'MultiLineString',
        parts: parts().map((x) => ({ type: 'LineString', coords: coords(x) })),
      };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', parts: parts().map(polygon) };
    default:
      return { type: 'GeometryCollection', parts: parts().map((x) => fromJsts(x, p)) };
  }
}

const EMPTY_POLYGON: Geometry = { type: 'Polygon', rings: [] };

/** The geodesic circle of `metres` around a point: 4 × QUARTER_SEGMENTS positions, counter-clockwise. */
export function circle(lon: number, lat: number, metres: number): Geometry {
  const n = 4 * QUARTER_SEGMENTS;
  const d = metres / EARTH_RADIUS_M;
  const c = new Float64Array(3);
  xyz(lon, lat, c, 0);
  // Positions at angle d from the centre, in vectors (latitude/longitude formulas break at a pole).
  const { e, n: north } = tangentBasis(c[0]!, c[1]!, c[2]!);
  const ring: Coords = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    const u = Math.cos(a);
    const v = Math.sin(a);
    const s = Math.sin(d);
    const [x, y] = lonLat(
      Math.cos(d) * c[0]! + s * (u * e[0] + v * north[0]),
      Math.cos(d) * c[1]! + s * (u * e[1] + v * north[1]),
      Math.cos(d) * c[2]! + s * (u * e[2] + v * north[2]),
    );
    ring.push(x, y);
  }
  ring.push(ring[0]!, ring[1]!);
  return { type: 'Polygon', rings: [ring] };
}

/**
 * The shape grown by `metres` (shrunk when negative: polygons shrink, points and lines vanish).
 * An empty result is `POLYGON EMPTY`.
 */
export function buffer(g: Geometry, metres: number): Geometry {
  if (isEmpty(g)) return EMPTY_POLYGON;
  if (g.type === 'Point') return metres > 0 ? circle(g.coords[0]!, g.coords[1]!, metres) : EMPTY_POLYGON;
  if (metres > 0.5 * Math.PI * EARTH_RADIUS_M)
    throw new GeographyError('a buffer wider than a quarter of the globe (10,000 km) is not a geography');
  const p = prepare(g);
  const proj = azimuthalEquidistant(p.cx, p.cy, p.cz);
  const out = BufferOp.bufferOp(
    toJsts(g, proj),
    metres,
    new BufferParameters(QUARTER_SEGMENTS),
  ) as JstsGeometry;
  return out.isEmpty() ? EMPTY_POLYGON : fromJsts(out, proj);
}

/** The union of shapes (empty ones ignored); undefined when there is none. */
export function union(shapes: readonly Geometry[]): Geometry | undefined {
  const present = shapes.filter((s) => !isEmpty(s));
  if (present.length === 0) return shapes.length ? { type: 'GeometryCollection', parts: [] } : undefined;
  // One shape is its own union (and keeps its coordinates exactly).
  if (present.length === 1 && present[0]!.type !== 'GeometryCollection') return present[0];
  const caps = present.map((s) => prepare(s));
  let x = 0;
  let y = 0;
  let z = 0;
  for (const c of caps) {
    x += c.cx;
    y += c.cy;
    z += c.cz;
  }
  const n = Math.hypot(x, y, z);
  if (n < 1e-9) throw new GeographyError('st_union_agg: the shapes surround the globe; union them in parts');
  [x, y, z] = [x / n, y / n, z / n];
  const limit = (80 * Math.PI) / 180;
  for (const c of caps) {
    const a = Math.acos(Math.max(-1, Math.min(1, c.cx * x + c.cy * y + c.cz * z)));
    if (a + c.reach > limit)
      throw new GeographyError(
        'st_union_agg: the shapes spread over more than 80° from their common centre; union them in parts (by region)',
      );
  }
  const proj = gnomonic(x, y, z);
  const merged = UnaryUnionOp.union(
    factory.createGeometryCollection(present.map((s) => toJsts(s, proj))),
  ) as JstsGeometry;
  return fromJsts(merged, proj);
}
