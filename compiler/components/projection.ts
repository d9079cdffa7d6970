/** Components that reshape columns without changing rows: select, drop, rename, compute, cast, fill_nulls. */
import { z } from 'zod';
import { lowerName, nameInInput, PassedColumn, type Column, type ColumnOrigin } from '../schema/relation.js';
import { comparable, formatType } from '../schema/types.js';
import type { SelectItem, SqlExpr } from '../sql/ast.js';
import {
  defineComponent,
  type AnalyzeContext,
  type BuildContext,
  type InputRelation,
  type NodeAnalysis,
} from './component.js';
import {
  carryOrdering,
  col,
  columnList,
  columnName,
  declaredType,
  expression,
  passedItem,
  pickColumns,
} from './shapes.js';
import { jsonLiteral } from './source-values.js';

/** A computed output column: its schema entry and the expression that computes it. */
interface Computed {
  column: Column;
  expr: SqlExpr;
}

/**
 * One output column of a projection: a column passed on from the input is its own item (the input's
 * column object, or a PassedColumn when renamed; the expression reading it is made when the SQL is
 * written), a computed one carries its expression. Most columns of most nodes are passed on, and a
 * chain of compute nodes over a wide relation has one item per column per node: an item object and
 * a column reference kept for each of them were more than half of the memory of analysing such a
 * chain.
 */
type Projected = Column | Computed;

const isComputed = (p: Projected): p is Computed => 'expr' in p;
const columnOf = (p: Projected): Column => (isComputed(p) ? p.column : p);

/**
 * A projection's items with their SELECT entries, made when first built and shared by every
 * statement that builds the node again (a plan builds a node once per statement that reads it).
 */
class Projection {
  private made: Array<SelectItem & { kind: 'expr' }> | undefined;

  constructor(
    readonly items: readonly Projected[],
    private readonly ref: InputRelation['ref'],
  ) {}

  /** The entries of items [start, end) that its readers want, each computed or read from the input. */
  wanted(b: BuildContext, start = 0, end = this.items.length): SelectItem[] {
    const entries = (this.made ??= this.items.map((p) => {
      if (isComputed(p)) return { kind: 'expr', expr: p.expr, alias: p.column.name };
      const name = nameInInput(p, this.ref);
      return name === p.name
        ? passedItem(p.name, p.type)
        : { kind: 'expr', expr: col({ name, type: p.type }), alias: p.name };
    }));
    const out: SelectItem[] = [];
    for (let i = start; i < end; i++) if (b.wants(entries[i]!.alias)) out.push(entries[i]!);
    return out;
  }

  query(b: BuildContext) {
    return { kind: 'select' as const, items: this.wanted(b), from: b.input('in') };
  }
}

/**
 * `columns` less those named in `names`. In a function of its own: a set made in analyze and read
 * by a callback there would be kept (in the closures' shared scope) as long as the build.
 */
function without(columns: readonly Column[], names: readonly string[]): Column[] {
  const gone = new Set(names);
  return columns.filter((c) => !gone.has(c.name));
}

/** Output schema + ordering kept where the ordering columns survive under their (new) names. */
export function projected(rel: InputRelation, items: readonly Projected[]) {
  // The map of renames only matters to an ordered input (most are not: no map per node then).
  const ordering = rel.schema.ordering?.length
    ? carryOrdering(rel.schema.ordering, renames(items, rel.ref))
    : undefined;
  // Items all passed on (a select of names, a drop, a rename) are the columns: one list for both.
  const columns = items.some(isComputed) ? items.map(columnOf) : (items as Column[]);
  return { columns, ...(ordering ? { ordering } : {}) };
}

/** What each input column is called in the output (a column computed as a bare column counts). */
function renames(items: readonly Projected[], ref: InputRelation['ref']): Map<string, Column> {
  const renamed = new Map<string, Column>();
  for (const p of items) {
    if (!isComputed(p)) renamed.set(nameInInput(p, ref), p);
    else if (p.expr.k === 'col') renamed.set(p.expr.name, p.column);
  }
  return renamed;
}

export const select = defineComponent({
  id: 'select',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Keeps, reorders and computes columns.',
  description:
    'The output has exactly the columns listed, in that order: a name keeps an input column; ' +
    '`{"as": "name", "expr": "…"}` computes one from a portable expression.',
  inputs: [{ name: 'in', description: 'rows to project' }],
  outputs: [{ name: 'out', description: 'the listed columns' }],
  config: z.strictObject({
    columns: z
      .array(z.union([columnName, z.strictObject({ as: z.string().min(1), expr: expression })]))
      .min(1)
      .describe('["a", {"as": "b2", "expr": "b * 2"}]'),
  }),
  example: {
    title: 'Keep the id and a total with tax',
    inputs: { in: 'orders' },
    config: { columns: ['order_id', { as: 'with_tax', expr: 'amount * 1.21' }] },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const items: Projected[] = [];
    let ok = true;
    // A loop, not forEach: a callback reading ctx would keep the context (and its inputs) alive
    // for as long as the build closure, which shares the callback's scope.
    const columns = ctx.config.columns;
    for (let i = 0; i < columns.length; i++) {
      const item = columns[i]!;
      if (typeof item === 'string') {
        const c = ctx.column(item, ['columns', i]);
        if (c) items.push(c);
        else ok = false;
        continue;
      }
      const r = ctx.expr(item.expr, ['columns', i, 'expr'], ctx.scope());
      if (!r) {
        ok = false;
        continue;
      }
      items.push({
        column: { name: ctx.newName(item.as), type: r.expr.type, from: ctx.origins(r.deps) },
        expr: r.expr,
      });
    }
    if (!ok || !ctx.checkUnique(items.map(columnOf), ['columns'])) return undefined;
    const projection = new Projection(items, rel.ref);
    return {
      outputs: { out: projected(rel, items) },
      reads: {},
      build: (b) => ({ out: projection.query(b) }),
    };
  },
});

export const drop = defineComponent({
  id: 'drop',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Removes columns.',
  description:
    'Every column except the ones listed flows on, in its order. Dropping every column is an error.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows without the listed columns' }],
  config: z.strictObject({ columns: columnList.min(1) }),
  example: {
    title: 'Drop the internal note column',
    inputs: { in: 'orders' },
    config: { columns: ['status'] },
  },
  dialectNotes: {
    duckdb: 'SELECT * EXCLUDE (…)',
    bigquery: 'SELECT * EXCEPT (…)',
    snowflake: 'SELECT * EXCLUDE (…)',
    postgres: 'explicit column list',
  },
  analyze(ctx) {
    const rel = ctx.input();
    const gone = pickColumns(ctx, ctx.config.columns, ['columns']);
    if (!gone) return undefined;
    const names = [...new Set(gone.map((c) => c.name))];
    const kept = without(rel.schema.columns, names);
    if (kept.length === 0) {
      ctx.error('INVALID_VALUE', 'drop would remove every column', {
        key: ['columns'],
        hint: 'keep at least one column',
      });
      return undefined;
    }
    const projection = new Projection(kept, rel.ref);
    return {
      outputs: { out: projected(rel, kept) },
      reads: {},
      build: (b) => ({
        // `* EXCLUDE` only over the whole input (a pruned input may not have the dropped columns).
        out:
          b.dialect.caps.exceptColumns &&
          b.inputColumnCount('in') === undefined &&
          kept.every((p) => b.wants(p.name))
            ? { kind: 'select', items: [{ kind: 'star', except: names.slice() }], from: b.input('in') }
            : projection.query(b),
      }),
    };
  },
});

export const rename = defineComponent({
  id: 'rename',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Renames columns.',
  description:
    'Maps old names to new ones; other columns keep their names and order. A new name may not clash with another column.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows with renamed columns' }],
  config: z.strictObject({ columns: z.record(z.string(), z.string().min(1)).describe('{"old": "new"}') }),
  example: {
    title: 'Rename amount to revenue',
    inputs: { in: 'orders' },
    config: { columns: { amount: 'revenue' } },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const map = new Map<string, string>();
    let ok = true;
    for (const [from, to] of Object.entries(ctx.config.columns)) {
      const c = ctx.column(from, ['columns', from]);
      if (c) map.set(c.name, ctx.newName(to));
      else ok = false;
    }
    if (!ok) return undefined;
    const items: Projected[] = rel.schema.columns.map((c) => {
      const to = map.get(c.name);
      return to ? new PassedColumn(to, c.type, rel.ref, c.name) : c;
    });
    if (!ctx.checkUnique(items.map(columnOf), ['columns'])) return undefined;
    const projection = new Projection(items, rel.ref);
    return {
      outputs: { out: projected(rel, items) },
      reads: {},
      build: (b) => ({ out: projection.query(b) }),
    };
  },
});

/**
 * compute and window share this: new columns are appended, a same-named column is replaced in
 * place. A node adds a few columns to a few dozen, so each added name is looked for among the
 * columns (lowerName makes no string for a lower-case name) rather than through a map of every
 * input name per node; a map only when that would be many comparisons.
 */
export function mergeColumns(rel: InputRelation, added: ReadonlyArray<Computed>): Projected[] {
  const columns = rel.schema.columns;
  const items: Projected[] = columns.slice();
  const position = added.length * items.length > MERGE_BY_SCAN ? positions(items) : undefined;
  for (const a of added) {
    const lower = lowerName(a.column.name);
    const at = position ? position.get(lower) : indexOfLower(items, lower);
    if (at !== undefined) items[at] = { ...a, column: { ...a.column, name: columnOf(items[at]!).name } };
    else {
      position?.set(lower, items.length);
      items.push(a);
    }
  }
  return items;
}

/** Up to this many name comparisons (added × input columns), a scan rather than a map. */
const MERGE_BY_SCAN = 256;

function positions(items: readonly Projected[]): Map<string, number> {
  return new Map(items.map((p, i) => [lowerName(columnOf(p).name), i]));
}

/** The position of the last item named `lower` ignoring case (as in the map, where the last wins). */
function indexOfLower(items: readonly Projected[], lower: string): number | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (lowerName(columnOf(items[i]!).name) === lower) return i;
  return undefined;
}

/** No input columns read whatever is asked (shared: a list per compute node stayed alive with it). */
const NO_ORIGINS: readonly ColumnOrigin[] = Object.freeze([]);

/**
 * compute and window: the input's columns plus the added ones (a same-named column replaced in
 * place). An added column that replaces a sort column ends that order. `always`: input columns
 * read whatever is asked (a window's partition and order).
 */
export function withAddedColumns(
  ctx: AnalyzeContext<unknown>,
  rel: InputRelation,
  added: Computed[],
  always: readonly ColumnOrigin[] = NO_ORIGINS,
): NodeAnalysis | undefined {
  if (
    !ctx.checkUnique(
      added.map((a) => a.column),
      ['columns'],
    )
  )
    return undefined;
  const items = mergeColumns(rel, added);
  const inputCount = rel.schema.columns.length;
  // An added column that replaces an input column (same name) needs the explicit list.
  let replaces = false;
  for (let i = 0; i < inputCount && !replaces; i++) {
    replaces = items[i] !== rel.schema.columns[i];
  }
  const projection = new Projection(items, rel.ref);
  return {
    outputs: { out: projected(rel, items) },
    reads: { always },
    build: (b) => ({ out: appendQuery(b, projection, inputCount, replaces) }),
  };
}

/**
 * `SELECT *, new AS x` when only adding to the columns the input has (readable); an explicit
 * list when replacing, or when the readers want fewer of the input's columns than it has.
 */
function appendQuery(b: BuildContext, projection: Projection, inputCount: number, replaces: boolean) {
  const has = b.inputColumnCount('in') ?? inputCount;
  if (replaces || projection.wanted(b, 0, inputCount).length !== has) return projection.query(b);
  return {
    kind: 'select' as const,
    items: [{ kind: 'star' as const }, ...projection.wanted(b, inputCount)],
    from: b.input('in'),
  };
}

export const compute = defineComponent({
  id: 'compute',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Adds computed columns (or replaces a column of the same name).',
  description:
    'Each entry is `"name": "expression"`. Expressions see the input columns (not each other); a name that ' +
    'exists is replaced in place, a new one is appended.',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows with the computed columns' }],
  config: z.strictObject({ columns: z.record(z.string(), expression).describe('{"name": "expression"}') }),
  example: {
    title: 'Order month and a size class',
    inputs: { in: 'orders' },
    config: {
      columns: {
        order_month: "date_trunc('month', ordered_at)",
        size: "CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END",
      },
    },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const added: Computed[] = [];
    let ok = true;
    for (const [name, text] of Object.entries(ctx.config.columns)) {
      const r = ctx.expr(text, ['columns', name], ctx.scope());
      if (!r) ok = false;
      else
        added.push({
          column: { name: ctx.newName(name), type: r.expr.type, from: ctx.origins(r.deps) },
          expr: r.expr,
        });
    }
    return ok ? withAddedColumns(ctx, rel, added) : undefined;
  },
});

export const cast = defineComponent({
  id: 'cast',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Changes column types.',
  description:
    'Each entry is `"column": "type"` with a portable type. A value that does not convert is an error at run time (as CAST is in SQL).',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows with the new types' }],
  config: z.strictObject({
    columns: z.record(z.string(), z.string().min(1)).describe('{"column": "portable type"}'),
  }),
  example: {
    title: 'Store ids as text',
    inputs: { in: 'orders' },
    config: { columns: { store_id: 'string' } },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const casts = new Map<string, Computed>();
    let ok = true;
    for (const [name, typeText] of Object.entries(ctx.config.columns)) {
      const c = ctx.column(name, ['columns', name]);
      const t = declaredType(ctx, typeText, ['columns', name]);
      if (!c || !t) {
        ok = false;
        continue;
      }
      casts.set(c.name, {
        column: new PassedColumn(c.name, t, rel.ref),
        expr: { k: 'cast', arg: col(c), type: t },
      });
    }
    if (!ok) return undefined;
    const items = replacing(rel.schema.columns, casts);
    const projection = new Projection(items, rel.ref);
    return {
      outputs: { out: projected(rel, items) },
      reads: {},
      build: (b) => ({ out: projection.query(b) }),
    };
  },
});

export const fillNulls = defineComponent({
  id: 'fill_nulls',
  rows: 'each',
  category: 'transform',
  streaming: true,
  summary: 'Replaces nulls with a value.',
  description:
    'Each entry is `"column": value`, a JSON literal of the column’s type (dates as "YYYY-MM-DD").',
  inputs: [{ name: 'in', description: 'rows' }],
  outputs: [{ name: 'out', description: 'the rows with nulls filled' }],
  config: z.strictObject({
    columns: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe('{"column": literal}'),
  }),
  example: {
    title: 'Missing discounts count as 0',
    inputs: { in: 'orders' },
    config: { columns: { discount: 0 } },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const fills = new Map<string, Computed>();
    let ok = true;
    for (const [name, value] of Object.entries(ctx.config.columns)) {
      const c = ctx.column(name, ['columns', name]);
      if (!c) {
        ok = false;
        continue;
      }
      const lit = jsonLiteral(value, c.type);
      if (typeof lit === 'string' || !comparable(lit.type, c.type)) {
        ctx.error(
          'TYPE_MISMATCH',
          `column "${c.name}" is ${formatType(c.type)}: ${typeof lit === 'string' ? lit : 'value does not fit'}`,
          { key: ['columns', name] },
        );
        ok = false;
        continue;
      }
      fills.set(c.name, {
        column: c,
        expr: { k: 'fn', name: 'coalesce', fnKind: 'scalar', args: [col(c), lit], type: c.type },
      });
    }
    if (!ok) return undefined;
    const items = replacing(rel.schema.columns, fills);
    const projection = new Projection(items, rel.ref);
    return {
      outputs: { out: projected(rel, items) },
      reads: {},
      build: (b) => ({ out: projection.query(b) }),
    };
  },
});

/**
 * The input's columns, those named in `by` replaced. In a function of its own: a callback in
 * analyze reading the map would keep it (in the closures' shared scope) as long as the build.
 */
function replacing(columns: readonly Column[], by: ReadonlyMap<string, Computed>): Projected[] {
  const items = new Array<Projected>(columns.length);
  for (let i = 0; i < columns.length; i++) items[i] = by.get(columns[i]!.name) ?? columns[i]!;
  return items;
}

export type { Computed, Projected, AnalyzeContext };
