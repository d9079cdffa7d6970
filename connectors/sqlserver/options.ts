import type { SqlServerDriver } from './driver.js';

/** What the SQL Server connector is built from (the daemon maps the config to this, secrets resolved). */
export interface SqlServerOptions {
  /** Host name or address (Azure SQL: `name.database.windows.net`; Synapse: `name.sql.azuresynapse.net`). */
  server: string;
  port?: number;
  database: string;
  /** SQL authentication. */
  user?: string;
  password?: string;
  /** TLS (default true; Azure requires it). */
  encrypt?: boolean;
  /** Accept a self-signed server certificate (development servers only). */
  trustServerCertificate?: boolean;
  /** An Azure Synapse dedicated SQL pool (the tsql dialect's `synapse` option). */
  synapse?: boolean;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** Default per-statement timeout (ms); none when absent. */
  timeoutMs?: number;
  /** Values to redact from every error (resolved secrets). */
  secrets?: readonly string[];
  /** The driver (tests pass a fake); mssql (tedious) by default, loaded on first use. */
  driver?: SqlServerDriver;
}
