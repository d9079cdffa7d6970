/** What the DuckDB connector is built from. */
export interface DuckDbOptions {
  /** A database file, or ':memory:'. */
  path: string;
  /**
   * Only reads: the file is opened READ_ONLY (other processes may read it too) and every statement
   * runs as `execute(…, { readOnly: true })` does.
   */
  readOnly?: boolean;
  /** Download the `extensions` that are not installed (off by default: nothing reaches the network by surprise). */
  allowExtensionInstall?: boolean;
  /**
   * Extensions loaded when the database opens (e.g. `spatial`); nothing is loaded later, because
   * the configuration is locked once the database is open.
   */
  extensions?: readonly string[];
  /**
   * Absolute directories DuckDB may read and write files under (read_csv, read_parquet, COPY).
   * Without them DuckDB reaches no file, URL or other database at all: external access is off.
   */
  allowFiles?: readonly string[];
  /** DuckDB worker threads (default: one per core). */
  threads?: number;
  /** DuckDB's memory limit, e.g. `4GB` (default: DuckDB's, 80% of RAM). */
  memoryLimit?: string;
  /** Per-statement timeout (ms); interrupted past it. */
  timeoutMs?: number;
  /** Connections of the one database instance, so statements run side by side (default 4). */
  poolSize?: number;
}
