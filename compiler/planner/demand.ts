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

/** A relation all of whose columns are wanted (other values: the offset of its flags). */
const ALL = -1;

/** Past this many flags, a statement's flags are a byte array (see Wanted.flags). */
const BYTES_FROM = 4096;

/** Past this many columns, a relation's positions by name are kept in a map (see Wanted.position). */
const SCANNED = 64;

/**
 * What the readers of each relation need in one statement: every column (ALL), or one flag per
 * column of its schema, in schema order, at an offset in one list shared by the statement. No
 * set or list is made per relation: a statement over a 10,000-node chain kept 10,000 sets of names alive (~4 MB,
 * copied by each scavenge) while it was assembled.
 */
class Wanted {
  readonly at: RelationTable<number>;
  /**
   * The flags (1: wanted), one list for the statement. Up to BYTES_FROM flags, a plain list grown
   * one flag at a time: a typed array past 64 bytes is allocated outside the heap, which cost more
   * than the demand of a 20-node workflow's statements. Past it, a byte array, all clear past
   * `used` and doubled when full: a 10,000-node statement's ~10⁵ flags, pushed one at a time,
   * spent ~15 ms copying and touching new memory.
   */
  flags: number[] | Uint8Array = [];
  /** How many flags are in use (the next relation's offset). */
  private used = 0;
  /** Each wide relation's positions by name, made when first asked. */
  private wide: Map<readonly Column[], Map<string, number>> | undefined;
  /** The position last found, tried first: readers mostly ask for columns in schema order. */
  private hint = 0;

  constructor(
    private readonly analysis: WorkflowAnalysis,
    dense: boolean,
  ) {
    this.at = new RelationTable(analysis, dense);
  }

  /** A relation's columns ([] for a node that has no analysis). */
  columns(node: string, port: string): readonly Column[] {
    return this.analysis.nodes.get(node)?.analysis?.outputs[port]?.columns ?? [];
  }

  /** The relation's flags' offset (made, all clear, when it has none), or ALL. */
  slot(node: string, port: string, columns: readonly Column[]): number {
    const at = this.at.get(node, port);
    if (at !== undefined) return at;
    const offset = this.used;
    this.used += columns.length;
    const flags = this.flags;
    if (this.used <= BYTES_FROM) for (let i = columns.length; i > 0; i--) (flags as number[]).push(0);
    else if (this.used > flags.length) {
      const larger = new Uint8Array(Math.max(this.used, flags.length * 2));
      for (let i = 0; i < offset; i++) larger[i] = flags[i]!;
      this.flags = larger;
    }
    this.at.set(node, port, offset);
    return offset;
  }

  /**
   * The position of the column named `name` in `columns`, or -1: scanned from the position after
   * the last one found (readers mostly ask in schema order), or looked up in a map made for a
   * relation too wide to scan.
   */
  position(columns: readonly Column[], name: string): number {
    const n = columns.length;
    if (n > SCANNED) return this.lookUp(columns, name);
    let i = this.hint < n ? this.hint : 0;
    for (let k = 0; k < n; k++) {
      if (columns[i]!.name === name) {
        this.hint = i + 1;
        return i;
      }
      if (++i === n) i = 0;
    }
    return -1;
  }

  private lookUp(columns: readonly Column[], name: string): number {
    const wide = (this.wide ??= new Map());
    let byName = wide.get(columns);
    if (!byName) {
      byName = new Map();
      for (let i = 0; i < columns.length; i++)
        if (!byName.has(columns[i]!.name)) byName.set(columns[i]!.name, i);
      wide.set(columns, byName);
    }
    return byName.get(name) ?? -1;
  }

  /** Marks the column named `name` of the relation at `offset` (ALL: nothing to mark). */
  mark(offset: number, columns: readonly Column[], name: string): void {
    if (offset === ALL) return;
    const i = this.position(columns, name);
    if (i >= 0) this.flags[offset + i] = 1;
  }

  /** Whether the relation at `offset` (with `size` columns) has no column marked. */
  none(offset: number, size: number): boolean {
    const flags = this.flags;
    for (let i = offset; i < offset + size; i++) if (flags[i]) return false;
    return true;
  }
}

/** What the readers of one relation want. */
export class RelationDemand {
  constructor(
    private readonly w: Wanted | undefined,
    private readonly at: number,
    private readonly columns: readonly Column[],
  ) {}

  wants(name: string): boolean {
    if (this.at === ALL) return true;
    const i = this.w!.position(this.columns, name);
    return i >= 0 && this.w!.flags[this.at + i] === 1;
  }
}

const EVERY_COLUMN = new RelationDemand(undefined, ALL, []);

export class Demand {
  constructor(
    private readonly analysis: WorkflowAnalysis,
    /** Undefined: every column of every relation. */
    private readonly wanted: Wanted | undefined,
    private readonly fixed: FixedRelations,
  ) {}

  /** Every column of every relation: nothing pruned (the safe default). */
  static none(analysis: WorkflowAnalysis): Demand {
    return new Demand(analysis, undefined, new Map());
  }

  /** Whether a reader needs the column named `column` of a relation (one nobody reads here: every column). */
  wants(node: string, port: string, column: string): boolean {
    return this.of(node, port).wants(column);
  }

  /**
   * What the readers of one relation want, to be asked column by column (a node's build), given
   * the relation's columns when the caller has them.
   */
  of(node: string, port: string, columns?: readonly Column[]): RelationDemand {
    const w = this.wanted;
    const at = w?.at.get(node, port);
    return at === undefined || at === ALL
      ? EVERY_COLUMN
      : new RelationDemand(w!, at, columns ?? w!.columns(node, port));
  }

  /** What the readers of `rel` need of it. */
  columnsOf(rel: RelationRef): ColumnSet {
    const at = this.wanted?.at.get(rel.node, rel.port);
    return at === undefined || at === ALL ? 'all' : new Set(this.names(rel, at));
  }

  /**
   * The columns `rel` has in this statement, in schema order; undefined when it has all of its
   * schema (a node that does not take part in pruning always has all).
   */
  emitted(rel: RelationRef): readonly string[] | undefined {
    const key = relKey(rel);
    if (this.fixed.has(key)) return this.fixed.get(key);
    const at = this.prunedAt(rel);
    if (at === ALL) return undefined;
    const names = this.names(rel, at);
    return names.length === this.wanted!.columns(rel.node, rel.port).length ? undefined : names;
  }

  /** The names of the columns of `rel` flagged at `at`, in schema order. */
  private names(rel: RelationRef, at: number): string[] {
    const columns = this.wanted!.columns(rel.node, rel.port);
    const names: string[] = [];
    for (let i = 0; i < columns.length; i++) if (this.wanted!.flags[at + i]) names.push(columns[i]!.name);
    return names;
  }

  /** How many columns `rel` has in this statement; undefined when it has all of its schema. */
  emittedCount(rel: RelationRef): number | undefined {
    const key = relKey(rel);
    if (this.fixed.has(key)) return this.fixed.get(key)?.length;
    const at = this.prunedAt(rel);
    if (at === ALL) return undefined;
    const size = this.wanted!.columns(rel.node, rel.port).length;
    let n = 0;
    for (let i = at; i < at + size; i++) n += this.wanted!.flags[i]!;
    return n === size ? undefined : n;
  }

  /** The offset of the flags of a relation that may carry fewer than all of its columns, or ALL. */
  private prunedAt(rel: RelationRef): number {
    const at = this.wanted?.at.get(rel.node, rel.port);
    // A node that does not take part in pruning (no `reads`) always has all of its columns.
    if (at === undefined || at === ALL || !this.analysis.nodes.get(rel.node)?.analysis?.reads) return ALL;
    return at;
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
  const w = new Wanted(analysis, dense);
  for (const [key, set] of opts.roots) {
    const [node, port = 'out'] = key.split('\u0000') as [string, string?];
    if (set === 'all') w.at.set(node, port, ALL);
    else {
      const columns = w.columns(node, port);
      const offset = w.slot(node, port, columns);
      for (const name of set) w.mark(offset, columns, name);
    }
  }
  /** Marks a column of one of `inputs` (what an origin names: always an input of the node). */
  const add = (inputs: readonly InputRelation[], node: string, port: string, column: string) => {
    for (const r of inputs)
      if (r.ref.node === node && r.ref.port === port) {
        w.mark(w.slot(node, port, r.schema.columns), r.schema.columns, column);
        return;
      }
  };
  // Most columns are a node's input's own columns, passed on: each is found in its input (mostly
  // one position after the last: see PassedColumns), and no lineage list is built (a 10,000-node
  // plan reads ~10⁶ columns). An input's flags are looked up once per run of columns from it.
  const passed = new PassedColumns();
  const readColumns = (columns: readonly Column[], own: number, inputs: readonly InputRelation[]) => {
    passed.reset(inputs);
    // Every column of one input passed on unchanged, all asked for: that input is asked for all.
    if (own === ALL && columns.length > 0) {
      const k = passed.find(columns[0]!, 0);
      const upstream = k >= 0 ? inputs[k]!.schema.columns : undefined;
      if (
        upstream &&
        (upstream === columns ||
          (upstream.length === columns.length && columns.every((c, i) => passed.find(c, i) === k)))
      ) {
        w.at.set(inputs[k]!.ref.node, inputs[k]!.ref.port, ALL);
        return;
      }
      passed.reset(inputs);
    }
    let last = -1;
    let into = ALL;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (own !== ALL && !w.flags[own + i]) continue;
      const k = passed.find(c, i);
      if (k >= 0) {
        if (k !== last) {
          last = k;
          into = w.slot(inputs[k]!.ref.node, inputs[k]!.ref.port, inputs[k]!.schema.columns);
        }
        if (into === ALL) continue;
        const j =
          passed.inputPosition >= 0
            ? passed.inputPosition
            : w.position(inputs[k]!.schema.columns, passed.inputName);
        if (j >= 0) w.flags[into + j] = 1;
      } else if (!(c instanceof TableColumn))
        for (const o of c.from) if ('node' in o) add(inputs, o.node, o.port, o.column);
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
      if (w.at.get(id, p.name) === undefined) continue;
      needed = true;
      if (!fixed.has(relKey({ node: id, port: p.name }))) allFixed = false;
    }
    // Read from its staging table: what it read was decided when the table was built.
    if (!needed || allFixed) continue;
    const reads = analysisOf.reads;
    if (!reads) {
      for (const e of node.inputs) w.at.set(e.node, e.outPort, ALL);
      continue;
    }
    const inputs = result.inputs;
    for (const r of inputs) w.slot(r.ref.node, r.ref.port, r.schema.columns);
    for (const o of reads.always ?? []) if ('node' in o) add(inputs, o.node, o.port, o.column);
    for (const p of ports) {
      let own = w.at.get(id, p.name);
      if (own === undefined) continue;
      const columns = analysisOf.outputs[p.name]?.columns ?? [];
      if (reads.allOutputs) w.at.set(id, p.name, (own = ALL));
      // A relation read for its rows alone (a count, a cross join) still has a column: SQL has
      // no empty select list.
      else if (own !== ALL && columns.length > 0 && w.none(own, columns.length)) w.flags[own] = 1;
      readColumns(columns, own, result.inputs);
    }
  }
  return new Demand(analysis, w, fixed);
}
