/** What the Databricks connector is built from (the daemon maps the config to this, secrets resolved). */
export interface DatabricksOptions {
  /** The workspace URL, e.g. https://dbc-a1b2c3d4-e5f6.cloud.databricks.com (tests: http://127.0.0.1:PORT). */
  host: string;
  /** The SQL warehouse every statement runs on (its id, from the warehouse's Connection details). */
  warehouseId: string;
  /** A personal access token (or any bearer token), or */
  token?: string;
  /** OAuth machine-to-machine: a service principal's client id and secret (client credentials). */
  clientId?: string;
  clientSecret?: string;
  /** The Unity Catalog catalog and schema unqualified names resolve in (the warehouse's default otherwise). */
  catalog?: string;
  schema?: string;
  /** Default per-statement timeout (ms). */
  timeoutMs?: number;
  /** Values to redact from every error (resolved secrets). */
  secrets?: readonly string[];
  /** Longest pause between two status polls of a running statement (default 1000 ms). */
  pollMaxMs?: number;
  /** Delays between retries of a request that failed transiently before a statement id exists (default 250, 1000, 4000 ms). */
  retryDelaysMs?: readonly number[];
}
