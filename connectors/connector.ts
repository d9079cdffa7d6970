/**
 * The one narrow interface every warehouse implements (DESIGN.md Part 2). This first version has
 * what the compiler's live catalog and previews need; cancellation, estimates and error classes
 * arrive with the connectors issue.
 */
import type { ColumnInfo, TableInfo } from '../compiler/catalog.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Bound parameter values, in placeholder order. */
  params?: readonly unknown[];
  /** A label carried to the warehouse (run id, workflow), where it has a place for one. */
  label?: string;
  /** Stop reading after this many rows. */
  maxRows?: number;
}

export interface ExecuteResult {
  rows?: Array<Record<string, unknown>>;
  rowCount: number;
  queryId?: string;
}

export interface TableListing {
  parts: string[];
  kind: 'table' | 'view';
}

export interface Connector {
  readonly type: string;
  execute(sql: string, opts?: ExecuteOptions): Promise<ExecuteResult>;
  listTables(opts?: { schema?: string }): Promise<TableListing[]>;
  describeTable(parts: readonly string[]): Promise<TableInfo | undefined>;
  close(): Promise<void>;
}

export type { ColumnInfo, TableInfo };
