/** What the DuckDB connector is built from. */
export interface DuckDbOptions {
  /** A database file, or ':memory:'. */
  path: string;
  readOnly?: boolean;
  /** Let DuckDB download extensions (off by default: nothing reaches the network by surprise). */
  allowExtensionInstall?: boolean;
  /** Per-statement timeout (ms); interrupted past it. */
  timeoutMs?: number;
}
