/**
 * The one narrow interface every warehouse implements (DESIGN.md Part 2): execute, cancel,
 * estimate, introspect, classify errors, close. The daemon (executor, service, MCP) sees only this.
 *
 * Connectors take already-resolved options (the daemon resolves `${env:…}` / `${file:…}` where it
 * builds them) plus the list of secret values, which they redact from every error they raise.
 */
import type { ColumnInfo, TableInfo } from '../compiler/catalog.js';
import type { DialectName, DialectOptions } from '../compiler/dialects/dialect.js';
import type { PortableType } from '../compiler/schema/types.js';

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
  /** The portable type, where the connector can tell it from the result alone (PostgreSQL). */
  type?: PortableType;
}

/**
 * Row values: one convention for every connector, so one workflow gives the same JSON on every
 * warehouse (rows go to HTTP/MCP clients and agents as JSON, and to the executor). Every value is
 * JSON-safe: no bigint, Date, Buffer or NaN. The shared formatting is in ./values.ts; each
 * connector's values.ts maps its driver's representation onto it.
 *
 * - SQL NULL: `null`. BOOLEAN: a boolean. Text: a string.
 * - Integers (INTEGER, BIGINT, HUGEINT, INT64, NUMBER(p,0)…): a number when it is a safe integer
 *   (|v| ≤ 2^53 − 1), else its exact decimal text (`'9007199254740993'`).
 * - Exact decimals (DECIMAL, NUMERIC, NUMBER(p,s), BIGNUMERIC): read from the driver's exact form
 *   (text, or unscaled integer and scale), never from a double; a number when the double shows
 *   exactly that decimal — at most 15 significant digits, or an integer value under the integer
 *   rule, so a value reads the same whichever of the two types an engine gives it — else the exact
 *   decimal text with trailing fraction zeros trimmed (`'1234567890123456.789'`). Never rounded.
 * - Floating point: a number; NaN and ±Infinity as `'NaN'`, `'Infinity'`, `'-Infinity'` (JSON has
 *   no such numbers; a NaN/Infinity numeric reads the same).
 * - DATE: `'YYYY-MM-DD'`. TIME: `'HH:MM:SS[.ffffff]'` (Snowflake: the SDK's own text, by
 *   TIME_OUTPUT_FORMAT, whose default has no fraction; see snowflake/values.ts).
 * - TIMESTAMP without time zone (DuckDB TIMESTAMP, PostgreSQL timestamp, BigQuery DATETIME,
 *   Snowflake TIMESTAMP_NTZ): the wall clock, `'YYYY-MM-DD HH:MM:SS[.ffffff]'`.
 * - TIMESTAMP WITH TIME ZONE (DuckDB TIMESTAMPTZ, PostgreSQL timestamptz, BigQuery TIMESTAMP,
 *   Snowflake TIMESTAMP_TZ/LTZ): the instant, ISO-8601 in UTC, `'YYYY-MM-DDTHH:MM:SS[.ffffff]Z'`.
 *   Timestamp fractions are microseconds with trailing zeros trimmed, absent when zero (Snowflake's
 *   and DuckDB's nanoseconds are truncated). Never a JS Date: it drops microseconds, and its JSON
 *   form is not this one.
 * - Geography / geometry: WKT as PostGIS's ST_AsText writes it (`'POINT(1 2)'`): BigQuery sends
 *   WKT, Snowflake is asked for it (GEOGRAPHY_OUTPUT_FORMAT), DuckDB GEOMETRY and PostGIS values
 *   are decoded from their (E)WKB; what the decoder cannot read (curves, surfaces) stays (E)WKB as
 *   hex text.
 * - Intervals: an ISO-8601 duration (`'P1Y2M3DT4H5M6.5S'`) when no part is negative, else the
 *   driver's text. Bytes: base64 text.
 * - Arrays, structs, maps: arrays and objects of values under these rules. JSON / VARIANT: as the
 *   driver gives it (PostgreSQL and Snowflake parse it, DuckDB and BigQuery give its text).
 *
 * Parameters (binding) are not covered by this convention.
 */
export interface ExecuteResult {
  /** Values as the convention above says. */
  rows?: Array<Record<string, unknown>>;
  columns?: ResultColumn[];
  /** Rows returned, or affected by DML/DDL where the warehouse says. */
  rowCount: number;
  /** Bytes the warehouse read (BigQuery bills by it). */
  bytesProcessed?: number;
  queryId?: string;
}

export type DescribeOptions = Pick<
  ExecuteOptions,
  'params' | 'paramNames' | 'signal' | 'label' | 'timeoutMs'
>;

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

/** What a transaction's statements share: cancelled together, labelled alike. */
export interface TransactionOptions {
  /** Aborting cancels the running statement in the warehouse and rolls the transaction back. */
  signal?: AbortSignal;
  label?: QueryLabel;
  /** Per statement, as in ExecuteOptions. */
  timeoutMs?: number;
}

/** One open transaction on one warehouse session. */
export interface Transaction {
  /**
   * Runs one statement inside the transaction. One at a time: await each before the next. Options
   * given here override the transaction's (label, timeout); the transaction's signal always applies.
   */
  execute(sql: string, opts?: Omit<ExecuteOptions, 'readOnly' | 'maxRows'>): Promise<ExecuteResult>;
}

export interface Connector {
  readonly type:
    'duckdb' | 'postgres' | 'bigquery' | 'snowflake' | 'redshift' | 'databricks' | 'sqlserver' | 'oracle';
  readonly dialect: DialectName;
  execute(sql: string, opts?: ExecuteOptions): Promise<ExecuteResult>;
  /**
   * Runs `fn`'s statements in one transaction on one session: COMMIT when `fn` resolves, ROLLBACK
   * when it throws or the signal aborts. Present only where DDL and DML commit together (DuckDB,
   * PostgreSQL: the dialect's `transactionalDdl`); the executor runs a plan's `transactional` steps
   * and the append ledger through it.
   */
  transaction?<T>(fn: (tx: Transaction) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Cancels a running statement by its id (from `onQueryId`); a finished one is not an error. */
  cancel(queryId: string): Promise<void>;
  estimate(sql: string, opts?: Pick<ExecuteOptions, 'params' | 'paramNames' | 'signal'>): Promise<Estimate>;
  listTables(opts?: { schema?: string }): Promise<TableListing[]>;
  describeTable(parts: readonly string[]): Promise<TableInfo | undefined>;
  /**
   * The columns (names as the warehouse returns them, portable types) of a SELECT, asked of the
   * warehouse read-only and without reading a row: the statement run with no row fetched (DuckDB,
   * PostgreSQL; the caller writes it with LIMIT 0), a dry run (BigQuery: not billed), a
   * compile-only describe (Snowflake). A statement the warehouse refuses rejects as execute does.
   */
  describeQuery(sql: string, opts?: DescribeOptions): Promise<ColumnInfo[]>;
  /** Is a failure worth retrying (transient), final (permanent), or the result of a cancel? */
  classify(error: unknown): ErrorClass;
  /**
   * What the warehouse role can do beyond reading and writing tables that a token holder could
   * abuse through a preview or a run's SQL (read server files, run programs, end other sessions).
   * Checked once per connector, on the first call; present where the warehouse can say (PostgreSQL).
   */
  posture?(): Promise<RolePosture>;
  /**
   * What the database adds to its dialect that only its catalog can tell (PostgreSQL: whether the
   * h3 extensions are installed), asked once per connector; the service passes it to the compiler.
   */
  dialectOptions?(): Promise<DialectOptions>;
  /**
   * Each table's version: a value that changes whenever its rows or columns do, from the
   * warehouse's own signal (DuckDB: a checksum of its rows; PostgreSQL: its rows' xmin and its
   * columns; BigQuery: `lastModifiedTime`; Snowflake: `LAST_ALTERED`), `version: null` where there
   * is none (a view, an external table), and undefined for a table that does not exist. With
   * `sizeOnly` the version is not computed (it may cost a scan), only existence and size. The
   * result cache (daemon/cache) reuses a result only while every table it read has its version.
   */
  tableVersions?(
    tables: ReadonlyArray<readonly string[]>,
    opts?: { sizeOnly?: boolean; signal?: AbortSignal; label?: QueryLabel },
  ): Promise<Array<TableVersion | undefined>>;
  close(): Promise<void>;
}

/** One table's answer of `Connector.tableVersions`. */
export interface TableVersion {
  /** Null: the warehouse cannot tell when this table changes (a view, an external table…). */
  version: string | null;
  /** Its size as the warehouse reports it (DuckDB: an estimate, 8 bytes a value); null when unknown. */
  bytes: number | null;
}

/** The answer of `Connector.posture`. */
export interface RolePosture {
  /** The role the connection logs in as. */
  role: string;
  /** One sentence per power, each beginning with a verb (`is a superuser: …`); empty: none found. */
  warnings: string[];
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
