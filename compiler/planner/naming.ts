/**
 * Each relation's CTE name and its place in a statement, made once per analysis (a plan and the
 * previews of one analysis name relations alike), the walk that finds the relations a statement
 * needs, and per-node values for one statement. Kept in arrays by node index (GraphNode.index)
 * rather than in maps keyed by relation: a 10,000-node workflow has as many relations, and V8
 * maps past a few thousand entries are slow to grow (each rehash of a table that large costs
 * milliseconds), which made planning grow faster than the workflow.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { Graph, GraphNode } from '../workflow/graph.js';
import { relKey, uniqueName, type RelationRef } from './assemble.js';

/** Ports a node may have: a relation's rank is its node's position × this + its port's index. */
const PORTS = 16;

export class Naming {
  /** By node index: its ports' CTE names, in port order (undefined: the node is not analysable). */
  private readonly names: Array<readonly string[] | undefined>;
  /** By position in a statement (raw sources first, then other sources, then the rest): the node. */
  private readonly byPosition: GraphNode[] = [];
  /** By node index: its position, or -1 (not analysable). */
  private readonly position: Int32Array;
  /** By node index: the ports a walk has reached (cleared after each walk). */
  private readonly reached: Uint16Array;
  /** All it reads of the analysis once made. */
  private readonly graph: Graph;

  constructor(analysis: WorkflowAnalysis) {
    const graph = analysis.graph!;
    this.graph = graph;
    const size = (analysis.workflow?.nodes.length ?? 0) + 1;
    this.position = new Int32Array(size).fill(-1);
    this.reached = new Uint16Array(size);
    this.names = new Array<readonly string[] | undefined>(size).fill(undefined);
    // Source queries first: a CTE is visible to the CTEs after it, so raw SQL placed first cannot
    // have one of its table names shadowed by a node id.
    const raw: GraphNode[] = [];
    const sources: GraphNode[] = [];
    const rest: GraphNode[] = [];
    for (const id of graph.order) {
      const node = graph.nodes.get(id)!;
      const def = node.def;
      (def.id === 'source.sql' ? raw : def.category === 'source' ? sources : rest).push(node);
    }
    for (const list of [raw, sources, rest])
      for (const node of list) {
        this.position[node.index] = this.byPosition.length;
        this.byPosition.push(node);
      }
    const taken = new Set<string>();
    for (const id of graph.order) {
      const node = graph.nodes.get(id)!;
      // Made by map, at its length: a list grown by push keeps room for 17 names (a 10,000-node
      // plan kept 1.5 MB of such room alive).
      this.names[node.index] = node.def.outputs.map((p) => {
        // Folded like an unquoted name would be, so Snowflake SQL reads ORDERS rather than "orders".
        const name = uniqueName(
          analysis.dialect.newColumnName(p.name === 'out' ? id : `${id}_${p.name}`),
          taken,
        );
        taken.add(name.toLowerCase());
        return name;
      });
    }
  }

  /** A relation's CTE name (its node id when it has none). */
  cteName(r: RelationRef): string {
    const node = this.graph.nodes.get(r.node);
    const names = node && this.names[node.index];
    if (!names) return r.node;
    const i = portIndex(node, r.port);
    return (i >= 0 ? names[i] : undefined) ?? r.node;
  }

  /** The node whose SQL a CTE name holds. */
  nodeOfCte(name: string): string | undefined {
    for (const id of this.graph.order) {
      const node = this.graph.nodes.get(id)!;
      if (this.names[node.index]?.includes(name)) return id;
    }
    return undefined;
  }

  /**
   * Every relation `target` needs, itself included, in statement order (node position, then
   * port). A relation for which `stop` is true is included but not looked through. A reference
   * to a node that failed graph checks is kept, first (callers report it as blocked).
   */
  needed(target: RelationRef, stop: (key: string) => boolean): RelationRef[] {
    const graph = this.graph;
    const unranked: RelationRef[] = [];
    const unrankedKeys = new Set<string>();
    const ranks: number[] = [];
    const touched: number[] = [];
    const stack = [target];
    try {
      while (stack.length) {
        const r = stack.pop()!;
        const node = graph.nodes.get(r.node);
        const port = node ? portIndex(node, r.port) : -1;
        const position = node && port >= 0 ? this.position[node.index]! : -1;
        if (position < 0) {
          const k = relKey(r);
          if (unrankedKeys.has(k)) continue;
          unrankedKeys.add(k);
          unranked.push(r);
        } else {
          const bit = 1 << port;
          const seen = this.reached[node!.index]!;
          if (seen & bit) continue;
          if (!seen) touched.push(node!.index);
          this.reached[node!.index] = seen | bit;
          ranks.push(position * PORTS + port);
        }
        if (stop(relKey(r))) continue;
        for (const e of node?.inputs ?? []) stack.push({ node: e.node, port: e.outPort });
      }
    } finally {
      // The marks are shared by the walks of this analysis: each leaves them clear.
      for (const i of touched) this.reached[i] = 0;
    }
    // A numeric sort of the ranks (no comparator), then back to relations.
    const sorted = Int32Array.from(ranks).sort();
    const out = unranked;
    for (const rank of sorted) {
      const node = this.byPosition[Math.floor(rank / PORTS)]!;
      out.push({ node: node.spec.id, port: node.def.outputs[rank % PORTS]!.name });
    }
    return out;
  }
}

function portIndex(node: GraphNode, port: string): number {
  const ports = node.def.outputs;
  for (let i = 0; i < ports.length; i++) if (ports[i]!.name === port) return i;
  return -1;
}

/**
 * A value per node, by node index, for one statement at a time: cleared between statements
 * without a map to grow again (a statement over a 10,000-node chain sets one per node).
 */
export class NodeSlots<V> {
  /** Made when first set, filled (a holey array written at scattered indexes may become a dictionary). */
  private values: Array<V | undefined> | undefined;
  private readonly used: number[] = [];

  constructor(private readonly size: number) {}

  get(index: number): V | undefined {
    return this.values?.[index];
  }

  set(index: number, value: V): void {
    const values = (this.values ??= new Array<V | undefined>(this.size).fill(undefined));
    if (values[index] === undefined) this.used.push(index);
    values[index] = value;
  }

  /** Forgets one value (its slot is cleared again by clear(), harmlessly). */
  drop(index: number): void {
    if (this.values) this.values[index] = undefined;
  }

  clear(): void {
    for (const i of this.used) this.values![i] = undefined;
    this.used.length = 0;
  }
}

/** Made once per analysis. */
const namings = new WeakMap<WorkflowAnalysis, Naming>();

export function namingOf(analysis: WorkflowAnalysis): Naming {
  let naming = namings.get(analysis);
  if (!naming) namings.set(analysis, (naming = new Naming(analysis)));
  return naming;
}

/**
 * Each relation's position in the statement being assembled: by node index for `out` ports (an
 * array the size of the workflow, made once per assembler and cleared after each statement),
 * by key for other ports. What a statement counts per relation then lives in arrays by position
 * rather than in maps keyed by relation (a 10,000-relation statement made six such maps).
 */
export class Positions {
  /** By node index: the `out` relation's position + 1 (0: not in the statement). */
  private readonly out: Int32Array;
  private readonly other = new Map<string, number>();
  private readonly used: number[] = [];

  constructor(
    private readonly graph: Graph,
    size: number,
  ) {
    this.out = new Int32Array(size);
  }

  /** Positions the relations of one statement (cleared first). */
  place(rels: readonly RelationRef[]): void {
    this.clear();
    for (let i = 0; i < rels.length; i++) {
      const r = rels[i]!;
      const node = r.port === 'out' ? this.graph.nodes.get(r.node) : undefined;
      if (node) {
        this.out[node.index] = i + 1;
        this.used.push(node.index);
      } else this.other.set(relKey(r), i);
    }
  }

  /** A relation's position, or -1 when the statement does not compute it. */
  of(node: string, port: string): number {
    if (port !== 'out') return this.other.get(relKey({ node, port })) ?? -1;
    const n = this.graph.nodes.get(node);
    return n ? this.out[n.index]! - 1 : (this.other.get(node) ?? -1);
  }

  private clear(): void {
    for (const i of this.used) this.out[i] = 0;
    this.used.length = 0;
    this.other.clear();
  }
}
