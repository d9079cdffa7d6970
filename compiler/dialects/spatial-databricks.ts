/**
 * The spatial pack on Databricks SQL (DBR 17.1+, not on Classic warehouses): geography is held as
 * GEOMETRY(4326) in longitude/latitude, because Databricks' predicates, centroid and union take
 * GEOMETRY only (https://docs.databricks.com/sql/language-manual/sql-ref-st-geospatial-functions).
 *
 * - Distances: st_distancesphere, on a sphere of the WGS84 mean radius (6,371,008.8 m, DESIGN.md
 *   §1.8's), takes points only: another shape fails with ST_INVALID_ARGUMENT.
 * - Predicates, centroid and union read edges as straight lines in longitude/latitude, not
 *   great-circle arcs: for city-sized shapes that moves a boundary by a few metres.
 * - Area and length: UNSUPPORTED. Databricks measures GEOMETRY in squared degrees and GEOGRAPHY
 *   on the WGS84 ellipsoid (up to ~0.5% from the sphere). Buffers: UNSUPPORTED, st_buffer takes a
 *   distance in the coordinates' unit (degrees).
 * - H3 (https://docs.databricks.com/sql/language-manual/sql-ref-h3-geospatial-functions): cells as
 *   lower-case hex STRING, natively.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);
const NULL_GEOGRAPHY = 'CAST(NULL AS GEOMETRY(4326))';

function literalNumber(e: SqlExpr): number | undefined {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  return undefined;
}

/** A longitude outside [-180, 180] wrapped around (pmod keeps the sign of the divisor). */
function wrappedLon(lon: SqlExpr, w: SqlWriter): string {
  const known = literalNumber(lon);
  if (known !== undefined && known >= -180 && known <= 180) return w.expr(lon);
  const l = w.operand(lon);
  return `CASE WHEN ${l} BETWEEN -180 AND 180 THEN ${l} ELSE pmod(${l} + 180, 360) - 180 END`;
}

/** null for a latitude outside [-90, 90]. */
function point(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  if (lat.type.kind === 'null') return NULL_GEOGRAPHY;
  return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN st_point(${wrappedLon(lon, w)}, ${w.expr(lat)}, 4326) END`;
}

function unsupported(what: string, why: string, hint: string): FunctionRenderer {
  return (_c, w) => w.unsupported(`${what} is not available on Databricks: ${why}`, hint);
}

const sphereDistance = (c: SqlExpr & { k: 'fn' }, w: SqlWriter) =>
  `st_distancesphere(${x(c, 0, w)}, ${x(c, 1, w)})`;

export const DATABRICKS_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => point(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => `st_geomfromtext(${x(c, 0, w)}, 4326)`,
  st_geogfromgeojson: (c, w) => `st_geomfromgeojson(${x(c, 0, w)})`,
  st_x: (c, w) => `st_x(${x(c, 0, w)})`,
  st_y: (c, w) => `st_y(${x(c, 0, w)})`,
  st_astext: (c, w) => `st_astext(${x(c, 0, w)})`,
  st_asgeojson: (c, w) => `st_asgeojson(${x(c, 0, w)})`,
  st_distance: sphereDistance,
  st_dwithin: (c, w) => `(${sphereDistance(c, w)} <= ${w.operand(c.args[2]!)})`,
  st_area: unsupported(
    'st_area()',
    'it measures GEOMETRY in squared degrees and GEOGRAPHY on the WGS84 ellipsoid, not on the sphere of edgeflow’s meaning',
    'compute areas on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_length: unsupported(
    'st_length()',
    'it measures GEOMETRY in degrees and GEOGRAPHY on the WGS84 ellipsoid, not on the sphere of edgeflow’s meaning',
    'compute lengths on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_buffer: unsupported(
    'st_buffer()',
    'st_buffer takes its distance in the unit of the coordinates (degrees), not metres',
    'buffer on DuckDB, PostgreSQL or BigQuery, or join with spatial.join predicate dwithin instead of buffering points',
  ),
  st_intersects: (c, w) => `st_intersects(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_contains: (c, w) => `st_covers(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_within: (c, w) => `st_covers(${x(c, 1, w)}, ${x(c, 0, w)})`,
  st_centroid: (c, w) => `st_centroid(${x(c, 0, w)})`,
  st_union_agg: (c, w) => `st_union_agg(${x(c, 0, w)})`,
  h3_from_point: (c, w) => {
    const [p, r] = c.args as [SqlExpr, SqlExpr];
    if (p.k === 'fn' && p.name === 'st_point') {
      const [lon, lat] = p.args as [SqlExpr, SqlExpr];
      if (lat.type.kind === 'null') return 'CAST(NULL AS STRING)';
      return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN h3_longlatash3string(${wrappedLon(lon, w)}, ${w.expr(lat)}, ${w.expr(r)}) END`;
    }
    const g = w.expr(p);
    // st_x fails for a shape that is not a point, and is null for an empty one.
    return `h3_longlatash3string(st_x(${g}), st_y(${g}), ${w.expr(r)})`;
  },
  h3_boundary: (c, w) => `st_geomfromwkb(h3_boundaryaswkb(${x(c, 0, w)}), 4326)`,
  h3_center: (c, w) => `st_geomfromwkb(h3_centeraswkb(${x(c, 0, w)}), 4326)`,
  h3_resolution: (c, w) => `h3_resolution(${x(c, 0, w)})`,
  h3_parent: (c, w) => {
    const cell = x(c, 0, w);
    const r = w.operand(c.args[1]!);
    // h3_toparent fails for a resolution finer than the cell's; the portable answer is null.
    return `CASE WHEN ${r} <= h3_resolution(${cell}) THEN h3_toparent(${cell}, ${r}) END`;
  },
  // For h3.polyfill: the cells whose centre lies in the polygon (edges straight in lon/lat).
  _ef_h3_polyfill: (c, w) => `h3_polyfillash3string(st_asbinary(${x(c, 0, w)}), ${x(c, 1, w)})`,
};

export const DATABRICKS_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, _over, w) =>
    w.unsupported(
      'st_union_agg() over a window is not available on Databricks (documented as an aggregate only)',
      'union with an aggregate node and join the result back',
    ),
};
