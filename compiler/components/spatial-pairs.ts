/**
 * What spatial.join and spatial.nearest share: the output columns of a pair of rows (all left
 * columns, then all right ones, a clashing right name prefixed `right_`, as join does), and on
 * DuckDB the grid that turns a spatial join into an equi-join (connectors/duckdb/spatial/grid.ts).
 */
import type { ScopeRelation } from '../expr/resolve.js';
import { PassedColumn, type Column } from '../schema/relation.js';
import { T } from '../schema/types.js';
import type { FromItem, Query, SqlExpr } from '../sql/ast.js';
import type { AnalyzeContext, InputRelation } from './component.js';
import { col } from './shapes.js';
import { fn, lit } from './spatial-shared.js';

export const L = '_l';
export const R = '_r';

const label = (r: InputRelation) => `input "${r.ref.node}"`;

/** `left.col` / `right.col` over the two inputs, read through the aliases L and R. */
export function pairScope(left: InputRelation, right: InputRelation): ScopeRelation[] {
  return [
    { qualifier: 'left', port: 'left', sqlAlias: L, columns: left.schema.columns, label: label(left) },
    { qualifier: 'right', port: 'right', sqlAlias: R, columns: right.schema.columns, label: label(right) },
  ];
}

/** Every left column, then every right column (`right_` + name when it clashes). */
export function passedPair(
  ctx: AnalyzeContext<unknown>,
  left: InputRelation,
  right: InputRelation,
): PassedColumn[] {
  const taken = new Set(left.schema.columns.map((c) => c.name.toLowerCase()));
  const out = left.schema.columns.map((c) => new PassedColumn(c.name, c.type, left.ref));
  for (const c of right.schema.columns) {
    let name = c.name;
    if (taken.has(name.toLowerCase())) {
      name = ctx.newName(`right_${c.name}`);
      for (let n = 2; taken.has(name.toLowerCase()); n++) name = ctx.newName(`right_${c.name}_${n}`);
    }
    taken.add(name.toLowerCase());
    out.push(new PassedColumn(name, c.type, right.ref, c.name));
  }
  return out;
}

/** The select items of passed pair columns, read from aliases L and R. */
export function pairItems(passed: readonly PassedColumn[], leftCount: number) {
  return passed.map((c, i) => ({
    kind: 'expr' as const,
    expr: col({ name: c.sourceColumn, type: c.type }, i < leftCount ? L : R),
    alias: c.name,
  }));
}

/** A FROM item under an alias (a subquery when it is not a plain table or CTE). */
export function aliased(f: FromItem, alias: string): FromItem {
  if (f.kind === 'ref' || f.kind === 'table') return { ...f, alias };
  return { kind: 'subquery', query: { kind: 'select', items: [{ kind: 'star' }], from: f }, alias };
}

const max = (e: SqlExpr): SqlExpr => fn('max', [e], T.double, 'aggregate');
const avg = (e: SqlExpr): SqlExpr => fn('avg', [e], T.double, 'aggregate');
const coalesce0 = (e: SqlExpr): SqlExpr => fn('coalesce', [e, lit(0, T.int)], T.double);
const reach = (g: SqlExpr): SqlExpr => fn('edgeflow_st_reach', [g], T.double);
const scalar = (query: Query): SqlExpr => ({ k: 'subquery', type: T.double, query });
const plus = (a: SqlExpr, b: SqlExpr): SqlExpr => ({
  k: 'binary',
  op: '+',
  left: a,
  right: b,
  type: T.double,
});

export interface GridJoin {
  /** The left rows with their home cell (`cell`), under alias L. */
  left: FromItem;
  /** The right rows, once per cell they reach, under alias R (with `distance` as `distanceColumn`). */
  right: FromItem;
  /** `L.cell = R.cell` */
  on: SqlExpr;
}

/**
 * The DuckDB prefilter of a spatial join: left rows keyed by their home cell, right rows repeated
 * for every cell within `distance` (+ the largest left shape's reach) of them, so an equi-join on
 * the cell finds each candidate pair exactly once. The cell size comes from the data: at least
 * the join's reach, and no smaller than the right shapes (so a shape covers few cells).
 */
export function gridJoin(opts: {
  leftInput: FromItem;
  rightInput: FromItem;
  leftGeo: string;
  rightGeo: string;
  /** Metres over the right input's columns (unqualified), or 0. */
  distance: SqlExpr;
  cell: string;
  distanceColumn?: string;
}): GridJoin {
  const { leftGeo, rightGeo, cell } = opts;
  const lg = col({ name: leftGeo, type: T.geography });
  const rg = col({ name: rightGeo, type: T.geography });
  const leftReach = scalar({
    kind: 'select',
    items: [{ kind: 'expr', expr: coalesce0(max(reach(lg))), alias: 'reach' }],
    from: opts.leftInput,
  });
  const expand = plus(opts.distance, leftReach);
  // greatest(join reach, 2 × mean right reach, largest right reach / 32, 1 m)
  const size = scalar({
    kind: 'select',
    items: [
      {
        kind: 'expr',
        expr: fn(
          '_ef_greatest',
          [
            coalesce0(max(expand)),
            { k: 'binary', op: '*', left: lit(2, T.int), right: coalesce0(avg(reach(rg))), type: T.double },
            { k: 'binary', op: '/', left: coalesce0(max(reach(rg))), right: lit(32, T.int), type: T.double },
            lit(1, T.int),
          ],
          T.double,
        ),
        alias: 'cell',
      },
    ],
    from: opts.rightInput,
  });
  const left: FromItem = {
    kind: 'subquery',
    alias: L,
    query: {
      kind: 'select',
      items: [
        { kind: 'star' },
        { kind: 'expr', expr: fn('edgeflow_grid_home', [lg, size], T.double), alias: cell },
      ],
      from: opts.leftInput,
    },
  };
  const right: FromItem = {
    kind: 'subquery',
    alias: R,
    query: {
      kind: 'select',
      items: [
        { kind: 'star' },
        ...(opts.distanceColumn
          ? [{ kind: 'expr' as const, expr: opts.distance, alias: opts.distanceColumn }]
          : []),
        {
          kind: 'expr',
          expr: fn('_ef_unnest', [fn('edgeflow_grid_cover', [rg, size, expand], T.double)], T.double),
          alias: cell,
        },
      ],
      from: opts.rightInput,
    },
  };
  const on: SqlExpr = {
    k: 'binary',
    op: '=',
    left: col({ name: cell, type: T.double }, L),
    right: col({ name: cell, type: T.double }, R),
    type: T.bool,
  };
  return { left, right, on };
}

export function and(a: SqlExpr, b: SqlExpr): SqlExpr {
  return { k: 'binary', op: 'and', left: a, right: b, type: T.bool };
}

export type { Column };
