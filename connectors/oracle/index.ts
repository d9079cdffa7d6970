/**
 * Oracle Database (19c and later) through node-oracledb in thin mode (pure JavaScript: no Oracle
 * Instant Client), loaded only when an Oracle connection is opened.
 *
 * NOT YET RUN AGAINST AN ORACLE SERVER: no server is reachable where edgeflow is built. Its
 * behaviour is tested at the driver boundary (oracle.test.ts: a fake of oracledb's connection
 * injected through `driver`): binds, labels, cancel, timeouts, read-only, error classes, redaction.
 *
 * - one connection per statement (opened, used, closed), so a statement's query id names the
 *   connection it runs on: `cancel(id)`, an aborted signal and the timeout call its `break()`,
 *   which stops the statement in the server (ORA-01013 for the waiting call);
 * - the timeout is oracledb's `callTimeout` on that connection (a round trip longer than it is
 *   broken), reported as a permanent error with code TIMEOUT;
 * - labels are the end-to-end tracing attributes that DBMS_APPLICATION_INFO sets (V$SESSION
 *   MODULE = 'edgeflow', ACTION = workflow/step, CLIENT_INFO = run and origin), sent with the
 *   statement itself (no extra round trip);
 * - every session pins NLS formats and the time zone, so dates, numbers and TO_CHAR/TO_DATE read
 *   and write one way whatever the database's defaults (see SESSION_SETUP);
 * - parameters bind by name (:p1, :p2 … as the dialect writes them), booleans as 1/0;
 * - readOnly: only one SELECT (or WITH … SELECT), inside SET TRANSACTION READ ONLY, rolled back;
 * - estimate: EXPLAIN PLAN into PLAN_TABLE, then the plan's root cost, cardinality and bytes;
 * - introspection: ALL_TABLES/ALL_VIEWS and ALL_TAB_COLUMNS.
 *
 * Not done yet: a connection pool (each statement pays a connect); SDO_GEOMETRY values with arcs or
 * in 3D come back as the driver's object (values.ts reads 2D straight-edged shapes as WKT);
 * wallets/TLS options beyond what the connect string says; Kerberos/IAM authentication.
 */
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import type {
  Connector,
  Estimate,
  ExecuteOptions,
  ExecuteResult,
  QueryLabel,
  TableListing,
} from '../connector.js';
import { loadOracleDriver, type OracleConnection, type OracleDriver } from './driver.js';
import { classifyOracle, isTimeout, ownError, toConnectorError } from './errors.js';
import { describeTable, listTables, oracleNativeToPortable } from './introspect.js';
import type { OracleOptions } from './options.js';
import { rowValues } from './values.js';

export type { OracleOptions } from './options.js';

/** Run on every new session: one text form for dates, timestamps and numbers, UTC, English names. */
export const SESSION_SETUP = [
  "ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'",
  "ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6'",
  "ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM'",
  "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'",
  "ALTER SESSION SET NLS_DATE_LANGUAGE = 'ENGLISH'",
  "ALTER SESSION SET NLS_COMP = 'BINARY'",
  "ALTER SESSION SET NLS_SORT = 'BINARY'",
  "ALTER SESSION SET TIME_ZONE = 'UTC'",
];

/** MODULE, ACTION and CLIENT_INFO hold at most 48, 32 and 64 bytes. */
function labelAttributes(label: QueryLabel | undefined): {
  module: string;
  action: string;
  clientInfo: string;
} {
  const cut = (s: string, n: number) =>
    Buffer.byteLength(s) <= n ? s : Buffer.from(s).subarray(0, n).toString();
  const action = [label?.workflow, label?.step].filter(Boolean).join('/');
  const client = [label?.run ? `run=${label.run}` : '', label?.origin ? `origin=${label.origin}` : '']
    .filter(Boolean)
    .join(' ');
  return { module: 'edgeflow', action: cut(action, 32), clientInfo: cut(client, 64) };
}

/** Only one query: a SELECT or WITH … SELECT, no second statement, no PL/SQL. */
function isQuery(sql: string): boolean {
  const s = sql.trim().replace(/;\s*$/, '');
  return /^(SELECT|WITH)\b/i.test(s) && !/;/.test(s.replace(/'(?:[^']|'')*'|"(?:[^"])*"/g, ''));
}

/** Named binds :p1 … :pN from the positional values; a boolean is 1/0 (no BOOLEAN in SQL). */
function bindsOf(params: readonly unknown[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  (params ?? []).forEach((v, i) => {
    out[`p${i + 1}`] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
  return out;
}

export async function openOracle(opts: OracleOptions): Promise<Connector> {
  const secrets = [...(opts.secrets ?? []), opts.password].filter(
    (s) => typeof s === 'string' && s.length > 0,
  );
  const problem = !opts.connectString
    ? '`connectString` is required (host:port/service_name)'
    : !opts.user
      ? '`user` is required'
      : opts.password === undefined
        ? '`password` is required'
        : undefined;
  if (problem) throw ownError(`Oracle connection: ${problem}`, 'permanent', 'CONFIG', { secrets });
  const driver: OracleDriver = opts.driver ?? (await loadOracleDriver());
  const running = new Map<string, OracleConnection>();
  let counter = 0;

  const connect = async (): Promise<OracleConnection> => {
    let conn: OracleConnection;
    try {
      conn = await driver.getConnection({
        user: opts.user,
        password: opts.password,
        connectString: opts.connectString,
      });
    } catch (e) {
      throw toConnectorError(e, { secrets });
    }
    try {
      for (const s of SESSION_SETUP) await conn.execute(s, {}, {});
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw toConnectorError(e, { secrets });
    }
    return conn;
  };

  const execute = async (sql: string, o: ExecuteOptions = {}): Promise<ExecuteResult> => {
    const queryId = `oracle-${process.pid}-${++counter}`;
    const ctx = { secrets, sql, queryId };
    if (o.signal?.aborted)
      throw ownError('Oracle statement was cancelled before it started', 'cancelled', 'ORA-01013', ctx);
    if (o.readOnly && !isQuery(sql))
      throw ownError(
        'a read-only statement must be one SELECT (or WITH … SELECT): DDL would commit the read-only transaction',
        'permanent',
        'READ_ONLY',
        ctx,
      );
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
    const conn = await connect();
    running.set(queryId, conn);
    let stopped: 'cancelled' | undefined;
    const onAbort = () => {
      stopped = 'cancelled';
      void conn.break().catch(() => undefined);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const attrs = labelAttributes(o.label);
      conn.module = attrs.module;
      conn.action = attrs.action;
      conn.clientInfo = attrs.clientInfo;
      conn.callTimeout = timeoutMs && timeoutMs > 0 ? timeoutMs : 0;
      o.onQueryId?.(queryId);
      if (o.readOnly) await conn.execute('SET TRANSACTION READ ONLY', {}, {});
      const result = await conn.execute(sql, bindsOf(o.params), {
        autoCommit: !o.readOnly,
        outFormat: 'array',
        fetchAsText: true,
        ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
      });
      if (o.readOnly) await conn.rollback();
      const meta = result.metaData ?? [];
      const rows = result.rows?.map((r) => rowValues(r, meta));
      return {
        ...(rows
          ? { rows, columns: meta.map((m) => ({ name: m.name, nativeType: m.dbTypeName ?? 'UNKNOWN' })) }
          : {}),
        rowCount: result.rowsAffected ?? rows?.length ?? 0,
        queryId,
      };
    } catch (e) {
      if (stopped === 'cancelled' || o.signal?.aborted)
        throw ownError(`Oracle statement was cancelled [query id ${queryId}]`, 'cancelled', 'ORA-01013', ctx);
      if (isTimeout(e))
        throw ownError(
          `Oracle statement timed out after ${timeoutMs} ms and was broken off (callTimeout) [query id ${queryId}] — raise statementTimeout, or make the statement cheaper`,
          'permanent',
          'TIMEOUT',
          ctx,
        );
      throw toConnectorError(e, ctx);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      running.delete(queryId);
      await conn.close().catch(() => undefined);
    }
  };

  const rowsOf = async (sql: string, params: unknown[]) =>
    (await execute(sql, { params, label: { origin: 'introspect' }, readOnly: true })).rows ?? [];

  return {
    type: 'oracle',
    dialect: 'oracle',
    execute,
    async cancel(queryId) {
      const conn = running.get(queryId);
      // A finished statement is not an error.
      if (conn) await conn.break().catch(() => undefined);
    },
    async estimate(sql, o = {}): Promise<Estimate> {
      const id = `ef${Date.now().toString(36)}${++counter}`;
      const conn = await connect();
      try {
        conn.module = 'edgeflow';
        conn.clientInfo = 'origin=estimate';
        await conn.execute(`EXPLAIN PLAN SET STATEMENT_ID = '${id}' FOR ${sql}`, bindsOf(o.params), {});
        const r = await conn.execute(
          'SELECT cost, cardinality, bytes FROM plan_table WHERE statement_id = :p1 AND id = 0',
          { p1: id },
          { outFormat: 'array' },
        );
        await conn.execute(
          'DELETE FROM plan_table WHERE statement_id = :p1',
          { p1: id },
          { autoCommit: true },
        );
        const [cost, rows, bytes] = (r.rows?.[0] ?? []).map((v) =>
          v === null || v === undefined ? undefined : Number(v),
        );
        return {
          ...(rows !== undefined ? { rows } : {}),
          ...(cost !== undefined ? { cost } : {}),
          summary:
            rows === undefined
              ? 'Oracle EXPLAIN PLAN gave no estimate'
              : `Oracle EXPLAIN PLAN: about ${rows} rows, cost ${cost ?? '?'}${bytes !== undefined ? `, ${bytes} bytes out` : ''} (optimizer units, not money)`,
        };
      } catch (e) {
        throw toConnectorError(e, { secrets, sql });
      } finally {
        await conn.close().catch(() => undefined);
      }
    },
    listTables(o = {}): Promise<TableListing[]> {
      return listTables(rowsOf, o.schema ?? opts.schema);
    },
    describeTable(parts): Promise<TableInfo | undefined> {
      return describeTable(rowsOf, parts, opts.schema);
    },
    /** The statement's columns without running it (getStatementInfo), or its first row fetched never. */
    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      if (!isQuery(sql))
        throw ownError('describeQuery takes one SELECT', 'permanent', 'READ_ONLY', { secrets, sql });
      const conn = await connect();
      try {
        const meta = conn.getStatementInfo
          ? ((await conn.getStatementInfo(sql)).metaData ?? [])
          : ((
              await conn.execute(`SELECT * FROM (${sql}) WHERE 1 = 0`, bindsOf(o.params), {
                outFormat: 'array',
              })
            ).metaData ?? []);
        return meta.map((m) => ({
          name: m.name,
          type: oracleNativeToPortable(m.dbTypeName ?? '', m.precision, m.scale),
        }));
      } catch (e) {
        throw toConnectorError(e, { secrets, sql });
      } finally {
        await conn.close().catch(() => undefined);
      }
    },
    classify: classifyOracle,
    async close() {
      await Promise.all([...running.values()].map((c) => c.break().catch(() => undefined)));
    },
  };
}
