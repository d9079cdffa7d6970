/** What the BigQuery connector is built from (the daemon maps the config to this, secrets resolved). */
export interface BigQueryOptions {
  projectId: string;
  /** Dataset location (EU, US, europe-west1…); jobs run there. */
  location?: string;
  /** A service-account key (the JSON text); application default credentials when absent. */
  keyJson?: string;
  /** Every job carries this cap; a job that would bill more fails before it runs. */
  maxBytesBilled?: number;
  /** On-demand price per TiB used for estimates (default 6.25 USD). */
  pricePerTiB?: number;
  /** Per-statement timeout (ms); jobs past it are cancelled. */
  timeoutMs?: number;
  /**
   * Another endpoint (tests point the real client at a local fake); with it, no Google
   * authentication is attempted.
   */
  apiEndpoint?: string;
  /**
   * Waits (ms) between retries of the calls that are safe to repeat — inserting the job under the
   * id we chose, polling it, cancelling it — on transient failures (default [250, 1000, 4000]).
   * A job that BigQuery ran and failed is not retried here: that is the executor's decision.
   */
  retryDelaysMs?: readonly number[];
  /** Values to redact from every error (resolved secrets). */
  secrets?: readonly string[];
}
