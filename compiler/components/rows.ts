/** Components that choose or order rows: filter, sort, limit, distinct, dedupe, top_n, sample. */
import { z } from 'zod';
import { T } from '../schema/types.js';
import type { OrderItem, Query, SqlExpr } from '../sql/ast.js';
import {
  defineComponent,
  type AnalyzeContext,
  type BuildContext,
  type InputRelation,
  type NodeAnalysis,
} from './component.js';
import {
  checkKeyColumns,
  col,
  columnList,
  columnOrigins,
  expression,
  exprOrigins,
  ordering,
  passOn,
  passThroughSchema,
  pickColumns,
  selectItem,
} from './shapes.js';
import type { Column } from '../schema/relation.js';

export const filter = defineComponent({
  id: 'filter',
  rows: 'subset',
  category: 'transform',
  streaming: true,
  summary: 'Keeps the rows where a condition is true; the others go to `rejected`.',
  description:
    '`where` is a portable boolean expression; it may use workflow params (`:name`). `out` gets the rows where ' +
    'it is true; `rejected` the rows where it is false or null, so out + rejected is every input row.',
  inputs: [{ name: 'in', description: 'rows to test' }],
  outputs: [
    { name: 'out', description: 'rows where the condition is true' },
    { name: 'rejected', description: 'rows where it is false or null' },
  ],
  config: z.strictObject({
    where: expression.describe("a boolean expression, e.g. status = 'paid' AND amount >= :min_amount"),
  }),
  example: {
    title: 'Paid orders of at least 10',
    inputs: { in: 'orders' },
    config: { where: "status = 'paid' AND amount >= 10" },
  },
  analyze(ctx) {
    const r = ctx.expr(ctx.config.where, ['where'], ctx.scope());
    if (!r) return undefined;
    if (r.expr.type.kind !== 'bool' && r.expr.type.kind !== 'null' && r.expr.type.kind !== 'unknown') {
      ctx.error('TYPE_MISMATCH', `the condition is ${r.expr.type.kind}, not true/false`, {
        key: ['where'],
        hint: "compare it, e.g. amount > 0 or status = 'paid'",
      });
      return undefined;
    }
    const rel = ctx.input();
    const schema = passThroughSchema(rel);
    const cond = r.expr;
    return {
      outputs: { out: schema, rejected: schema },
      reads: { always: ctx.origins(r.deps) },
      build: (b) => ({
        out: passOn(b, rel, { where: cond }),
        rejected: passOn(b, rel, { where: { k: 'not_true', arg: cond, type: T.bool } }, 'rejected'),
      }),
    };
  },
});

export const sort = defineComponent({
  id: 'sort',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Orders rows.',
  description:
    'Orders by columns or expressions; nulls go last unless `nulls` says otherwise. SQL does not keep the order ' +
    'of an intermediate result, so edgeflow applies it where order matters: in `limit`, in previews, and in ' +
    'the final SELECT. A table written by output.table has no order.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the same rows, ordered' }],
  config: z.strictObject({ by: ordering.min(1) }),
  example: {
    title: 'Largest orders first',
    inputs: { in: 'orders' },
    config: { by: [{ expr: 'amount', desc: true }, 'order_id'] },
  },
  analyze(ctx) {
    const items = ctx.ordering(ctx.config.by, ['by'], ctx.scope());
    if (!items) return undefined;
    const rel = ctx.input();
    const schema = { ...passThroughSchema(rel, false), ordering: items };
    // The order is applied by its readers (limit, a preview), which read its columns.
    return { outputs: { out: schema }, reads: {}, build: (b) => ({ out: passOn(b, rel) }) };
  },
});

export const limit = defineComponent({
  id: 'limit',
  rows: 'subset',
  category: 'transform',
  summary: 'Keeps the first `count` rows (after `offset`).',
  description:
    'Respects the order of an upstream sort. Without one, which rows are kept is up to the warehouse.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'at most count rows' }],
  config: z.strictObject({
    count: z.number().int().min(0).describe('rows to keep'),
    offset: z.number().int().min(0).optional().describe('rows to skip first'),
  }),
  example: { title: 'The first 10 rows', inputs: { in: 'orders' }, config: { count: 10 } },
  analyze(ctx) {
    const rel = ctx.input();
    if (!rel.schema.ordering) {
      ctx.warn('INVALID_VALUE', 'limit without a sort upstream keeps arbitrary rows', {
        key: ['count'],
        hint: 'add a sort node before the limit for a repeatable result',
      });
    }
    const { count, offset } = ctx.config;
    return {
      outputs: { out: passThroughSchema(rel) },
      reads: {
        always: exprOrigins(
          rel,
          (rel.schema.ordering ?? []).map((o) => o.expr),
        ),
      },
      build: (b) => ({
        out: passOn(b, rel, {
          ...(rel.schema.ordering ? { orderBy: rel.schema.ordering } : {}),
          limit: count,
          ...(offset ? { offset } : {}),
        }),
      }),
    };
  },
});

export const distinct = defineComponent({
  id: 'distinct',
  category: 'transform',
  summary: 'Removes duplicate rows.',
  description:
    'Without `columns`, keeps one of each identical row. With `columns`, the output is just those columns, once per distinct combination (nulls count as equal). To keep whole rows, one per key, use dedupe.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'distinct rows' }],
  config: z.strictObject({ columns: columnList.min(1).optional() }),
  example: {
    title: 'The distinct store/status pairs',
    inputs: { in: 'orders' },
    config: { columns: ['store_id', 'status'] },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const cols = ctx.config.columns ? pickColumns(ctx, ctx.config.columns, ['columns']) : rel.schema.columns;
    if (!cols) return undefined;
    const out: Column[] = cols;
    if (!ctx.checkUnique(out, ['columns'])) return undefined;
    if (!checkKeyColumns(ctx, out, ['columns'], 'compared for distinct')) return undefined;
    return {
      outputs: { out: { columns: out } },
      // Distinct rows depend on every column compared: all of them are read and kept.
      ...(ctx.config.columns
        ? {
            reads: {
              always: columnOrigins(
                rel,
                cols.map((c) => c.name),
              ),
              allOutputs: true,
            },
          }
        : {}),
      build: (b) => ({
        out: ctx.config.columns
          ? {
              kind: 'select',
              distinct: true,
              items: out.map((c) => selectItem(col(c), c.name)),
              from: b.input('in'),
            }
          : { kind: 'select', distinct: true, items: [{ kind: 'star' }], from: b.input('in') },
      }),
    };
  },
});

/**
 * The first `n` rows per group by an ordering: QUALIFY where the dialect has it, otherwise a
 * row_number() subquery whose helper column is dropped again.
 */
function firstRowsPerGroup(
  b: BuildContext,
  rel: InputRelation,
  partitionBy: SqlExpr[],
  orderBy: OrderItem[],
  n: number,
): Query {
  // Without groups it is ORDER BY … LIMIT n: engines have a top-N operator for that, where a
  // window over every row costs a full sort (24× slower on DuckDB in `npm run bench`).
  if (partitionBy.length === 0) return passOn(b, rel, { orderBy, limit: n });
  const rn: SqlExpr = {
    k: 'fn',
    name: 'row_number',
    fnKind: 'window',
    args: [],
    type: T.bigint,
    over: { partitionBy, orderBy },
  };
  const cond = (e: SqlExpr): SqlExpr => ({
    k: 'binary',
    op: '<=',
    left: e,
    right: { k: 'lit', type: T.int, value: n },
    type: T.bool,
  });
  if (b.dialect.caps.qualify) return passOn(b, rel, { qualify: cond(rn) });
  const helper = b.helperName(
    '_ef_rn',
    rel.schema.columns.map((c) => c.name),
  );
  const inner: Query = {
    kind: 'select',
    items: [{ kind: 'star' }, selectItem(rn, helper)],
    from: b.input('in'),
  };
  return {
    kind: 'select',
    items: rel.schema.columns.filter((c) => b.wants(c.name)).map((c) => selectItem(col(c), c.name)),
    from: { kind: 'subquery', query: inner, alias: '_ranked' },
    where: cond({ k: 'col', name: helper, type: T.bigint }),
  };
}

function topN(
  ctx: AnalyzeContext<unknown>,
  groupKey: 'groupBy' | 'key',
  groupBy: readonly string[],
  orderBy: Parameters<AnalyzeContext<unknown>['ordering']>[0],
  n: number,
): NodeAnalysis | undefined {
  const rel = ctx.input();
  const groups = pickColumns(ctx, groupBy, [groupKey]);
  if (groups && !checkKeyColumns(ctx, groups, [groupKey], 'a partition key')) return undefined;
  const order = ctx.ordering(orderBy, ['orderBy'], ctx.scope());
  if (!groups || !order) return undefined;
  const partitionBy = groups.map((g) => col(g));
  const preview: OrderItem[] = [
    ...partitionBy.map((e) => ({ expr: e, desc: false, nulls: 'last' as const })),
    ...order,
  ];
  const outputOrdering = order.every((o) => o.expr.k === 'col') ? preview : undefined;
  return {
    outputs: {
      out: { ...passThroughSchema(rel, false), ...(outputOrdering ? { ordering: outputOrdering } : {}) },
    },
    reads: { always: exprOrigins(rel, [...partitionBy, ...order.map((o) => o.expr)]) },
    build: (b) => ({ out: firstRowsPerGroup(b, rel, partitionBy, order, n) }),
  };
}

export const dedupe = defineComponent({
  id: 'dedupe',
  rows: 'subset',
  category: 'transform',
  summary: 'Keeps one whole row per key: the first by `orderBy`.',
  description:
    'For each distinct `key` (nulls count as equal), keeps the first row by `orderBy`; with no `orderBy` an arbitrary row. Typical use: the latest version of each record.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'one row per key' }],
  config: z.strictObject({ key: columnList.min(1), orderBy: ordering.optional() }),
  example: {
    title: 'The latest order of each customer',
    inputs: { in: 'orders' },
    config: { key: ['customer_id'], orderBy: [{ expr: 'ordered_at', desc: true }] },
  },
  dialectNotes: { postgres: 'row_number() in a subquery (no QUALIFY)' },
  analyze(ctx) {
    return topN(ctx, 'key', ctx.config.key, ctx.config.orderBy ?? [], 1);
  },
});

export const topNComponent = defineComponent({
  id: 'top_n',
  rows: 'subset',
  category: 'transform',
  summary: 'The first `n` rows per group by an ordering.',
  description:
    'Without `groupBy`, the first n rows overall. Ties are broken arbitrarily (add columns to orderBy to make it repeatable).',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'at most n rows per group' }],
  config: z.strictObject({
    groupBy: columnList.optional(),
    orderBy: ordering.min(1),
    n: z.number().int().min(1).max(1_000_000),
  }),
  example: {
    title: 'The 3 largest orders of each store',
    inputs: { in: 'orders' },
    config: { groupBy: ['store_id'], orderBy: [{ expr: 'amount', desc: true }], n: 3 },
  },
  dialectNotes: { postgres: 'row_number() in a subquery (no QUALIFY)' },
  analyze(ctx) {
    return topN(ctx, 'groupBy', ctx.config.groupBy ?? [], ctx.config.orderBy, ctx.config.n);
  },
});

export const sample = defineComponent({
  id: 'sample',
  rows: 'subset',
  category: 'transform',
  summary: 'A random sample: a percentage of rows, or a number of rows.',
  description:
    'Give `percent` (each row kept with that probability) or `rows` (that many rows, or all when there are fewer). ' +
    'With `seed` the sample is repeatable for the same data (on DuckDB: for the same data and thread count).',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the sampled rows' }],
  config: z
    .strictObject({
      percent: z.number().gt(0).max(100).optional().describe('0 < percent ≤ 100'),
      rows: z.number().int().min(0).optional().describe('number of rows'),
      seed: z.number().int().min(0).max(2_147_483_647).optional(),
    })
    .refine((c) => (c.percent === undefined) !== (c.rows === undefined), {
      message: 'give either percent or rows',
    }),
  example: {
    title: 'About 10% of the orders, repeatably',
    inputs: { in: 'orders' },
    config: { percent: 10, seed: 42 },
  },
  dialectNotes: {
    duckdb: 'USING SAMPLE (bernoulli / reservoir)',
    postgres: 'random(); with a seed, an md5 hash of the row',
    bigquery: 'RAND(); with a seed, an MD5 hash of the row',
    snowflake: 'RANDOM(); with a seed, a HASH of the row',
  },
  analyze(ctx) {
    const rel = ctx.input();
    const { percent, rows, seed } = ctx.config;
    const spec =
      rows !== undefined
        ? { rows, ...(seed !== undefined ? { seed } : {}) }
        : { percent: percent!, ...(seed !== undefined ? { seed } : {}) };
    return {
      outputs: { out: passThroughSchema(rel, false) },
      build: (b) => ({
        out: { kind: 'sample', from: b.input('in'), spec, columns: rel.schema.columns.map((c) => c.name) },
      }),
    };
  },
});
