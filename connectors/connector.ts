/**
 * The one narrow interface every warehouse implements (DESIGN.md Part 2): execute, cancel,
 * estimate, introspect, classify errors, close. The daemon (executor, service, MCP) sees only this.
 *
 * Connectors take already-resolved options (the daemon resolves `${env:…}` / `${file:…}` where it
 * builds them) plus the list of secret values, which they redact from every error they raise.
 */
import type { ColumnInfo, TableInfo } from '../compiler/catalog.js';
import type { DialectName } from '../compiler/dialects/dialect.js';

export type ErrorClass = 'transient' | 'permanent' | 'cancelled';

export interface ExecuteOptions {
  /** Aborting cancels the statement in the warehouse, not just the wait for it. */
  signal?: AbortSignal;
  /** Bound parameter values, in placeholder order (BigQuery: by name, see `paramNames`). */
  params?: readonly unknown[];
  /** Names of the parameters, in the same order (BigQuery binds `@name`). */
  paramNames?: readonly string[];
  /**
   * What the statement is for, carried to the warehouse where it has a place for it (BigQuery job
   * labels, Snowflake QUERY_TAG, PostgreSQL application_name): workflow, run id, step, `mcp`.
   */
  label?: QueryLabel;
  /** Stop reading after this many rows (previews). */
  maxRows?: number;
  /** Run in a read-only session or transaction enforced by the engine (previews, agents). */
  readOnly?: boolean;
  /** Per-statement timeout; the connection's default when absent. */
  timeoutMs?: number;
  /**
   * Called with the warehouse's id for the statement as soon as it is known, before the result:
   * the executor records it, so a crash or a cancel can still reach the running query.
   */
  onQueryId?: (queryId: string) => void;
}

export interface QueryLabel {
  workflow?: string;
  run?: string;
  step?: string;
  /** Who asked: `run`, `preview`, `mcp`, `cli`… */
  origin?: string;
}

export interface ResultColumn {
  name: string;
  /** The warehouse's own type name. */
  nativeType: string;
}

export interface ExecuteResult {
  rows?: Array<Record<string, unknown>>;
  columns?: ResultColumn[];
  /** Rows returned, or affected by DML/DDL where the warehouse says. */
  rowCount: number;
  /** Bytes the warehouse read (BigQuery bills by it). */
  bytesProcessed?: number;
  queryId?: string;
}

export interface Estimate {
  /** Bytes the statement would read (BigQuery dry run). */
  bytesProcessed?: number;
  /** What that would cost, in US dollars, where the price is known. */
  costUsd?: number;
  /** The planner's row estimate (PostgreSQL, DuckDB EXPLAIN). */
  rows?: number;
  /** The planner's cost units (PostgreSQL). */
  cost?: number;
  /** A short human summary. */
  summary: string;
}

export interface TableListing {
  parts: string[];
  kind: 'table' | 'view';
}

export interface Connector {
  readonly type: 'duckdb' | 'postgres' | 'bigquery' | 'snowflake';
  readonly dialect: DialectName;
  execute(sql: string, opts?: ExecuteOptions): Promise<ExecuteResult>;
  /** Cancels a running statement by its id (from `onQueryId`); a finished one is not an error. */
  cancel(queryId: string): Promise<void>;
  estimate(sql: string, opts?: Pick<ExecuteOptions, 'params' | 'paramNames' | 'signal'>): Promise<Estimate>;
  listTables(opts?: { schema?: string }): Promise<TableListing[]>;
  describeTable(parts: readonly string[]): Promise<TableInfo | undefined>;
  /** Is a failure worth retrying (transient), final (permanent), or the result of a cancel? */
  classify(error: unknown): ErrorClass;
  close(): Promise<void>;
}

/**
 * The error a connector raises: the warehouse's message with every secret redacted, its class,
 * and the warehouse's own codes for whoever needs them.
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    readonly details: {
      connector: Connector['type'];
      /** SQLSTATE (PostgreSQL, Snowflake) or the API reason (BigQuery). */
      code?: string;
      queryId?: string;
      sql?: string;
      /** What to do about it, when the connector knows (a missing extension, a setting). */
      hint?: string;
    },
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export type { ColumnInfo, TableInfo };
