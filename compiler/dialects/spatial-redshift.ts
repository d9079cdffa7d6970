/**
 * The spatial pack on Amazon Redshift: geography is held as GEOMETRY with SRID 4326 in
 * longitude/latitude (https://docs.aws.amazon.com/redshift/latest/dg/geospatial-functions.html),
 * because Redshift's GEOGRAPHY measures on the spheroid and most functions take GEOMETRY only.
 *
 * - Distances: ST_DistanceSphere with the radius of DESIGN.md §1.8 (6,371,008.8 m), points only:
 *   another shape fails in Redshift.
 * - Predicates and centroid read edges as straight lines in longitude/latitude (a few metres for
 *   city-sized shapes).
 * - UNSUPPORTED: area and length (GEOMETRY measures in degrees, GEOGRAPHY on the spheroid), buffers
 *   (ST_Buffer's distance is in degrees), st_union_agg (no union aggregate), h3.polyfill
 *   (H3_Polyfill returns a SUPER array, which only PartiQL unnests, from a stored column).
 * - H3 (https://docs.aws.amazon.com/redshift/latest/dg/h3-functions.html): cells are BIGINT in
 *   Redshift, written as lower-case hex text with TO_HEX.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);
const RADIUS = '6371008.8';

function literalNumber(e: SqlExpr): number | undefined {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  return undefined;
}

function wrappedLon(lon: SqlExpr, w: SqlWriter): string {
  const known = literalNumber(lon);
  if (known !== undefined && known >= -180 && known <= 180) return w.expr(lon);
  const l = w.operand(lon);
  // MOD takes no DOUBLE PRECISION in PostgreSQL: FLOOR wraps the same on both.
  return `CASE WHEN ${l} BETWEEN -180 AND 180 THEN ${l} ELSE ${l} - 360 * FLOOR((${l} + 180) / 360) END`;
}

function point(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  if (lat.type.kind === 'null') return 'CAST(NULL AS GEOMETRY)';
  return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN ST_SetSRID(ST_Point(${wrappedLon(lon, w)}, ${w.expr(lat)}), 4326) END`;
}

function unsupported(what: string, why: string, hint: string): FunctionRenderer {
  return (_c, w) => w.unsupported(`${what} is not available on Redshift: ${why}`, hint);
}

const hex = (sql: string) => `LOWER(TO_HEX(${sql}))`;
const sphereDistance = (c: SqlExpr & { k: 'fn' }, w: SqlWriter) =>
  `ST_DistanceSphere(${x(c, 0, w)}, ${x(c, 1, w)}, ${RADIUS})`;

export const REDSHIFT_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => point(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => `ST_GeomFromText(${x(c, 0, w)}, 4326)`,
  st_geogfromgeojson: (c, w) => `ST_GeomFromGeoJSON(${x(c, 0, w)})`,
  st_x: (c, w) => `ST_X(${x(c, 0, w)})`,
  st_y: (c, w) => `ST_Y(${x(c, 0, w)})`,
  st_astext: (c, w) => `ST_AsText(${x(c, 0, w)})`,
  st_asgeojson: (c, w) => `ST_AsGeoJSON(${x(c, 0, w)})`,
  st_distance: sphereDistance,
  st_dwithin: (c, w) => `(${sphereDistance(c, w)} <= ${w.operand(c.args[2]!)})`,
  st_area: unsupported(
    'st_area()',
    'it measures GEOMETRY in squared degrees and GEOGRAPHY on the spheroid, not on the sphere of edgeflow’s meaning',
    'compute areas on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_length: unsupported(
    'st_length()',
    'it measures GEOMETRY in degrees and GEOGRAPHY on the spheroid, not on the sphere of edgeflow’s meaning',
    'compute lengths on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_buffer: unsupported(
    'st_buffer()',
    'ST_Buffer takes its distance in the unit of the coordinates (degrees), not metres',
    'buffer on DuckDB, PostgreSQL or BigQuery, or join with spatial.join predicate dwithin instead of buffering points',
  ),
  st_intersects: (c, w) => `ST_Intersects(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_contains: (c, w) => `ST_Covers(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_within: (c, w) => `ST_CoveredBy(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_centroid: (c, w) => `ST_Centroid(${x(c, 0, w)})`,
  st_union_agg: unsupported(
    'st_union_agg()',
    'Redshift has no union aggregate (ST_Union takes two shapes)',
    'union on DuckDB, PostgreSQL, BigQuery, Snowflake or Databricks',
  ),
  h3_from_point: (c, w) => {
    const [p, r] = c.args as [SqlExpr, SqlExpr];
    const res = `CAST(${w.expr(r)} AS INTEGER)`;
    if (p.k === 'fn' && p.name === 'st_point') {
      const [lon, lat] = p.args as [SqlExpr, SqlExpr];
      if (lat.type.kind === 'null') return 'CAST(NULL AS VARCHAR(65535))';
      return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN ${hex(`H3_FromLongLat(${wrappedLon(lon, w)}, ${w.expr(lat)}, ${res})`)} END`;
    }
    const g = w.expr(p);
    // ST_X fails for a shape that is not a point, and is null for an empty one.
    return hex(`H3_FromLongLat(ST_X(${g}), ST_Y(${g}), ${res})`);
  },
  h3_boundary: (c, w) => `ST_SetSRID(H3_Boundary(${x(c, 0, w)}), 4326)`,
  h3_center: (c, w) => `ST_SetSRID(H3_Center(${x(c, 0, w)}), 4326)`,
  h3_resolution: (c, w) => `H3_Resolution(${x(c, 0, w)})`,
  h3_parent: (c, w) => {
    const cell = x(c, 0, w);
    const r = w.operand(c.args[1]!);
    // H3_ToParent fails for a resolution finer than the cell's; the portable answer is null.
    return `CASE WHEN ${r} <= H3_Resolution(${cell}) THEN ${hex(`H3_ToParent(${cell}, ${r})`)} END`;
  },
  _ef_h3_polyfill: unsupported(
    'h3.polyfill',
    'H3_Polyfill takes single POLYGONs and returns a SUPER array, which Redshift unnests only from a stored column (PartiQL)',
    'polyfill on DuckDB, Snowflake or Databricks',
  ),
};

export const REDSHIFT_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {};
