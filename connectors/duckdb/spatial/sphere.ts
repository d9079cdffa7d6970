/**
 * Measures and predicates on the sphere of DESIGN.md §1.8 (radius 6,371,008.8 m), written here
 * because the libraries assume another radius (turf: 6,378,137 m) or a plane (JSTS). Positions are
 * unit vectors; edges are great-circle arcs (the shorter one), as in BigQuery, Snowflake and
 * PostGIS's geography. Shapes whose edges are longer than a hemisphere are not geographies.
 *
 * Touching is decided with a tolerance of TOUCH_RADIANS (about 6 mm): a point that close to a line
 * or a boundary intersects it. Containment counts the boundary as inside (ST_Covers).
 */
import { isEmpty, simpleParts, type Coords, type Geometry } from './geometry.js';

export const EARTH_RADIUS_M = 6_371_008.8;
export const TOUCH_RADIANS = 1e-9;
const DEG = Math.PI / 180;

/** A geography as unit vectors: standalone points, polylines, polygons (shell, then holes). */
export interface Prepared {
  points: Float64Array;
  lines: Float64Array[];
  polygons: Float64Array[][];
  empty: boolean;
  /** The centre of a cap holding the whole shape, and the cap's angular radius. */
  cx: number;
  cy: number;
  cz: number;
  reach: number;
}

export function xyz(lon: number, lat: number, out: Float64Array, at: number): void {
  const phi = lat * DEG;
  const lambda = lon * DEG;
  const c = Math.cos(phi);
  out[at] = c * Math.cos(lambda);
  out[at + 1] = c * Math.sin(lambda);
  out[at + 2] = Math.sin(phi);
}

function vectors(c: Coords, dropClosing = false): Float64Array {
  const n = c.length / 2 - (dropClosing ? 1 : 0);
  const out = new Float64Array(Math.max(0, n) * 3);
  for (let i = 0; i < n; i++) xyz(c[2 * i]!, c[2 * i + 1]!, out, 3 * i);
  return out;
}

/** lon/lat (degrees) of a unit vector; longitude 0 at the poles. */
export function lonLat(x: number, y: number, z: number): [number, number] {
  const lat = Math.atan2(z, Math.hypot(x, y)) / DEG;
  const lon = Math.abs(lat) >= 90 - 1e-12 ? 0 : Math.atan2(y, x) / DEG;
  return [lon, lat];
}

export function prepare(g: Geometry): Prepared {
  const pts: number[] = [];
  const lines: Float64Array[] = [];
  const polygons: Float64Array[][] = [];
  for (const p of simpleParts(g)) {
    if (p.type === 'Point') pts.push(...p.coords);
    else if (p.type === 'LineString') lines.push(vectors(p.coords));
    else polygons.push(p.rings.map((r) => vectors(r)));
  }
  const prepared: Prepared = {
    points: vectors(pts),
    lines,
    polygons,
    empty: isEmpty(g),
    cx: 0,
    cy: 0,
    cz: 1,
    reach: 0,
  };
  boundingCap(prepared);
  return prepared;
}

function eachVertex(p: Prepared, f: (v: Float64Array, i: number) => void) {
  for (let i = 0; i < p.points.length; i += 3) f(p.points, i);
  for (const l of p.lines) for (let i = 0; i < l.length; i += 3) f(l, i);
  for (const poly of p.polygons) for (const r of poly) for (let i = 0; i < r.length - 3; i += 3) f(r, i);
}

function boundingCap(p: Prepared) {
  if (p.empty) return;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let first: [number, number, number] | undefined;
  eachVertex(p, (v, i) => {
    sx += v[i]!;
    sy += v[i + 1]!;
    sz += v[i + 2]!;
    first ??= [v[i]!, v[i + 1]!, v[i + 2]!];
  });
  const n = Math.hypot(sx, sy, sz);
  [p.cx, p.cy, p.cz] = n > 1e-9 ? [sx / n, sy / n, sz / n] : first!;
  let reach = 0;
  eachVertex(p, (v, i) => {
    reach = Math.max(reach, angleTo(v, i, p.cx, p.cy, p.cz));
  });
  // A polygon can hold points farther than its vertices only when it holds the far side.
  if (p.polygons.length && reach > 0.3) {
    const anti = new Float64Array([-p.cx, -p.cy, -p.cz]);
    if (p.polygons.some((poly) => polygonHolds(poly, anti, 0) !== 'outside')) reach = Math.PI;
  }
  p.reach = reach;
}

function angleTo(v: Float64Array, i: number, x: number, y: number, z: number): number {
  const ax = v[i]!;
  const ay = v[i + 1]!;
  const az = v[i + 2]!;
  const cx = ay * z - az * y;
  const cy = az * x - ax * z;
  const cz = ax * y - ay * x;
  return Math.atan2(Math.hypot(cx, cy, cz), ax * x + ay * y + az * z);
}

/** The angle between positions i of a and j of b (radians). */
function angle(a: Float64Array, i: number, b: Float64Array, j: number): number {
  return angleTo(a, i, b[j]!, b[j + 1]!, b[j + 2]!);
}

/** Great-circle distance of two lon/lat positions in metres (the haversine formula). */
export function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dphi = (lat2 - lat1) * DEG;
  const dl = (lon2 - lon1) * DEG;
  const s = Math.sin(dphi / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** The angular distance from position i of p to the arc from position a to position b of r. */
function arcDistance(p: Float64Array, i: number, r: Float64Array, a: number, b: number): number {
  const px = p[i]!;
  const py = p[i + 1]!;
  const pz = p[i + 2]!;
  const ax = r[a]!;
  const ay = r[a + 1]!;
  const az = r[a + 2]!;
  const bx = r[b]!;
  const by = r[b + 1]!;
  const bz = r[b + 2]!;
  let nx = ay * bz - az * by;
  let ny = az * bx - ax * bz;
  let nz = ax * by - ay * bx;
  const nn = Math.hypot(nx, ny, nz);
  if (nn > 1e-15) {
    nx /= nn;
    ny /= nn;
    nz /= nn;
    const s = px * nx + py * ny + pz * nz;
    // p's projection on the arc's great circle, and whether it lies between a and b.
    const qx = px - s * nx;
    const qy = py - s * ny;
    const qz = pz - s * nz;
    const inA = (ay * qz - az * qy) * nx + (az * qx - ax * qz) * ny + (ax * qy - ay * qx) * nz;
    const inB = (qy * bz - qz * by) * nx + (qz * bx - qx * bz) * ny + (qx * by - qy * bx) * nz;
    if (inA >= 0 && inB >= 0) return Math.atan2(Math.abs(s), Math.hypot(qx, qy, qz));
  }
  return Math.min(angle(p, i, r, a), angle(p, i, r, b));
}

/** Whether the arcs a→b (of r) and c→d (of s) cross at a point inside both. */
function arcsCross(r: Float64Array, a: number, b: number, s: Float64Array, c: number, d: number): boolean {
  const ax = r[a]!;
  const ay = r[a + 1]!;
  const az = r[a + 2]!;
  const bx = r[b]!;
  const by = r[b + 1]!;
  const bz = r[b + 2]!;
  const cx = s[c]!;
  const cy = s[c + 1]!;
  const cz = s[c + 2]!;
  const dx = s[d]!;
  const dy = s[d + 1]!;
  const dz = s[d + 2]!;
  const n1x = ay * bz - az * by;
  const n1y = az * bx - ax * bz;
  const n1z = ax * by - ay * bx;
  const sc = n1x * cx + n1y * cy + n1z * cz;
  const sd = n1x * dx + n1y * dy + n1z * dz;
  if (!((sc > 0 && sd < 0) || (sc < 0 && sd > 0))) return false;
  const n2x = cy * dz - cz * dy;
  const n2y = cz * dx - cx * dz;
  const n2z = cx * dy - cy * dx;
  const sa = n2x * ax + n2y * ay + n2z * az;
  const sb = n2x * bx + n2y * by + n2z * bz;
  if (!((sa > 0 && sb < 0) || (sa < 0 && sb > 0))) return false;
  // The two great circles meet at ±X: the crossing is real when X (or -X) lies on both arcs,
  // which for arcs shorter than a half circle means both arcs lie on X's side.
  let xx = n1y * n2z - n1z * n2y;
  let xy = n1z * n2x - n1x * n2z;
  let xz = n1x * n2y - n1y * n2x;
  if (xx * (ax + bx) + xy * (ay + by) + xz * (az + bz) < 0) {
    xx = -xx;
    xy = -xy;
    xz = -xz;
  }
  return xx * (cx + dx) + xy * (cy + dy) + xz * (cz + dz) > 0;
}

/** Each arc of a polyline or ring (consecutive positions). */
function arcCount(r: Float64Array): number {
  return Math.max(0, r.length / 3 - 1);
}

/** The distance from position i of p to a polyline or ring's arcs (Infinity when it has none). */
function distanceToLine(p: Float64Array, i: number, line: Float64Array): number {
  let best = Infinity;
  const n = arcCount(line);
  if (n === 0 && line.length >= 3) return angle(p, i, line, 0);
  for (let k = 0; k < n; k++) best = Math.min(best, arcDistance(p, i, line, 3 * k, 3 * k + 3));
  return best;
}

type Where = 'inside' | 'boundary' | 'outside';

/**
 * Whether position i of p is strictly inside a closed ring (the smaller of the two regions it
 * bounds). Exact for great-circle edges: in the gnomonic projection centred on p great circles
 * are straight lines, so a planar crossing test decides when the ring lies within p's
 * hemisphere; otherwise the winding number around p, with the ring's signed area telling which
 * side is the smaller one.
 */
function ringHolds(ring: Float64Array, p: Float64Array, i: number): boolean {
  const px = p[i]!;
  const py = p[i + 1]!;
  const pz = p[i + 2]!;
  // A tangent basis at p.
  let e1x: number;
  let e1y: number;
  let e1z: number;
  if (Math.abs(pz) < 0.9) {
    // k × p
    e1x = -py;
    e1y = px;
    e1z = 0;
  } else {
    // i × p
    e1x = 0;
    e1y = -pz;
    e1z = py;
  }
  const e1n = Math.hypot(e1x, e1y, e1z);
  e1x /= e1n;
  e1y /= e1n;
  e1z /= e1n;
  const e2x = py * e1z - pz * e1y;
  const e2y = pz * e1x - px * e1z;
  const e2z = px * e1y - py * e1x;
  const n = ring.length / 3;
  let inside = false;
  let pu = 0;
  let pv = 0;
  for (let k = 0; k < n; k++) {
    const vx = ring[3 * k]!;
    const vy = ring[3 * k + 1]!;
    const vz = ring[3 * k + 2]!;
    const w = vx * px + vy * py + vz * pz;
    if (w <= 1e-9) return windingHolds(ring, p, i);
    const u = (vx * e1x + vy * e1y + vz * e1z) / w;
    const v = (vx * e2x + vy * e2y + vz * e2z) / w;
    if (k > 0 && pv > 0 !== v > 0) {
      // Where the edge crosses the u axis (v = 0).
      const uAt = pu + ((0 - pv) * (u - pu)) / (v - pv);
      if (uAt > 0) inside = !inside;
    }
    pu = u;
    pv = v;
  }
  return inside;
}

function windingHolds(ring: Float64Array, p: Float64Array, i: number): boolean {
  const px = p[i]!;
  const py = p[i + 1]!;
  const pz = p[i + 2]!;
  const n = ring.length / 3;
  let winding = 0;
  for (let k = 0; k + 1 < n; k++) {
    const a = 3 * k;
    const b = a + 3;
    const ax = ring[a]!;
    const ay = ring[a + 1]!;
    const az = ring[a + 2]!;
    const bx = ring[b]!;
    const by = ring[b + 1]!;
    const bz = ring[b + 2]!;
    const triple = px * (ay * bz - az * by) + py * (az * bx - ax * bz) + pz * (ax * by - ay * bx);
    const pa = px * ax + py * ay + pz * az;
    const pb = px * bx + py * by + pz * bz;
    winding += Math.atan2(triple, ax * bx + ay * by + az * bz - pa * pb);
  }
  if (Math.abs(winding) < Math.PI) return false;
  // The ring separates p from its antipode: p is inside when it is on the smaller side, which
  // is the side the ring turns around (left) when its signed area is positive.
  const area = signedRingExcess(ring);
  return winding > 0 === area > 0;
}

/**
 * The signed area of a closed ring's smaller side on the unit sphere: positive when that side is
 * on the left (the ring runs counter-clockwise around it). The fan of triangles gives the left
 * side's area modulo 4π; folded into (-2π, 2π], a negative value is the right side's, negated.
 */
function signedRingExcess(ring: Float64Array): number {
  const n = ring.length / 3 - 1;
  let sum = 0;
  for (let k = 1; k + 1 < n; k++) sum += triangleExcess(ring, 0, 3 * k, 3 * k + 3);
  const folded = (((sum + 2 * Math.PI) % (4 * Math.PI)) + 4 * Math.PI) % (4 * Math.PI);
  return folded - 2 * Math.PI === -2 * Math.PI ? 2 * Math.PI : folded - 2 * Math.PI;
}

/** The signed excess (area on the unit sphere) of the triangle a, b, c (Van Oosterom & Strackee). */
function triangleExcess(r: Float64Array, a: number, b: number, c: number): number {
  const ax = r[a]!;
  const ay = r[a + 1]!;
  const az = r[a + 2]!;
  const bx = r[b]!;
  const by = r[b + 1]!;
  const bz = r[b + 2]!;
  const cx = r[c]!;
  const cy = r[c + 1]!;
  const cz = r[c + 2]!;
  const triple = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
  const denominator =
    1 + ax * bx + ay * by + az * bz + bx * cx + by * cy + bz * cz + cx * ax + cy * ay + cz * az;
  return 2 * Math.atan2(triple, denominator);
}

/** The area of a ring's smaller side on the unit sphere. */
function ringArea(ring: Float64Array): number {
  return Math.abs(signedRingExcess(ring));
}

/** Where position i of p is relative to a polygon (shell and holes), boundary within the tolerance. */
function polygonHolds(poly: Float64Array[], p: Float64Array, i: number, tolerance = TOUCH_RADIANS): Where {
  const [shell, ...holes] = poly;
  if (!shell) return 'outside';
  if (distanceToLine(p, i, shell) <= tolerance) return 'boundary';
  if (!ringHolds(shell, p, i)) return 'outside';
  for (const h of holes) {
    if (distanceToLine(p, i, h) <= tolerance) return 'boundary';
    if (ringHolds(h, p, i)) return 'outside';
  }
  return 'inside';
}

function capsApart(a: Prepared, b: Prepared, margin: number): boolean {
  const d = Math.acos(Math.max(-1, Math.min(1, a.cx * b.cx + a.cy * b.cy + a.cz * b.cz)));
  return d - a.reach - b.reach > margin + 1e-12;
}

/** Whether position i of p touches b (within the tolerance) or lies inside one of its polygons. */
function positionTouches(p: Float64Array, i: number, b: Prepared): boolean {
  for (let j = 0; j < b.points.length; j += 3) if (angle(p, i, b.points, j) <= TOUCH_RADIANS) return true;
  for (const l of b.lines) if (distanceToLine(p, i, l) <= TOUCH_RADIANS) return true;
  for (const poly of b.polygons) if (polygonHolds(poly, p, i) !== 'outside') return true;
  return false;
}

const onlyPoints = (p: Prepared) => p.lines.length === 0 && p.polygons.length === 0;

function allArcs(p: Prepared): Float64Array[] {
  return [...p.lines, ...p.polygons.flat()];
}

function linesCrossOrTouch(x: Float64Array, y: Float64Array): boolean {
  const nx = arcCount(x);
  const ny = arcCount(y);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) if (arcsCross(x, 3 * i, 3 * i + 3, y, 3 * j, 3 * j + 3)) return true;
  // Touching: an end of one arc on the other.
  for (let i = 0; i < x.length; i += 3) if (distanceToLine(x, i, y) <= TOUCH_RADIANS) return true;
  for (let j = 0; j < y.length; j += 3) if (distanceToLine(y, j, x) <= TOUCH_RADIANS) return true;
  return false;
}

export function intersects(a: Prepared, b: Prepared): boolean {
  if (a.empty || b.empty || capsApart(a, b, TOUCH_RADIANS)) return false;
  for (let i = 0; i < a.points.length; i += 3) if (positionTouches(a.points, i, b)) return true;
  for (let i = 0; i < b.points.length; i += 3) if (positionTouches(b.points, i, a)) return true;
  const arcsA = allArcs(a);
  const arcsB = allArcs(b);
  for (const x of arcsA) for (const y of arcsB) if (linesCrossOrTouch(x, y)) return true;
  // No boundary meets: a line or ring is then wholly inside or wholly outside each polygon.
  for (const x of arcsA)
    for (const poly of b.polygons) if (polygonHolds(poly, x, 0) !== 'outside') return true;
  for (const y of arcsB)
    for (const poly of a.polygons) if (polygonHolds(poly, y, 0) !== 'outside') return true;
  return false;
}

/** Whether every point of b is in a (its boundary included): ST_Covers. */
export function covers(a: Prepared, b: Prepared): boolean {
  if (a.empty || b.empty || capsApart(a, b, TOUCH_RADIANS)) return false;
  const near = (p: Float64Array, i: number) => positionTouches(p, i, a);
  for (let i = 0; i < b.points.length; i += 3) if (!near(b.points, i)) return false;
  const arcsB = allArcs(b);
  if (a.polygons.length === 0) {
    if (b.polygons.length) return false;
    // Lines within lines: every vertex and every arc's middle on a's lines or points.
    for (const l of b.lines) {
      for (let i = 0; i < l.length; i += 3) if (!near(l, i)) return false;
      for (let k = 0; k < arcCount(l); k++) {
        const mid = midpoint(l, 3 * k, 3 * k + 3);
        if (!near(mid, 0)) return false;
      }
    }
    return true;
  }
  for (const r of arcsB) {
    for (let i = 0; i < r.length; i += 3)
      if (!a.polygons.some((poly) => polygonHolds(poly, r, i) !== 'outside')) return false;
    // An arc of b that crosses a's boundary leaves a.
    for (const poly of a.polygons)
      for (const ring of poly)
        for (let k = 0; k < arcCount(r); k++)
          for (let j = 0; j < arcCount(ring); j++)
            if (arcsCross(r, 3 * k, 3 * k + 3, ring, 3 * j, 3 * j + 3)) return false;
  }
  // A hole of a inside a polygon of b is a part of b that a lacks.
  for (const poly of a.polygons)
    for (const hole of poly.slice(1))
      for (const bp of b.polygons) if (polygonHolds(bp, hole, 0, -1) === 'inside') return false;
  return true;
}

function midpoint(r: Float64Array, a: number, b: number): Float64Array {
  const x = r[a]! + r[b]!;
  const y = r[a + 1]! + r[b + 1]!;
  const z = r[a + 2]! + r[b + 2]!;
  const n = Math.hypot(x, y, z) || 1;
  return new Float64Array([x / n, y / n, z / n]);
}

/**
 * The angular distance between two shapes (0 when they intersect); NaN when either is empty.
 * `beyond`: Infinity when the shapes are surely farther apart than this (a quick test of their
 * caps). `atMost`: stop as soon as some distance at or below it is found (st_dwithin's answer
 * is then right, the distance itself an upper bound).
 */
export function distance(a: Prepared, b: Prepared, opts: { beyond?: number; atMost?: number } = {}): number {
  if (a.empty || b.empty) return NaN;
  if (opts.beyond !== undefined && capsApart(a, b, opts.beyond)) return Infinity;
  if (onlyPoints(a) && onlyPoints(b)) {
    let d = Infinity;
    for (let i = 0; i < a.points.length; i += 3)
      for (let j = 0; j < b.points.length; j += 3) d = Math.min(d, angle(a.points, i, b.points, j));
    return d;
  }
  if (intersects(a, b)) return 0;
  let best = Infinity;
  const atMost = opts.atMost ?? -1;
  const done = () => best <= atMost;
  const pointsTo = (x: Prepared, y: Prepared) => {
    for (let i = 0; i < x.points.length && !done(); i += 3) {
      for (let j = 0; j < y.points.length; j += 3) best = Math.min(best, angle(x.points, i, y.points, j));
      for (const l of allArcs(y)) best = Math.min(best, distanceToLine(x.points, i, l));
    }
  };
  pointsTo(a, b);
  pointsTo(b, a);
  // Neither contains nor crosses the other: the closest pair involves an end of an arc.
  for (const x of allArcs(a)) {
    if (done()) break;
    for (let j = 0; j < b.points.length; j += 3) best = Math.min(best, distanceToLine(b.points, j, x));
    for (const y of allArcs(b)) {
      for (let i = 0; i < x.length; i += 3) best = Math.min(best, distanceToLine(x, i, y));
      for (let j = 0; j < y.length; j += 3) best = Math.min(best, distanceToLine(y, j, x));
    }
  }
  return best;
}

/** Area in square metres (points and lines have none). */
export function area(p: Prepared): number {
  let sum = 0;
  for (const poly of p.polygons) {
    const [shell, ...holes] = poly;
    if (!shell) continue;
    sum += ringArea(shell) - holes.reduce((s, h) => s + ringArea(h), 0);
  }
  return Math.max(0, sum) * EARTH_RADIUS_M * EARTH_RADIUS_M;
}

/** Length of the lines in metres (a polygon's perimeter is not its length, as in PostGIS and BigQuery). */
export function length(p: Prepared): number {
  let sum = 0;
  for (const l of p.lines) for (let k = 0; k < arcCount(l); k++) sum += angle(l, 3 * k, l, 3 * k + 3);
  return sum * EARTH_RADIUS_M;
}

/**
 * The centroid on the sphere of the shape's highest dimension (as ST_Centroid(geography)): the
 * normalised mean of points, the length-weighted mean of arc midpoints, or the area-weighted mean
 * of triangle centres (holes subtracting). Undefined for an empty shape.
 */
export function centroid(p: Prepared): [number, number] | undefined {
  if (p.empty) return undefined;
  let x = 0;
  let y = 0;
  let z = 0;
  const add = (v: Float64Array, i: number, w: number) => {
    x += v[i]! * w;
    y += v[i + 1]! * w;
    z += v[i + 2]! * w;
  };
  if (p.polygons.length) {
    for (const poly of p.polygons)
      poly.forEach((ring, r) => {
        const n = ring.length / 3 - 1;
        const sign = r === 0 ? 1 : -1;
        const orient = Math.sign(signedRingExcess(ring)) || 1;
        for (let k = 1; k + 1 < n; k++) {
          const w = sign * orient * triangleExcess(ring, 0, 3 * k, 3 * k + 3);
          add(ring, 0, w);
          add(ring, 3 * k, w);
          add(ring, 3 * k + 3, w);
        }
      });
  } else if (p.lines.some((l) => arcCount(l) > 0)) {
    for (const l of p.lines)
      for (let k = 0; k < arcCount(l); k++) {
        const w = angle(l, 3 * k, l, 3 * k + 3);
        const m = midpoint(l, 3 * k, 3 * k + 3);
        add(m, 0, w);
      }
  } else {
    for (let i = 0; i < p.points.length; i += 3) add(p.points, i, 1);
    for (const l of p.lines) for (let i = 0; i < l.length; i += 3) add(l, i, 1);
  }
  const n = Math.hypot(x, y, z);
  if (n < 1e-15) return [lonLat(p.cx, p.cy, p.cz)[0], lonLat(p.cx, p.cy, p.cz)[1]];
  return lonLat(x / n, y / n, z / n);
}

/** Whether a lon/lat position is in (or on) a polygon given as prepared rings (shell, then holes). */
export function ringSetHolds(poly: Float64Array[], lon: number, lat: number): boolean {
  const v = new Float64Array(3);
  xyz(lon, lat, v, 0);
  return polygonHolds(poly, v, 0) !== 'outside';
}

/** Whether a lon/lat position is in (or on) one of a shape's polygons (H3 polyfill's centres). */
export function holdsPosition(p: Prepared, lon: number, lat: number): boolean {
  const v = new Float64Array(3);
  xyz(lon, lat, v, 0);
  return p.polygons.some((poly) => polygonHolds(poly, v, 0) !== 'outside');
}
