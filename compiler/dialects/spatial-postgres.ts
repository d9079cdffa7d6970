/**
 * The spatial pack on PostgreSQL through PostGIS `geography`, measured on the sphere
 * (`use_spheroid => false`: PostGIS's mean radius 6,371,008.77 m is DESIGN.md's to 5e-9).
 * https://postgis.net/docs/using_postgis_dbmanagement.html#PostGIS_Geography
 *
 * H3 needs the h3-pg extensions (h3 and h3_postgis), which edgeflow looks for in pg_extension when
 * it connects (DialectOptions.h3); without them H3 is UNSUPPORTED, saying how to get it.
 */
import { T } from '../schema/types.js';
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import { castToResult, type FunctionRenderer, type WindowedRenderer } from './dialect.js';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);
const geometry = (sql: string) => `CAST(${sql} AS geometry)`;
const integer = (e: SqlExpr, w: SqlWriter) =>
  e.type.kind === 'int' || e.type.kind === 'null' ? w.expr(e) : `CAST(${w.expr(e)} AS INTEGER)`;

/** A point's geography; null for a latitude outside [-90, 90] (PostGIS would fold it back). */
export function postgisPoint(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  const point = `CAST(ST_SetSRID(ST_MakePoint(${w.expr(lon)}, ${w.expr(lat)}), 4326) AS geography)`;
  return lat.type.kind === 'null'
    ? 'CAST(NULL AS geography)'
    : `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN ${point} END`;
}

function h3(name: string, render: FunctionRenderer): FunctionRenderer {
  return (c, w) => {
    if (!w.dialect.options.h3)
      w.unsupported(
        `${name} needs the h3 extension (h3-pg with h3_postgis), which this PostgreSQL database does not have`,
        'install h3-pg and run CREATE EXTENSION h3; CREATE EXTENSION h3_postgis; in the database (edgeflow finds them in pg_extension when it connects), or compute H3 cells on DuckDB',
      );
    return render(c, w);
  };
}

/**
 * b lies in a, its boundary included. PostGIS's ST_Covers(geography) checks b's points and edges
 * against a, but not a's holes: a polygon of b around a hole of a would count as covered. No
 * boundary crosses once ST_Covers holds, so a hole is wholly inside b or wholly outside it, and a
 * point inside the hole tells which.
 */
function covers(a: string, b: string): string {
  return (
    `(ST_Covers(${a}, ${b}) AND NOT EXISTS (SELECT 1 FROM ST_Dump(CAST(${a} AS geometry)) AS _ef_part, ` +
    `ST_DumpRings(CASE WHEN GeometryType(_ef_part.geom) = 'POLYGON' THEN _ef_part.geom END) AS _ef_ring ` +
    `WHERE _ef_ring.path[1] > 0 AND ST_Covers(${b}, CAST(ST_PointOnSurface(_ef_ring.geom) AS geography))))`
  );
}

const h3Cell = (e: SqlExpr, w: SqlWriter) => `CAST(${w.expr(e)} AS h3index)`;

const unionAgg = castToResult((c, w) => `ST_Union(${geometry(x(c, 0, w))})`);

export const POSTGRES_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => postgisPoint(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => `ST_GeogFromText(${x(c, 0, w)})`,
  st_geogfromgeojson: (c, w) => `CAST(ST_GeomFromGeoJSON(${x(c, 0, w)}) AS geography)`,
  st_x: (c, w) => `ST_X(${geometry(x(c, 0, w))})`,
  st_y: (c, w) => `ST_Y(${geometry(x(c, 0, w))})`,
  st_astext: (c, w) => `ST_AsText(${x(c, 0, w)})`,
  st_asgeojson: (c, w) => `ST_AsGeoJSON(${x(c, 0, w)})`,
  st_distance: (c, w) => `ST_Distance(${x(c, 0, w)}, ${x(c, 1, w)}, false)`,
  st_area: (c, w) => `ST_Area(${x(c, 0, w)}, false)`,
  st_length: (c, w) => `ST_Length(${x(c, 0, w)}, false)`,
  st_intersects: (c, w) => `ST_Intersects(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_contains: (c, w) => covers(x(c, 0, w), x(c, 1, w)),
  st_within: (c, w) => covers(x(c, 1, w), x(c, 0, w)),
  st_dwithin: (c, w) => `ST_DWithin(${x(c, 0, w)}, ${x(c, 1, w)}, ${x(c, 2, w)}, false)`,
  st_buffer: (c, w) => `ST_Buffer(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_centroid: (c, w) => `ST_Centroid(${x(c, 0, w)}, false)`,
  // PostGIS unions geometry: in longitude/latitude, whose straight edges differ from great-circle
  // ones by less than the tolerance for shapes of city size.
  st_union_agg: (c, w) => unionAgg.plain({ ...c, type: T.geography }, w),
  h3_from_point: h3(
    'h3_from_point()',
    (c, w) => `CAST(h3_lat_lng_to_cell(${geometry(x(c, 0, w))}, ${integer(c.args[1]!, w)}) AS TEXT)`,
  ),
  h3_boundary: h3('h3_boundary()', (c, w) => `h3_cell_to_boundary_geography(${h3Cell(c.args[0]!, w)})`),
  h3_center: h3('h3_center()', (c, w) => `h3_cell_to_geography(${h3Cell(c.args[0]!, w)})`),
  h3_resolution: h3('h3_resolution()', (c, w) => `h3_get_resolution(${h3Cell(c.args[0]!, w)})`),
  h3_parent: h3('h3_parent()', (c, w) => {
    const cell = h3Cell(c.args[0]!, w);
    const r = integer(c.args[1]!, w);
    return `CASE WHEN ${r} <= h3_get_resolution(${cell}) THEN CAST(h3_cell_to_parent(${cell}, ${r}) AS TEXT) END`;
  }),
  // For h3.polyfill: the cells whose centre lies in the polygon, as an array.
  _ef_h3_polyfill: h3(
    'h3.polyfill',
    (c, w) =>
      `ARRAY(SELECT CAST(_ef_c AS TEXT) FROM h3_polygon_to_cells(${geometry(x(c, 0, w))}, ${integer(c.args[1]!, w)}) AS _ef_c)`,
  ),
};

export const POSTGRES_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, over, w) => unionAgg.windowed({ ...c, type: T.geography }, over, w),
};
