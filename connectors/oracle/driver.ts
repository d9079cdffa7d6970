/**
 * The seam between the connector and node-oracledb: the few calls the connector makes, typed here
 * (oracledb ships no types), so a test can hand the connector a fake connection and watch what it
 * is asked to do (binds, end-to-end attributes, callTimeout, break()).
 * https://node-oracledb.readthedocs.io/en/latest/api_manual/connection.html
 */

export interface OracleColumnMeta {
  name: string;
  /** Oracle's type name: NUMBER, VARCHAR2, DATE, TIMESTAMP, SDO_GEOMETRY… */
  dbTypeName?: string;
  precision?: number;
  scale?: number;
}

export interface OracleResult {
  rows?: unknown[][];
  metaData?: OracleColumnMeta[];
  rowsAffected?: number;
}

export interface OracleExecuteOptions {
  autoCommit?: boolean;
  maxRows?: number;
  /** 'array': each row an array in metaData's order (oracledb.OUT_FORMAT_ARRAY). */
  outFormat?: 'array';
  /** Ask for NUMBER, dates and LOBs as text (exact, and formatted by the session's NLS settings). */
  fetchAsText?: boolean;
}

/** The part of oracledb's Connection the connector uses. */
export interface OracleConnection {
  execute(sql: string, binds: Record<string, unknown>, options: OracleExecuteOptions): Promise<OracleResult>;
  /** Interrupts the statement running on this connection (ORA-01013 for its caller). */
  break(): Promise<void>;
  close(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Milliseconds a round trip may take before the driver gives up and breaks it (0: none). */
  callTimeout: number;
  /** End-to-end tracing attributes (V$SESSION MODULE, ACTION, CLIENT_INFO), sent with the next round trip. */
  module: string;
  action: string;
  clientInfo: string;
  /** The columns of a statement without running it (oracledb's getStatementInfo). */
  getStatementInfo?(sql: string): Promise<{ metaData?: OracleColumnMeta[] }>;
}

export interface OracleConnectConfig {
  user: string;
  password: string;
  connectString: string;
}

export interface OracleDriver {
  getConnection(config: OracleConnectConfig): Promise<OracleConnection>;
}

interface OracleDbModule {
  getConnection(config: OracleConnectConfig): Promise<RawConnection>;
  OUT_FORMAT_ARRAY: number;
  STRING: number;
  DB_TYPE_NUMBER: unknown;
  DB_TYPE_DATE: unknown;
  DB_TYPE_TIMESTAMP: unknown;
  DB_TYPE_TIMESTAMP_TZ: unknown;
  DB_TYPE_TIMESTAMP_LTZ: unknown;
  DB_TYPE_CLOB: unknown;
  DB_TYPE_NCLOB: unknown;
}

type RawConnection = Omit<OracleConnection, 'execute'> & {
  execute(
    sql: string,
    binds: Record<string, unknown>,
    options: Record<string, unknown>,
  ): Promise<OracleResult>;
};

/** node-oracledb in thin mode (pure JavaScript, no Instant Client), loaded when a connection opens. */
export async function loadOracleDriver(): Promise<OracleDriver> {
  const mod = (await import('oracledb')) as { default?: OracleDbModule } & OracleDbModule;
  const db: OracleDbModule = mod.default ?? mod;
  const asText = new Set([
    db.DB_TYPE_NUMBER,
    db.DB_TYPE_DATE,
    db.DB_TYPE_TIMESTAMP,
    db.DB_TYPE_TIMESTAMP_TZ,
    db.DB_TYPE_TIMESTAMP_LTZ,
    db.DB_TYPE_CLOB,
    db.DB_TYPE_NCLOB,
  ]);
  return {
    async getConnection(config) {
      const raw = await db.getConnection(config);
      const original = raw.execute.bind(raw);
      const execute: OracleConnection['execute'] = (sql, binds, options) =>
        original(sql, binds, {
          autoCommit: options.autoCommit ?? false,
          ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
          outFormat: db.OUT_FORMAT_ARRAY,
          ...(options.fetchAsText
            ? {
                fetchTypeHandler: (meta: { dbType?: unknown }) =>
                  asText.has(meta.dbType) ? { type: db.STRING } : undefined,
              }
            : {}),
        });
      return Object.assign(raw, { execute }) as unknown as OracleConnection;
    },
  };
}
