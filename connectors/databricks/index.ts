/**
 * Databricks SQL through the SQL Statement Execution API (REST, Node's fetch: no driver to load),
 * on one SQL warehouse, Unity Catalog names (`catalog.schema.table`).
 *
 * - Every statement is submitted with `wait_timeout: 0s` and `on_wait_timeout: CONTINUE`: the
 *   answer carries the statement id at once, which is reported through `onQueryId` before the
 *   wait; the status is then polled (PENDING → RUNNING → SUCCEEDED | FAILED | CANCELED), with
 *   pauses growing to `pollMaxMs`. Results come INLINE as JSON_ARRAY, chunk after chunk.
 * - Abort, `cancel(id)`, the timeout and `close()` cancel the statement in the warehouse
 *   (`POST /api/2.0/sql/statements/{id}/cancel`). The API has no per-statement timeout: the
 *   client deadline cancels it (set the warehouse's STATEMENT_TIMEOUT too, for a daemon that dies).
 * - `readOnly`: see read-only.ts (Databricks has no read-only session).
 * - `maxRows` is sent as `row_limit`, so the warehouse stops there.
 * - `estimate` is `EXPLAIN COST` (estimate.ts); introspection reads information_schema (introspect.ts).
 * - Auth: a personal access token, or OAuth M2M client credentials (api.ts). The token, the client
 *   secret and every access token issued are redacted from every error.
 *
 * Not done yet: labels (none is sent; query history shows the statement text and the
 * principal); EXTERNAL_LINKS results (INLINE results stop at 25 MiB: previews and a run's statements
 * return little); transactions (each statement commits on its own).
 */
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import type {
  Connector,
  ConnectorError,
  Estimate,
  ExecuteOptions,
  ExecuteResult,
  TableListing,
} from '../connector.js';
import { DatabricksApi, type StatementResponse } from './api.js';
import {
  classifyDatabricks,
  DatabricksApiError,
  ownError,
  toConnectorError,
  type ErrorContext,
} from './errors.js';
import { estimateFromExplain, explainSql } from './estimate.js';
import { describeTable, listTables, tableVersion } from './introspect.js';
import type { DatabricksOptions } from './options.js';
import { ParameterError, toStatementParameters, type StatementParameter } from './params.js';
import { singleQueryText, withoutTerminator } from './read-only.js';
import { databricksToPortable } from './types.js';
import { columnType, rowsToObjects, type ManifestColumn } from './values.js';

export type { DatabricksOptions } from './options.js';

const DEFAULT_RETRY_DELAYS_MS = [250, 1000, 4000];
const CANCEL_TIMEOUT_MS = 10_000;

type StopKind = 'cancelled' | 'timeout';

/** A statement in flight: what stops it, and its one cancel request. */
interface Running {
  stop: AbortController;
  kind?: StopKind;
  cancelling?: Promise<ConnectorError | undefined>;
}

export async function openDatabricks(opts: DatabricksOptions): Promise<Connector> {
  const secrets = secretsOf(opts);
  checkOptions(opts, secrets);
  const api = new DatabricksApi(opts, secrets);
  const running = new Map<string, Running>();
  const retryDelays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const pollMaxMs = opts.pollMaxMs ?? 1000;
  let closed = false;

  /** Retries a request that changes nothing (status, chunk, cancel) while it fails transiently. */
  const retrying = async <T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const delay = retryDelays[attempt];
        if (delay === undefined || signal?.aborted || classifyDatabricks(e) !== 'transient') throw e;
        await sleep(delay, signal);
      }
    }
  };

  const cancelOnce = (id: string, r: Running): Promise<ConnectorError | undefined> =>
    (r.cancelling ??= (async () => {
      try {
        await retrying(() => api.cancel(id, AbortSignal.timeout(CANCEL_TIMEOUT_MS)));
        return undefined;
      } catch (e) {
        const why = toConnectorError(e, { secrets }).message;
        return ownError(
          `the cancel request for Databricks statement ${id} failed (${why}), so it may still be running: ` +
            'cancel it from the warehouse’s query history',
          'transient',
          'CANCEL_FAILED',
          { secrets, queryId: id },
        );
      }
    })());

  const stoppedError = async (
    id: string | undefined,
    r: Running,
    timeoutMs: number | undefined,
    ctx: ErrorContext,
  ) => {
    const failed = id ? await cancelOnce(id, r) : undefined;
    const note = failed ? `; ${failed.message}` : '';
    const what = id ? `Databricks statement ${id}` : 'the Databricks statement (before it was submitted)';
    if (r.kind === 'timeout')
      return ownError(
        `${what} ran past its timeout of ${timeoutMs} ms and was cancelled${note}; raise the connection's ` +
          'statementTimeout or the step’s, or make the statement cheaper',
        'permanent',
        'TIMEOUT',
        ctx,
      );
    return ownError(`${what} was cancelled${note}`, 'cancelled', 'CANCELLED', ctx);
  };

  /** Runs one statement to its end; `readOnly` checks it first (read-only.ts). */
  const run = async (
    sql: string,
    o: ExecuteOptions,
    /** Parameters already in the API's form (the read-only check passes the statement's own). */
    bound?: StatementParameter[],
  ): Promise<ExecuteResult & { manifest: ManifestColumn[] }> => {
    const ctx: ErrorContext = { secrets, sql };
    if (closed)
      throw ownError('this Databricks connection is closed; open a new one', 'permanent', 'CLOSED', ctx);
    let parameters;
    try {
      parameters = bound ?? toStatementParameters(o.params, o.paramNames, sql);
    } catch (e) {
      if (e instanceof ParameterError) throw ownError(e.message, 'permanent', 'INVALID_PARAMETER', ctx);
      throw e;
    }
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
    const r: Running = { stop: new AbortController() };
    const stopWith = (kind: StopKind) => {
      if (r.stop.signal.aborted) return;
      r.kind = kind;
      r.stop.abort();
    };
    const onAbort = () => stopWith('cancelled');
    if (o.signal?.aborted) stopWith('cancelled');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs ? setTimeout(() => stopWith('timeout'), timeoutMs) : undefined;
    let id: string | undefined;
    try {
      if (r.stop.signal.aborted) throw r.stop.signal.reason;
      if (o.readOnly) await checkReadOnly(sql, parameters, r.stop.signal, ctx);
      if (r.stop.signal.aborted) throw r.stop.signal.reason;
      // Not retried: a submit that got no answer may have started the statement. A 429/503 did not.
      let first: StatementResponse;
      for (let attempt = 0; ; attempt++) {
        try {
          first = await api.submit({
            statement: sql,
            parameters,
            // row_limit must be positive: a LIMIT 0 check (the raw-SQL guard) reads no row anyway.
            ...(o.maxRows !== undefined && o.maxRows > 0 ? { rowLimit: o.maxRows } : {}),
          });
          break;
        } catch (e) {
          const status = (e as DatabricksApiError).status;
          const delay = retryDelays[attempt];
          if (delay === undefined || !(status === 429 || status === 503) || r.stop.signal.aborted) throw e;
          await sleep(delay, r.stop.signal);
        }
      }
      id = first.statement_id;
      ctx.queryId = id;
      running.set(id, r);
      o.onQueryId?.(id);
      let s = first;
      let pause = 50;
      while (s.status.state === 'PENDING' || s.status.state === 'RUNNING') {
        await sleep(pause, r.stop.signal);
        pause = Math.min(pause * 2, pollMaxMs);
        const sid = id;
        s = await retrying(() => api.status(sid, r.stop.signal), r.stop.signal);
      }
      if (s.status.state === 'CANCELED') {
        r.kind ??= 'cancelled';
        throw new DatabricksApiError('the statement was cancelled', undefined, 'CANCELLED', id);
      }
      if (s.status.state !== 'SUCCEEDED')
        throw new DatabricksApiError(
          s.status.error?.message ?? `the statement ended ${s.status.state}`,
          undefined,
          s.status.error?.error_code,
          id,
        );
      const columns = s.manifest?.schema?.columns ?? [];
      const data: Array<Array<string | null>> = [...(s.result?.data_array ?? [])];
      let next = s.result?.next_chunk_index;
      while (next !== undefined && (o.maxRows === undefined || data.length < o.maxRows)) {
        const index = next;
        const sid = id;
        const chunk = await retrying(() => api.chunk(sid, index, r.stop.signal), r.stop.signal);
        data.push(...(chunk.data_array ?? []));
        next = chunk.next_chunk_index;
      }
      const rows = rowsToObjects(columns, o.maxRows !== undefined ? data.slice(0, o.maxRows) : data);
      const affected = columns.some((c) => c.name === 'num_affected_rows')
        ? Number(rows[0]?.['num_affected_rows'])
        : NaN;
      return {
        rows,
        columns: columns.map((c) => ({
          name: c.name,
          nativeType: columnType(c).toUpperCase(),
          type: databricksToPortable(columnType(c)),
        })),
        rowCount: Number.isFinite(affected) ? affected : rows.length,
        queryId: id,
        manifest: columns,
      };
    } catch (e) {
      if (r.kind) throw await stoppedError(id, r, timeoutMs, ctx);
      throw toConnectorError(e, ctx);
    } finally {
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (id) running.delete(id);
    }
  };

  /** DESCRIBE QUERY: Databricks' parser must read the text as one query; nothing runs. */
  const describe = async (
    sql: string,
    parameters: ReturnType<typeof toStatementParameters>,
    signal: AbortSignal | undefined,
    ctx: ErrorContext,
  ): Promise<ColumnInfo[]> => {
    const why = singleQueryText(sql);
    if (why) throw readOnlyRefusal(why, ctx);
    let out;
    try {
      out = await run(`DESCRIBE QUERY ${withoutTerminator(sql)}`, signal ? { signal } : {}, parameters);
    } catch (e) {
      if (classifyDatabricks(e) !== 'permanent') throw e;
      throw readOnlyRefusal(
        `Databricks does not read it as a query (${(e as Error).message.replace(/^Databricks:\s*/, '')})`,
        ctx,
      );
    }
    return (out.rows ?? []).map((r) => ({
      name: String(r['col_name']),
      type: databricksToPortable(String(r['data_type'])),
    }));
  };

  const readOnlyRefusal = (why: string, ctx: ErrorContext) =>
    ownError(
      `read-only statement refused: ${why}. Only one query (SELECT, WITH … SELECT, VALUES) may run read-only; ` +
        'run writes as workflow steps',
      'permanent',
      'READ_ONLY',
      ctx,
    );

  const checkReadOnly = async (
    sql: string,
    parameters: ReturnType<typeof toStatementParameters>,
    signal: AbortSignal,
    ctx: ErrorContext,
  ) => {
    await describe(sql, parameters, signal, ctx);
  };

  const rowsOf = async (sql: string, params: unknown[], paramNames: string[]) =>
    (await run(sql, { params, paramNames, label: { origin: 'introspect' } })).rows ?? [];

  return {
    type: 'databricks',
    dialect: 'databricks',

    async execute(sql, o = {}) {
      const { manifest: _manifest, ...result } = await run(sql, o);
      return result;
    },

    async cancel(queryId) {
      const mine = running.get(queryId);
      if (mine) {
        if (!mine.stop.signal.aborted) {
          mine.kind = 'cancelled';
          mine.stop.abort();
        }
        const failed = await cancelOnce(queryId, mine);
        if (failed) throw failed;
        return;
      }
      try {
        await retrying(() => api.cancel(queryId, AbortSignal.timeout(CANCEL_TIMEOUT_MS)));
      } catch (e) {
        // An id the service no longer knows (finished long ago, closed) has nothing left to stop.
        if ((e as DatabricksApiError).status === 404) return;
        throw toConnectorError(e, { secrets, queryId });
      }
    },

    async estimate(sql, o = {}): Promise<Estimate> {
      const r = await run(explainSql(sql), {
        label: { origin: 'estimate' },
        ...(o.params ? { params: o.params } : {}),
        ...(o.paramNames ? { paramNames: o.paramNames } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const plan = String(r.rows?.[0]?.['plan'] ?? '');
      try {
        return estimateFromExplain(plan);
      } catch (e) {
        throw ownError(
          `Databricks could not plan the statement: ${(e as Error).message}`,
          'permanent',
          'EXPLAIN',
          {
            secrets,
            sql,
          },
        );
      }
    },

    listTables(o = {}): Promise<TableListing[]> {
      return listTables(rowsOf, opts.catalog, o.schema);
    },
    describeTable(parts): Promise<TableInfo | undefined> {
      return describeTable(rowsOf, opts.catalog, parts);
    },
    async tableVersions(tables, o = {}) {
      const out = [];
      for (const parts of tables) out.push(await tableVersion(rowsOf, opts.catalog, parts, !!o.sizeOnly));
      return out;
    },

    /** DESCRIBE QUERY: the columns and types of a query, analysed and never run. */
    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      const ctx: ErrorContext = { secrets, sql };
      let parameters;
      try {
        parameters = toStatementParameters(o.params, o.paramNames, sql);
      } catch (e) {
        if (e instanceof ParameterError) throw ownError(e.message, 'permanent', 'INVALID_PARAMETER', ctx);
        throw e;
      }
      return describe(sql, parameters, o.signal, ctx);
    },

    classify: classifyDatabricks,

    async close() {
      closed = true;
      await Promise.all(
        [...running].map(([id, r]) => {
          if (!r.stop.signal.aborted) {
            r.kind = 'cancelled';
            r.stop.abort();
          }
          return cancelOnce(id, r);
        }),
      );
    },
  };
}

/** A pause that ends early (rejecting) when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Everything that must never appear in an error: the token, the client secret, and their forms. */
function secretsOf(o: DatabricksOptions): string[] {
  const basic =
    o.clientId && o.clientSecret ? [Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')] : [];
  return [...(o.secrets ?? []), o.token, o.clientSecret, ...basic].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}

function checkOptions(o: DatabricksOptions, secrets: readonly string[]): void {
  const problem = !o.host
    ? '`host` is required (the workspace URL, e.g. https://dbc-a1b2c3d4-e5f6.cloud.databricks.com)'
    : !o.warehouseId
      ? '`warehouseId` is required (the SQL warehouse statements run on)'
      : o.token === undefined && (o.clientId === undefined || o.clientSecret === undefined)
        ? 'give `token` (a personal access token) or `clientId` and `clientSecret` (OAuth M2M)'
        : o.token !== undefined && o.clientSecret !== undefined
          ? 'give either `token` or `clientId`/`clientSecret`, not both'
          : undefined;
  if (problem) throw ownError(`Databricks connection: ${problem}`, 'permanent', 'CONFIG', { secrets });
  if (o.timeoutMs !== undefined && !(o.timeoutMs > 0))
    throw ownError(
      `Databricks connection: timeoutMs must be positive, not ${o.timeoutMs}`,
      'permanent',
      'CONFIG',
      {
        secrets,
      },
    );
}
