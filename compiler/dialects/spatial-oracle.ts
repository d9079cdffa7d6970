/**
 * The spatial pack on Oracle: Oracle Spatial's SDO_GEOMETRY with the geodetic SRID 4326 (WGS84
 * longitude/latitude), measured with SDO_GEOM's functions in metres (`unit=M`), which need no
 * spatial index (the SDO_RELATE / SDO_WITHIN_DISTANCE operators need one on their first column,
 * which an intermediate result never has). https://docs.oracle.com/en/database/oracle/oracle-database/19/spatl/
 *
 * A stated difference: Oracle measures a geodetic SRID on the WGS84 ellipsoid, not on the
 * 6,371,008.8 m sphere of DESIGN.md §1.8. Distances between two points built with st_point are
 * written as the haversine formula, so they are the sphere's exactly; other distances, areas and
 * lengths are the ellipsoid's (within about 0.6% of the sphere's). H3 is UNSUPPORTED: Oracle 19c
 * has no H3 functions.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

/** Tolerance in metres for geodetic SDO_GEOM calls (Oracle recommends 0.05 m or more). */
const TOL = '0.05';
const RADIUS = '6371008.8';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);

/** A point (one vertex). SQL can call no member method (GET_GTYPE) on an expression without an alias. */
const onePoint = (g: string) => `SDO_UTIL.GETNUMVERTICES(${g}) = 1`;

/** The value of a number literal (`3.7`, or `-3.7` parsed as a negation). */
function literalNumber(e: SqlExpr): number | undefined {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  return undefined;
}

/** The longitude, wrapped into [-180, 180]. */
function longitude(lon: SqlExpr, w: SqlWriter): string {
  const l = w.operand(lon);
  const known = literalNumber(lon);
  return known !== undefined && known >= -180 && known <= 180
    ? w.expr(lon)
    : `CASE WHEN ${l} BETWEEN -180 AND 180 THEN ${l} ELSE MOD(MOD(${l} + 180, 360) + 360, 360) - 180 END`;
}

/** null for a latitude outside [-90, 90]; a longitude outside [-180, 180] wrapped around. */
function point(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  if (lat.type.kind === 'null') return 'CAST(NULL AS SDO_GEOMETRY)';
  return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN SDO_GEOMETRY(2001, 4326, SDO_POINT_TYPE(${longitude(lon, w)}, ${w.expr(lat)}, NULL), NULL, NULL) END`;
}

const isPoint = (e: SqlExpr): e is SqlExpr & { k: 'fn' } => e.k === 'fn' && e.name === 'st_point';

/** The haversine distance in metres on the 6,371,008.8 m sphere between two st_point calls. */
function haversine(a: SqlExpr & { k: 'fn' }, b: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
  const rad = (e: SqlExpr) => `(${w.operand(e)} * ACOS(-1) / 180)`;
  const [lon1, lat1] = [a.args[0]!, a.args[1]!];
  const [lon2, lat2] = [b.args[0]!, b.args[1]!];
  const valid = [lat1, lat2].map((l) => `${w.wrap(l, 5)} BETWEEN -90 AND 90`).join(' AND ');
  const h = `POWER(SIN((${rad(lat2)} - ${rad(lat1)}) / 2), 2) + COS(${rad(lat1)}) * COS(${rad(lat2)}) * POWER(SIN((${rad(lon2)} - ${rad(lon1)}) / 2), 2)`;
  return `CASE WHEN ${valid} THEN 2 * ${RADIUS} * ASIN(LEAST(1, SQRT(${h}))) END`;
}

function distance(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
  const [a, b] = c.args as [SqlExpr, SqlExpr];
  if (isPoint(a) && isPoint(b)) return haversine(a, b, w);
  return `SDO_GEOM.SDO_DISTANCE(${w.expr(a)}, ${w.expr(b)}, ${TOL}, 'unit=M')`;
}

/** a covers b: CONTAINS, COVERS or EQUAL; a point on the boundary (Oracle: TOUCH) counts too. */
function covers(a: string, b: string): string {
  return `CASE WHEN ${onePoint(b)} THEN SDO_GEOM.RELATE(${a}, 'ANYINTERACT', ${b}, ${TOL}) ELSE SDO_GEOM.RELATE(${a}, 'CONTAINS+COVERS+EQUAL', ${b}, ${TOL}) END <> 'FALSE'`;
}

/** What would make H3 work on Oracle. */
function noH3(name: string): FunctionRenderer {
  return (_c, w) =>
    w.unsupported(
      `${name} is not available: Oracle 19c has no H3 functions`,
      'compute H3 cells on DuckDB (edgeflow compile --dialect duckdb) and load them as a column, or join to a table of cells',
    );
}

/** Predicates (conditions, not values) in Oracle SQL: the writer makes them 1/0 where a value is needed. */
export const ORACLE_PREDICATES = ['st_intersects', 'st_contains', 'st_within', 'st_dwithin'] as const;

export const ORACLE_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => point(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => {
    const t = c.args[0]!;
    // SDO_GEOMETRY(wkt, srid) reads WKT; an EWKT prefix SRID=4326; is dropped first.
    const text =
      t.k === 'lit' && typeof t.value === 'string' && !/^\s*srid=/i.test(t.value)
        ? w.expr(t)
        : `REGEXP_REPLACE(${w.expr(t)}, '^\\s*SRID=4326;', NULL, 1, 1, 'i')`;
    return `SDO_GEOMETRY(${text}, 4326)`;
  },
  st_geogfromgeojson: (c, w) => `SDO_UTIL.FROM_GEOJSON(${x(c, 0, w)}, NULL, 4326)`,
  // A shape that is not a point makes TO_NUMBER fail on its WKT: an error, as on the other warehouses.
  st_x: (c, w) => {
    const g = x(c, 0, w);
    return `CASE WHEN ${onePoint(g)} THEN CAST(SDO_GEOM.SDO_MIN_MBR_ORDINATE(${g}, 1) AS BINARY_DOUBLE) WHEN ${g} IS NOT NULL THEN TO_BINARY_DOUBLE(TO_CHAR(SDO_UTIL.TO_WKTGEOMETRY(${g}))) END`;
  },
  st_y: (c, w) => {
    const g = x(c, 0, w);
    return `CASE WHEN ${onePoint(g)} THEN CAST(SDO_GEOM.SDO_MIN_MBR_ORDINATE(${g}, 2) AS BINARY_DOUBLE) WHEN ${g} IS NOT NULL THEN TO_BINARY_DOUBLE(TO_CHAR(SDO_UTIL.TO_WKTGEOMETRY(${g}))) END`;
  },
  st_astext: (c, w) => `REGEXP_REPLACE(TO_CHAR(SDO_UTIL.TO_WKTGEOMETRY(${x(c, 0, w)})), '^([A-Z]+) ', '\\1')`,
  st_asgeojson: (c, w) => `TO_CHAR(SDO_UTIL.TO_GEOJSON(${x(c, 0, w)}))`,
  st_distance: (c, w) => distance(c, w),
  st_area: (c, w) => `SDO_GEOM.SDO_AREA(${x(c, 0, w)}, ${TOL}, 'unit=SQ_M')`,
  // SDO_LENGTH of a polygon is its perimeter; the portable length of a polygon is 0 (a shape
  // with an area has no length here; a collection of lines and polygons counts as a polygon).
  st_length: (c, w) => {
    const g = x(c, 0, w);
    return `CASE WHEN SDO_GEOM.SDO_AREA(${g}, ${TOL}, 'unit=SQ_M') = 0 THEN SDO_GEOM.SDO_LENGTH(${g}, ${TOL}, 'unit=M') WHEN ${g} IS NOT NULL THEN 0 END`;
  },
  st_intersects: (c, w) => `SDO_GEOM.RELATE(${x(c, 0, w)}, 'ANYINTERACT', ${x(c, 1, w)}, ${TOL}) = 'TRUE'`,
  st_contains: (c, w) => covers(x(c, 0, w), x(c, 1, w)),
  st_within: (c, w) => covers(x(c, 1, w), x(c, 0, w)),
  st_dwithin: (c, w) => {
    const [a, b, d] = c.args as [SqlExpr, SqlExpr, SqlExpr];
    if (isPoint(a) && isPoint(b)) return `${haversine(a, b, w)} <= ${w.wrap(d, 5)}`;
    return `SDO_GEOM.WITHIN_DISTANCE(${w.expr(a)}, ${w.expr(d)}, ${w.expr(b)}, ${TOL}, 'unit=M') = 'TRUE'`;
  },
  // Geodetic buffers need an arc tolerance: 0.4% of the distance keeps the area within 1% of a
  // buffer of 8 segments per quarter circle.
  st_buffer: (c, w) => {
    const [g, d] = c.args as [SqlExpr, SqlExpr];
    const dist = w.operand(d);
    const arc = `TO_CHAR(GREATEST(ROUND(ABS(${dist}) * 0.004, 3), ${TOL}), 'FM999999990.000')`;
    return `SDO_GEOM.SDO_BUFFER(${w.expr(g)}, ${dist}, ${TOL}, 'unit=M arc_tolerance=' || ${arc})`;
  },
  st_centroid: (c, w) => `SDO_GEOM.SDO_CENTROID(${x(c, 0, w)}, ${TOL})`,
  st_union_agg: (c, w) => `SDO_AGGR_UNION(SDOAGGRTYPE(${x(c, 0, w)}, ${TOL}))`,
  h3_from_point: noH3('h3_from_point()'),
  h3_boundary: noH3('h3_boundary()'),
  h3_center: noH3('h3_center()'),
  h3_resolution: noH3('h3_resolution()'),
  h3_parent: noH3('h3_parent()'),
  _ef_h3_polyfill: noH3('h3.polyfill'),
};

export const ORACLE_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (_c, _over, w) =>
    w.unsupported(
      'st_union_agg() over a window is not available (SDO_AGGR_UNION is an aggregate only)',
      'union with an aggregate node and join the result back',
    ),
};
