/** What the Redshift connectors are built from (the daemon resolves their secrets). */

/** Redshift over its PostgreSQL wire protocol, through `pg` (a cluster or workgroup endpoint). */
export interface RedshiftPgOptions {
  /** postgres://user:password@cluster.xxxx.region.redshift.amazonaws.com:5439/db */
  url: string;
  /** Pool size (default 4). */
  max?: number;
  /** statement_timeout (ms) for every statement; per-statement timeouts override it. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Values to redact from every error (the password, the URL). */
  secrets?: readonly string[];
}

/**
 * Redshift through the Redshift Data API (HTTPS, IAM): Serverless by `workgroupName`, or a
 * provisioned cluster by `clusterIdentifier` with `dbUser` (temporary credentials) or `secretArn`.
 */
export interface RedshiftDataApiOptions {
  region: string;
  database: string;
  workgroupName?: string;
  clusterIdentifier?: string;
  dbUser?: string;
  /** A Secrets Manager secret holding the database user and password. */
  secretArn?: string;
  /** Another endpoint (a VPC endpoint; the local fake in tests). */
  endpoint?: string;
  /** Static AWS credentials; the SDK's default chain (environment, profile, role) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** First wait between two DescribeStatement polls (default 100 ms, doubling to 2 s). */
  pollIntervalMs?: number;
  /** statement_timeout (ms) for every statement; per-statement timeouts override it. */
  timeoutMs?: number;
  /** Seconds a session (read-only previews, transactions) is kept after its last statement (default 60). */
  sessionKeepAliveSeconds?: number;
  /** Values to redact from every error (the secret access key, the session token). */
  secrets?: readonly string[];
}

export type RedshiftOptions = RedshiftPgOptions | ({ dataApi: true } & RedshiftDataApiOptions);
