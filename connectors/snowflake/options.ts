/** What the Snowflake connector is built from (the daemon maps the config to this, secrets resolved). */
export interface SnowflakeOptions {
  account: string;
  username: string;
  /** Password auth, or */
  password?: string;
  /** key-pair auth: the PEM private key text (PKCS#8), with its passphrase when encrypted. */
  privateKey?: string;
  privateKeyPassphrase?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  role?: string;
  /** STATEMENT_TIMEOUT_IN_SECONDS for the session (ms here). */
  timeoutMs?: number;
  /** Another endpoint, e.g. http://127.0.0.1:PORT (tests point the real client at a local fake). */
  accessUrl?: string;
  /** Values to redact from every error (resolved secrets). */
  secrets?: readonly string[];
  /**
   * Where snowflake-sdk keeps its OCSP/CRL caches (it would create ~/.cache/snowflake otherwise);
   * default: <os tmpdir>/edgeflow-snowflake. The daemon may point it into its state directory.
   */
  cacheDir?: string;
  /** Longest pause between two status polls of a running statement (default 1000 ms). */
  pollMaxMs?: number;
}
