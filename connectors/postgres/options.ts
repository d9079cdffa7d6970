import type { QueryLabel } from '../connector.js';

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
  /** Where a server that speaks PostgreSQL's protocol differs (Redshift: connectors/redshift/pg.ts). */
  variant?: PostgresVariant;
}

/** A statement's way to the server, for the variant hooks. */
export interface VariantClient {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** Hooks for a server that speaks PostgreSQL's protocol with other settings and catalogs. */
export interface PostgresVariant {
  /** The statement that labels the session's next statement (default: SET application_name). */
  labelSql?(
    client: VariantClient & { escapeLiteral(s: string): string },
    label: QueryLabel | undefined,
  ): Promise<string>;
  /** The statement that cancels another process's statement, its pid as $1 (default: pg_stat_activity). */
  foreignCancelSql?(client: VariantClient): Promise<string>;
  /** Names of the server's own types under oids PostgreSQL leaves free (Redshift's GEOMETRY is 3000). */
  types?: Readonly<Record<number, string>>;
}
