/**
 * Microsoft SQL Server, Azure SQL Database and Azure Synapse dedicated SQL pools, through the
 * `mssql` package on tedious (the TDS protocol in JavaScript). NOT YET RUN AGAINST A SERVER: its
 * behaviour is tested at the driver boundary (sqlserver.test.ts drives it with a fake of mssql's
 * ConnectionPool / Request / Transaction through the `driver` seam, driver.ts).
 *
 * - Parameters: the tsql dialect writes `@p1`, `@p2`…; they are bound by those names (mssql runs
 *   the batch through sp_executesql and infers each type from the JS value).
 * - Labels: a leading comment `/* edgeflow workflow=… run=… step=… origin=… *\/`, which
 *   sys.dm_exec_requests / Query Store keep with the text (SQL Server has no query tag).
 * - Cancel: the statement's Request gets `cancel()` (a TDS attention); abort, `cancel(id)` and the
 *   per-statement timeout all go through it. The id is edgeflow's own (`sqlserver-<uuid>`): SQL
 *   Server has no statement id a second session could cancel with.
 * - Read-only preview: SQL Server has no read-only session for a read-write database
 *   (ApplicationIntent=ReadOnly only routes to an Availability Group secondary). A read-only execute
 *   runs as `SET XACT_ABORT ON; BEGIN TRANSACTION; <statement>; ROLLBACK`: table writes are rolled
 *   back, but a statement can still COMMIT the transaction itself, run procedures with outside
 *   effects, or hold locks while it runs. The real guard is the login: give previews and agents a
 *   connection whose login has only SELECT (db_datareader). See the README.
 * - Estimate: `SET SHOWPLAN_XML ON` in a transaction that is rolled back: the plan's estimated
 *   subtree cost and rows, the statement is not run.
 * - Introspection: INFORMATION_SCHEMA.TABLES / COLUMNS; describeQuery: sp_describe_first_result_set.
 * - `maxRows` is applied to the rows the driver returns (previews carry TOP (n) already).
 */
import { randomUUID } from 'node:crypto';
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import {
  ConnectorError,
  type Connector,
  type Estimate,
  type ExecuteOptions,
  type ExecuteResult,
  type QueryLabel,
  type TableListing,
  type Transaction,
  type TransactionOptions,
} from '../connector.js';
import { mssqlDriver, type DriverPool, type DriverRequest, type DriverResult } from './driver.js';
import { classifySqlServer, toConnectorError } from './errors.js';
import type { SqlServerOptions } from './options.js';
import { sqlServerToPortable } from './types.js';
import { convertRows } from './values.js';

export type { SqlServerOptions } from './options.js';

/** The comment that carries a statement's label to the server's query text. */
export function labelComment(label: QueryLabel | undefined): string {
  if (!label) return '';
  const parts = (['workflow', 'run', 'step', 'origin'] as const)
    .filter((k) => label[k])
    .map((k) => `${k}=${String(label[k]).replace(/[^\w.:@-]/g, '_')}`);
  return parts.length ? `/* edgeflow ${parts.join(' ')} */\n` : '';
}

/** The statement inside a transaction that is always rolled back (see the file comment for its limits). */
export function readOnlyBatch(sql: string): string {
  return `SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n${sql};\nIF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;`;
}

/** An N'…' literal of text (for sp_describe_first_result_set's @tsql). */
function nText(s: string): string {
  return `N'${s.replace(/'/g, "''")}'`;
}

/** The declaration of a bound value, for sp_describe_first_result_set's @params. */
function paramDeclaration(value: unknown): string {
  if (typeof value === 'boolean') return 'bit';
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'float';
  return 'nvarchar(max)';
}

function estimateFromPlan(xml: string): Estimate {
  const num = (attr: string) => {
    const m = new RegExp(`${attr}="([0-9.eE+-]+)"`).exec(xml);
    return m ? Number(m[1]) : undefined;
  };
  const cost = num('StatementSubTreeCost');
  const rows = num('StatementEstRows');
  return {
    ...(cost !== undefined ? { cost } : {}),
    ...(rows !== undefined ? { rows: Math.round(rows) } : {}),
    summary:
      cost !== undefined
        ? `estimated subtree cost ${cost}${rows !== undefined ? `, about ${Math.round(rows)} rows` : ''} (SHOWPLAN_XML)`
        : 'SQL Server gave no estimate',
  };
}

type StopKind = 'cancelled' | 'timeout';

export function openSqlServer(options: SqlServerOptions): Connector {
  const secrets = [...(options.secrets ?? []), ...(options.password ? [options.password] : [])];
  const driver = options.driver ?? mssqlDriver;
  let pool: Promise<DriverPool> | undefined;
  const running = new Map<string, DriverRequest>();

  const connect = (): Promise<DriverPool> => {
    pool ??= driver
      .connect({
        server: options.server,
        ...(options.port !== undefined ? { port: options.port } : {}),
        database: options.database,
        ...(options.user !== undefined ? { user: options.user } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
        encrypt: options.encrypt ?? true,
        trustServerCertificate: options.trustServerCertificate ?? false,
        poolSize: options.poolSize ?? 4,
        appName: 'edgeflow',
      })
      .catch((e: unknown) => {
        pool = undefined; // the next call tries again
        throw toConnectorError(e, { secrets });
      });
    return pool;
  };

  /** Runs one batch on a request: parameters, label, abort, timeout, cancel by id. */
  const run = async (
    request: DriverRequest,
    sql: string,
    opts: Omit<ExecuteOptions, 'readOnly' | 'maxRows'> & { signal?: AbortSignal | undefined },
  ): Promise<{ result: DriverResult; queryId: string }> => {
    const queryId = `sqlserver-${randomUUID()}`;
    const text = labelComment(opts.label) + sql;
    (opts.params ?? []).forEach((v, i) => request.input(`p${i + 1}`, v ?? null));
    if (opts.signal?.aborted)
      throw new ConnectorError('SQL Server: the statement was cancelled before it started', 'cancelled', {
        connector: 'sqlserver',
        queryId,
      });
    let stopped: StopKind | undefined;
    const stop = (kind: StopKind) => {
      stopped ??= kind;
      request.cancel();
    };
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs;
    const timer = timeoutMs ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
    running.set(queryId, { ...request, cancel: () => stop('cancelled') });
    opts.onQueryId?.(queryId);
    try {
      return { result: await request.query(text), queryId };
    } catch (e) {
      if (stopped === 'timeout')
        throw new ConnectorError(
          `SQL Server: the statement was cancelled after the ${timeoutMs} ms timeout`,
          'permanent',
          {
            connector: 'sqlserver',
            queryId,
            code: 'TIMEOUT',
            hint: 'raise statementTimeout, or make the query cheaper',
          },
        );
      if (stopped === 'cancelled')
        throw new ConnectorError('SQL Server: the statement was cancelled', 'cancelled', {
          connector: 'sqlserver',
          queryId,
        });
      throw toConnectorError(e, { secrets, sql, queryId });
    } finally {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      running.delete(queryId);
    }
  };

  const toResult = (r: DriverResult, queryId: string, maxRows?: number): ExecuteResult => {
    if (!r.columns.length) return { rowCount: r.rowsAffected.reduce((a, b) => a + b, 0), queryId };
    const rows = convertRows(maxRows !== undefined ? r.rows.slice(0, maxRows) : r.rows, r.columns);
    return {
      rows,
      columns: r.columns.map((c) => ({
        name: c.name,
        nativeType: c.type,
        type: sqlServerToPortable(c.type, c.precision, c.scale),
      })),
      rowCount: rows.length,
      queryId,
    };
  };

  const query = async (sql: string, params: unknown[] = []) => {
    const p = await connect();
    return (await run(p.request(), sql, { params })).result;
  };

  /**
   * One transaction on one connection. Not offered on Synapse, whose CTAS, RENAME OBJECT and DDL
   * cannot run inside a user transaction (so neither its plans nor the append ledger use one).
   */
  async function transaction<T>(
    fn: (tx: Transaction) => Promise<T>,
    opts: TransactionOptions = {},
  ): Promise<T> {
    const p = await connect();
    const tx = p.transaction();
    try {
      await tx.begin();
    } catch (e) {
      throw toConnectorError(e, { secrets });
    }
    try {
      const value = await fn({
        execute: async (sql, o = {}) => {
          const { result, queryId } = await run(tx.request(), sql, {
            ...(opts.label ? { label: opts.label } : {}),
            ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
            ...o,
            signal: opts.signal,
          });
          return toResult(result, queryId);
        },
      });
      if (opts.signal?.aborted)
        throw new ConnectorError('SQL Server: the transaction was cancelled', 'cancelled', {
          connector: 'sqlserver',
        });
      await tx.commit();
      return value;
    } catch (e) {
      await tx.rollback().catch(() => undefined); // XACT_ABORT or an attention may have rolled it back already
      throw toConnectorError(e, { secrets });
    }
  }

  const connector: Connector = {
    type: 'sqlserver',
    dialect: 'tsql',

    async execute(sql, opts = {}) {
      const p = await connect();
      const text = opts.readOnly ? readOnlyBatch(sql) : sql;
      const { result, queryId } = await run(p.request(), text, opts);
      return toResult(result, queryId, opts.maxRows);
    },

    ...(options.synapse ? {} : { transaction }),

    async cancel(queryId) {
      running.get(queryId)?.cancel();
    },

    async estimate(sql, opts = {}) {
      const p = await connect();
      const tx = p.transaction();
      try {
        await tx.begin();
        // SET SHOWPLAN_XML must be alone in its batch; the statement is then compiled, not run.
        await tx.request().query('SET SHOWPLAN_XML ON');
        const { result } = await run(tx.request(), sql, { ...opts });
        await tx.request().query('SET SHOWPLAN_XML OFF');
        const xml = String(Object.values(result.rows[0] ?? {})[0] ?? '');
        return estimateFromPlan(xml);
      } catch (e) {
        throw toConnectorError(e, { secrets, sql });
      } finally {
        await tx.rollback().catch(() => undefined);
      }
    },

    async listTables(opts = {}) {
      const r = await query(
        `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES${opts.schema ? ' WHERE TABLE_SCHEMA = @p1' : ''} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
        opts.schema ? [opts.schema] : [],
      );
      return r.rows.map((row): TableListing => ({
        parts: [String(row['TABLE_SCHEMA']), String(row['TABLE_NAME'])],
        kind: row['TABLE_TYPE'] === 'VIEW' ? 'view' : 'table',
      }));
    },

    async describeTable(parts) {
      const table = parts[parts.length - 1]!;
      const schema = parts.length >= 2 ? parts[parts.length - 2]! : null;
      const database = parts.length === 3 ? `[${parts[0]!.replace(/]/g, ']]')}].` : '';
      const r = await query(
        `SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE
FROM ${database}INFORMATION_SCHEMA.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(@p1, SCHEMA_NAME()) AND TABLE_NAME = @p2
ORDER BY ORDINAL_POSITION`,
        [schema, table],
      );
      if (!r.rows.length) return undefined;
      const columns = r.rows.map((row): ColumnInfo => ({
        name: String(row['COLUMN_NAME']),
        type: sqlServerToPortable(
          String(row['DATA_TYPE']),
          row['NUMERIC_PRECISION'] == null ? undefined : Number(row['NUMERIC_PRECISION']),
          row['NUMERIC_SCALE'] == null ? undefined : Number(row['NUMERIC_SCALE']),
        ),
        nullable: row['IS_NULLABLE'] === 'YES',
      }));
      return { parts: [...parts], columns } satisfies TableInfo;
    },

    async describeQuery(sql, opts = {}) {
      const params = opts.params ?? [];
      const declared = params.map((v, i) => `@p${i + 1} ${paramDeclaration(v)}`).join(', ');
      const p = await connect();
      const { result } = await run(
        p.request(),
        `EXEC sp_describe_first_result_set @tsql = ${nText(sql)}${declared ? `, @params = ${nText(declared)}` : ''}`,
        { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.label ? { label: opts.label } : {}) },
      );
      return result.rows
        .filter((row) => !row['is_hidden'])
        .map((row) => ({
          name: String(row['name']),
          type: sqlServerToPortable(String(row['system_type_name'])),
          nullable: Boolean(row['is_nullable']),
        }));
    },

    classify: classifySqlServer,

    async dialectOptions() {
      return options.synapse ? { synapse: true } : {};
    },

    async close() {
      for (const r of running.values()) r.cancel();
      const p = pool;
      pool = undefined;
      if (p) await (await p.catch(() => undefined))?.close();
    },
  };
  return connector;
}
