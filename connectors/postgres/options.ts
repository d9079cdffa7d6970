/** What the PostgreSQL connector is built from (the daemon resolves the URL's secrets). */
export interface PostgresOptions {
  url: string;
  /** Pool size (default 4). */
  max?: number;
  /** statement_timeout (ms) for every statement; per-statement timeouts override it. */
  timeoutMs?: number;
  /** How long to wait for a new connection (default 10 s), so an unreachable server fails fast. */
  connectTimeoutMs?: number;
  /** Values to redact from every error (the password, the URL). */
  secrets?: readonly string[];
}
