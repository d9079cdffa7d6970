/**
 * The seam between the connector and the `mssql` package (on tedious): the few calls the connector
 * makes, so tests can drive it with a fake of the ConnectionPool / Request / Transaction objects
 * (no SQL Server is reachable here). `mssqlDriver` adapts the real package, loaded on first use.
 */
export interface DriverConfig {
  server: string;
  port?: number;
  database: string;
  user?: string;
  password?: string;
  encrypt: boolean;
  trustServerCertificate: boolean;
  poolSize: number;
  /** Shown in sys.dm_exec_sessions.program_name. */
  appName: string;
}

export interface DriverColumn {
  name: string;
  /** The type's declaration, lower-case: `nvarchar`, `decimal`, `datetime2`… */
  type: string;
  precision?: number;
  scale?: number;
}

export interface DriverResult {
  /** The last result set's rows (objects by column name) and its columns. */
  rows: Array<Record<string, unknown>>;
  columns: DriverColumn[];
  /** Rows affected per statement of the batch. */
  rowsAffected: number[];
}

export interface DriverRequest {
  input(name: string, value: unknown): void;
  /** Runs a batch (with parameters through sp_executesql when any were given). */
  query(sql: string): Promise<DriverResult>;
  /** Sends an attention: the server stops the batch; query() rejects with code ECANCEL. */
  cancel(): void;
}

export interface DriverTransaction {
  begin(): Promise<void>;
  request(): DriverRequest;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface DriverPool {
  request(): DriverRequest;
  /** A transaction on one connection of the pool. */
  transaction(): DriverTransaction;
  close(): Promise<void>;
}

export interface SqlServerDriver {
  connect(config: DriverConfig): Promise<DriverPool>;
}

interface MssqlColumn {
  name: string;
  type?: { declaration?: string };
  precision?: number;
  scale?: number;
  index: number;
}
interface MssqlResult {
  recordset?: Array<Record<string, unknown>> & { columns?: Record<string, MssqlColumn> };
  recordsets?: unknown[];
  rowsAffected?: number[];
}
interface MssqlRequest {
  input(name: string, value: unknown): unknown;
  query(sql: string): Promise<MssqlResult>;
  cancel(): unknown;
}

function adaptResult(r: MssqlResult): DriverResult {
  const cols = Object.values(r.recordset?.columns ?? {}).sort((a, b) => a.index - b.index);
  return {
    rows: r.recordset ? [...r.recordset] : [],
    columns: cols.map((c) => ({
      name: c.name,
      type: (c.type?.declaration ?? 'unknown').toLowerCase(),
      ...(c.precision !== undefined ? { precision: c.precision } : {}),
      ...(c.scale !== undefined ? { scale: c.scale } : {}),
    })),
    rowsAffected: r.rowsAffected ?? [],
  };
}

function adaptRequest(r: MssqlRequest): DriverRequest {
  return {
    input: (name, value) => void r.input(name, value),
    query: async (sql) => adaptResult(await r.query(sql)),
    cancel: () => void r.cancel(),
  };
}

/** The `mssql` package (tedious). */
export const mssqlDriver: SqlServerDriver = {
  async connect(config) {
    const mssql = (await import('mssql')).default;
    const pool = new mssql.ConnectionPool({
      server: config.server,
      ...(config.port !== undefined ? { port: config.port } : {}),
      database: config.database,
      ...(config.user !== undefined ? { user: config.user } : {}),
      ...(config.password !== undefined ? { password: config.password } : {}),
      pool: { max: config.poolSize, min: 0 },
      // The connector keeps its own per-statement deadline (it cancels the request).
      requestTimeout: 0,
      options: {
        encrypt: config.encrypt,
        trustServerCertificate: config.trustServerCertificate,
        appName: config.appName,
        useUTC: true,
      },
    });
    await pool.connect();
    return {
      request: () => adaptRequest(pool.request() as unknown as MssqlRequest),
      transaction: () => {
        const tx = new mssql.Transaction(pool);
        return {
          begin: async () => void (await tx.begin()),
          request: () => adaptRequest(new mssql.Request(tx) as unknown as MssqlRequest),
          commit: () => tx.commit(),
          rollback: () => tx.rollback(),
        };
      },
      close: () => pool.close(),
    };
  },
};
