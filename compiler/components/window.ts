import { z } from 'zod';
import type { Frame, SqlExpr, WindowSpec } from '../sql/ast.js';
import { isNumeric } from '../schema/types.js';
import { defineComponent } from './component.js';
import {
  checkKeyColumns,
  col,
  columnList,
  exprOrigins,
  ordering,
  pickColumns,
  windowExpression,
} from './shapes.js';
import { withAddedColumns, type Computed } from './projection.js';

const bound = z.union([z.number().int(), z.literal('unbounded')]);

/** Functions whose result depends on row order: they need orderBy to mean the same everywhere. */
const NEEDS_ORDER = new Set(['rank', 'dense_rank', 'ntile', 'lag', 'lead', 'first_value', 'last_value']);

/** Gives every aggregate and window function in an expression the node's window. */
function overWindow(e: SqlExpr, spec: WindowSpec, found: Set<string>): SqlExpr {
  const map = (x: SqlExpr) => overWindow(x, spec, found);
  switch (e.k) {
    case 'fn':
      if (e.fnKind !== 'scalar') {
        found.add(e.name);
        return { ...e, over: spec };
      }
      return { ...e, args: e.args.map(map) };
    case 'unary':
      return { ...e, arg: map(e.arg) };
    case 'binary':
      return { ...e, left: map(e.left), right: map(e.right) };
    case 'is_null':
    case 'cast':
    case 'not_true':
      return { ...e, arg: map(e.arg) } as SqlExpr;
    case 'in':
      return { ...e, arg: map(e.arg), list: e.list.map(map) };
    case 'between':
      return { ...e, arg: map(e.arg), low: map(e.low), high: map(e.high) };
    case 'like':
      return { ...e, arg: map(e.arg), pattern: map(e.pattern) };
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: map(e.operand) } : {}),
        whens: e.whens.map((w) => ({ when: map(w.when), then: map(w.then) })),
        ...(e.else ? { else: map(e.else) } : {}),
      };
    default:
      return e;
  }
}

export const windowComponent = defineComponent({
  id: 'window',
  category: 'transform',
  summary: 'Adds columns computed over a window of related rows: running totals, ranks, previous values.',
  description:
    'Every aggregate or window function in `columns` is evaluated over the rows of the same `partitionBy` ' +
    'group, in `orderBy` order, within `frame` when given (`{"unit": "rows", "from": -6, "to": 0}` is the ' +
    'current row and the 6 before it; "unbounded" is either end). Without a frame and with orderBy, an aggregate ' +
    'is a running total (SQL’s default frame). Expressions may mix them: `amount / sum(amount)`. Rows are not ' +
    'removed; a same-named column is replaced.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows with the window columns' }],
  config: z.strictObject({
    partitionBy: columnList.optional(),
    orderBy: ordering.optional(),
    columns: z.record(z.string(), windowExpression).describe('{"name": "window expression"}'),
    frame: z
      .strictObject({ unit: z.enum(['rows', 'range']), from: bound, to: bound })
      .optional()
      .describe('negative = preceding, 0 = current row, positive = following, "unbounded"'),
  }),
  example: {
    title: 'Running revenue and rank of each order within its store',
    inputs: { in: 'orders' },
    config: {
      partitionBy: ['store_id'],
      orderBy: ['ordered_at', 'order_id'],
      columns: { running_revenue: 'sum(amount)', order_rank: 'row_number()', previous_amount: 'lag(amount)' },
    },
  },
  dialectNotes: { snowflake: 'RANGE frames with numeric offsets are not available' },
  analyze(ctx) {
    const rel = ctx.input();
    const parts = pickColumns(ctx, ctx.config.partitionBy ?? [], ['partitionBy']);
    if (parts && !checkKeyColumns(ctx, parts, ['partitionBy'], 'a partition key')) return undefined;
    const order = ctx.ordering(ctx.config.orderBy ?? [], ['orderBy'], ctx.scope());
    if (!parts || !order) return undefined;
    let frame: Frame | undefined;
    if (ctx.config.frame) {
      const f = ctx.config.frame;
      const from = f.from === 'unbounded' ? null : f.from;
      const to = f.to === 'unbounded' ? null : f.to;
      if (from !== null && to !== null && from > to) {
        ctx.error('INVALID_VALUE', `frame starts after it ends (${from} > ${to})`, {
          key: ['frame'],
          hint: 'from is the earlier bound: -3 … 0 is the 3 rows before and the current row',
        });
        return undefined;
      }
      if (f.unit === 'range' && [from, to].some((v) => v !== null && v !== 0)) {
        // Offsets are plain numbers: a date or timestamp order would need an interval, which no
        // warehouse infers from an integer.
        const t = order[0]?.expr.type;
        if (order.length !== 1 || !t || !isNumeric(t)) {
          ctx.error('INVALID_VALUE', 'a range frame with offsets needs exactly one numeric orderBy', {
            key: ['frame'],
            hint: 'use "unit": "rows", or order by one number',
          });
          return undefined;
        }
      }
      frame = { unit: f.unit, from, to };
    }
    const spec: WindowSpec = {
      partitionBy: parts.map((p) => col(p)),
      orderBy: order,
      ...(frame ? { frame } : {}),
    };
    const added: Computed[] = [];
    let ok = true;
    for (const [name, text] of Object.entries(ctx.config.columns)) {
      const r = ctx.expr(text, ['columns', name], ctx.scope(), {
        aggregates: 'allowed',
        windows: 'allowed',
        context: 'a window column',
      });
      if (!r) {
        ok = false;
        continue;
      }
      const used = new Set<string>();
      const expr = overWindow(r.expr, spec, used);
      if (used.size === 0) {
        ctx.error('INVALID_VALUE', `column "${name}" uses no window or aggregate function`, {
          key: ['columns', name],
          hint: 'plain expressions belong in a compute node',
        });
        ok = false;
        continue;
      }
      const unordered = [...used].filter((f) => NEEDS_ORDER.has(f));
      if (unordered.length && order.length === 0) {
        ctx.error('INVALID_VALUE', `${unordered[0]}() needs orderBy`, {
          key: ['orderBy'],
          hint: 'add "orderBy": ["column"] so the result is the same on every warehouse',
        });
        ok = false;
        continue;
      }
      added.push({ column: { name: ctx.newName(name), type: r.expr.type, from: ctx.origins(r.deps) }, expr });
    }
    // The partition and order are read whatever is asked (they shape every window column).
    return ok
      ? withAddedColumns(
          ctx,
          rel,
          added,
          exprOrigins(rel, [...spec.partitionBy, ...order.map((o) => o.expr)]),
        )
      : undefined;
  },
});
