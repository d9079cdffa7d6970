/**
 * Join chains as one FROM: a join node that reads another join node (read by nothing else) takes
 * that node's joins into its own FROM instead of reading its CTE. Engines order joins within one
 * FROM only — DuckDB does not reorder joins across a CTE or subquery boundary, so a chain of join
 * CTEs ran in the order it was drawn (TPC-H Q7 took three times the hand-written time) — and a
 * hand-written query lists its joins in one FROM. Inner join conditions move to the join where
 * all of their relations are present; outer joins keep theirs and their place.
 */
import type { FromItem, Query, SelectItem, SelectQuery, SqlExpr } from '../sql/ast.js';
import { forEachColumn, mapColumns } from '../sql/columns.js';
import { T } from '../schema/types.js';

type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

interface Block {
  /** The relations joined, in order; each read under its own alias. */
  leaves: FromItem[];
  /** How leaves[i + 1] is joined; an outer join keeps its own condition. */
  steps: Array<{ type: JoinType; on?: SqlExpr }>;
  /** Inner join conditions and the last leaf each reads. */
  floating: Array<{ expr: SqlExpr; max: number }>;
  /** The block's output columns (over the leaves' placeholders), in order. */
  columns: Array<{ name: string; expr: SqlExpr }>;
  allInner: boolean;
}

const PLACEHOLDER = '\u0000';
const placeholder = (i: number) => `${PLACEHOLDER}${i}`;
const leafIndex = (table: string | undefined) =>
  table?.startsWith(PLACEHOLDER) ? Number(table.slice(1)) : undefined;

const OUTER_OK = new Set(['inner', 'cross', 'left', 'right', 'full']);

/** A join of two inputs with nothing else (the shape the join component builds), or undefined. */
function joinSelect(q: Query | undefined): (SelectQuery & { from: FromItem & { kind: 'join' } }) | undefined {
  if (q?.kind !== 'select' || q.from?.kind !== 'join' || !OUTER_OK.has(q.from.joinType)) return undefined;
  if (q.where || q.groupBy || q.having || q.qualify || q.distinct || q.orderBy) return undefined;
  if (q.limit !== undefined || q.offset !== undefined) return undefined;
  if (!q.items.every((i) => i.kind === 'expr')) return undefined;
  return q as SelectQuery & { from: FromItem & { kind: 'join' } };
}

const withoutAlias = (f: FromItem): FromItem => {
  if (f.kind === 'ref' || f.kind === 'table') {
    const { alias: _alias, ...rest } = f;
    return rest;
  }
  return f;
};
const aliasOf = (f: FromItem) => (f.kind === 'join' ? undefined : f.alias);

function shift(e: SqlExpr, by: number): SqlExpr {
  if (by === 0) return e;
  return mapColumns(e, (c) => {
    const i = leafIndex(c.table);
    return i === undefined ? c : { ...c, table: placeholder(i + by) };
  });
}

function maxLeaf(e: SqlExpr): number {
  let max = 0;
  forEachColumn(e, (c) => {
    const i = leafIndex(c.table);
    if (i !== undefined && i > max) max = i;
  });
  return max;
}

/** One relation read on its own: its columns are read from it by name. */
function leafBlock(f: FromItem): Block {
  return { leaves: [withoutAlias(f)], steps: [], floating: [], columns: [], allInner: true };
}

/**
 * Joins `q` (a join of two inputs) with the blocks of the inputs it may take in; undefined when
 * it takes none in (its SQL stays as built).
 */
function merge(
  q: SelectQuery & { from: FromItem & { kind: 'join' } },
  lb: Block | undefined,
  rb: Block | undefined,
): { block: Block; usedLeft: boolean; usedRight: boolean } {
  const j = q.from;
  const type = j.joinType as JoinType;
  const inner = type === 'inner' || type === 'cross';
  // A block on the right is taken in only into an inner join, and only when it is all inner
  // joins itself (written left to right, its joins would otherwise change meaning).
  const usableR = inner && rb?.allInner ? rb : undefined;
  const left = lb ?? leafBlock(j.left);
  const right = usableR ?? leafBlock(j.right);
  const offset = left.leaves.length;
  const resolve = (block: Block, fromBlock: boolean, by: number, c: SqlExpr & { k: 'col' }): SqlExpr => {
    if (!fromBlock) return { ...c, table: placeholder(by) };
    const found = block.columns.find((x) => x.name === c.name);
    if (!found) throw new Error(`internal: join block has no column ${c.name}`);
    return shift(found.expr, by);
  };
  const la = aliasOf(j.left);
  const ra = aliasOf(j.right);
  const rewrite = (e: SqlExpr) =>
    mapColumns(e, (c) =>
      c.table !== undefined && c.table === la
        ? resolve(left, lb !== undefined, 0, c)
        : c.table !== undefined && c.table === ra
          ? resolve(right, usableR !== undefined, offset, c)
          : c,
    );
  const on = j.on ? rewrite(j.on) : undefined;
  const block: Block = {
    leaves: [...left.leaves, ...right.leaves],
    steps: [
      ...left.steps,
      inner ? { type } : { type, ...(on ? { on } : {}) },
      ...right.steps.map((s) => (s.on ? { ...s, on: shift(s.on, offset) } : s)),
    ],
    floating: [
      ...left.floating,
      ...right.floating.map((f) => ({ expr: shift(f.expr, offset), max: f.max + offset })),
      ...(inner && on ? [{ expr: on, max: maxLeaf(on) }] : []),
    ],
    columns: q.items.map((it) => {
      const item = it as SelectItem & { kind: 'expr' };
      return { name: item.alias, expr: rewrite(item.expr) };
    }),
    allInner: left.allInner && right.allInner && inner,
  };
  return { block, usedLeft: lb !== undefined, usedRight: usableR !== undefined };
}

/** The SELECT of a block: one FROM, each relation under an alias of its own name. */
function render(block: Block): SelectQuery {
  const taken = new Set<string>();
  const aliases = block.leaves.map((f) => {
    const base =
      f.kind === 'ref' ? f.name : f.kind === 'table' ? f.parts[f.parts.length - 1]! : (aliasOf(f) ?? 'j');
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
  const named = (e: SqlExpr) =>
    mapColumns(e, (c) => {
      const i = leafIndex(c.table);
      return i === undefined ? c : { ...c, table: aliases[i]! };
    });
  const leaf = (i: number): FromItem => {
    const f = block.leaves[i]!;
    const alias = aliases[i]!;
    if (f.kind === 'ref') return alias === f.name ? f : { ...f, alias };
    if (f.kind === 'table' || f.kind === 'subquery') return { ...f, alias };
    return f;
  };
  // An inner condition goes to the first inner join at or after the last relation it reads.
  const attached = new Map<number, SqlExpr[]>();
  for (const f of block.floating) {
    let at = Math.max(1, f.max);
    while (at < block.leaves.length && !['inner', 'cross'].includes(block.steps[at - 1]!.type)) at++;
    const list = attached.get(at) ?? [];
    list.push(f.expr);
    attached.set(at, list);
  }
  let from: FromItem = leaf(0);
  for (let i = 1; i < block.leaves.length; i++) {
    const step = block.steps[i - 1]!;
    const inner = step.type === 'inner' || step.type === 'cross';
    const conds = inner ? (attached.get(i) ?? []) : step.on ? [step.on] : [];
    const on = conds.reduce<SqlExpr | undefined>(
      (acc, c) => (acc ? { k: 'binary', op: 'and', left: acc, right: c, type: T.bool } : c),
      undefined,
    );
    from = {
      kind: 'join',
      joinType: inner ? (on ? 'inner' : 'cross') : step.type,
      left: from,
      right: leaf(i),
      ...(on ? { on: named(on) } : {}),
    };
  }
  return {
    kind: 'select',
    items: block.columns.map((c) => {
      const expr = named(c.expr);
      return { kind: 'expr', expr, alias: c.name };
    }),
    from,
  };
}

/**
 * Takes join CTEs into the joins that read them, one relation at a time in the statement's
 * topological order, each by its position there. `inlinable(name)`: the position of a CTE read
 * once, by one relation, that may be dropped.
 */
export class JoinChains {
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly inlinable: (cteName: string) => number | undefined) {}

  /**
   * The next join relation's query: rewritten when it takes in the join CTEs it reads (their
   * positions in `gone`: nothing reads them any more), as built otherwise. Not a join of two
   * inputs: kept.
   */
  add(at: number, query: Query): { query: Query; gone: number[] } {
    const q = joinSelect(query);
    if (!q) return { query, gone: [] };
    const side = (f: FromItem) => {
      const k = f.kind === 'ref' ? this.inlinable(f.name) : undefined;
      const block = k !== undefined ? this.blocks.get(k) : undefined;
      return k !== undefined && block ? { at: k, block } : undefined;
    };
    const l = side(q.from.left);
    const r = side(q.from.right);
    const { block, usedLeft, usedRight } = merge(q, l?.block, r?.block);
    this.blocks.set(at, block);
    const gone: number[] = [];
    // A CTE taken in is read by nothing else: its block is not needed again.
    for (const used of [usedLeft ? l!.at : -1, usedRight ? r!.at : -1])
      if (used >= 0) {
        gone.push(used);
        this.blocks.delete(used);
      }
    return { query: gone.length ? render(block) : query, gone };
  }
}
