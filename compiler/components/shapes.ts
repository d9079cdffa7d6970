/** Config shapes and small helpers shared by several components. */
import { z } from 'zod';
import { type Column, type ColumnOrigin, type RelationSchema } from '../schema/relation.js';
import type { FunctionKind, OrderItem, Query, SelectItem, SelectQuery, SqlExpr } from '../sql/ast.js';
import { forEachColumn } from '../sql/columns.js';
import type { AnalyzeContext, BuildContext, ConfigKey, InputRelation } from './component.js';
import { parseTypeName, PORTABLE_TYPE_NAMES, type PortableType } from '../schema/types.js';
import type { FromItem } from '../sql/ast.js';
import { nearest } from '../suggest.js';

export const columnName = z.string().min(1).describe('a column name');
export const columnList = z.array(columnName).describe('column names');

/**
 * The JSON Schema key that marks a config field written in the expression language; its value is
 * the kinds of function the field accepts. The component docs (describe_component, the README)
 * list these fields and point at the language's reference.
 */
export const EXPRESSION_SCHEMA_KEY = 'x-edgeflow-expression';

function expressionField(functions: FunctionKind[], description: string) {
  return z
    .string()
    .min(1)
    .meta({ description, [EXPRESSION_SCHEMA_KEY]: functions });
}

/** An expression of scalar functions (everywhere but measures and window columns). */
export const expression = expressionField(['scalar'], 'a portable expression');
/** An aggregate node's measure: aggregates over the group. */
export const aggregateExpression = expressionField(
  ['scalar', 'aggregate'],
  'a portable expression over aggregates',
);
/** A window node's column: aggregates and window functions over the window. */
export const windowExpression = expressionField(
  ['scalar', 'aggregate', 'window'],
  'a portable expression with aggregate or window functions',
);

export const orderingItem = z.union([
  expression.describe('a column or expression, ascending'),
  z.strictObject({
    expr: expression.describe('column or expression to order by'),
    desc: z.boolean().optional().describe('descending; default false'),
    nulls: z.enum(['first', 'last']).optional().describe('where nulls go; default last'),
  }),
]);
export const ordering = z.array(orderingItem).describe('"column" or {"expr", "desc", "nulls"} items');

export const columnDecl = z.strictObject({
  name: z.string().min(1),
  type: z
    .string()
    .min(1)
    .describe(`a portable type: ${PORTABLE_TYPE_NAMES.join(', ')}`),
});

/** Parses a declared type, reporting INVALID_VALUE with the nearest type name. */
export function declaredType(
  ctx: AnalyzeContext<unknown>,
  text: string,
  key: ConfigKey,
): PortableType | undefined {
  const t = parseTypeName(text);
  if (!t) {
    // Compare the name alone: `decimel(10,2)` should suggest decimal.
    const near = nearest(
      text.replace(/\s*\(.*$/, ''),
      PORTABLE_TYPE_NAMES.map((n) => n.replace('(p,s)', '')),
    );
    ctx.error('INVALID_VALUE', `unknown type "${text}"`, {
      key,
      hint: `${near ? `did you mean "${near}"? ` : ''}portable types: ${PORTABLE_TYPE_NAMES.join(', ')}`,
    });
  }
  return t;
}

/** Resolves a list of column names against an input; undefined if any is missing. */
export function pickColumns(
  ctx: AnalyzeContext<unknown>,
  names: readonly string[],
  key: ConfigKey,
  rel?: InputRelation,
): Column[] | undefined {
  const out: Column[] = [];
  let ok = true;
  names.forEach((n, i) => {
    const c = ctx.column(n, [...key, i], rel);
    if (c) out.push(c);
    else ok = false;
  });
  return ok ? out : undefined;
}

/**
 * The input's rows passed on with all their columns: its own schema, or its own list of columns
 * without its ordering. (A column passed on unchanged is the input's own column object, in every
 * component: see columnLineage.)
 */
export function passThroughSchema(rel: InputRelation, keepOrdering = true): RelationSchema {
  // The input's own schema when nothing changes (a schema is not changed once made): a 10,000-node
  // chain of filters and sorts made one object per node for it.
  if (keepOrdering || !rel.schema.ordering) return rel.schema;
  return { columns: rel.schema.columns };
}

export function col(c: { name: string; type: PortableType }, table?: string): SqlExpr {
  return { k: 'col', name: c.name, type: c.type, ...(table ? { table } : {}) };
}

export function selectItem(expr: SqlExpr, alias: string): SelectItem {
  return { kind: 'expr', expr, alias };
}

export function selectAll(from: FromItem, extra: Partial<Query & { kind: 'select' }> = {}): Query {
  return { kind: 'select', items: [{ kind: 'star' }], from, ...extra };
}

/**
 * Keeps an input's ordering through a projection when every ordering column survives (possibly
 * renamed); otherwise the order is lost, as it would be in SQL.
 */
export function carryOrdering(
  ordering: readonly OrderItem[] | undefined,
  renamed: ReadonlyMap<string, Column>,
): OrderItem[] | undefined {
  if (!ordering?.length) return undefined;
  const out: OrderItem[] = [];
  for (const o of ordering) {
    if (o.expr.k !== 'col') return undefined;
    const to = renamed.get(o.expr.name);
    if (!to) return undefined;
    out.push({ ...o, expr: col(to) });
  }
  return out;
}

/**
 * Geography values have no portable equality (BigQuery cannot group, partition or DISTINCT them),
 * so they cannot be keys. Reports each such column; true when all are usable keys.
 */
export function checkKeyColumns(
  ctx: AnalyzeContext<unknown>,
  columns: readonly Column[],
  key: ConfigKey,
  use: string,
): boolean {
  let ok = true;
  for (const c of columns) {
    if (c.type.kind !== 'geography') continue;
    ctx.error('TYPE_MISMATCH', `column "${c.name}" is geography and cannot be ${use}`, {
      key,
      hint: 'use an id column, or compute a text form first (a compute node)',
    });
    ok = false;
  }
  return ok;
}

/** Lineage origins of columns of one input, by name ("columns read"). */
export function columnOrigins(rel: InputRelation, names: Iterable<string>): ColumnOrigin[] {
  // Made at its size (the lists are kept with the analysis; one grown by push keeps 16 spare slots).
  const list = Array.isArray(names) ? (names as readonly string[]) : [...names];
  const out = new Array<ColumnOrigin>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { node: rel.ref.node, port: rel.ref.port, column: list[i]! };
  return out;
}

/** Lineage origins of the input columns some expressions over one input read (keys, orderings). */
export function exprOrigins(rel: InputRelation, exprs: Iterable<SqlExpr>): ColumnOrigin[] {
  const names = new Set<string>();
  for (const e of exprs) forEachColumn(e, (c) => names.add(c.name));
  return columnOrigins(rel, names);
}

/**
 * The SELECT entry of a column read under its own name, shared by every node and statement that
 * passes a column of that name and type on: entries are never changed once made, and a 10,000-node
 * statement passes ~200,000 columns on (two objects each, when made per node, most of them kept
 * until the statement is written). Bounded: let go when it holds many names.
 */
const passed = new Map<string, SelectItem & { kind: 'expr' }>();

export function passedItem(name: string, type: PortableType): SelectItem & { kind: 'expr' } {
  let item = passed.get(name);
  if (item?.expr.type !== type) {
    if (passed.size >= 4096) passed.clear();
    passed.set(name, (item = { kind: 'expr', expr: { k: 'col', name, type }, alias: name }));
  }
  return item;
}

/** The SELECT entries that pass a relation's columns on by name, made once per relation. */
const passEntries = new WeakMap<readonly Column[], Array<SelectItem & { kind: 'expr' }>>();

function passEntriesOf(columns: readonly Column[]): Array<SelectItem & { kind: 'expr' }> {
  let entries = passEntries.get(columns);
  if (!entries) passEntries.set(columns, (entries = columns.map((c) => passedItem(c.name, c.type))));
  return entries;
}

const STAR: SelectItem = { kind: 'star' };

/**
 * The rows of an input with the columns the readers of `outPort` want (the input's own names):
 * `SELECT *` when the input has exactly those, else the list.
 */
export function passOn(
  b: BuildContext,
  rel: InputRelation,
  extra: Partial<SelectQuery> = {},
  outPort = 'out',
  inPort = 'in',
): Query {
  const entries = passEntriesOf(rel.schema.columns);
  const has = b.inputColumnCount(inPort) ?? entries.length;
  // Mostly every column is wanted: no list is made unless one is not.
  let i = 0;
  while (i < entries.length && b.wants(entries[i]!.alias, outPort)) i++;
  let wanted = entries;
  if (i < entries.length) {
    wanted = entries.slice(0, i);
    for (i++; i < entries.length; i++) if (b.wants(entries[i]!.alias, outPort)) wanted.push(entries[i]!);
  }
  const items: SelectItem[] = wanted.length === has ? [STAR] : wanted === entries ? entries.slice() : wanted;
  return { kind: 'select', items, from: b.input(inPort), ...extra };
}
