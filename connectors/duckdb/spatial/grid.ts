/**
 * The prefilter of spatial joins on DuckDB: a grid of cells about `s` metres tall and wide, so a
 * join becomes an equi-join on cell ids (a hash join) followed by the exact predicate on the few
 * pairs that share a cell. The cost grows with the matches, not with the product of the inputs.
 *
 * Each left shape has one home cell (the cell of its cap's centre, `reach` metres from its
 * farthest point). Each right shape lists every cell that holds a point within `expand` metres of
 * its bounding box. With `expand` = the predicate's distance + the largest left reach, a left and
 * a right shape within that distance always meet in the left's home cell, exactly once.
 *
 * Bands of latitude `s` metres tall; a band has as many cells as fit `s` metres wide at its middle
 * latitude (one at the poles). A cell id is band × 2^26 + index in the band: an exact double.
 */
import type { Geometry } from './geometry.js';
import { EARTH_RADIUS_M, lonLat, prepare, ringSetHolds, type Prepared } from './sphere.js';

const DEG = Math.PI / 180;
const BAND_FACTOR = 2 ** 26;
/** The smallest cell (metres): ids stay below 2^51. */
export const MIN_CELL_METRES = 1;

interface Grid {
  /** Band height in degrees. */
  h: number;
  bands: number;
  cellsIn(band: number): number;
}

const grids = new Map<number, Grid>();

function gridOf(metres: number): Grid {
  const s = Math.max(MIN_CELL_METRES, metres);
  let g = grids.get(s);
  if (!g) {
    const h = s / (EARTH_RADIUS_M * DEG);
    const bands = Math.max(1, Math.ceil(180 / h));
    const counts = new Map<number, number>();
    g = {
      h,
      bands,
      cellsIn(band) {
        let n = counts.get(band);
        if (n === undefined) {
          const mid = Math.min(90, -90 + (band + 0.5) * h);
          n = Math.max(1, Math.floor((360 * Math.cos(mid * DEG)) / h));
          counts.set(band, n);
        }
        return n;
      },
    };
    if (grids.size > 64) grids.clear();
    grids.set(s, g);
  }
  return g;
}

function bandOf(g: Grid, lat: number): number {
  return Math.max(0, Math.min(g.bands - 1, Math.floor((lat + 90) / g.h)));
}

function indexIn(n: number, lon: number): number {
  const i = Math.floor(((lon + 180) / 360) * n);
  return ((i % n) + n) % n;
}

/** The cell of a position. */
export function cellOf(lon: number, lat: number, cellMetres: number): number {
  const g = gridOf(cellMetres);
  const band = bandOf(g, lat);
  return band * BAND_FACTOR + indexIn(g.cellsIn(band), lon);
}

/** The home position of a shape: its cap's centre. */
export function homeOf(p: Prepared): [number, number] {
  return lonLat(p.cx, p.cy, p.cz);
}

/** How far (metres) the farthest point of a shape is from its home position. */
export function reachOf(p: Prepared): number {
  return p.reach * EARTH_RADIUS_M;
}

export interface Box {
  south: number;
  north: number;
  /** West edge; east may exceed 180 when the box crosses the antimeridian. */
  west: number;
  east: number;
  /** All longitudes (a pole inside, or a ring around the globe). */
  allLongitudes: boolean;
}

/** The longitude/latitude box of a shape, great-circle arcs' bulges towards the poles included. */
export function boxOf(g: Geometry, p: Prepared = prepare(g)): Box {
  const lons: number[] = [];
  let south = 90;
  let north = -90;
  const visit = (c: number[]) => {
    for (let i = 0; i < c.length; i += 2) {
      lons.push(c[i]!);
      south = Math.min(south, c[i + 1]!);
      north = Math.max(north, c[i + 1]!);
    }
  };
  const each = (x: Geometry): void => {
    if (x.type === 'Point' || x.type === 'LineString') visit(x.coords);
    else if (x.type === 'Polygon') x.rings.forEach(visit);
    else x.parts.forEach(each);
  };
  each(g);
  for (const line of [...p.lines, ...p.polygons.flat()]) {
    for (let k = 0; k + 5 < line.length; k += 3) {
      const [lo, hi] = arcLatitudes(line, k, k + 3);
      south = Math.min(south, lo);
      north = Math.max(north, hi);
    }
  }
  let allLongitudes = false;
  for (const poly of p.polygons) {
    // A polygon around a pole holds every longitude near it.
    for (const pole of [90, -90]) {
      if (ringSetHolds(poly, 0, pole)) {
        allLongitudes = true;
        if (pole > 0) north = 90;
        else south = -90;
      }
    }
  }
  if (allLongitudes || lons.length === 0) return { south, north, west: -180, east: 180, allLongitudes: true };
  // The shortest arc of longitudes holding them all: the complement of the widest gap.
  lons.sort((a, b) => a - b);
  let gap = lons[0]! + 360 - lons[lons.length - 1]!;
  let west = lons[0]!;
  for (let i = 1; i < lons.length; i++) {
    const d = lons[i]! - lons[i - 1]!;
    if (d > gap) {
      gap = d;
      west = lons[i]!;
    }
  }
  const width = 360 - gap;
  return { south, north, west, east: west + width, allLongitudes: false };
}

/** The lowest and highest latitude (degrees) on the arc a→b. */
function arcLatitudes(r: Float64Array, a: number, b: number): [number, number] {
  const ax = r[a]!;
  const ay = r[a + 1]!;
  const az = r[a + 2]!;
  const bx = r[b]!;
  const by = r[b + 1]!;
  const bz = r[b + 2]!;
  const latA = Math.asin(Math.max(-1, Math.min(1, az))) / DEG;
  const latB = Math.asin(Math.max(-1, Math.min(1, bz))) / DEG;
  let lo = Math.min(latA, latB);
  let hi = Math.max(latA, latB);
  const nx = ay * bz - az * by;
  const ny = az * bx - ax * bz;
  const nz = ax * by - ay * bx;
  const nn = Math.hypot(nx, ny, nz);
  if (nn < 1e-15) return [lo, hi];
  for (const sign of [1, -1]) {
    // The highest (lowest) point of the great circle: the pole projected onto its plane.
    const k = (sign * nz) / nn;
    let tx = (-k * nx) / nn;
    let ty = (-k * ny) / nn;
    let tz = sign - (k * nz) / nn;
    const tn = Math.hypot(tx, ty, tz);
    if (tn < 1e-15) continue;
    tx /= tn;
    ty /= tn;
    tz /= tn;
    const inA = (ay * tz - az * ty) * nx + (az * tx - ax * tz) * ny + (ax * ty - ay * tx) * nz;
    const inB = (ty * bz - tz * by) * nx + (tz * bx - tx * bz) * ny + (tx * by - ty * bx) * nz;
    if (inA > 0 && inB > 0) {
      const lat = Math.asin(Math.max(-1, Math.min(1, tz))) / DEG;
      lo = Math.min(lo, lat);
      hi = Math.max(hi, lat);
    }
  }
  return [lo, hi];
}

/** Every cell holding a point within `expandMetres` of the box. */
export function coverCells(box: Box, cellMetres: number, expandMetres: number, out: number[] = []): number[] {
  const g = gridOf(cellMetres);
  const e = Math.max(0, expandMetres) / EARTH_RADIUS_M;
  const south = Math.max(-90, box.south - e / DEG);
  const north = Math.min(90, box.north + e / DEG);
  let west = box.west;
  let east = box.east;
  let all = box.allLongitudes || e >= Math.PI / 2;
  if (!all) {
    // Points within e of a point at latitude φ differ from it in longitude by at most asin(sin e / cos φ).
    const cosMax = Math.cos(Math.max(Math.abs(box.south), Math.abs(box.north)) * DEG);
    if (cosMax <= Math.sin(e)) all = true;
    else {
      const dl = Math.asin(Math.sin(e) / cosMax) / DEG;
      west -= dl;
      east += dl;
      if (east - west >= 360) all = true;
    }
  }
  for (let band = bandOf(g, south); band <= bandOf(g, north); band++) {
    const n = g.cellsIn(band);
    const base = band * BAND_FACTOR;
    const i0 = Math.floor(((west + 180) / 360) * n);
    const i1 = Math.floor(((east + 180) / 360) * n);
    if (all || i1 - i0 + 1 >= n) for (let i = 0; i < n; i++) out.push(base + i);
    else for (let i = i0; i <= i1; i++) out.push(base + (((i % n) + n) % n));
  }
  return out;
}
