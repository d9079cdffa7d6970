/**
 * The spatial pack on DuckDB: calls of edgeflow's own functions, registered on every DuckDB
 * edgeflow opens (connectors/duckdb/spatial/functions.ts), because the spatial and h3 extensions
 * cannot be downloaded offline. Geography is DuckDB's core GEOMETRY (WKB).
 *
 * Functions that can fail on a value take the relation being written last, so the error names the
 * node. The `_ef_*` entries are the few DuckDB constructs spatial components build their plans
 * with (lists, unnest, struct fields); they are not in the expression language.
 */
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { FunctionRenderer, WindowedRenderer } from './dialect.js';

/** The node (CTE) being written, as the last argument of functions that can fail. */
const where = (w: SqlWriter) => w.string(w.relation ?? '');
const integer = (e: SqlExpr, w: SqlWriter) =>
  e.type.kind === 'int' || e.type.kind === 'null' ? w.expr(e) : `CAST(${w.expr(e)} AS INTEGER)`;
const args = (c: SqlExpr & { k: 'fn' }, w: SqlWriter) => c.args.map((a) => w.expr(a)).join(', ');

/** edgeflow_<name>(args…) */
const own =
  (name: string): FunctionRenderer =>
  (c, w) =>
    `edgeflow_${name}(${args(c, w)})`;
/** edgeflow_<name>(args…, 'node') */
const ownNamed =
  (name: string): FunctionRenderer =>
  (c, w) =>
    `edgeflow_${name}(${args(c, w)}, ${where(w)})`;

export const DUCKDB_SPATIAL: Record<string, FunctionRenderer> = {
  st_point: own('st_point'),
  st_geogfromtext: ownNamed('st_geogfromtext'),
  st_geogfromgeojson: ownNamed('st_geogfromgeojson'),
  st_x: ownNamed('st_x'),
  st_y: ownNamed('st_y'),
  st_astext: own('st_astext'),
  st_asgeojson: own('st_asgeojson'),
  st_distance: own('st_distance'),
  st_area: own('st_area'),
  st_length: own('st_length'),
  st_intersects: own('st_intersects'),
  st_contains: own('st_covers'),
  st_within: (c, w) => `edgeflow_st_covers(${w.expr(c.args[1]!)}, ${w.expr(c.args[0]!)})`,
  st_dwithin: own('st_dwithin'),
  st_buffer: ownNamed('st_buffer'),
  st_centroid: own('st_centroid'),
  st_union_agg: (c, w) => `edgeflow_st_union(LIST(${w.expr(c.args[0]!)}), ${where(w)})`,
  h3_from_point: (c, w) => {
    const [p, r] = c.args as [SqlExpr, SqlExpr];
    // A point built in place: its cell straight from the coordinates (no point in between).
    if (p.k === 'fn' && p.name === 'st_point')
      return `edgeflow_h3_from_lonlat(${w.expr(p.args[0]!)}, ${w.expr(p.args[1]!)}, ${integer(r, w)}, ${where(w)})`;
    return `edgeflow_h3_from_point(${w.expr(p)}, ${integer(r, w)}, ${where(w)})`;
  },
  h3_boundary: ownNamed('h3_boundary'),
  h3_center: ownNamed('h3_center'),
  h3_resolution: ownNamed('h3_resolution'),
  h3_parent: (c, w) => `edgeflow_h3_parent(${w.expr(c.args[0]!)}, ${integer(c.args[1]!, w)}, ${where(w)})`,

  // Used by spatial components' plans (compiler/components/spatial-plan.ts).
  _ef_h3_polyfill: (c, w) =>
    `edgeflow_h3_polyfill(${w.expr(c.args[0]!)}, ${integer(c.args[1]!, w)}, ${where(w)})`,
  edgeflow_grid_home: own('grid_home'),
  edgeflow_grid_cover: own('grid_cover'),
  edgeflow_st_reach: own('st_reach'),
  edgeflow_st_knn: (c, w) => {
    const [g, list, k, maxd] = c.args as [SqlExpr, SqlExpr, SqlExpr, SqlExpr];
    return `edgeflow_st_knn(${w.expr(g)}, ${w.expr(list)}, ${integer(k, w)}, ${w.expr(maxd)})`;
  },
  /** LIST(x ORDER BY key NULLS LAST) */
  _ef_list: (c, w) => {
    const [x, key] = c.args as [SqlExpr, SqlExpr | undefined];
    return `LIST(${w.expr(x)}${key ? ` ORDER BY ${w.expr(key)} NULLS LAST` : ''})`;
  },
  /** The field of every struct of a list: list_transform(l, _ef_x -> _ef_x.field) */
  _ef_list_field: (c, w) => {
    const [list, field] = c.args as [SqlExpr, SqlExpr & { value: string }];
    return `list_transform(${w.expr(list)}, _ef_x -> _ef_x.${w.ident(String(field.value))})`;
  },
  _ef_unnest: (c, w) => `UNNEST(${w.expr(c.args[0]!)})`,
  /** Null-safe equality (a join key that may be null, or a geography). */
  _ef_same: (c, w) => `(${w.operand(c.args[0]!)} IS NOT DISTINCT FROM ${w.operand(c.args[1]!)})`,
  /** GREATEST of values that are never null (DuckDB's skips nulls; the portable greatest does not). */
  _ef_greatest: (c, w) => `GREATEST(${args(c, w)})`,
  _ef_list_extract: (c, w) => `list_extract(${args(c, w)})`,
  _ef_list_position: (c, w) => `list_position(${args(c, w)})`,
  _ef_struct_field: (c, w) => {
    const [s, field] = c.args as [SqlExpr, SqlExpr & { value: string }];
    return `struct_extract(${w.expr(s)}, ${w.string(String(field.value))})`;
  },
};

export const DUCKDB_SPATIAL_WINDOWED: Record<string, WindowedRenderer> = {
  st_union_agg: (c, over, w) => `edgeflow_st_union(LIST(${w.expr(c.args[0]!)}) ${over}, ${where(w)})`,
};
