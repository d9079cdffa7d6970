/**
 * Assembles one `WITH … SELECT` for a relation (a node's output port): the CTEs of every upstream
 * relation it needs, in topological order, each CTE named after its node. Relations already
 * materialised into staging tables are read as tables instead of being recomputed.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { BuildContext } from '../components/component.js';
import type { NodeResult } from '../propagate.js';
import type { Cte, FromItem, Query, SelectItem, WithQuery } from '../sql/ast.js';
import { computeDemand, Demand, type ColumnSet } from './demand.js';
import { flattenJoins } from './join-blocks.js';

export interface RelationRef {
  node: string;
  port: string;
}

export const relKey = (r: RelationRef) => `${r.node}\u0000${r.port}`;

/** `base`, or `base_2`, `base_3`… : the first not in `takenLower` (lower-cased names). */
export function uniqueName(base: string, takenLower: ReadonlySet<string>): string {
  if (!takenLower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!takenLower.has(`${base}_${n}`.toLowerCase())) return `${base}_${n}`;
}

export class Assembler {
  private readonly cteNames = new Map<string, string>();
  private readonly built = new Map<string, Record<string, Query>>();
  private readonly order: Map<string, number>;
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
    const graph = analysis.graph!;
    // Source queries first: a CTE is visible to the CTEs after it, so raw SQL placed first cannot
    // have one of its table names shadowed by a node id.
    const sources = graph.order.filter((id) => graph.nodes.get(id)!.def.category === 'source');
    const rest = graph.order.filter((id) => graph.nodes.get(id)!.def.category !== 'source');
    const rawFirst = [
      ...sources.filter((id) => graph.nodes.get(id)!.def.id === 'source.sql'),
      ...sources.filter((id) => graph.nodes.get(id)!.def.id !== 'source.sql'),
    ];
    this.order = new Map([...rawFirst, ...rest].map((id, i) => [id, i]));
    const taken = new Set<string>();
    for (const id of graph.order) {
      const def = graph.nodes.get(id)!.def;
      for (const p of def.outputs) {
        // Folded like an unquoted name would be, so Snowflake SQL reads ORDERS rather than "orders".
        const name = uniqueName(
          analysis.dialect.newColumnName(p.name === 'out' ? id : `${id}_${p.name}`),
          taken,
        );
        taken.add(name.toLowerCase());
        this.cteNames.set(relKey({ node: id, port: p.name }), name);
      }
    }
  }

  /** The node whose SQL a CTE name holds. */
  nodeOfCte(name: string): string | undefined {
    for (const [key, cte] of this.cteNames) if (cte === name) return key.slice(0, key.indexOf('\u0000'));
    return undefined;
  }

  cteName(r: RelationRef): string {
    return this.cteNames.get(relKey(r)) ?? r.node;
  }

  /** The FROM item that reads a relation: its staging table, or its CTE. */
  fromItem(r: RelationRef): FromItem {
    const table = this.materialized.get(relKey(r));
    return table ? { kind: 'table', parts: table } : { kind: 'ref', name: this.cteName(r) };
  }

  /**
   * Every relation `target` needs, itself included. A materialised relation is included but not
   * looked through (it is read from its table), unless it is the target being computed.
   */
  needed(target: RelationRef, computeTarget = false): RelationRef[] {
    const graph = this.analysis.graph!;
    const seen = new Map<string, RelationRef>();
    const targetKey = relKey(target);
    const stack = [target];
    while (stack.length) {
      const r = stack.pop()!;
      const k = relKey(r);
      if (seen.has(k)) continue;
      seen.set(k, r);
      if (this.materialized.has(k) && !(computeTarget && k === targetKey)) continue;
      for (const e of graph.nodes.get(r.node)?.inputs ?? []) {
        const up = { node: e.node, port: e.outPort };
        if (!seen.has(relKey(up))) stack.push(up);
      }
    }
    // Node order, then port order. A reference to a node that failed graph checks is kept
    // (callers report it as blocked).
    const rank = (r: RelationRef) => {
      const ports = graph.nodes.get(r.node)?.def.outputs;
      return (this.order.get(r.node) ?? -1) * 16 + (ports ? ports.findIndex((p) => p.name === r.port) : 0);
    };
    return [...seen.values()]
      .map((r) => ({ r, rank: rank(r) }))
      .sort((a, b) => a.rank - b.rank)
      .map((x) => x.r);
  }

  /** The analysed nodes behind a set of relations; undefined entries mean a node failed. */
  results(rels: readonly RelationRef[]): NodeResult[] {
    const ids = [...new Set(rels.map((r) => r.node))];
    return ids.map((id) => this.analysis.nodes.get(id)!);
  }

  private queriesOf(nodeId: string): Record<string, Query> {
    let q = this.built.get(nodeId);
    if (!q) {
      const result = this.analysis.nodes.get(nodeId)!;
      const node = result.node;
      const demand = this.demand;
      // What the readers want of each output port, looked up once per port.
      const wanted = new Map<string, ColumnSet>();
      const edge = (port: string, index: number) => {
        const e = node.inputs.find((x) => x.port === port && x.index === index);
        if (!e) throw new Error(`internal: node ${nodeId} has no input ${port}[${index}]`);
        return { node: e.node, port: e.outPort };
      };
      const b: BuildContext = {
        dialect: this.analysis.dialect,
        input: (port, index = 0) => this.fromItem(edge(port, index)),
        helperName: (base, taken) => uniqueName(base, new Set(taken.map((t) => t.toLowerCase()))),
        wants: (column, port = 'out') => {
          let s = wanted.get(port);
          if (s === undefined) wanted.set(port, (s = demand.columnsOf({ node: nodeId, port })));
          return s === 'all' || s.has(column);
        },
        inputColumns: (port, index = 0) => demand.emitted(edge(port, index)),
      };
      q = result.analysis!.build!(b);
      this.built.set(nodeId, q);
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
    const reads = new Map<string, number>([[targetKey, 1]]);
    const readers = new Map<string, string[]>();
    const inline = new Set<string>();
    const materialize = new Set<string>();
    for (let i = rels.length - 1; i >= 0; i--) {
      const r = rels[i]!;
      const key = keys[i]!;
      const node = graph.nodes.get(r.node);
      const n = reads.get(key) ?? 0;
      if (n > 1) (node?.def.streaming ? inline : materialize).add(key);
      for (const e of node?.inputs ?? []) {
        const k = relKey({ node: e.node, port: e.outPort });
        reads.set(k, (reads.get(k) ?? 0) + (inline.has(key) ? n : 1));
        const list = readers.get(k);
        if (list) list.push(key);
        else readers.set(k, [key]);
      }
    }
    const queries = new Map<string, Query>();
    rels.forEach((r, i) => queries.set(keys[i]!, this.queriesOf(r.node)[r.port]!));
    // A table read by one relation is read there directly (a filter or an aggregate right on
    // the source, as it would be written by hand), not through a CTE of its own.
    // Only into readers that say what they read (their SQL reads the input once, in FROM).
    const nodeOfKey = new Map(rels.map((r, i) => [keys[i]!, r.node]));
    const declares = (key: string) => !!this.analysis.nodes.get(nodeOfKey.get(key) ?? '')?.analysis?.reads;
    const dropped = new Set<string>();
    rels.forEach((r, i) => {
      const key = keys[i]!;
      const reader = readers.get(key);
      if (reads.get(key) !== 1 || reader?.length !== 1 || key === targetKey || !declares(reader[0]!)) return;
      const merged = readTableDirectly(queries.get(key)!, queries.get(reader[0]!)!, this.cteName(r));
      if (!merged) return;
      queries.set(reader[0]!, merged);
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
        return k && k !== targetKey && reads.get(k) === 1 && readers.get(k)?.length === 1 ? k : undefined;
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
