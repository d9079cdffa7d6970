/**
 * A component is a small definition: ports, a config schema, documentation with an example, and
 * `analyze`, which computes the output columns (types and lineage) from the inputs and returns a
 * builder for the SQL AST. Analysis happens once; SQL is built only when a plan or preview needs it.
 */
import type { z } from 'zod';
import type { Catalog } from '../catalog.js';
import type { DiagnosticCode } from '../diagnostics.js';
import type { Dialect, DialectName } from '../dialects/dialect.js';
import type { ColumnDep, ParamInfo, Resolved, ResolveOptions, ScopeRelation } from '../expr/resolve.js';
import type { Column, ColumnOrigin, RelationSchema } from '../schema/relation.js';
import type { FromItem, OrderItem, Query, TableHints } from '../sql/ast.js';
import type { NodeSpec } from '../workflow/model.js';

export interface PortSpec {
  name: string;
  description: string;
  /** Takes a list of inputs (union). */
  many?: boolean;
}

export type ComponentCategory = 'source' | 'transform' | 'combine' | 'output';

export interface ComponentExample {
  /** What the example does, in one sentence. */
  title: string;
  inputs?: Record<string, string | string[]>;
  config: Record<string, unknown>;
}

export interface InputRelation {
  /** This node's input port, and the position within a list port. */
  port: string;
  index: number;
  /** The upstream node and its output port. */
  ref: { node: string; port: string };
  schema: RelationSchema;
}

export type WriteMode = 'replace' | 'append' | 'merge' | 'create';

export interface WriteSpec {
  table: string[];
  tableText: string;
  mode: WriteMode;
  keys: string[];
  columns: Column[];
  hints?: TableHints;
}

export interface BuildContext {
  readonly dialect: Dialect;
  /** The relation feeding an input port (index for list ports). */
  input(port: string, index?: number): FromItem;
  /** A name for a helper column that clashes with none of `taken`. */
  helperName(base: string, taken: readonly string[]): string;
  /**
   * Whether some reader of an output port (default `out`) needs a column. A node that declares
   * `reads` builds only the columns wanted (at least one is always wanted); any other node is
   * asked for every column.
   */
  wants(column: string, port?: string): boolean;
  /**
   * How many columns the relation feeding an input port has in this statement: fewer than its
   * schema when the planner pruned it (it keeps its schema's order). Undefined: every column of
   * its schema.
   */
  inputColumnCount(port: string, index?: number): number | undefined;
}

/**
 * Which input columns a node reads ("columns read"), so that the planner can carry through each
 * relation only the columns some reader needs, from the outputs and previews back to the sources.
 * A demanded output column reads the input columns its lineage (`from`) names; `always` adds what
 * the node reads whatever is asked of it: a condition, join keys, group keys, an ordering. A node
 * with `reads` builds only the columns its readers want (`BuildContext.wants`); a node without
 * it reads every input column and builds every output column (always correct, never pruned).
 */
export interface ColumnsRead {
  /** Input columns read whatever is asked of the outputs, as lineage origins (upstream node, port, column). */
  always?: readonly ColumnOrigin[];
  /** Every output column is built whatever is asked (distinct rows depend on every column). */
  allOutputs?: boolean;
}

export interface NodeAnalysis {
  /** The schema of each output port. */
  outputs: Record<string, RelationSchema>;
  /** Builds each output port's query. Absent for outputs (they write instead). */
  build?: (b: BuildContext) => Record<string, Query>;
  /** For output components: what to write where. */
  write?: WriteSpec;
  /** The input columns it reads; absent: all of them (see ColumnsRead). */
  reads?: ColumnsRead;
  /**
   * Facts the planner may shape SQL by (planner/pushdown.ts). `groupKeys`: columns of `out` that
   * are input columns passed on unchanged, one output row per distinct combination of them (an
   * aggregate's groups). `equiJoin`: a join's kind and its key pairs (left input column = right
   * input column, plain equality: nulls never match); no pairs for a join on a condition.
   */
  groupKeys?: readonly string[];
  equiJoin?: { kind: string; pairs: ReadonlyArray<{ left: string; right: string }> };
}

export type ConfigKey = ReadonlyArray<string | number>;

export interface AnalyzeContext<C> {
  readonly node: NodeSpec;
  readonly config: C;
  readonly dialect: Dialect;
  readonly catalog: Catalog;
  readonly params: ReadonlyMap<string, ParamInfo>;
  /** Inputs by port; a single-input port has one entry. */
  readonly inputs: Readonly<Record<string, InputRelation[]>>;
  /** The first (or only) relation of a port. */
  input(port?: string): InputRelation;
  /** An expression scope over one input, unqualified. */
  scope(port?: string): ScopeRelation[];
  error(code: DiagnosticCode, message: string, at?: { key?: ConfigKey; hint?: string }): void;
  warn(code: DiagnosticCode, message: string, at?: { key?: ConfigKey; hint?: string }): void;
  /** Parses and resolves an expression written at config `key`; undefined (with a diagnostic) on error. */
  expr(
    text: string,
    key: ConfigKey,
    scope: ScopeRelation[],
    opts?: Partial<ResolveOptions>,
  ): Resolved | undefined;
  /** Finds an input column by name, reporting UNKNOWN_COLUMN at `key` when missing. */
  column(name: string, key: ConfigKey, rel?: InputRelation): Column | undefined;
  /** Lineage of resolved column dependencies. */
  origins(deps: readonly ColumnDep[]): ColumnOrigin[];
  /** The stored name of a new column (Snowflake upper-cases plain lower-case names). */
  newName(name: string): string;
  /** Parses ordering items (`"amount"` or `{expr, desc, nulls}`) over a scope. */
  ordering(items: readonly OrderingSpec[], key: ConfigKey, scope: ScopeRelation[]): OrderItem[] | undefined;
  /** Reports duplicate output names (names are compared case-insensitively, as warehouses do). */
  checkUnique(columns: readonly Column[], key?: ConfigKey): boolean;
}

export type OrderingSpec = string | { expr: string; desc?: boolean; nulls?: 'first' | 'last' };

export interface ComponentDefinition<C = unknown> {
  id: string;
  category: ComponentCategory;
  /** One line: what it does. */
  summary: string;
  /** A paragraph: how it behaves, edge cases, what it is for. */
  description: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  config: z.ZodType<C>;
  example: ComponentExample;
  /**
   * Row by row and deterministic (no grouping, joining, windows or randomness): where several
   * relations read it, computing it again in each costs less than storing it, and lets the engine
   * push filters down to the table scan.
   */
  streaming?: boolean;
  /**
   * How the rows of `out` relate to those of its one input: `each`, one per input row (select,
   * compute, sort…); `subset`, some of the input rows themselves (filter, limit, sample…). Absent:
   * neither, or not said. The planner's key pushdown (planner/pushdown.ts) reads it.
   */
  rows?: 'each' | 'subset';
  /** Per-dialect remarks (how it is expressed, what differs). Support itself is computed from the example. */
  dialectNotes?: Partial<Record<DialectName, string>>;
  analyze(ctx: AnalyzeContext<C>): NodeAnalysis | undefined;
}

export function defineComponent<C>(def: ComponentDefinition<C>): ComponentDefinition<C> {
  return def;
}
