/**
 * Assembles one `WITH … SELECT` for a relation (a node's output port): the CTEs of every upstream
 * relation it needs, in topological order, each CTE named after its node. Relations already
 * materialised into staging tables are read as tables instead of being recomputed.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { BuildContext } from '../components/component.js';
import type { NodeResult } from '../propagate.js';
import type { Cte, FromItem, Query, WithQuery } from '../sql/ast.js';

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

  constructor(
    private readonly analysis: WorkflowAnalysis,
    /** Relations read from staging tables (key → table name parts). */
    private readonly materialized: ReadonlyMap<string, string[]> = new Map(),
  ) {
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
      const b: BuildContext = {
        dialect: this.analysis.dialect,
        input: (port, index = 0) => {
          const e = node.inputs.find((x) => x.port === port && x.index === index);
          if (!e) throw new Error(`internal: node ${nodeId} has no input ${port}[${index}]`);
          return this.fromItem({ node: e.node, port: e.outPort });
        },
        helperName: (base, taken) => uniqueName(base, new Set(taken.map((t) => t.toLowerCase()))),
      };
      q = result.analysis!.build!(b);
      this.built.set(nodeId, q);
    }
    return q;
  }

  /** `WITH <needed CTEs> <body>`, where body reads the target through `from`. */
  withQuery(
    target: RelationRef,
    body: (from: FromItem) => Query,
    computeTarget = false,
  ): { query: WithQuery; nodes: string[] } {
    const targetKey = relKey(target);
    const rels = this.needed(target, computeTarget).filter(
      (r) => !this.materialized.has(relKey(r)) || (computeTarget && relKey(r) === targetKey),
    );
    // How often each relation is read inside this statement (the body reads the target once).
    const reads = new Map<string, number>([[targetKey, 1]]);
    for (const r of rels) {
      for (const e of this.analysis.graph!.nodes.get(r.node)?.inputs ?? []) {
        const k = relKey({ node: e.node, port: e.outPort });
        reads.set(k, (reads.get(k) ?? 0) + 1);
      }
    }
    const ctes: Cte[] = rels.map((r) => ({
      name: this.cteName(r),
      query: this.queriesOf(r.node)[r.port]!,
      ...((reads.get(relKey(r)) ?? 0) > 1 && this.analysis.graph!.nodes.get(r.node)?.def.streaming
        ? { inline: true }
        : {}),
    }));
    const from: FromItem = computeTarget
      ? { kind: 'ref', name: this.cteName(target) }
      : this.fromItem(target);
    return { query: { ctes, body: body(from) }, nodes: [...new Set(rels.map((r) => r.node))] };
  }

  /** The query that computes one relation (even a materialised one: this is how it gets materialised). */
  relationQuery(target: RelationRef): { query: WithQuery; nodes: string[] } {
    return this.withQuery(target, (from) => ({ kind: 'select', items: [{ kind: 'star' }], from }), true);
  }
}
