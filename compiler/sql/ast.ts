/**
 * The small SQL AST components build. Components never write SQL text: they build these nodes and
 * the dialect-aware renderer turns them into text, so quoting, literals, types and function names
 * are decided in one place per dialect.
 */
import type { BinaryOp } from '../expr/ast.js';
import type { PortableType } from '../schema/types.js';

export type FunctionKind = 'scalar' | 'aggregate' | 'window';

/** A typed, resolved expression. Every node carries its portable type (renderers need it). */
export type SqlExpr =
  | { k: 'lit'; type: PortableType; value: string | number | boolean | null; text?: string }
  | { k: 'param'; type: PortableType; name: string }
  | { k: 'col'; type: PortableType; name: string; table?: string }
  | { k: 'unary'; type: PortableType; op: '-' | 'not'; arg: SqlExpr }
  | { k: 'binary'; type: PortableType; op: BinaryOp; left: SqlExpr; right: SqlExpr }
  | { k: 'is_null'; type: PortableType; arg: SqlExpr; negated: boolean }
  | { k: 'in'; type: PortableType; arg: SqlExpr; list: SqlExpr[]; negated: boolean }
  | { k: 'between'; type: PortableType; arg: SqlExpr; low: SqlExpr; high: SqlExpr; negated: boolean }
  | {
      k: 'like';
      type: PortableType;
      arg: SqlExpr;
      pattern: SqlExpr;
      negated: boolean;
      caseInsensitive: boolean;
    }
  | {
      k: 'case';
      type: PortableType;
      operand?: SqlExpr;
      whens: Array<{ when: SqlExpr; then: SqlExpr }>;
      else?: SqlExpr;
    }
  | { k: 'cast'; type: PortableType; arg: SqlExpr }
  | {
      k: 'fn';
      type: PortableType;
      name: string;
      fnKind: FunctionKind;
      args: SqlExpr[];
      distinct?: boolean;
      star?: boolean;
      over?: WindowSpec;
    }
  | { k: 'exists'; type: PortableType; query: Query; negated: boolean }
  /** A scalar subquery: one row, one column (the statistics a spatial join's grid is sized by). */
  | { k: 'subquery'; type: PortableType; query: Query }
  /** Coalesce-to-false wrapper used for `rejected` ports: rows where a condition is false or null. */
  | { k: 'not_true'; type: PortableType; arg: SqlExpr };

export interface OrderItem {
  expr: SqlExpr;
  desc: boolean;
  nulls: 'first' | 'last';
}

export interface Frame {
  unit: 'rows' | 'range';
  /** negative = N PRECEDING, 0 = CURRENT ROW, positive = N FOLLOWING, null = UNBOUNDED */
  from: number | null;
  to: number | null;
}

export interface WindowSpec {
  partitionBy: SqlExpr[];
  orderBy: OrderItem[];
  frame?: Frame;
}

export type SelectItem =
  | { kind: 'expr'; expr: SqlExpr; alias: string }
  /** `*`, optionally without some columns (`* EXCLUDE (…)` / `* EXCEPT (…)`). */
  | { kind: 'star'; table?: string; except?: string[] };

export type SampleSpec = { percent: number; seed?: number } | { rows: number; seed?: number };

export interface SelectQuery {
  kind: 'select';
  distinct?: boolean;
  items: SelectItem[];
  from?: FromItem;
  where?: SqlExpr;
  groupBy?: SqlExpr[];
  having?: SqlExpr;
  qualify?: SqlExpr;
  orderBy?: OrderItem[];
  limit?: number;
  offset?: number;
}

export interface UnionQuery {
  kind: 'union';
  all: boolean;
  queries: Query[];
}

/** Dialect SQL written by a user (source.sql / sql nodes); placed verbatim inside a subquery. */
export interface RawQuery {
  kind: 'raw';
  sql: string;
  /** `{{name}}` placeholders in `sql` and the relations they stand for. */
  inputs?: Record<string, FromItem>;
}

/** A sample of another relation; rendered by the dialect (TABLESAMPLE, USING SAMPLE, random()…). */
export interface SampleQuery {
  kind: 'sample';
  from: FromItem;
  spec: SampleSpec;
  /** Columns of the sampled relation (for dialects that need to hash a row). */
  columns: string[];
}

export type Query = SelectQuery | UnionQuery | RawQuery | SampleQuery;

export type FromItem =
  /** A CTE of the same statement. */
  | { kind: 'ref'; name: string; alias?: string }
  /** A table in the warehouse: its name parts as stored (catalog, schema, table). */
  | { kind: 'table'; parts: string[]; alias?: string }
  | { kind: 'subquery'; query: Query; alias: string }
  /**
   * Each row of `source` once per element of the array `array` (a row with an empty or null array
   * is left out); the element is read with the `_ef_unnested` function of the alias. Written the
   * dialect's way (LATERAL UNNEST, BigQuery's UNNEST, Snowflake's LATERAL FLATTEN).
   */
  | { kind: 'unnest'; source: FromItem; array: SqlExpr; alias: string }
  | {
      kind: 'join';
      /** semi and anti only where the dialect has them (caps.semiJoin); EXISTS elsewhere. */
      joinType: 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti';
      left: FromItem;
      right: FromItem;
      on?: SqlExpr;
    };

export interface QueryCte {
  name: string;
  query: Query;
  /** Ask the engine to inline it where it is read (`AS NOT MATERIALIZED`), when it has the hint. */
  inline?: boolean;
  /** Ask the engine to compute it once (`AS MATERIALIZED`), when it has the hint. */
  materialize?: boolean;
}

/**
 * A CTE already written by the writer that writes its statement (`name AS (…)`, see
 * SqlWriter.cte): a statement of thousands of CTEs need not hold all of their syntax at once.
 */
export interface WrittenCte {
  name: string;
  written: string;
}

export type Cte = QueryCte | WrittenCte;

export interface WithQuery {
  ctes: Cte[];
  body: Query;
}

export interface ColumnDef {
  name: string;
  type: PortableType;
}

export interface TableHints {
  partitionBy?: ColumnDef;
  clusterBy?: string[];
}

export type Statement =
  | { kind: 'create_schema'; schema: string[] }
  | { kind: 'create_table_as'; table: string[]; query: WithQuery; replace: boolean; hints?: TableHints }
  | { kind: 'create_table'; table: string[]; columns: ColumnDef[]; ifNotExists: boolean; hints?: TableHints }
  | { kind: 'insert'; table: string[]; columns: string[]; query: WithQuery }
  | {
      kind: 'merge';
      table: string[];
      keys: string[];
      columns: string[];
      query: WithQuery;
      /** Where MERGE reads a table only (caps.mergeSource): which of its three statements this is. */
      step?: 'stage' | 'merge' | 'unstage';
    }
  | { kind: 'drop_table'; table: string[]; ifExists: boolean }
  | { kind: 'move_table'; from: string[]; to: string[] };
