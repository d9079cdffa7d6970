/** What the PostgreSQL connector is built from (the daemon resolves the URL's secrets). */
export interface PostgresOptions {
  url: string;
  /** Pool size (default 4). */
  max?: number;
  /** statement_timeout (ms) for every session; per-statement timeouts override it. */
  timeoutMs?: number;
  /** Values to redact from every error (the password, the URL). */
  secrets?: readonly string[];
}
