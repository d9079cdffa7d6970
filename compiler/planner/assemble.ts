/**
 * Assembles one `WITH … SELECT` for a relation (a node's output port): the CTEs of every upstream
 * relation it needs, in topological order, each CTE named after its node. Relations already
 * materialised into staging tables are read as tables instead of being recomputed. Given the
 * writer of the statement, it writes each CTE out as soon as it is final, so that a statement of
 * thousands of CTEs never holds all of their syntax trees at once.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { NodeResult } from '../propagate.js';
import type { FromItem, Query, QueryCte, SelectItem, WithQuery, WrittenCte } from '../sql/ast.js';
import { computeDemand, Demand, type ColumnSet } from './demand.js';
import { EarlyCtes } from './early-ctes.js';
import { JoinChains } from './join-blocks.js';
import { namingOf, NodeSlots, Positions, type Naming } from './naming.js';
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

/**
 * A statement of this many relations or more has its CTEs written as they are assembled (given a
 * writer). Below, the syntax trees of a whole statement are a few hundred KB at most, which the
 * young generation holds, and writing early cost a few per cent of a 20-node compile.
 */
export const WRITE_EARLY_FROM = 256;

/** How a CTE read more than once is kept (see withQuery). */
const INLINE = 1;
const MATERIALIZE = 2;

export class Assembler {
  /** The relations' CTE names and order in a statement. */
  private readonly naming: Naming;
  /** Each node's queries in the statement being assembled, by node index. */
  private readonly built: NodeSlots<Record<string, Query>>;
  /** What each relation carries in the statement being assembled. */
  private demand: Demand;
  /** Relations' positions in the statement being assembled. */
  private readonly positions: Positions;

  constructor(
    private readonly analysis: WorkflowAnalysis,
    /** Relations read from staging tables (key → table name parts). */
    private readonly materialized: ReadonlyMap<string, string[]> = new Map(),
    /** The columns each staging table has (key → names; absent: all of the relation's). */
    private readonly materializedColumns: ReadonlyMap<string, readonly string[] | undefined> = new Map(),
    /** From how many relations a statement's CTEs are written as they are assembled. */
    private readonly writeEarlyFrom = WRITE_EARLY_FROM,
  ) {
    this.demand = Demand.none(analysis);
    this.naming = namingOf(analysis);
    this.built = new NodeSlots(analysis.workflow?.nodes.length ?? 0);
    this.positions = new Positions(analysis.graph!, analysis.workflow?.nodes.length ?? 0);
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
    // Callers ask more than once for one statement (to check, to order steps, to assemble it).
    const cache = computeTarget ? this.neededComputing : this.neededReading;
    const known = cache.get(targetKey);
    if (known) return known;
    // Node order, then port order. A reference to a node that failed graph checks is kept, first
    // (callers report it as blocked).
    const rels = this.naming.needed(
      target,
      (k) => this.materialized.has(k) && !(computeTarget && k === targetKey),
    );
    cache.set(targetKey, rels);
    return rels;
  }

  /** needed()'s answers, by target, for statements that compute the target or read its table. */
  private readonly neededComputing = new Map<string, readonly RelationRef[]>();
  private readonly neededReading = new Map<string, readonly RelationRef[]>();

  /** The relations a statement for `target` computes: what it needs, less what it reads from tables. */
  computed(target: RelationRef, computeTarget = false): RelationRef[] {
    const targetKey = relKey(target);
    const rels: RelationRef[] = [];
    for (const r of this.needed(target, computeTarget)) {
      const key = relKey(r);
      if (this.materialized.has(key) && !(computeTarget && key === targetKey)) continue;
      rels.push(r);
    }
    return rels;
  }

  /** The analysed nodes behind a set of relations; undefined entries mean a node failed. */
  results(rels: readonly RelationRef[]): NodeResult[] {
    const ids = [...new Set(rels.map((r) => r.node))];
    return ids.map((id) => this.analysis.nodes.get(id)!);
  }

  private queriesOf(nodeId: string): Record<string, Query> {
    const result = this.analysis.nodes.get(nodeId)!;
    let q = this.built.get(result.node.index);
    if (!q) {
      const analysis = result.analysis!;
      q = analysis.build!(
        new NodeBuild(this.analysis.dialect, result.node, analysis, this.demand, this.read),
      );
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
    /**
     * The demand of a pass over the whole workflow, when it is this statement's own: every node
     * the statement computes is computed by no other statement (see compilePlan).
     */
    demand?: Demand,
    /**
     * Writes each CTE out as soon as it is final (see SqlWriter.cte), all but the last few, in a
     * statement of WRITE_EARLY_FROM relations or more: the statement must then be written by this
     * writer, and with bind parameters only once (the bindings were collected as the CTEs were
     * written). Without it every CTE stays syntax.
     */
    writer?: { cte(c: QueryCte): WrittenCte },
  ): { query: WithQuery; nodes: string[] } {
    const targetKey = relKey(target);
    const rels = this.computed(target, computeTarget);
    const keys = rels.map(relKey);
    const nodes = [...new Set(rels.map((r) => r.node))];
    this.demand = demand ?? this.statementDemand(targetKey, computeTarget, nodes, columns);
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
    // What follows is counted per relation of the statement, in arrays by position in `rels`;
    // relations read from staging tables have no position and need no count.
    const n = rels.length;
    /** The writer of CTEs as they are assembled, in a statement large enough to need it. */
    const early = n >= this.writeEarlyFrom ? writer : undefined;
    const at = this.positions;
    at.place(rels);
    const targetAt = at.of(target.node, target.port);
    const reads = new Int32Array(n);
    /** Who reads each relation: the position of its one reader, -1 when several do, -2: none. */
    const readerOf = new Int32Array(n).fill(-2);
    /** 1: inlined where read; 2: computed once. */
    const reuse = new Uint8Array(n);
    /** Each relation's graph node (undefined: one that failed graph checks). */
    const nodeAt = rels.map((r) => graph.nodes.get(r.node));
    if (targetAt >= 0) reads[targetAt] = 1;
    for (let i = n - 1; i >= 0; i--) {
      const node = nodeAt[i];
      const times = reads[i]!;
      if (times > 1) reuse[i] = node?.def.streaming ? INLINE : MATERIALIZE;
      for (const e of node?.inputs ?? []) {
        const k = at.of(e.node, e.outPort);
        if (k < 0) continue;
        reads[k]! += reuse[i] === INLINE ? times : 1;
        readerOf[k] = readerOf[k] === -2 ? i : -1;
      }
      if (pushdowns.length)
        for (const p of pushedInto.get(keys[i]!) ?? []) {
          const k = at.of(p.other.node, p.other.port);
          if (k < 0) continue;
          reads[k]! += 1;
          readerOf[k] = -1;
        }
    }
    /** Read once, by one relation, and not the target: its CTE may be folded into its reader. */
    const readOnceBy = (i: number) => {
      const reader = readerOf[i]!;
      return reads[i] === 1 && reader >= 0 && i !== targetAt ? reader : undefined;
    };
    // One pass in the statement's order. Each relation's query is built when first needed (its
    // own turn, or its reader's merge below), folded into its reader where it may be, and with a
    // writer, written out as soon as it is final (early-ctes.ts).
    const queries = new Array<Query | undefined>(n);
    const pushedAggregate = pushdowns.length ? new Map(pushdowns.map((p) => [p.aggregateKey, p])) : undefined;
    const query = (i: number): Query => {
      let q = queries[i];
      if (q) return q;
      const r = rels[i]!;
      q = this.queriesOf(r.node)[r.port]!;
      // A node's queries are dropped once taken, when no other port of it is in the statement (a
      // node's relations are next to each other); a node read through two ports keeps them.
      if (rels[i - 1]?.node !== r.node && rels[i + 1]?.node !== r.node) this.built.drop(nodeAt[i]!.index);
      const p = pushedAggregate?.get(keys[i]!);
      if (p) q = withKeysOf(q, this.fromItem(p.other), p.pairs, this.analysis.dialect.caps.semiJoin === true);
      return (queries[i] = q);
    };
    // Join nodes only: their SQL has the shape JoinChains knows. A join CTE read once by another
    // join is taken into that join's FROM (dropped here when its reader's turn comes).
    const joinAt = new Map<string, number>();
    let chains: JoinChains | undefined;
    const dropped = new Uint8Array(n);
    const out = new EarlyCtes(
      {
        size: n,
        readOnceBy,
        dropped,
        queries,
        cte: (i) => {
          const cte: QueryCte = { name: this.cteName(rels[i]!), query: queries[i]! };
          if (reuse[i] === INLINE) cte.inline = true;
          else if (reuse[i] === MATERIALIZE) cte.materialize = true;
          return cte;
        },
      },
      early,
    );
    for (let i = 0; i < n; i++) {
      let q = query(i);
      if (nodeAt[i]?.def.id === 'join') {
        joinAt.set(this.cteName(rels[i]!), i);
        chains ??= new JoinChains((name) => {
          const j = joinAt.get(name);
          return j !== undefined && readOnceBy(j) !== undefined ? j : undefined;
        });
        const joined = chains.add(i, q);
        queries[i] = q = joined.query;
        for (const k of joined.gone) dropped[k] = 1;
      }
      const reader = readOnceBy(i);
      if (reader !== undefined) {
        // A table read by one relation is read there directly (a filter or an aggregate right on
        // the source, as it would be written by hand), not through a CTE of its own. Only into
        // readers that say what they read (their SQL reads the input once, in FROM).
        if (this.analysis.nodes.get(rels[reader]!.node)?.analysis?.reads) {
          const merged = readTableDirectly(q, query(reader), this.cteName(rels[i]!));
          if (merged) {
            queries[reader] = merged;
            dropped[i] = 1;
          }
        }
        // An aggregate read only by a sort + limit (a top_n, or a limit after a sort) takes the
        // ORDER BY and LIMIT into its own SELECT, as one writes it by hand: PostgreSQL then orders
        // the GROUP BY keys like the ORDER BY and sorts once (TPC-H q18: the extra sort of the
        // subquery's rows raised the plan's cost past jit_above_cost, and the JIT took ~140 ms).
        if (!dropped[i]) {
          const merged = orderAggregate(q, query(reader), this.cteName(rels[i]!));
          if (merged) {
            queries[reader] = merged;
            dropped[i] = 1;
          }
        }
      }
      out.turn(i);
    }
    const ctes = out.end();
    const from: FromItem = computeTarget
      ? { kind: 'ref', name: this.cteName(target) }
      : this.fromItem(target);
    return { query: { ctes, body: body(from) }, nodes };
  }

  /** Demand over one statement's nodes, from its target back (staging tables not looked through). */
  private statementDemand(targetKey: string, computeTarget: boolean, nodes: string[], columns: ColumnSet) {
    const columnsOf = this.materializedColumns;
    const materialized = this.materialized;
    const computing = computeTarget ? targetKey : undefined;
    const fixed = {
      has: (key: string) => key !== computing && materialized.has(key),
      get: (key: string) => columnsOf.get(key),
    };
    return computeDemand(this.analysis, nodes, { roots: new Map([[targetKey, columns]]), fixed });
  }

  /**
   * The query that computes one relation (even a materialised one: this is how it gets
   * materialised), with the given columns of it (default all).
   */
  relationQuery(
    target: RelationRef,
    columns: ColumnSet = 'all',
    demand?: Demand,
    writer?: { cte(c: QueryCte): WrittenCte },
  ): { query: WithQuery; nodes: string[] } {
    return this.withQuery(
      target,
      (from) => ({ kind: 'select', items: [{ kind: 'star' }], from }),
      true,
      columns,
      demand,
      writer,
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
