/**
 * The spatial pack on Microsoft SQL Server: geography is the `geography` type with SRID 4326
 * (https://learn.microsoft.com/sql/t-sql/spatial-geography/spatial-types-geography).
 *
 * - Distances between two points are computed on the sphere of DESIGN.md §1.8 (haversine, radius
 *   6,371,008.8 m) from `.Lat`/`.Long`; between other shapes `STDistance`, which measures on the
 *   WGS84 ellipsoid of SRID 4326: it differs from the sphere by up to about 0.5% (a stated
 *   difference). st_area (`STArea`), st_length (`STLength`) and st_buffer (`STBuffer`) are on the
 *   ellipsoid too (area within about 0.7% of the sphere's; §1.8 allows 1% for buffers).
 * - Edges are geodesics (great elliptic arcs), as BigQuery's and Snowflake's are great circles.
 * - Polygons: SQL Server reads a ring's orientation (left-hand rule); a ring written clockwise
 *   would mean the rest of the globe, so st_geogfromtext reorients a shape larger than a
 *   hemisphere (`EnvelopeAngle() > 90`), as the other warehouses take the smaller side.
 * - UNSUPPORTED: GeoJSON in or out (SQL Server has no GeoJSON functions), st_centroid (geography
 *   has no centroid, only `EnvelopeCenter`, which is not one), and all of H3 (no H3 functions).
 * - Azure Synapse dedicated SQL pools have no geography type: every spatial function is
 *   UNSUPPORTED there.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

const RADIUS = '6371008.8';

/** Synapse has no geography type: every spatial function says so. */
function onSqlServer(render: FunctionRenderer, what: string): FunctionRenderer {
  return (c, w) =>
    w.dialect.options.synapse
      ? w.unsupported(
          `${what} is not available on Azure Synapse dedicated SQL pools: they have no geography type`,
          'run spatial workflows on a SQL Server or Azure SQL connection, or on DuckDB, PostgreSQL, BigQuery or Snowflake',
        )
      : render(c, w);
}

function unsupported(what: string, why: string, hint: string): FunctionRenderer {
  return (_c, w) => w.unsupported(`${what} is not available on SQL Server: ${why}`, hint);
}

const NAME = String.raw`(?:\[(?:[^\]]|\]\])*\]|[A-Za-z_@#][\w@#$]*)`;
/**
 * What a method can follow as written: a (qualified) name, a `geography::` constructor, or a chain
 * of method calls on one, whose arguments hold no parentheses (`g.STBuffer(10).STArea()`).
 */
const CHAINABLE = new RegExp(
  String.raw`^(?:${NAME}(?:\.${NAME})*|geography::\w+\([^()]*\))(?:\.\w+(?:\([^()]*\))?)*$`,
);

/** `sql.Method(…)`, the expression parenthesised first when it is not chainable as written (a CASE). */
export function methodOn(sql: string, name: string, args: string[] = [], property = false): string {
  const target = CHAINABLE.test(sql) ? sql : `(${sql})`;
  return property ? `${target}.${name}` : `${target}.${name}(${args.join(', ')})`;
}

function method(g: SqlExpr, name: string, w: SqlWriter, args: string[] = [], property = false): string {
  return methodOn(w.expr(g), name, args, property);
}

const lat = (g: SqlExpr, w: SqlWriter) => method(g, 'Lat', w, [], true);
const lon = (g: SqlExpr, w: SqlWriter) => method(g, 'Long', w, [], true);

/** Haversine on the sphere of §1.8 between two points. */
function haversine(a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
  const dLat = `RADIANS(${lat(b, w)} - ${lat(a, w)}) / 2`;
  const dLon = `RADIANS(${lon(b, w)} - ${lon(a, w)}) / 2`;
  return `2 * ${RADIUS} * ASIN(SQRT(POWER(SIN(${dLat}), 2) + COS(RADIANS(${lat(a, w)})) * COS(RADIANS(${lat(b, w)})) * POWER(SIN(${dLon}), 2)))`;
}

/** Points: the sphere; other shapes: STDistance on the ellipsoid (a stated difference). */
function distance(a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
  const points = `${method(a, 'STGeometryType', w)} = N'Point' AND ${method(b, 'STGeometryType', w)} = N'Point'`;
  return `CASE WHEN ${points} THEN ${haversine(a, b, w)} ELSE ${method(a, 'STDistance', w, [w.expr(b)])} END`;
}

function fromText(wkt: string): string {
  const g = `geography::STGeomFromText(${wkt}, 4326)`;
  return `CASE WHEN ${g}.EnvelopeAngle() > 90 THEN ${g}.ReorientObject() ELSE ${g} END`;
}

const predicate =
  (name: string): FunctionRenderer =>
  (c, w) =>
    `${method(c.args[0]!, name, w, [w.expr(c.args[1]!)])} = 1`;

const h3 = (name: string) =>
  unsupported(
    name,
    'SQL Server has no H3 functions',
    'compute H3 cells on DuckDB, Snowflake, Databricks, Redshift, or BigQuery with the CARTO toolbox',
  );

const RENDERERS: Record<string, FunctionRenderer> = {
  st_point: (c, w) => {
    const [x, y] = c.args as [SqlExpr, SqlExpr];
    if (y.type.kind === 'null' || x.type.kind === 'null') return 'CAST(NULL AS GEOGRAPHY)';
    // geography::Point takes latitude first, and fails outside [-90, 90]: null there, as elsewhere.
    return `CASE WHEN ${w.wrap(y, 5)} BETWEEN -90 AND 90 THEN geography::Point(${w.expr(y)}, ${w.expr(x)}, 4326) END`;
  },
  st_geogfromtext: (c, w) => fromText(w.expr(c.args[0]!)),
  st_geogfromgeojson: unsupported(
    'st_geogfromgeojson()',
    'SQL Server has no GeoJSON reader',
    'pass WKT and use st_geogfromtext, or read GeoJSON on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_x: (c, w) => lon(c.args[0]!, w),
  st_y: (c, w) => lat(c.args[0]!, w),
  st_astext: (c, w) => method(c.args[0]!, 'STAsText', w),
  st_asgeojson: unsupported(
    'st_asgeojson()',
    'SQL Server has no GeoJSON writer',
    'use st_astext (WKT), or write GeoJSON on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_distance: (c, w) => distance(c.args[0]!, c.args[1]!, w),
  st_dwithin: (c, w) => `${distance(c.args[0]!, c.args[1]!, w)} <= ${w.operand(c.args[2]!)}`,
  st_area: (c, w) => method(c.args[0]!, 'STArea', w),
  st_length: (c, w) => method(c.args[0]!, 'STLength', w),
  st_buffer: (c, w) => method(c.args[0]!, 'STBuffer', w, [w.expr(c.args[1]!)]),
  st_intersects: predicate('STIntersects'),
  st_contains: predicate('STContains'),
  st_within: predicate('STWithin'),
  st_centroid: unsupported(
    'st_centroid()',
    'the geography type has no centroid (EnvelopeCenter is the centre of a bounding circle, not a centroid)',
    'compute centroids on DuckDB, PostgreSQL, BigQuery or Snowflake',
  ),
  st_union_agg: (c, w) => `geography::UnionAggregate(${w.expr(c.args[0]!)})`,
  h3_from_point: h3('h3_from_point()'),
  h3_boundary: h3('h3_boundary()'),
  h3_center: h3('h3_center()'),
  h3_resolution: h3('h3_resolution()'),
  h3_parent: h3('h3_parent()'),
  _ef_h3_polyfill: h3('h3.polyfill'),
};

export const TSQL_SPATIAL: Record<string, FunctionRenderer> = Object.fromEntries(
  Object.entries(RENDERERS).map(([name, render]) => [
    name,
    onSqlServer(render, name.startsWith('_ef_') ? 'h3.polyfill' : `${name}()`),
  ]),
);

/** Predicates render as conditions (`a.STIntersects(b) = 1`): T-SQL has no boolean values. */
export const TSQL_SPATIAL_PREDICATES = ['st_intersects', 'st_contains', 'st_within', 'st_dwithin'];

export const TSQL_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, _over, w) =>
    w.dialect.options.synapse
      ? onSqlServer(() => '', 'st_union_agg()')(c, w)
      : w.unsupported(
          'st_union_agg() over a window is not available on SQL Server (UnionAggregate is not a window function)',
          'aggregate with an aggregate node and join the result back',
        ),
};
