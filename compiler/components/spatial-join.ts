import { z } from 'zod';
import type { Column } from '../schema/relation.js';
import { T } from '../schema/types.js';
import type { FromItem, Query, SqlExpr } from '../sql/ast.js';
import { defineComponent } from './component.js';
import { col, expression, selectItem } from './shapes.js';
import { L, R, aliased, and, gridJoin, pairItems, pairScope, passedPair } from './spatial-pairs.js';
import { fn, geography, geographyColumn, metres, numberValue } from './spatial-shared.js';

const PREDICATES = ['intersects', 'contains', 'within', 'dwithin'] as const;

export const spatialJoin = defineComponent({
  id: 'spatial.join',
  category: 'combine',
  summary: 'Joins rows whose shapes meet: intersect, contain, lie within, or lie within a distance.',
  description:
    'Pairs each left row with the right rows for which `predicate` holds between the geography columns `left` and ' +
    '`right`: `intersects` (they share a point), `contains` (the left shape covers the right one, boundary ' +
    'included), `within` (the left lies in the right), `dwithin` (at most `distance` metres apart: a number, a ' +
    'parameter, or an expression over the right input such as a per-store radius). `kind` inner keeps pairs; ' +
    'left also keeps left rows without one (right columns null). Output: all left columns, then all right ' +
    'columns (a clashing right name gets the prefix `right_`), or the `select` list (`"left.id"`, ' +
    '`"right.name"`, `{"as", "expr"}`); `distanceAs` adds the distance in metres. It is never a blind cross ' +
    'join: DuckDB pairs rows through a grid of cells first (an equi-join), so the work grows with the matches, ' +
    'not with the product of the inputs; PostgreSQL writes ST_DWithin, ST_Intersects or ST_Covers in the join ' +
    'condition, which GiST indexes on the source tables serve; BigQuery and Snowflake run the predicate as ' +
    'their own spatial join.',
  inputs: [
    { name: 'left', description: 'the left rows' },
    { name: 'right', description: 'the right rows' },
  ],
  outputs: [{ name: 'out', description: 'the joined rows' }],
  config: z.strictObject({
    predicate: z.enum(PREDICATES).describe(PREDICATES.join(' | ')),
    left: geographyColumn.describe('the geography column of the left input'),
    right: geographyColumn.describe('the geography column of the right input'),
    distance: metres
      .optional()
      .describe('metres, for dwithin: a number, :param, or an expression over the right input'),
    kind: z.enum(['inner', 'left']).default('inner').describe('inner | left'),
    select: z
      .array(z.union([z.string().min(1), z.strictObject({ as: z.string().min(1), expr: expression })]))
      .min(1)
      .optional()
      .describe('output columns: "left.a", "right.b", or {"as", "expr"}'),
    distanceAs: z.string().min(1).optional().describe('a column with the distance in metres'),
  }),
  example: {
    title: 'Customers within 2 km of each store',
    inputs: { left: 'homes', right: 'shops' },
    config: {
      predicate: 'dwithin',
      left: 'home',
      right: 'location',
      distance: 2000,
      select: ['left.customer_id', 'right.store_id'],
      distanceAs: 'metres',
    },
  },
  analyze(ctx) {
    const { predicate, kind, select } = ctx.config;
    const left = ctx.input('left');
    const right = ctx.input('right');
    const lg = geography(ctx, ctx.config.left, ['left'], left);
    const rg = geography(ctx, ctx.config.right, ['right'], right);
    const rightScope = [{ port: 'right', columns: right.schema.columns, label: `input "${right.ref.node}"` }];
    let distance: ReturnType<typeof numberValue>;
    if (predicate === 'dwithin') {
      if (ctx.config.distance === undefined) {
        ctx.error('MISSING_FIELD', 'dwithin needs "distance" (metres)', { hint: 'e.g. "distance": 2000' });
        return undefined;
      }
      distance = numberValue(ctx, ctx.config.distance, ['distance'], rightScope, 'distance');
      if (!distance) return undefined;
    } else if (ctx.config.distance !== undefined) {
      ctx.error('INVALID_VALUE', `"distance" is for the dwithin predicate, not ${predicate}`, {
        key: ['distance'],
        hint: 'remove it, or use "predicate": "dwithin"',
      });
      return undefined;
    }
    if (!lg || !rg) return undefined;
    // The same distance read through the right input's alias, for the join condition.
    const d =
      distance && typeof ctx.config.distance === 'string'
        ? ctx.expr(ctx.config.distance, ['distance'], [{ ...rightScope[0]!, sqlAlias: R }])?.expr
        : distance?.expr;

    const scope = pairScope(left, right);
    const items: Array<{ column: Column; expr: SqlExpr }> = [];
    let ok = true;
    select?.forEach((item, i) => {
      const text = typeof item === 'string' ? item : item.expr;
      const r = ctx.expr(text, typeof item === 'string' ? ['select', i] : ['select', i, 'expr'], scope);
      if (!r) {
        ok = false;
        return;
      }
      if (typeof item === 'string' && r.expr.k !== 'col') {
        ctx.error('INVALID_VALUE', `"${text}" is not a column`, {
          key: ['select', i],
          hint: `compute it with a name: {"as": "name", "expr": "${text}"}`,
        });
        ok = false;
        return;
      }
      const name =
        typeof item === 'string' && r.expr.k === 'col'
          ? r.expr.name
          : ctx.newName(typeof item === 'string' ? text : item.as);
      const from = r.deps.map((dep) => {
        const rel = dep.port === 'left' ? left : right;
        return { node: rel.ref.node, port: rel.ref.port, column: dep.column };
      });
      items.push({ column: { name, type: r.expr.type, from }, expr: r.expr });
    });
    if (!ok) return undefined;
    const passed = select ? [] : passedPair(ctx, left, right);
    const leftGeo = col(lg, L);
    const rightGeo = col(rg, R);
    const measured = ctx.config.distanceAs
      ? {
          column: {
            name: ctx.newName(ctx.config.distanceAs),
            type: T.double,
            from: [
              { node: left.ref.node, port: left.ref.port, column: lg.name },
              { node: right.ref.node, port: right.ref.port, column: rg.name },
            ],
          },
          expr: fn('st_distance', [leftGeo, rightGeo], T.double),
        }
      : undefined;
    const columns: Column[] = [
      ...(select ? items.map((i) => i.column) : passed),
      ...(measured ? [measured.column] : []),
    ];
    if (!ctx.checkUnique(columns, ['select'])) return undefined;
    const leftCount = left.schema.columns.length;
    const taken = [...left.schema.columns, ...right.schema.columns].map((c) => c.name);

    return {
      outputs: { out: { columns } },
      build: (b) => {
        const distanceColumn = b.helperName('_ef_distance', taken);
        const holds = (dist: SqlExpr | undefined): SqlExpr => {
          const name =
            predicate === 'contains'
              ? 'st_contains'
              : predicate === 'within'
                ? 'st_within'
                : `st_${predicate}`;
          return fn(name, [leftGeo, rightGeo, ...(dist ? [dist] : [])], T.bool);
        };
        const selected = select
          ? items.map((i) => selectItem(i.expr, i.column.name))
          : pairItems(passed, leftCount);
        const out = [...selected, ...(measured ? [selectItem(measured.expr, measured.column.name)] : [])];
        if (!b.dialect.caps.spatialPrefilter) {
          const from: FromItem = {
            kind: 'join',
            joinType: kind,
            left: aliased(b.input('left'), L),
            right: aliased(b.input('right'), R),
            on: holds(d),
          };
          return { out: { kind: 'select', items: out, from } };
        }
        const grid = gridJoin({
          leftInput: b.input('left'),
          rightInput: b.input('right'),
          leftGeo: lg.name,
          rightGeo: rg.name,
          distance: distance?.expr ?? { k: 'lit', value: 0, type: T.int },
          cell: b.helperName('_ef_cell', taken),
          ...(distance ? { distanceColumn } : {}),
        });
        const pairs: FromItem = {
          kind: 'join',
          joinType: 'inner',
          left: grid.left,
          right: grid.right,
          on: and(grid.on, holds(distance ? col({ name: distanceColumn, type: T.double }, R) : undefined)),
        };
        const matched: Query = { kind: 'select', items: out, from: pairs };
        if (kind === 'inner') return { out: matched };
        // kind left: an outer join whose condition calls a function is a nested loop in DuckDB, so
        // the pairs (a hash join) are followed by the left rows that have none: an anti join on all
        // their columns (rows alike in every column have the same pairs), with nulls on the right.
        const m = b.helperName('_ef_m', taken);
        const pairedLeft: Query = {
          kind: 'select',
          distinct: true,
          items: left.schema.columns.map((c) => selectItem(col(c, L), c.name)),
          from: pairs,
        };
        const unpaired: FromItem = {
          kind: 'join',
          joinType: 'anti',
          left: aliased(b.input('left'), L),
          right: { kind: 'subquery', alias: m, query: pairedLeft },
          on: left.schema.columns
            .map((c) => fn('_ef_same', [col(c, L), col(c, m)], T.bool))
            .reduce((x, y) => and(x, y)),
        };
        const nulls: FromItem = {
          kind: 'subquery',
          alias: R,
          query: {
            kind: 'select',
            items: right.schema.columns.map((c) =>
              selectItem({ k: 'lit', value: null, type: c.type }, c.name),
            ),
          },
        };
        const alone: Query = {
          kind: 'select',
          items: out,
          from: { kind: 'join', joinType: 'cross', left: unpaired, right: nulls },
        };
        return { out: { kind: 'union', all: true, queries: [matched, alone] } };
      },
    };
  },
});
