/**
 * Assembles one `WITH … SELECT` for a relation (a node's output port): the CTEs of every upstream
 * relation it needs, in topological order, each CTE named after its node. Relations already
 * materialised into staging tables are read as tables instead of being recomputed.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { NodeResult } from '../propagate.js';
import type { Cte, FromItem, Query, SelectItem, WithQuery } from '../sql/ast.js';
import { computeDemand, Demand, type ColumnSet } from './demand.js';
import { flattenJoins } from './join-blocks.js';
import { namingOf, NodeSlots, type Naming } from './naming.js';
import { NodeBuild } from './node-build.js';
import { findKeyPushdowns, withKeysOf, type KeyPushdown } from './pushdown.js';

export interface RelationRef {
  node: string;
  port: string;
}

/**
 * A relation's key in maps: the node id for its `out` port (most relations: no string is built,
 * and the id's hash is computed once), `node NUL port` for another port (ids have no NUL).
 */
export const relKey = (r: RelationRef) => (r.port === 'out' ? r.node : `${r.node}\u0000${r.port}`);

/** `base`, or `base_2`, `base_3`… : the first not in `takenLower` (lower-cased names). */
export function uniqueName(base: string, takenLower: ReadonlySet<string>): string {
  if (!takenLower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!takenLower.has(`${base}_${n}`.toLowerCase())) return `${base}_${n}`;
}

export class Assembler {
  /** The relations' CTE names and order in a statement. */
  private readonly naming: Naming;
  /** Each node's queries in the statement being assembled, by node index. */
  private readonly built: NodeSlots<Record<string, Query>>;
  /** What each relation carries in the statement being assembled. */
  private demand: Demand;

  constructor(
    private readonly analysis: WorkflowAnalysis,
    /** Relations read from staging tables (key → table name parts). */
    private readonly materialized: ReadonlyMap<string, string[]> = new Map(),
    /** The columns each staging table has (key → names; absent: all of the relation's). */
    private readonly materializedColumns: ReadonlyMap<string, readonly string[] | undefined> = new Map(),
  ) {
    this.demand = Demand.none(analysis);
    this.naming = namingOf(analysis);
    this.built = new NodeSlots(analysis.workflow?.nodes.length ?? 0);
  }

  /** The node whose SQL a CTE name holds. */
  nodeOfCte(name: string): string | undefined {
    return this.naming.nodeOfCte(name);
  }

  cteName(r: RelationRef): string {
    return this.naming.cteName(r);
  }

  /** The FROM item that reads a relation: its staging table, or its CTE. */
  fromItem(r: RelationRef): FromItem {
    const table = this.materialized.get(relKey(r));
    return table ? { kind: 'table', parts: table } : { kind: 'ref', name: this.cteName(r) };
  }

  private readonly read = (r: RelationRef) => this.fromItem(r);

  /**
   * Every relation `target` needs, itself included. A materialised relation is included but not
   * looked through (it is read from its table), unless it is the target being computed.
   */
  needed(target: RelationRef, computeTarget = false): readonly RelationRef[] {
    const targetKey = relKey(target);
    // Callers ask twice for one statement (to check or to order steps, then to assemble it).
    const last = this.lastNeeded;
    if (last?.key === targetKey && last.computeTarget === computeTarget) return last.rels;
    // Node order, then port order. A reference to a node that failed graph checks is kept, first
    // (callers report it as blocked).
    const rels = this.naming.needed(
      target,
      (k) => this.materialized.has(k) && !(computeTarget && k === targetKey),
    );
    this.lastNeeded = { key: targetKey, computeTarget, rels };
    return rels;
  }

  /** The last answer of needed(), for the second question about the same statement. */
  private lastNeeded: { key: string; computeTarget: boolean; rels: readonly RelationRef[] } | undefined;

  /** The analysed nodes behind a set of relations; undefined entries mean a node failed. */
  results(rels: readonly RelationRef[]): NodeResult[] {
    const ids = [...new Set(rels.map((r) => r.node))];
    return ids.map((id) => this.analysis.nodes.get(id)!);
  }

  private queriesOf(nodeId: string): Record<string, Query> {
    const result = this.analysis.nodes.get(nodeId)!;
    let q = this.built.get(result.node.index);
    if (!q) {
      q = result.analysis!.build!(new NodeBuild(this.analysis.dialect, result.node, this.demand, this.read));
      this.built.set(result.node.index, q);
    }
    return q;
  }

  /**
   * `WITH <needed CTEs> <body>`, where body reads the target through `from`. `columns` is what
   * the body reads of the target (default: every column); each relation carries only the columns
   * some reader needs (see demand.ts).
   */
  withQuery(
    target: RelationRef,
    body: (from: FromItem) => Query,
    computeTarget = false,
    columns: ColumnSet = 'all',
  ): { query: WithQuery; nodes: string[] } {
    const targetKey = relKey(target);
    const rels: RelationRef[] = [];
    const keys: string[] = [];
    for (const r of this.needed(target, computeTarget)) {
      const key = relKey(r);
      if (this.materialized.has(key) && !(computeTarget && key === targetKey)) continue;
      rels.push(r);
      keys.push(key);
    }
    const columnsOf = this.materializedColumns;
    const materialized = this.materialized;
    const computing = computeTarget ? targetKey : undefined;
    const fixed = {
      has: (key: string) => key !== computing && materialized.has(key),
      get: (key: string) => columnsOf.get(key),
    };
    const nodes = [...new Set(rels.map((r) => r.node))];
    this.demand = computeDemand(this.analysis, nodes, { roots: new Map([[targetKey, columns]]), fixed });
    this.built.clear();
    const graph = this.analysis.graph!;
    // How often each relation is scanned in this statement (the body reads the target once): a
    // CTE inlined where it is read passes its reads on, so a source read through a filter that
    // is read twice is read twice. A streaming CTE read more than once is inlined (computing it
    // again costs less than storing it, and PostgreSQL and DuckDB would otherwise materialise
    // it, which keeps filters and join order from reaching the table scan). A join or an
    // aggregate read more than once is computed once (DuckDB would otherwise compute a join
    // again for each reader: TPC-H Q2 scanned partsupp twice).
    // An aggregate joined on its group keys with a reduced set reads that set's keys first
    // (pushdown.ts): the set is read once more, and the aggregate's CTE comes after it.
    const pushdowns = findKeyPushdowns(
      this.analysis,
      rels,
      keys,
      targetKey,
      (i) => this.queriesOf(rels[i]!.node)[rels[i]!.port]!,
    );
    for (const p of pushdowns) {
      const a = keys.indexOf(p.aggregateKey);
      const j = keys.indexOf(p.joinKey);
      const [rel] = rels.splice(a, 1);
      const [key] = keys.splice(a, 1);
      rels.splice(j - 1, 0, rel!);
      keys.splice(j - 1, 0, key!);
    }
    const pushedInto = new Map<string, KeyPushdown[]>();
    for (const p of pushdowns) pushedInto.set(p.joinKey, [...(pushedInto.get(p.joinKey) ?? []), p]);
    const reads = new Map<string, number>([[targetKey, 1]]);
    /** Who reads each relation: the index of its one reader in `rels`, or -1 when several do. */
    const readerOf = new Map<string, number>();
    const inline = new Set<string>();
    const materialize = new Set<string>();
    for (let i = rels.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const node = graph.nodes.get(rels[i]!.node);
      const n = reads.get(key) ?? 0;
      if (n > 1) (node?.def.streaming ? inline : materialize).add(key);
      for (const e of node?.inputs ?? []) {
        const k = relKey({ node: e.node, port: e.outPort });
        reads.set(k, (reads.get(k) ?? 0) + (inline.has(key) ? n : 1));
        readerOf.set(k, readerOf.has(k) ? -1 : i);
      }
      for (const p of pushedInto.get(key) ?? []) {
        reads.set(p.otherKey, (reads.get(p.otherKey) ?? 0) + 1);
        readerOf.set(p.otherKey, -1);
      }
    }
    /** Read once, by one relation, and not the target: its CTE may be folded into its reader. */
    const readOnceBy = (key: string) => {
      const i = readerOf.get(key) ?? -1;
      return reads.get(key) === 1 && i >= 0 && key !== targetKey ? i : undefined;
    };
    const queries = new Map<string, Query>();
    rels.forEach((r, i) => queries.set(keys[i]!, this.queriesOf(r.node)[r.port]!));
    for (const p of pushdowns)
      queries.set(
        p.aggregateKey,
        withKeysOf(
          queries.get(p.aggregateKey)!,
          this.fromItem(p.other),
          p.pairs,
          this.analysis.dialect.caps.semiJoin === true,
        ),
      );
    // A table read by one relation is read there directly (a filter or an aggregate right on
    // the source, as it would be written by hand), not through a CTE of its own.
    // Only into readers that say what they read (their SQL reads the input once, in FROM).
    const dropped = new Set<string>();
    rels.forEach((r, i) => {
      const key = keys[i]!;
      const reader = readOnceBy(key);
      if (reader === undefined || !this.analysis.nodes.get(rels[reader]!.node)?.analysis?.reads) return;
      const readerKey = keys[reader]!;
      const merged = readTableDirectly(queries.get(key)!, queries.get(readerKey)!, this.cteName(r));
      if (!merged) return;
      queries.set(readerKey, merged);
      dropped.add(key);
    });
    // An aggregate read only by a sort + limit (a top_n, or a limit after a sort) takes the
    // ORDER BY and LIMIT into its own SELECT, as one writes it by hand: PostgreSQL then orders the
    // GROUP BY keys like the ORDER BY and sorts once (TPC-H q18: the extra sort of the subquery's
    // rows raised the plan's cost past jit_above_cost, and the JIT took ~140 ms).
    rels.forEach((r, i) => {
      const key = keys[i]!;
      if (dropped.has(key)) return;
      const reader = readOnceBy(key);
      if (reader === undefined) return;
      const readerKey = keys[reader]!;
      const merged = orderAggregate(queries.get(key)!, queries.get(readerKey)!, this.cteName(r));
      if (!merged) return;
      queries.set(readerKey, merged);
      dropped.add(key);
    });
    // Join nodes only: their SQL has the shape flattenJoins knows.
    const joinKeys: string[] = [];
    const keyOfCte = new Map<string, string>();
    rels.forEach((r, i) => {
      if (graph.nodes.get(r.node)?.def.id !== 'join') return;
      joinKeys.push(keys[i]!);
      keyOfCte.set(this.cteName(r), keys[i]!);
    });
    if (joinKeys.length)
      for (const k of flattenJoins(joinKeys, queries, (name) => {
        const k = keyOfCte.get(name);
        return k !== undefined && readOnceBy(k) !== undefined ? k : undefined;
      }))
        dropped.add(k);
    const ctes: Cte[] = [];
    rels.forEach((r, i) => {
      const key = keys[i]!;
      if (dropped.has(key)) return;
      ctes.push({
        name: this.cteName(r),
        query: queries.get(key)!,
        ...(inline.has(key) ? { inline: true } : {}),
        ...(materialize.has(key) ? { materialize: true } : {}),
      });
    });
    const from: FromItem = computeTarget
      ? { kind: 'ref', name: this.cteName(target) }
      : this.fromItem(target);
    return { query: { ctes, body: body(from) }, nodes };
  }

  /**
   * The query that computes one relation (even a materialised one: this is how it gets
   * materialised), with the given columns of it (default all).
   */
  relationQuery(target: RelationRef, columns: ColumnSet = 'all'): { query: WithQuery; nodes: string[] } {
    return this.withQuery(
      target,
      (from) => ({ kind: 'select', items: [{ kind: 'star' }], from }),
      true,
      columns,
    );
  }
}

/**
 * `reader` with the table that `source` reads in place of its CTE `name`, when `source` only
 * lists columns of one table and `reader` selects straight from that CTE; undefined otherwise.
 */
function readTableDirectly(source: Query, reader: Query, name: string): Query | undefined {
  if (source.kind !== 'select' || reader.kind !== 'select') return undefined;
  const table = source.from;
  if (
    table?.kind !== 'table' ||
    source.where ||
    source.groupBy ||
    source.having ||
    source.qualify ||
    source.distinct ||
    source.orderBy ||
    source.limit !== undefined ||
    source.offset !== undefined
  )
    return undefined;
  const columns: string[] = [];
  for (const it of source.items) {
    if (it.kind !== 'expr' || it.expr.k !== 'col' || it.expr.table || it.expr.name !== it.alias)
      return undefined;
    columns.push(it.alias);
  }
  const from = reader.from;
  if (from?.kind !== 'ref' || from.name !== name) return undefined;
  const items: SelectItem[] = [];
  for (const it of reader.items) {
    if (it.kind === 'expr') items.push(it);
    else if (it.table !== undefined && it.table !== from.alias) return undefined;
    else
      for (const it2 of source.items)
        if (it2.kind === 'expr' && !it.except?.includes(it2.alias)) items.push(it2);
  }
  return { ...reader, items, from: { ...table, ...(from.alias ? { alias: from.alias } : {}) } };
}

/**
 * `aggregate` with the ORDER BY / LIMIT / OFFSET of `reader`, when `reader` only orders and
 * limits the rows of the aggregate's CTE `name` (`SELECT * | cols FROM name ORDER BY … LIMIT n`),
 * the aggregate reads one relation and has no order or limit of its own, and every ORDER BY key
 * is a group key passed on under its own name and kept in the list: at the aggregate's level
 * such a name means the same column in every dialect (output or input), even inside the
 * expression a dialect writes to put nulls last. Undefined otherwise.
 */
export function orderAggregate(aggregate: Query, reader: Query, name: string): Query | undefined {
  if (aggregate.kind !== 'select' || reader.kind !== 'select') return undefined;
  if (
    !aggregate.groupBy ||
    aggregate.orderBy ||
    aggregate.limit !== undefined ||
    aggregate.offset !== undefined ||
    (aggregate.from?.kind !== 'ref' && aggregate.from?.kind !== 'table')
  )
    return undefined;
  if (
    reader.from?.kind !== 'ref' ||
    reader.from.name !== name ||
    reader.from.alias ||
    reader.where ||
    reader.groupBy ||
    reader.having ||
    reader.qualify ||
    reader.distinct ||
    (!reader.orderBy?.length && reader.limit === undefined)
  )
    return undefined;
  const byName = new Map<string, SelectItem & { kind: 'expr' }>();
  for (const it of aggregate.items) {
    if (it.kind !== 'expr') return undefined;
    byName.set(it.alias, it);
  }
  let items: SelectItem[];
  if (reader.items.length === 1 && reader.items[0]!.kind === 'star') {
    const star = reader.items[0]!;
    if (star.table !== undefined || star.except?.length) return undefined;
    items = aggregate.items;
  } else {
    items = [];
    for (const it of reader.items) {
      if (it.kind !== 'expr' || it.expr.k !== 'col' || it.expr.table || it.expr.name !== it.alias)
        return undefined;
      const own = byName.get(it.alias);
      if (!own) return undefined;
      items.push(own);
    }
  }
  const kept = new Set(items.map((it) => (it as SelectItem & { kind: 'expr' }).alias));
  for (const o of reader.orderBy ?? []) {
    if (o.expr.k !== 'col' || o.expr.table || !kept.has(o.expr.name)) return undefined;
    const own = byName.get(o.expr.name)!.expr;
    if (own.k !== 'col' || own.name !== o.expr.name) return undefined;
    if (!aggregate.groupBy.some((g) => g.k === 'col' && g.name === own.name && g.table === own.table))
      return undefined;
  }
  return {
    ...aggregate,
    items,
    ...(reader.orderBy?.length ? { orderBy: reader.orderBy } : {}),
    ...(reader.limit !== undefined ? { limit: reader.limit } : {}),
    ...(reader.offset !== undefined ? { offset: reader.offset } : {}),
  };
}
