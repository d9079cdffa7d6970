/**
 * Semi-join reduction of an aggregate joined on its group keys ("sideways information passing").
 *
 * A workflow often aggregates a large table and then joins the result with a small, filtered set
 * on the group keys (TPC-H Q20: 1994's shipments summed per part and supplier, then joined with
 * the stock of the "forest" parts). Written by hand, the same question is a correlated subquery,
 * and the engine aggregates only the groups the small side asks for; compiled as drawn, the
 * engine aggregates every group and the join throws most of them away (DuckDB: 1.7× the hand
 * query's time). So the aggregate's input keeps only the rows whose group keys the other side has:
 *
 *   shipped AS (SELECT l_partkey, l_suppkey, SUM(l_quantity) … FROM year_1994 AS _agg
 *               WHERE EXISTS (SELECT 1 FROM forest_stock AS _k
 *                             WHERE _k.ps_partkey = _agg.l_partkey AND _k.ps_suppkey = _agg.l_suppkey)
 *               GROUP BY l_partkey, l_suppkey)
 *
 * Why the rows are the same: every row of a group has the group's key values, so a group either
 * keeps all its rows or loses them all, and it loses them only when no row of the other side has
 * its keys — exactly the groups the join drops (an inner join either way; a left join keeping
 * the other side, so dropping unmatched aggregate rows; a semi join with the aggregate on the
 * left). Plain `=` never matches a null, in the EXISTS as in the join. Other conditions of the
 * join only drop more, later.
 *
 * When it is done: the join's keys on the aggregate's side are group keys (the component says so:
 * NodeAnalysis.groupKeys and equiJoin), the aggregate is read by this join only, and the other
 * side is reduced — it keeps only some rows of its tables (a filter, a semi join, a limit… on
 * every path that decides its rows). Without row counts, that is the sign the key set is small;
 * the other side is then read twice (it becomes a CTE of its own).
 */
import type { WorkflowAnalysis } from '../analyze.js';
import { T, type PortableType } from '../schema/types.js';
import type { FromItem, Query, SqlExpr } from '../sql/ast.js';
import { forEachColumn } from '../sql/columns.js';
import { relKey, type RelationRef } from './assemble.js';

export interface KeyPushdown {
  /** Keys of the join and of the aggregate it reads. */
  joinKey: string;
  aggregateKey: string;
  /** The relation whose keys are pushed, and its key. */
  other: RelationRef;
  otherKey: string;
  /** Group key of the aggregate (its input's column) = column of the other side. */
  pairs: Array<{ group: string; groupType: PortableType; other: string; otherType: PortableType }>;
}

/** The pushdowns of one statement (its relations in order, their keys, the target's key). */
export function findKeyPushdowns(
  analysis: WorkflowAnalysis,
  rels: readonly RelationRef[],
  keys: readonly string[],
  targetKey: string,
  queryOf: (index: number) => Query,
): KeyPushdown[] {
  const graph = analysis.graph!;
  // Most statements have no join reading an aggregate: nothing to index.
  const candidate = rels.some(
    (r) =>
      analysis.nodes.get(r.node)?.analysis?.equiJoin &&
      graph.nodes.get(r.node)!.inputs.some((e) => analysis.nodes.get(e.node)?.analysis?.groupKeys),
  );
  if (!candidate) return [];
  const index = new Map<string, number>();
  keys.forEach((k, i) => index.set(k, i));
  /** Edges from each relation to nodes of this statement. */
  const readers = new Map<string, number>();
  for (const id of new Set(rels.map((r) => r.node)))
    for (const e of graph.nodes.get(id)?.inputs ?? []) {
      const k = relKey({ node: e.node, port: e.outPort });
      readers.set(k, (readers.get(k) ?? 0) + 1);
    }
  const out: KeyPushdown[] = [];
  rels.forEach((r, j) => {
    const join = analysis.nodes.get(r.node)?.analysis?.equiJoin;
    if (!join || r.port !== 'out') return;
    const edges = graph.nodes.get(r.node)!.inputs;
    for (const side of ['left', 'right'] as const) {
      const allowed =
        join.kind === 'inner' ||
        (join.kind === 'left' && side === 'right') ||
        (join.kind === 'right' && side === 'left') ||
        (join.kind === 'semi' && side === 'left');
      if (!allowed) continue;
      const aggEdge = edges.find((e) => e.port === side);
      const otherEdge = edges.find((e) => e.port !== side);
      if (!aggEdge || !otherEdge) continue;
      const aggRef = { node: aggEdge.node, port: aggEdge.outPort };
      const aggKey = relKey(aggRef);
      const a = index.get(aggKey);
      const groupKeys = analysis.nodes.get(aggRef.node)?.analysis?.groupKeys;
      if (a === undefined || !groupKeys?.length || aggKey === targetKey || readers.get(aggKey) !== 1)
        continue;
      const other = { node: otherEdge.node, port: otherEdge.outPort };
      const typeOf = (ref: RelationRef, name: string) =>
        analysis.nodes.get(ref.node)?.analysis?.outputs[ref.port]?.columns.find((c) => c.name === name)?.type;
      const pairs = join.pairs.flatMap((p) => {
        const group = side === 'left' ? p.left : p.right;
        const otherColumn = side === 'left' ? p.right : p.left;
        const groupType = typeOf(aggRef, group);
        const otherType = typeOf(other, otherColumn);
        return groupKeys.includes(group) && groupType && otherType
          ? [{ group, groupType, other: otherColumn, otherType }]
          : [];
      });
      if (!pairs.length || !reduced(analysis, other.node)) continue;
      // The aggregate's rows already come from the other side (TPC-H Q17: lines of the wanted
      // parts, averaged per part, joined back to those lines): its keys reduce nothing.
      if (upstreamOf(analysis, aggRef.node, other.node)) continue;
      if (!unqualified(queryOf(a))) continue;
      const otherKey = relKey(other);
      // One side each: an aggregate whose keys are pushed is not itself the keys pushed into another.
      if (out.some((p) => p.aggregateKey === otherKey || p.otherKey === aggKey)) continue;
      out.push({ joinKey: keys[j]!, aggregateKey: aggKey, other, otherKey, pairs });
    }
  });
  return out;
}

/** Whether `ancestor` is upstream of `nodeId`. */
function upstreamOf(analysis: WorkflowAnalysis, nodeId: string, ancestor: string): boolean {
  const graph = analysis.graph!;
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of graph.nodes.get(id)?.inputs ?? []) {
      if (e.node === ancestor) return true;
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return false;
}

/**
 * True when every path that decides a node's rows goes through a component that keeps only some
 * of its input rows (ComponentDefinition.rows: 'subset'), through ones that keep each row ('each')
 * and the kept side of joins.
 */
function reduced(analysis: WorkflowAnalysis, nodeId: string, depth = 0): boolean {
  const graph = analysis.graph!;
  const node = graph.nodes.get(nodeId);
  if (!node || depth > 64) return false;
  const inputs = node.inputs;
  if (node.def.rows === 'subset') return true;
  if (node.def.rows === 'each') return inputs.length === 1 && reduced(analysis, inputs[0]!.node, depth + 1);
  const join = analysis.nodes.get(nodeId)?.analysis?.equiJoin;
  if (!join) return false;
  const left = inputs.find((e) => e.port === 'left');
  const right = inputs.find((e) => e.port === 'right');
  const via = (e: typeof left) => !!e && reduced(analysis, e.node, depth + 1);
  switch (join.kind) {
    case 'semi':
      return true;
    case 'inner':
      return via(left) || via(right);
    case 'left':
      return via(left);
    case 'right':
      return via(right);
    default:
      return false;
  }
}

/** The aggregate's SQL names its input's columns without a qualifier (an alias can be added). */
function unqualified(q: Query): boolean {
  if (q.kind !== 'select' || !q.groupBy || (q.from?.kind !== 'ref' && q.from?.kind !== 'table')) return false;
  let ok = true;
  const check = (e: SqlExpr | undefined) => {
    if (e)
      forEachColumn(e, (c) => {
        if (c.table !== undefined) ok = false;
      });
  };
  for (const it of q.items) {
    if (it.kind !== 'expr') return false;
    check(it.expr);
  }
  check(q.where);
  check(q.having);
  check(q.qualify);
  q.groupBy.forEach(check);
  return ok;
}

const OUTER = '_agg';
const INNER = '_k';

/** The aggregate's query keeping only the input rows whose group keys `other` has. */
export function withKeysOf(
  aggregate: Query,
  other: FromItem,
  pairs: KeyPushdown['pairs'],
  semiJoin: boolean,
): Query {
  if (aggregate.kind !== 'select' || (aggregate.from?.kind !== 'ref' && aggregate.from?.kind !== 'table'))
    return aggregate;
  const from = aggregate.from.alias ? aggregate.from : { ...aggregate.from, alias: OUTER };
  const outer = from.alias!;
  const match = pairs
    .map((p): SqlExpr => ({
      k: 'binary',
      op: '=',
      left: { k: 'col', name: p.other, table: INNER, type: p.otherType },
      right: { k: 'col', name: p.group, table: outer, type: p.groupType },
      type: T.bool,
    }))
    .reduce((acc, c) => ({ k: 'binary', op: 'and', left: acc, right: c, type: T.bool }));
  const keys: FromItem = other.kind === 'ref' || other.kind === 'table' ? { ...other, alias: INNER } : other;
  // DuckDB runs a correlated EXISTS as a delim join (the distinct outer keys first: 198,000 of
  // them on Q20 at SF 1); a SEMI JOIN hashes the small side and probes it.
  if (semiJoin)
    return { ...aggregate, from: { kind: 'join', joinType: 'semi', left: from, right: keys, on: match } };
  const exists: SqlExpr = {
    k: 'exists',
    negated: false,
    type: T.bool,
    query: {
      kind: 'select',
      items: [{ kind: 'expr', expr: { k: 'lit', type: T.int, value: 1 }, alias: 'one' }],
      from: keys,
      where: match,
    },
  };
  return {
    ...aggregate,
    from,
    where: aggregate.where
      ? { k: 'binary', op: 'and', left: aggregate.where, right: exists, type: T.bool }
      : exists,
  };
}
