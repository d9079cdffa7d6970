/** What the DuckDB connector is built from. */
export interface DuckDbOptions {
  /** A database file, or ':memory:'. */
  path: string;
  /**
   * Only reads: the file is opened READ_ONLY (other processes may read it too) and every statement
   * runs as `execute(…, { readOnly: true })` does.
   */
  readOnly?: boolean;
  /** Let DuckDB download extensions (off by default: nothing reaches the network by surprise). */
  allowExtensionInstall?: boolean;
  /** Per-statement timeout (ms); interrupted past it. */
  timeoutMs?: number;
  /** Connections of the one database instance, so statements run side by side (default 4). */
  poolSize?: number;
}
