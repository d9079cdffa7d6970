/**
 * Redshift through the Redshift Data API (@aws-sdk/client-redshift-data): HTTPS and IAM, no
 * network path to the cluster needed; Serverless by `workgroupName`, provisioned clusters by
 * `clusterIdentifier` with `dbUser` (temporary credentials) or `secretArn`.
 * https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html
 *
 * - every statement is ExecuteStatement, whose Id is the query id (reported before the wait),
 *   then DescribeStatement polled (100 ms, doubling to 2 s) until FINISHED, FAILED or ABORTED,
 *   then GetStatementResult page by page (stopping at maxRows);
 * - abort, `cancel(id)` and the timeout call CancelStatement and wait for the statement to end;
 *   the Data API has no per-statement timeout, so the timeout is a client deadline;
 * - the label is the StatementName (ListStatements, the console's query history);
 * - parameters: the compiler's `$1` placeholders are rewritten to `:p1` (the Data API's named
 *   parameters, whose values are text Redshift converts; the placeholders are typed casts); a null
 *   or empty text value, which the Data API cannot carry, is written as NULL or '' in its place;
 * - readOnly and transactions use a Data API session (SessionKeepAliveSeconds, then SessionId):
 *   `BEGIN READ ONLY`, the statement, `ROLLBACK`; `BEGIN`, the statements, `COMMIT`. A read-only
 *   statement must be one statement (no `;` outside literals), so it cannot end the transaction;
 * - values: longValue, doubleValue, booleanValue, stringValue as connector.ts's convention says.
 *
 * Not done: BIGINT beyond 2^53 (longValue is a JSON number, which the SDK parses into a double:
 * it comes back rounded); results larger than the Data API's 100 MB limit; ResultFormat CSV.
 */
import type * as RedshiftData from '@aws-sdk/client-redshift-data';
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import type { PortableType } from '../../compiler/schema/types.js';
import {
  ConnectorError,
  type Connector,
  type ErrorClass,
  type ExecuteOptions,
  type ExecuteResult,
  type ResultColumn,
  type TableListing,
  type Transaction,
  type TransactionOptions,
} from '../connector.js';
import { applicationName } from '../postgres/application-name.js';
import { spatialToWkt } from '../postgres/values.js';
import { redact } from '../secrets.js';
import { exactValue, floatValue } from '../values.js';
import { transientByMessage } from './errors.js';
import { estimateFromExplain } from './explain.js';
import type { RedshiftDataApiOptions } from './options.js';

type Sdk = typeof RedshiftData;
type Client = InstanceType<Sdk['RedshiftDataClient']>;
interface Field {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
  blobValue?: Uint8Array;
}
interface Column {
  name?: string;
  label?: string;
  typeName?: string;
  precision?: number;
  scale?: number;
}

const MAX_POLL_MS = 2_000;
const CANCEL_DEADLINE_MS = 10_000;

/** Error names of the Data API that pass when tried again. */
const TRANSIENT_NAMES = new Set([
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'InternalServerException',
  'DatabaseConnectionException',
  'ThrottlingException',
  'ServiceUnavailableException',
]);
const TRANSIENT_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export async function openRedshiftDataApi(opts: RedshiftDataApiOptions): Promise<Connector> {
  if (!opts.workgroupName && !opts.clusterIdentifier)
    throw new ConnectorError(
      'a Redshift Data API connection needs workgroupName or clusterIdentifier',
      'permanent',
      {
        connector: 'redshift',
        hint: 'Serverless: workgroupName; a provisioned cluster: clusterIdentifier with dbUser or secretArn',
      },
    );
  if (opts.clusterIdentifier && !opts.dbUser && !opts.secretArn)
    throw new ConnectorError(
      'a provisioned cluster through the Data API needs dbUser or secretArn',
      'permanent',
      {
        connector: 'redshift',
      },
    );
  const secrets = [
    ...(opts.secrets ?? []),
    ...(opts.credentials ? [opts.credentials.secretAccessKey, opts.credentials.sessionToken ?? ''] : []),
  ].filter((s) => s.length >= 4);
  const sdk: Sdk = await import('@aws-sdk/client-redshift-data');
  const client: Client = new sdk.RedshiftDataClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 3,
  });
  const keepAlive = opts.sessionKeepAliveSeconds ?? 60;
  const target = {
    Database: opts.database,
    ...(opts.workgroupName ? { WorkgroupName: opts.workgroupName } : {}),
    ...(opts.clusterIdentifier ? { ClusterIdentifier: opts.clusterIdentifier } : {}),
    ...(opts.dbUser && !opts.secretArn ? { DbUser: opts.dbUser } : {}),
    ...(opts.secretArn ? { SecretArn: opts.secretArn } : {}),
  };
  /** Statements running now: their ids, for close(). */
  const running = new Set<string>();

  const fail = (e: unknown, ctx: { sql?: string; queryId?: string } = {}) => dataApiError(e, secrets, ctx);

  async function send<T>(command: unknown, signal?: AbortSignal): Promise<T> {
    try {
      return (await client.send(command as never, signal ? { abortSignal: signal } : {})) as T;
    } catch (e) {
      throw fail(e);
    }
  }

  async function cancelStatement(id: string): Promise<void> {
    try {
      await client.send(new sdk.CancelStatementCommand({ Id: id }));
    } catch (e) {
      // A statement that already ended cannot be cancelled: that is not an error.
      if (
        (e as { name?: string }).name === 'ValidationException' ||
        (e as { name?: string }).name === 'ResourceNotFoundException'
      )
        return;
      throw fail(e);
    }
  }

  /** Polls until the statement ends; stops it in Redshift when the signal aborts or time runs out. */
  async function waitFor(
    id: string,
    sql: string,
    o: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  ): Promise<{ status: string; error?: string; hasResultSet: boolean; resultRows: number }> {
    let delay = opts.pollIntervalMs ?? 100;
    const deadline = o.timeoutMs && o.timeoutMs > 0 ? Date.now() + o.timeoutMs : undefined;
    let stopped: 'cancelled' | 'timeout' | undefined;
    let stopDeadline = 0;
    for (;;) {
      if (!stopped && o.signal?.aborted) stopped = 'cancelled';
      if (!stopped && deadline !== undefined && Date.now() >= deadline) stopped = 'timeout';
      if (stopped && !stopDeadline) {
        stopDeadline = Date.now() + CANCEL_DEADLINE_MS;
        await cancelStatement(id).catch(() => undefined);
      }
      const d = await send<{ Status?: string; Error?: string; HasResultSet?: boolean; ResultRows?: number }>(
        new sdk.DescribeStatementCommand({ Id: id }),
      ).catch((e: unknown) => {
        throw e instanceof ConnectorError ? withContext(e, { sql: redact(sql, secrets), queryId: id }) : e;
      });
      const status = d.Status ?? 'SUBMITTED';
      if (status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED') {
        if (stopped && status !== 'FINISHED')
          throw stoppedError(stopped, { sql: redact(sql, secrets), queryId: id, timeoutMs: o.timeoutMs });
        return {
          status,
          ...(d.Error ? { error: d.Error } : {}),
          hasResultSet: !!d.HasResultSet,
          resultRows: d.ResultRows ?? 0,
        };
      }
      if (stopped && Date.now() > stopDeadline)
        throw stoppedError(stopped, { sql: redact(sql, secrets), queryId: id, timeoutMs: o.timeoutMs });
      await pause(stopped ? 100 : delay, stopped ? undefined : o.signal);
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  }

  async function results(
    id: string,
    maxRows: number | undefined,
  ): Promise<{ rows: Array<Record<string, unknown>>; columns: ResultColumn[] }> {
    const rows: Array<Record<string, unknown>> = [];
    let columns: Column[] = [];
    let token: string | undefined;
    do {
      const page = await send<{ Records?: Field[][]; ColumnMetadata?: Column[]; NextToken?: string }>(
        new sdk.GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) }),
      );
      if (page.ColumnMetadata?.length) columns = page.ColumnMetadata;
      for (const record of page.Records ?? []) {
        if (maxRows !== undefined && rows.length >= maxRows) break;
        const row: Record<string, unknown> = {};
        record.forEach((f, i) => {
          const c = columns[i] ?? {};
          row[c.name ?? c.label ?? `?column${i}?`] = fieldValue(f, c.typeName ?? '');
        });
        rows.push(row);
      }
      token = page.NextToken;
    } while (token && (maxRows === undefined || rows.length < maxRows));
    return {
      rows,
      columns: columns.map((c) => ({
        name: c.name ?? c.label ?? '',
        nativeType: c.typeName ?? 'unknown',
        type: dataApiTypeToPortable(c.typeName ?? '', c.precision, c.scale),
      })),
    };
  }

  /** One statement: in the connection's target, or in a session (SessionId). */
  async function run(
    sql: string,
    o: ExecuteOptions,
    session?: { id?: string; keep?: boolean; keepSeconds?: number },
  ): Promise<ExecuteResult & { sessionId?: string }> {
    if (o.signal?.aborted) throw cancelledError({ sql: redact(sql, secrets) });
    const { text, parameters } = bindParameters(sql, o.params ?? []);
    const started = await send<{ Id?: string; SessionId?: string }>(
      new sdk.ExecuteStatementCommand({
        Sql: text,
        StatementName: applicationName(o.label),
        ...(parameters.length ? { Parameters: parameters } : {}),
        ...(session?.id ? { SessionId: session.id } : target),
        ...(session?.keep && !session.id
          ? { SessionKeepAliveSeconds: session.keepSeconds ?? keepAlive }
          : {}),
      }),
    ).catch((e: unknown) => {
      throw e instanceof ConnectorError ? withContext(e, { sql: redact(sql, secrets) }) : e;
    });
    const id = started.Id!;
    running.add(id);
    try {
      o.onQueryId?.(id);
      const end = await waitFor(id, sql, { signal: o.signal, timeoutMs: o.timeoutMs ?? opts.timeoutMs });
      if (end.status !== 'FINISHED')
        throw fail(
          { name: 'StatementFailed', message: end.error ?? `the statement ended ${end.status}` },
          { sql, queryId: id },
        );
      const out = end.hasResultSet ? await results(id, o.maxRows) : undefined;
      return {
        ...(out ? { rows: out.rows, columns: out.columns } : {}),
        rowCount: out ? out.rows.length : Math.max(0, end.resultRows),
        queryId: id,
        ...(started.SessionId ? { sessionId: started.SessionId } : {}),
      };
    } finally {
      running.delete(id);
    }
  }

  async function execute(sql: string, o: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (!o.readOnly) {
      const { sessionId: _s, ...r } = await run(sql, o);
      return r;
    }
    if (hasSecondStatement(sql))
      throw new ConnectorError('a read-only statement must be a single statement', 'permanent', {
        connector: 'redshift',
        code: 'READ_ONLY',
        sql: redact(sql, secrets),
      });
    // A preview's session is kept briefly: there is no call that ends one, and each holds a connection.
    const begin = await run(
      'BEGIN READ ONLY',
      { ...(o.signal ? { signal: o.signal } : {}), label: o.label ?? {} },
      { keep: true, keepSeconds: Math.min(keepAlive, 10) },
    );
    const session = { id: begin.sessionId! };
    try {
      const { sessionId: _s, ...r } = await run(sql, o, session);
      return r;
    } finally {
      await run('ROLLBACK', { label: o.label ?? {} }, session).catch(() => undefined);
    }
  }

  async function transaction<T>(fn: (tx: Transaction) => Promise<T>, t: TransactionOptions = {}): Promise<T> {
    if (t.signal?.aborted) throw cancelledError({ sql: 'BEGIN' });
    const begin = await run(
      'BEGIN',
      { ...(t.signal ? { signal: t.signal } : {}), ...(t.label ? { label: t.label } : {}) },
      { keep: true },
    );
    const session = { id: begin.sessionId!, keep: true };
    let open = true;
    try {
      const tx: Transaction = {
        execute: async (sql, so = {}) => {
          const signal =
            t.signal && so.signal ? AbortSignal.any([t.signal, so.signal]) : (t.signal ?? so.signal);
          const label = so.label ?? t.label;
          const timeoutMs = so.timeoutMs ?? t.timeoutMs;
          const { sessionId: _s, ...r } = await run(
            sql,
            {
              ...so,
              ...(signal ? { signal } : {}),
              ...(label ? { label } : {}),
              ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            },
            session,
          );
          return r;
        },
      };
      const out = await fn(tx);
      if (t.signal?.aborted) throw cancelledError({ sql: 'COMMIT' });
      await run('COMMIT', { ...(t.label ? { label: t.label } : {}) }, session);
      open = false;
      return out;
    } finally {
      if (open)
        await run('ROLLBACK', { ...(t.label ? { label: t.label } : {}) }, session).catch(() => undefined);
    }
  }

  const query = async (sql: string, params: unknown[]) =>
    (await execute(sql, { params, readOnly: true, label: { origin: 'introspect' } })).rows ?? [];

  return {
    type: 'redshift',
    dialect: 'redshift',
    execute,
    transaction,
    cancel: (id) => cancelStatement(id),
    async estimate(sql, o = {}) {
      const r = await execute(`EXPLAIN ${sql}`, {
        readOnly: true,
        label: { origin: 'estimate' },
        ...(o.params ? { params: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return estimateFromExplain((r.rows ?? []).map((row) => String(Object.values(row)[0] ?? '')));
    },
    async listTables(o = {}): Promise<TableListing[]> {
      const rows = await query(
        `SELECT table_schema, table_name, table_type FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'pg_internal', 'pg_automv')
         ${o.schema ? 'AND table_schema = $1' : ''} ORDER BY 1, 2`,
        o.schema ? [o.schema] : [],
      );
      return rows.map((x) => ({
        parts: [String(x['table_schema']), String(x['table_name'])],
        kind: x['table_type'] === 'VIEW' ? 'view' : 'table',
      }));
    },
    async describeTable(parts): Promise<TableInfo | undefined> {
      const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
      const rows = await query(
        `SELECT table_schema, table_name, column_name, data_type, numeric_precision, numeric_scale, is_nullable
         FROM information_schema.columns
         WHERE table_name = $1 AND table_schema = ${schema ? '$2' : 'current_schema()'}
         ORDER BY ordinal_position`,
        schema ? [table, schema] : [table],
      );
      if (rows.length === 0) return undefined;
      return {
        parts: [String(rows[0]!['table_schema']), String(rows[0]!['table_name'])],
        columns: rows.map((x) => ({
          name: String(x['column_name']),
          type: dataApiTypeToPortable(
            String(x['data_type']),
            (x['numeric_precision'] as number | null) ?? undefined,
            (x['numeric_scale'] as number | null) ?? undefined,
          ),
          nullable: x['is_nullable'] !== 'NO',
        })),
      };
    },
    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      const r = await execute(sql, { ...o, readOnly: true, maxRows: 0 });
      return (r.columns ?? []).map((c) => ({
        name: c.name,
        type: c.type ?? { kind: 'other', native: c.nativeType },
      }));
    },
    classify: classifyDataApi,
    async close() {
      await Promise.all([...running].map((id) => cancelStatement(id).catch(() => undefined)));
      client.destroy();
    },
  };
}

/** `$1` → `:p1` outside literals, quoted names and comments; nulls and '' written in place. */
export function bindParameters(
  sql: string,
  params: readonly unknown[],
): { text: string; parameters: Array<{ name: string; value: string }> } {
  const used = new Set<number>();
  let out = '';
  for (const piece of lex(sql)) {
    if (piece.kind !== 'code') {
      out += piece.text;
      continue;
    }
    out += piece.text.replace(/\$(\d+)/g, (m, n: string) => {
      const i = Number(n);
      if (i < 1 || i > params.length) return m;
      const v = params[i - 1];
      if (v === null || v === undefined) return 'NULL';
      if (v === '') return "''";
      used.add(i);
      return `:p${i}`;
    });
  }
  return {
    text: out,
    parameters: [...used]
      .sort((a, b) => a - b)
      .map((i) => ({ name: `p${i}`, value: paramText(params[i - 1]) })),
  };
}

function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Code, string literals (backslash escapes, as Redshift reads them), quoted names and comments. */
function lex(sql: string): Array<{ kind: 'code' | 'quoted'; text: string }> {
  const out: Array<{ kind: 'code' | 'quoted'; text: string }> = [];
  let code = '';
  let i = 0;
  const flush = () => {
    if (code) out.push({ kind: 'code', text: code });
    code = '';
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (c === "'" && sql[j] === '\\') j++;
        else if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      flush();
      out.push({ kind: 'quoted', text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? sql.length : j;
      flush();
      out.push({ kind: 'quoted', text: sql.slice(i, end) });
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      const end = j < 0 ? sql.length : j + 2;
      flush();
      out.push({ kind: 'quoted', text: sql.slice(i, end) });
      i = end;
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return out;
}

/** A `;` in the code followed by anything but blanks: a second statement. */
export function hasSecondStatement(sql: string): boolean {
  const code = lex(sql)
    .map((p) => (p.kind === 'code' ? p.text : ' '))
    .join('');
  const at = code.indexOf(';');
  return (
    at >= 0 &&
    code
      .slice(at + 1)
      .replace(/;/g, '')
      .trim().length > 0
  );
}

/** A Data API column type (pg_type names: int4, numeric, timestamptz…) as a portable type. */
export function dataApiTypeToPortable(typeName: string, precision?: number, scale?: number): PortableType {
  switch (typeName.toLowerCase()) {
    case 'int2':
    case 'int4':
    case 'smallint':
    case 'integer':
      return { kind: 'int' };
    case 'int8':
    case 'bigint':
      return { kind: 'bigint' };
    case 'float4':
    case 'float8':
    case 'real':
    case 'double precision':
      return { kind: 'double' };
    case 'numeric':
      return precision
        ? { kind: 'decimal', precision, scale: scale ?? 0 }
        : { kind: 'decimal', precision: 38, scale: 9 };
    case 'varchar':
    case 'bpchar':
    case 'text':
    case 'char':
    case 'character varying':
    case 'character':
    case 'name':
      return { kind: 'string' };
    case 'bool':
    case 'boolean':
      return { kind: 'bool' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
    case 'timestamp without time zone':
      return { kind: 'timestamp' };
    case 'timestamptz':
    case 'timestamp with time zone':
      return { kind: 'timestamptz' };
    case 'geometry':
    case 'geography':
      return { kind: 'geography' };
    default:
      return { kind: 'other', native: typeName };
  }
}

/** One field as connector.ts's row convention says. */
export function fieldValue(f: Field, typeName: string): unknown {
  if (f.isNull) return null;
  if (f.booleanValue !== undefined) return f.booleanValue;
  if (f.longValue !== undefined) return f.longValue;
  if (f.doubleValue !== undefined) return floatValue(f.doubleValue);
  if (f.blobValue !== undefined) return Buffer.from(f.blobValue).toString('base64');
  const s = f.stringValue;
  if (s === undefined) return null;
  switch (typeName.toLowerCase()) {
    case 'numeric':
    case 'int8':
      return exactValue(s);
    case 'float4':
    case 'float8':
      return floatValue(Number(s));
    case 'timestamp':
      return timestampText(s);
    case 'timestamptz':
      return instantText(s) ?? s;
    case 'geometry':
    case 'geography':
      return spatialToWkt(s);
    default:
      return s;
  }
}

/** `2024-01-31 10:00:00.500000` → `2024-01-31 10:00:00.5` (fraction zeros trimmed). */
function timestampText(s: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(s.trim());
  if (!m) return s;
  const frac = (m[3] ?? '').slice(0, 6).replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''}`;
}

/** `2024-01-31 08:00:00.123456+00` → `2024-01-31T08:00:00.123456Z`. */
function instantText(s: string): string | undefined {
  const m =
    /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(
      s.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, f, oh, om, os] = m;
  const offset =
    (Number(oh) * 3600 + Math.sign(Number(`${oh}1`)) * (Number(om ?? 0) * 60 + Number(os ?? 0))) * 1000;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - offset;
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (f ?? '').slice(0, 6).replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

export function classifyDataApi(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  return classOf(error);
}

function classOf(e: unknown): ErrorClass {
  const err = (e ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (err.name === 'AbortError') return 'cancelled';
  if (err.name && TRANSIENT_NAMES.has(err.name)) return 'transient';
  if (err.code && TRANSIENT_ERRNOS.has(err.code)) return 'transient';
  const status = err.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return 'transient';
  if (/cancell?ed on user'?s request|canceling statement due to user request/i.test(err.message ?? ''))
    return 'cancelled';
  return transientByMessage(err.message ?? '') ? 'transient' : 'permanent';
}

/** A fresh error holding only redacted text: the SDK's error object (its request) is not kept. */
function dataApiError(
  e: unknown,
  secrets: readonly string[],
  ctx: { sql?: string; queryId?: string },
): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const err = (e ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    errors?: Array<{ message?: string }>;
  };
  const text =
    err.message ||
    err.errors?.map((x) => x.message).join('; ') ||
    err.name ||
    'unknown Redshift Data API error';
  const out = new ConnectorError(redact(text, secrets), classOf(e), {
    connector: 'redshift',
    ...(err.name && err.name !== 'Error' ? { code: err.name } : err.code ? { code: err.code } : {}),
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql ? { sql: redact(ctx.sql, secrets) } : {}),
  });
  out.stack = `${out.name}: ${out.message}`;
  return out;
}

function withContext(e: ConnectorError, ctx: { sql?: string; queryId?: string }): ConnectorError {
  const out = new ConnectorError(e.message, e.errorClass, { ...e.details, ...ctx });
  out.stack = `${out.name}: ${out.message}`;
  return out;
}

function cancelledError(ctx: { sql?: string; queryId?: string }): ConnectorError {
  return new ConnectorError('the statement was cancelled', 'cancelled', {
    connector: 'redshift',
    code: 'CANCELLED',
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql ? { sql: ctx.sql } : {}),
  });
}

function stoppedError(
  why: 'cancelled' | 'timeout',
  ctx: { sql?: string; queryId?: string; timeoutMs?: number | undefined },
): ConnectorError {
  if (why === 'cancelled') return cancelledError(ctx);
  return new ConnectorError(
    `the statement ran past its timeout of ${ctx.timeoutMs} ms and was cancelled; raise the timeout (statementTimeout in the config) or make the query cheaper`,
    'permanent',
    {
      connector: 'redshift',
      code: 'TIMEOUT',
      ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
      ...(ctx.sql ? { sql: ctx.sql } : {}),
    },
  );
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
