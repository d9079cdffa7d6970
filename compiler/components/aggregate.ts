import { z } from 'zod';
import type { Column } from '../schema/relation.js';
import type { SqlExpr } from '../sql/ast.js';
import { defineComponent } from './component.js';
import {
  aggregateExpression,
  checkKeyColumns,
  col,
  columnList,
  columnOrigins,
  pickColumns,
  selectItem,
} from './shapes.js';

export const aggregate = defineComponent({
  id: 'aggregate',
  category: 'transform',
  summary: 'Groups rows and computes measures per group.',
  description:
    'One output row per distinct combination of `groupBy` columns (nulls group together), with the group ' +
    'columns first and then one column per measure. A measure is an expression over aggregates ' +
    '(`sum(amount)`, `count(distinct customer_id)`, `sum(amount) / count(*)`); a column outside an aggregate ' +
    'must be in `groupBy`. Without `groupBy`, one row for the whole input.',
  inputs: [{ name: 'in', description: 'rows to group' }],
  outputs: [{ name: 'out', description: 'one row per group' }],
  config: z.strictObject({
    groupBy: columnList.optional().describe('group columns (none: one row in all)'),
    measures: z.record(z.string(), aggregateExpression).describe('{"name": "aggregate expression"}'),
  }),
  example: {
    title: 'Revenue and orders per store',
    inputs: { in: 'orders' },
    config: {
      groupBy: ['store_id'],
      measures: { revenue: 'sum(amount)', orders: 'count(*)', customers: 'count(distinct customer_id)' },
    },
  },
  dialectNotes: { postgres: 'any_value() is written as array_agg(…)[1] (PostgreSQL 15 has no any_value)' },
  analyze(ctx) {
    const rel = ctx.input();
    const groups = pickColumns(ctx, ctx.config.groupBy ?? [], ['groupBy']);
    if (!groups || !checkKeyColumns(ctx, groups, ['groupBy'], 'a group key')) return undefined;
    const groupKeys = new Set(groups.map((g) => g.name));
    const measures: Array<{ column: Column; expr: SqlExpr }> = [];
    let ok = true;
    for (const [name, text] of Object.entries(ctx.config.measures)) {
      const r = ctx.expr(text, ['measures', name], ctx.scope(), {
        aggregates: 'allowed',
        groupKeys,
        context: 'a measure',
      });
      if (!r) {
        ok = false;
        continue;
      }
      if (!r.hasAggregate && r.deps.length > 0) {
        ctx.warn('AGGREGATE_MISUSE', `measure "${name}" uses no aggregate function`, {
          key: ['measures', name],
          hint: 'a measure is usually sum(…), count(*), avg(…)…',
        });
      }
      measures.push({
        column: { name: ctx.newName(name), type: r.expr.type, from: ctx.origins(r.deps) },
        expr: r.expr,
      });
    }
    if (!ok) return undefined;
    if (groups.length === 0 && measures.length === 0) {
      ctx.error('MISSING_FIELD', 'aggregate needs groupBy columns or measures', {
        hint: 'add "measures": {"rows": "count(*)"}',
      });
      return undefined;
    }
    // The groups are the input's columns, passed on; a list made at its size (it is kept).
    const columns = groups.concat(measures.map((m) => m.column));
    if (!ctx.checkUnique(columns, ['measures'])) return undefined;
    return {
      outputs: { out: { columns } },
      // Groups are read (and grouped by) even when no reader wants them; a measure reads its arguments.
      reads: { always: columnOrigins(rel, groupKeys) },
      ...(groups.length ? { groupKeys: groups.map((g) => g.name) } : {}),
      build: (b) => ({
        out: {
          kind: 'select',
          items: [
            ...groups.filter((g) => b.wants(g.name)).map((g) => selectItem(col(g), g.name)),
            ...measures.filter((m) => b.wants(m.column.name)).map((m) => selectItem(m.expr, m.column.name)),
          ],
          from: b.input('in'),
          ...(groups.length ? { groupBy: groups.map((g) => col(g)) } : {}),
        },
      }),
    };
  },
});
