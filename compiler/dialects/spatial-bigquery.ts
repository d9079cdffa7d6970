/**
 * The spatial pack on BigQuery: GEOGRAPHY natively (S2 on a sphere of radius 6,371,008.8 m,
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/geography_functions); H3 through
 * the CARTO Analytics Toolbox at the location configured on the connection (`cartoToolbox`, e.g.
 * `carto-os.carto`), https://docs.carto.com/data-and-analysis/analytics-toolbox-for-bigquery.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

const x = (c: SqlExpr & { k: 'fn' }, i: number, w: SqlWriter) => w.expr(c.args[i]!);

/** The toolbox function's full name, or UNSUPPORTED naming what would make it work. */
export function toolbox(w: SqlWriter, fn: string, what: string, example: string): string {
  const location = w.dialect.options.cartoToolbox;
  if (!location)
    w.unsupported(
      `${what} needs the CARTO Analytics Toolbox, and this connection does not say where it is`,
      `set cartoToolbox on the connection to the ${example} where the toolbox is installed; CARTO shares the open-source core publicly`,
    );
  return [...location.split('.').filter(Boolean), fn]
    .map((p, i, all) => (i === all.length - 1 ? p : w.ident(p)))
    .join('.');
}

const carto = (fn: string, what: string) => (w: SqlWriter) =>
  toolbox(w, fn, what, 'project.dataset (e.g. carto-os.carto)');

/** null for a latitude outside [-90, 90] (ST_GEOGPOINT would fail); longitudes wrap (ST_GEOGPOINT takes them modulo 360). */
function point(lon: SqlExpr, lat: SqlExpr, w: SqlWriter): string {
  if (lat.type.kind === 'null') return 'CAST(NULL AS GEOGRAPHY)';
  return `CASE WHEN ${w.wrap(lat, 5)} BETWEEN -90 AND 90 THEN ST_GEOGPOINT(${w.expr(lon)}, ${w.expr(lat)}) END`;
}

export const BIGQUERY_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: (c, w) => point(c.args[0]!, c.args[1]!, w),
  st_geogfromtext: (c, w) => `ST_GEOGFROMTEXT(${x(c, 0, w)})`,
  st_geogfromgeojson: (c, w) => `ST_GEOGFROMGEOJSON(${x(c, 0, w)})`,
  st_x: (c, w) => `ST_X(${x(c, 0, w)})`,
  st_y: (c, w) => `ST_Y(${x(c, 0, w)})`,
  st_astext: (c, w) => `ST_ASTEXT(${x(c, 0, w)})`,
  st_asgeojson: (c, w) => `ST_ASGEOJSON(${x(c, 0, w)})`,
  st_distance: (c, w) => `ST_DISTANCE(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_area: (c, w) => `ST_AREA(${x(c, 0, w)})`,
  st_length: (c, w) => `ST_LENGTH(${x(c, 0, w)})`,
  st_intersects: (c, w) => `ST_INTERSECTS(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_contains: (c, w) => `ST_COVERS(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_within: (c, w) => `ST_COVEREDBY(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_dwithin: (c, w) => `ST_DWITHIN(${x(c, 0, w)}, ${x(c, 1, w)}, ${x(c, 2, w)})`,
  st_buffer: (c, w) => `ST_BUFFER(${x(c, 0, w)}, ${x(c, 1, w)})`,
  st_centroid: (c, w) => `ST_CENTROID(${x(c, 0, w)})`,
  st_union_agg: (c, w) => `ST_UNION_AGG(${x(c, 0, w)})`,
  h3_from_point: (c, w) => {
    const [p, r] = c.args as [SqlExpr, SqlExpr];
    if (p.k === 'fn' && p.name === 'st_point')
      return `${carto('H3_FROMLONGLAT', 'h3_from_point()')(w)}(${w.expr(p.args[0]!)}, ${w.expr(p.args[1]!)}, ${w.expr(r)})`;
    return `${carto('H3_FROMGEOGPOINT', 'h3_from_point()')(w)}(${w.expr(p)}, ${w.expr(r)})`;
  },
  h3_boundary: (c, w) => `${carto('H3_BOUNDARY', 'h3_boundary()')(w)}(${x(c, 0, w)})`,
  h3_center: (c, w) => `${carto('H3_CENTER', 'h3_center()')(w)}(${x(c, 0, w)})`,
  h3_resolution: (c, w) => `${carto('H3_RESOLUTION', 'h3_resolution()')(w)}(${x(c, 0, w)})`,
  h3_parent: (c, w) => {
    const res = carto('H3_RESOLUTION', 'h3_parent()')(w);
    const parent = carto('H3_TOPARENT', 'h3_parent()')(w);
    const cell = x(c, 0, w);
    const r = w.operand(c.args[1]!);
    return `CASE WHEN ${r} <= ${res}(${cell}) THEN ${parent}(${cell}, ${r}) END`;
  },
  // For h3.polyfill: the cells whose centre lies in the polygon (H3_POLYFILL alone keeps every
  // cell that intersects it).
  _ef_h3_polyfill: (c, w) =>
    `${carto('H3_POLYFILL_MODE', 'h3.polyfill')(w)}(${x(c, 0, w)}, ${x(c, 1, w)}, 'center')`,
};

export const BIGQUERY_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, _over, w) =>
    w.unsupported(
      'st_union_agg() over a window is not available (ST_UNION_AGG is an aggregate only)',
      'union with an aggregate node and join the result back',
    ),
};
