/**
 * The spatial pack on Snowflake: GEOGRAPHY and its H3 functions natively
 * (https://docs.snowflake.com/en/sql-reference/functions-geospatial); st_buffer, which Snowflake
 * has for GEOMETRY only, through the CARTO Analytics Toolbox at the configured location
 * (`cartoToolbox`, e.g. `CARTO.CARTO`). H3_POLYGON_TO_CELLS reads polygon edges as straight lines
 * in longitude/latitude: for city-sized polygons that moves no cell centre across an edge by more
 * than the tolerance of DESIGN.md §1.8.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';
import { toolbox } from './spatial-bigquery.js';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);

/** The value of a number literal (`3.7`, or `-3.7` parsed as a negation). */
function literalNumber(e: SqlExpr): number | undefined {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  return undefined;
}

/** null for a latitude outside [-90, 90]; a longitude outside [-180, 180] wrapped around. */
function point(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  if (lat.type.kind === 'null') return 'CAST(NULL AS GEOGRAPHY)';
  const l = w.operand(lon);
  const known = literalNumber(lon);
  const wrapped =
    known !== undefined && known >= -180 && known <= 180
      ? w.expr(lon)
      : `CASE WHEN ${l} BETWEEN -180 AND 180 THEN ${l} ELSE MOD(MOD(${l} + 180, 360) + 360, 360) - 180 END`;
  return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN ST_MAKEPOINT(${wrapped}, ${w.expr(lat)}) END`;
}

export const SNOWFLAKE_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => point(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => `TO_GEOGRAPHY(${x(c, 0, w)})`,
  st_geogfromgeojson: (c, w) => `TO_GEOGRAPHY(${x(c, 0, w)})`,
  st_x: (c, w) => `ST_X(${x(c, 0, w)})`,
  st_y: (c, w) => `ST_Y(${x(c, 0, w)})`,
  st_astext: (c, w) => `ST_ASWKT(${x(c, 0, w)})`,
  st_asgeojson: (c, w) => `TO_VARCHAR(ST_ASGEOJSON(${x(c, 0, w)}))`,
  st_distance: (c, w) => `ST_DISTANCE(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_area: (c, w) => `ST_AREA(${x(c, 0, w)})`,
  st_length: (c, w) => `ST_LENGTH(${x(c, 0, w)})`,
  st_intersects: (c, w) => `ST_INTERSECTS(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_contains: (c, w) => `ST_COVERS(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_within: (c, w) => `ST_COVEREDBY(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_dwithin: (c, w) => `ST_DWITHIN(${x(c, 0, w)}, ${x(c, 1, w)}, ${x(c, 2, w)})`,
  st_buffer: (c, w) =>
    `${toolbox(w, 'ST_BUFFER', 'st_buffer() (Snowflake buffers GEOMETRY only)', 'DATABASE.SCHEMA (e.g. CARTO.CARTO)')}(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_centroid: (c, w) => `ST_CENTROID(${x(c, 0, w)})`,
  st_union_agg: (c, w) => `ST_UNION_AGG(${x(c, 0, w)})`,
  h3_from_point: (c, w) => {
    const [p, r] = c.args as [SqlExpr, SqlExpr];
    if (p.k === 'fn' && p.name === 'st_point')
      return `H3_LATLNG_TO_CELL_STRING(${w.expr(p.args[1]!)}, ${w.expr(p.args[0]!)}, ${w.expr(r)})`;
    return `H3_POINT_TO_CELL_STRING(${w.expr(p)}, ${w.expr(r)})`;
  },
  h3_boundary: (c, w) => `H3_CELL_TO_BOUNDARY(${x(c, 0, w)})`,
  h3_center: (c, w) => `H3_CELL_TO_POINT(${x(c, 0, w)})`,
  h3_resolution: (c, w) => `H3_GET_RESOLUTION(${x(c, 0, w)})`,
  h3_parent: (c, w) => {
    const cell = x(c, 0, w);
    const r = w.operand(c.args[1]!);
    return `CASE WHEN ${r} <= H3_GET_RESOLUTION(${cell}) THEN H3_CELL_TO_PARENT(${cell}, ${r}) END`;
  },
  _ef_h3_polyfill: (c, w) => `H3_POLYGON_TO_CELLS_STRINGS(${x(c, 0, w)}, ${x(c, 1, w)})`,
};

export const SNOWFLAKE_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, _over, w) =>
    w.unsupported(
      'st_union_agg() over a window is not available (ST_UNION_AGG is an aggregate only)',
      'union with an aggregate node and join the result back',
    ),
};
