/**
 * Column demand ("columns read"): which columns of each relation some reader needs, computed from
 * the statement's target (a preview, an output's input, a staging table) back to the sources.
 * Each node says what it reads (`NodeAnalysis.reads`): its demanded output columns read what their
 * lineage names, plus what it always reads (conditions, keys, orderings). A node that does not say
 * reads every input column and is asked for every output column. Lineage and schemas are not
 * changed: only the SQL carries fewer columns.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import type { InputRelation } from '../components/component.js';
import { PassedColumns, TableColumn, type Column } from '../schema/relation.js';
import { relKey, type RelationRef } from './assemble.js';

/** Some columns by name, or every column of the relation. */
export type ColumnSet = ReadonlySet<string> | 'all';

/** Relations read from staging tables: which (has) and the columns each table has (get; undefined: all). */
export type FixedRelations = Pick<ReadonlyMap<string, readonly string[] | undefined>, 'has' | 'get'>;

export interface DemandOptions {
  /** What the statement itself reads of each root relation (`all`: every column). */
  roots: ReadonlyMap<string, ColumnSet>;
  /**
   * Relations read from staging tables in this statement, with the columns each table has
   * (undefined: all): not looked through.
   */
  fixed?: FixedRelations;
}

/**
 * A value per relation. A statement over much of a large workflow keeps its `out` ports' values
 * in an array by node index, as a map of 10,000 relations is slow to grow in V8 (each rehash of a
 * table that large costs milliseconds); other ports, and small statements, use a map by key.
 */
class RelationTable<V> {
  private readonly byNode: Array<V | undefined> | undefined;
  private readonly byKey = new Map<string, V>();

  constructor(
    private readonly analysis: WorkflowAnalysis,
    dense: boolean,
  ) {
    if (dense) this.byNode = new Array<V | undefined>(analysis.workflow!.nodes.length).fill(undefined);
  }

  /** The relation's slot in the array, or -1 (kept by key). */
  private slot(node: string, port: string): number {
    if (!this.byNode || port !== 'out') return -1;
    return this.analysis.graph!.nodes.get(node)?.index ?? -1;
  }

  get(node: string, port: string): V | undefined {
    const i = this.slot(node, port);
    return i >= 0 ? this.byNode![i] : this.byKey.get(relKey({ node, port }));
  }

  set(node: string, port: string, value: V): void {
    const i = this.slot(node, port);
    if (i >= 0) this.byNode![i] = value;
    else this.byKey.set(relKey({ node, port }), value);
  }
}

/** Past this many nodes, a statement over at least an eighth of the workflow keeps arrays. */
const DENSE_FROM = 1024;

const denseFor = (analysis: WorkflowAnalysis, nodes: number) =>
  nodes >= DENSE_FROM && nodes * 8 >= (analysis.workflow?.nodes.length ?? Infinity);

export class Demand {
  /** emitted() answers; null: the relation has all of its columns. */
  private readonly emittedCache: RelationTable<readonly string[] | null>;

  constructor(
    private readonly analysis: WorkflowAnalysis,
    private readonly wanted: RelationTable<ColumnSet>,
    private readonly fixed: FixedRelations,
    dense = false,
  ) {
    this.emittedCache = new RelationTable(analysis, dense);
  }

  /** Every column of every relation: nothing pruned (the safe default). */
  static none(analysis: WorkflowAnalysis): Demand {
    return new Demand(analysis, new RelationTable(analysis, false), new Map());
  }

  /** Whether a reader needs `column` of `rel` (a relation nobody reads here: every column). */
  wants(rel: RelationRef, column: string): boolean {
    const s = this.wanted.get(rel.node, rel.port);
    return s === undefined || s === 'all' || s.has(column);
  }

  /** What the readers of `rel` need of it. */
  columnsOf(rel: RelationRef): ColumnSet {
    return this.wanted.get(rel.node, rel.port) ?? 'all';
  }

  /**
   * The columns `rel` has in this statement, in schema order; undefined when it has all of its
   * schema (a node that does not take part in pruning always has all).
   */
  emitted(rel: RelationRef): readonly string[] | undefined {
    const key = relKey(rel);
    if (this.fixed.has(key)) return this.fixed.get(key);
    const cached = this.emittedCache.get(rel.node, rel.port);
    if (cached !== undefined) return cached ?? undefined;
    let out: readonly string[] | undefined;
    const s = this.wanted.get(rel.node, rel.port);
    const result = this.analysis.nodes.get(rel.node);
    const columns = result?.analysis?.outputs[rel.port]?.columns;
    if (s !== undefined && s !== 'all' && result?.analysis?.reads && columns) {
      const names: string[] = [];
      for (const c of columns) if (s.has(c.name)) names.push(c.name);
      // Kept for the statement: a copy at its size (a list grown by push has room for 16 more).
      out = names.length === columns.length ? undefined : names.slice();
    }
    this.emittedCache.set(rel.node, rel.port, out ?? null);
    return out;
  }
}

/**
 * Demand over `nodes` (topological order; nodes without a demanded relation are skipped), from
 * the roots back to the sources.
 */
export function computeDemand(
  analysis: WorkflowAnalysis,
  nodes: readonly string[],
  opts: DemandOptions,
): Demand {
  const graph = analysis.graph!;
  const fixed: FixedRelations = opts.fixed ?? new Map<string, readonly string[] | undefined>();
  const dense = denseFor(analysis, nodes.length);
  const wanted = new RelationTable<ColumnSet>(analysis, dense);
  for (const [key, set] of opts.roots) {
    const [node, port = 'out'] = key.split('\u0000') as [string, string?];
    wanted.set(node, port, set);
  }
  const entry = (node: string, port: string): Set<string> | 'all' => {
    let s = wanted.get(node, port);
    if (s === undefined) wanted.set(node, port, (s = new Set<string>()));
    return s as Set<string> | 'all';
  };
  const add = (node: string, port: string, column: string) => {
    const s = entry(node, port);
    if (s !== 'all') s.add(column);
  };
  // Most columns are a node's input's own columns, passed on: each is found in its input (mostly
  // one position after the last: see PassedColumns), and no lineage list is built (a 10,000-node
  // plan reads ~10⁶ columns). An input's set is looked up once per run of columns from it.
  const passed = new PassedColumns();
  const readColumns = (columns: readonly Column[], s: ColumnSet, inputs: readonly InputRelation[]) => {
    passed.reset(inputs);
    // Every column of one input passed on unchanged, all asked for: that input is asked for all.
    if (s === 'all' && columns.length > 0) {
      const k = passed.find(columns[0]!, 0);
      const upstream = k >= 0 ? inputs[k]!.schema.columns : undefined;
      if (
        upstream &&
        (upstream === columns ||
          (upstream.length === columns.length && columns.every((c, i) => passed.find(c, i) === k)))
      ) {
        wanted.set(inputs[k]!.ref.node, inputs[k]!.ref.port, 'all');
        return;
      }
      passed.reset(inputs);
    }
    let last = -1;
    let into: Set<string> | 'all' = 'all';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (s !== 'all' && !s.has(c.name)) continue;
      const k = passed.find(c, i);
      if (k >= 0) {
        if (k !== last) {
          last = k;
          into = entry(inputs[k]!.ref.node, inputs[k]!.ref.port);
        }
        if (into !== 'all') into.add(passed.inputName);
      } else if (!(c instanceof TableColumn))
        for (const o of c.from) if ('node' in o) add(o.node, o.port, o.column);
    }
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const id = nodes[i]!;
    const node = graph.nodes.get(id);
    const result = analysis.nodes.get(id);
    const analysisOf = result?.analysis;
    if (!node || !result || !analysisOf) continue;
    const ports = node.def.outputs;
    let needed = false;
    let allFixed = true;
    for (const p of ports) {
      if (wanted.get(id, p.name) === undefined) continue;
      needed = true;
      if (!fixed.has(relKey({ node: id, port: p.name }))) allFixed = false;
    }
    // Read from its staging table: what it read was decided when the table was built.
    if (!needed || allFixed) continue;
    const reads = analysisOf.reads;
    if (!reads) {
      for (const e of node.inputs) wanted.set(e.node, e.outPort, 'all');
      continue;
    }
    for (const e of node.inputs) entry(e.node, e.outPort);
    for (const o of reads.always ?? []) if ('node' in o) add(o.node, o.port, o.column);
    for (const p of ports) {
      let s = wanted.get(id, p.name);
      if (s === undefined) continue;
      const columns = analysisOf.outputs[p.name]?.columns ?? [];
      if (reads.allOutputs) wanted.set(id, p.name, (s = 'all'));
      // A relation read for its rows alone (a count, a cross join) still has a column: SQL has
      // no empty select list.
      else if (s !== 'all' && s.size === 0 && columns[0])
        wanted.set(id, p.name, (s = new Set([columns[0].name])));
      readColumns(columns, s, result.inputs);
    }
  }
  return new Demand(analysis, wanted, fixed, dense);
}
