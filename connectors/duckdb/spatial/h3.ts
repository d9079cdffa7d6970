/**
 * H3 cells for edgeflow's DuckDB functions, through h3-js (Uber's H3 compiled to WebAssembly).
 * Cells are lower-case hexadecimal text, as the other warehouses write them.
 *
 * Polyfill keeps the cells whose centre lies in the polygon on the sphere (great-circle edges):
 * H3's own polygonToCells reads edges as straight lines in longitude/latitude, so its candidates
 * (every cell overlapping the polygon) are filtered here with the exact containment of sphere.ts.
 */
import { createRequire } from 'node:module';
import type * as H3 from 'h3-js';
import { GeographyError, simpleParts, type Geometry } from './geometry.js';
import { EARTH_RADIUS_M, holdsPosition, lonLat, prepare, type Prepared } from './sphere.js';

/**
 * h3-js, loaded by the first call that needs it: its WebAssembly heap is ~9 MB of resident memory,
 * which every DuckDB connection would otherwise hold from the moment it opens (the daemon's idle
 * memory), workflow with H3 or not. Loaded with require (its CommonJS build) because the DuckDB
 * functions calling it are synchronous.
 */
let loaded: typeof H3 | undefined;
const h3 = (): typeof H3 => (loaded ??= createRequire(import.meta.url)('h3-js') as typeof H3);

/** Rings of cells searched around a polygon that holds a pole (about 3k² cells for k rings). */
const MAX_RINGS = 1_000;

/** Whether a shape's cap reaches a pole: H3's own polyfill reads such a polygon wrongly. */
function nearPole(p: Prepared): boolean {
  return Math.acos(Math.min(1, Math.abs(p.cz))) <= p.reach + 1e-9;
}

/**
 * The candidate cells of a polygon around a pole: every cell within the polygon's cap, from the
 * cell of its centre outwards (the caller keeps those whose centre is inside).
 */
function capCells(p: Prepared, res: number): string[] {
  const edge = h3().getHexagonEdgeLengthAvg(res, 'm');
  const rings = Math.ceil((p.reach * EARTH_RADIUS_M) / (1.5 * edge)) + 2;
  if (rings > MAX_RINGS)
    throw new GeographyError(
      `h3.polyfill: a polygon around a pole this large at resolution ${res} would need ${rings} rings of cells; use a coarser resolution`,
    );
  const [lon, lat] = lonLat(p.cx, p.cy, p.cz);
  return h3().gridDisk(h3().latLngToCell(lat, lon, res), rings);
}

export function checkResolution(res: number, fn: string): number {
  if (!Number.isInteger(res) || res < 0 || res > 15)
    throw new GeographyError(`${fn}: resolution ${res} is outside 0–15`);
  return res;
}

function checkCell(cell: string, fn: string): string {
  if (!h3().isValidCell(cell))
    throw new GeographyError(`${fn}: ${JSON.stringify(cell.slice(0, 40))} is not an H3 cell`);
  return cell;
}

export function cellOfLonLat(lon: number, lat: number, res: number): string {
  return h3().latLngToCell(lat, lon, res);
}

export function cellBoundary(cell: string): Geometry {
  const ring = h3().cellToBoundary(checkCell(cell, 'h3_boundary'), true).flat();
  return { type: 'Polygon', rings: [ring] };
}

export function cellCenter(cell: string): Geometry {
  const [lat, lng] = h3().cellToLatLng(checkCell(cell, 'h3_center'));
  return { type: 'Point', coords: [lng, lat] };
}

export function cellResolution(cell: string): number {
  return h3().getResolution(checkCell(cell, 'h3_resolution'));
}

/** The parent at `res`; null when res is finer than the cell's own resolution. */
export function cellParent(cell: string, res: number): string | null {
  checkCell(cell, 'h3_parent');
  checkResolution(res, 'h3_parent');
  return res > h3().getResolution(cell) ? null : h3().cellToParent(cell, res);
}

/** The cells at `res` whose centre lies in the shape's polygons (none for points and lines). */
export function polyfill(g: Geometry, res: number): string[] {
  checkResolution(res, 'h3.polyfill');
  const polygons = simpleParts(g).filter((p) => p.type === 'Polygon');
  if (polygons.length === 0) return [];
  const shape = prepare(g);
  const out = new Set<string>();
  for (const poly of polygons) {
    const part = prepare(poly);
    const candidates = nearPole(part)
      ? capCells(part, res)
      : h3().polygonToCellsExperimental(
          poly.rings.map((r) => {
            const ring: number[][] = [];
            for (let i = 0; i < r.length; i += 2) ring.push([r[i]!, r[i + 1]!]);
            return ring;
          }),
          res,
          h3().POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
          true,
        );
    for (const c of candidates) {
      if (out.has(c)) continue;
      const [lat, lng] = h3().cellToLatLng(c);
      if (holdsPosition(shape, lng, lat)) out.add(c);
    }
  }
  return [...out].sort();
}
