/**
 * DuckDB, the embedded default: a file (or `:memory:`) opened in-process and locked down
 * (./instances.ts): no file, URL, ATTACH, COPY, INSTALL or LOAD for any SQL, only the extensions
 * the config names (loaded at open) and the directories it allows.
 *
 * DuckDB has no query ids: each statement gets a generated one and a connection of its own from a
 * small pool over the file's one instance, so `cancel(id)` interrupts exactly that statement.
 * Values come back as described in ./values.ts. Labels have no place to go in DuckDB.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  ResultReturnType,
  StatementType,
  type DuckDBConnection,
  type DuckDBResult,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import {
  ConnectorError,
  type Connector,
  type Estimate,
  type ExecuteOptions,
  type ExecuteResult,
  type TableListing,
  type TableVersion,
  type Transaction,
  type TransactionOptions,
} from '../connector.js';
import {
  classifyDuckDb,
  classifyDuckDbMessage,
  duckdbErrorType,
  EXTERNAL_ACCESS_HINT,
  needsSpatial,
  refusedExternalAccess,
  SPATIAL_DOWNLOAD_FAILED_HINT,
  SPATIAL_HINT,
  unwrapDuckDbMessage,
} from './errors.js';
import { leaseInstance, type InstanceLease } from './instances.js';
import type { DuckDbOptions } from './options.js';
import { DuckDbConnectionPool } from './pool.js';
import { duckdbToPortable } from './types.js';
import { toDuckDbParam, toPlainJs } from './values.js';

export type { DuckDbOptions } from './options.js';

/** What may run read-only: DuckDB's read-only transaction still lets ATTACH, COPY … TO, SET,
 * EXPORT DATABASE and CHECKPOINT through, so only these statement types are let in at all. */
const READ_ONLY_STATEMENTS = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN]);
// Leading comments and blanks first (a comment must not hide the ANALYZE).
const EXPLAIN_ANALYZE =
  /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*EXPLAIN\s*(\([^)]*\bANALY[SZ]E\b|ANALY[SZ]E\b)/i;

const BEGINS_TRANSACTION = /\b(BEGIN|START\s+TRANSACTION)\b/i;

// How often a stop is repeated until the statement ends: an interrupt that lands between handing
// the statement to DuckDB's worker and its start is reset by the start.
const INTERRUPT_REPEAT_MS = 50;

interface Running {
  stop(why: 'cancelled' | 'timeout'): void;
  stopped?: 'cancelled' | 'timeout';
}

export async function openDuckDb(opts: DuckDbOptions): Promise<Connector> {
  let lease: InstanceLease;
  try {
    lease = await leaseInstance({
      path: opts.path,
      readOnly: !!opts.readOnly,
      allowExtensionInstall: !!opts.allowExtensionInstall,
      ...(opts.extensions ? { extensions: opts.extensions } : {}),
      ...(opts.allowFiles ? { allowFiles: opts.allowFiles } : {}),
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
    });
  } catch (e) {
    const err = wrapError(e, {});
    // DuckDB lets one process at a time write a file: most often the daemon holds it.
    if (/Could not set lock on file/i.test(err.message) && !err.details.hint)
      err.details.hint =
        'another process holds this DuckDB file (is `edgeflow serve` running on it?): start the run through its HTTP API (POST /v1/workflows/:name/runs), or stop it first';
    throw err;
  }
  const pool = new DuckDbConnectionPool(lease.instance, Math.max(1, opts.poolSize ?? 4));
  // The catalog's own connection (listTables, describeTable): it never waits behind previews or
  // run steps holding every connection of the pool.
  const metaPool = new DuckDbConnectionPool(lease.instance, 1);
  const running = new Map<string, Running>();
  let closed = false;

  const spatial = lease.loaded.has('spatial');

  async function execute(
    sql: string,
    o: ExecuteOptions = {},
    from: DuckDbConnectionPool = pool,
  ): Promise<ExecuteResult> {
    const ctx = errorContext(sql, o);
    if (closed) throw wrapError(new Error('the DuckDB connector is closed'), ctx);
    if (o.signal?.aborted) throw stoppedError('cancelled', ctx);
    const conn = await from
      .acquire(o.signal, () => stoppedError('cancelled', ctx))
      .catch((e: unknown) => Promise.reject(wrapError(e, ctx)));
    try {
      return await runOn(conn, sql, o, ctx, false);
    } finally {
      from.release(conn);
    }
  }

  function errorContext(sql: string, o: ExecuteOptions) {
    return {
      sql,
      queryId: `duckdb-${randomUUID()}`,
      timeoutMs: o.timeoutMs ?? opts.timeoutMs,
      spatial,
      allowInstall: !!opts.allowExtensionInstall,
    };
  }

  /**
   * One statement on `conn`. Outside a transaction of ours (`pinned` false) a statement must not
   * leave one open for the next user of the pooled connection; inside one, the caller ends it.
   */
  async function runOn(
    conn: DuckDBConnection,
    sql: string,
    o: ExecuteOptions,
    ctx: ReturnType<typeof errorContext>,
    pinned: boolean,
  ): Promise<ExecuteResult> {
    const readOnly = !!(o.readOnly || opts.readOnly);
    const { queryId, timeoutMs } = ctx;
    let repeat: NodeJS.Timeout | undefined;
    const run: Running = {
      stop(why) {
        if (run.stopped) return;
        run.stopped = why;
        conn.interrupt();
        repeat = setInterval(() => conn.interrupt(), INTERRUPT_REPEAT_MS);
      },
    };
    running.set(queryId, run);
    const onAbort = () => run.stop('cancelled');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs !== undefined ? setTimeout(() => run.stop('timeout'), timeoutMs) : undefined;
    let inTransaction = false;
    let failed = false;
    try {
      o.onQueryId?.(queryId);
      if (o.signal?.aborted) run.stop('cancelled');
      if (run.stopped) throw stoppedError(run.stopped, ctx);
      const params = o.params?.map(toDuckDbParam);
      let result: DuckDBResult;
      if (readOnly && !pinned) {
        await conn.run('BEGIN TRANSACTION READ ONLY');
        inTransaction = true;
        result = await streamReadOnly(conn, sql, params);
      } else if (readOnly) {
        result = await streamReadOnly(conn, sql, params);
      } else {
        result = await conn.stream(sql, params);
      }
      const out = await readResult(result, o.maxRows, run);
      // An interrupted stream may end early without an error: never hand back a cut result.
      if (run.stopped) throw stoppedError(run.stopped, ctx);
      return { ...out, queryId };
    } catch (e) {
      failed = true;
      throw run.stopped ? stoppedError(run.stopped, ctx) : wrapError(e, ctx);
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
      o.signal?.removeEventListener('abort', onAbort);
      running.delete(queryId);
      // A statement may leave a transaction open (aborted by its failure, or begun and not
      // finished): the next user of this pooled connection must not inherit it. DuckDB cannot be
      // asked whether one is open; ROLLBACK without one is an error, ignored.
      if (!pinned && (inTransaction || failed || BEGINS_TRANSACTION.test(sql)))
        await conn.run('ROLLBACK').catch(() => undefined);
    }
  }

  /** BEGIN, fn's statements on the one connection, COMMIT; ROLLBACK on any failure or abort. */
  async function transaction<T>(fn: (tx: Transaction) => Promise<T>, t: TransactionOptions = {}): Promise<T> {
    const ctx = errorContext('BEGIN TRANSACTION', t);
    if (closed) throw wrapError(new Error('the DuckDB connector is closed'), ctx);
    if (opts.readOnly)
      throw new ConnectorError(
        'this DuckDB connection is read-only: it cannot open a write transaction',
        'permanent',
        {
          connector: 'duckdb',
          code: 'READ_ONLY',
        },
      );
    if (t.signal?.aborted) throw stoppedError('cancelled', ctx);
    const conn = await pool
      .acquire(t.signal, () => stoppedError('cancelled', ctx))
      .catch((e: unknown) => Promise.reject(wrapError(e, ctx)));
    let open = false;
    try {
      await conn.run('BEGIN TRANSACTION').catch((e: unknown) => Promise.reject(wrapError(e, ctx)));
      open = true;
      const tx: Transaction = {
        execute: (sql, so = {}) => {
          const merged: ExecuteOptions = {
            ...so,
            ...(t.signal ? { signal: so.signal ? AbortSignal.any([t.signal, so.signal]) : t.signal } : {}),
            ...((so.label ?? t.label) ? { label: so.label ?? t.label } : {}),
            ...((so.timeoutMs ?? t.timeoutMs) !== undefined
              ? { timeoutMs: so.timeoutMs ?? t.timeoutMs }
              : {}),
          };
          if (merged.signal?.aborted)
            return Promise.reject(stoppedError('cancelled', errorContext(sql, merged)));
          return runOn(conn, sql, merged, errorContext(sql, merged), true);
        },
      };
      const out = await fn(tx);
      // A cancel that came after the last statement still wins: nothing is committed.
      if (t.signal?.aborted) throw stoppedError('cancelled', ctx);
      await conn.run('COMMIT').catch((e: unknown) => Promise.reject(wrapError(e, { ...ctx, sql: 'COMMIT' })));
      open = false;
      return out;
    } finally {
      if (open) await conn.run('ROLLBACK').catch(() => undefined);
      pool.release(conn);
    }
  }

  async function rows(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    return (await execute(sql, { params, readOnly: true }, metaPool)).rows ?? [];
  }

  return {
    type: 'duckdb',
    dialect: 'duckdb',
    execute: (sql, o) => execute(sql, o),
    transaction,

    async cancel(queryId: string): Promise<void> {
      running.get(queryId)?.stop('cancelled');
    },

    async estimate(sql, o = {}): Promise<Estimate> {
      const r = await execute(`EXPLAIN (FORMAT JSON) ${sql}`, {
        readOnly: true,
        ...(o.params ? { params: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const physical = r.rows?.find((x) => x['explain_key'] === 'physical_plan') ?? r.rows?.[0];
      const plan = JSON.parse(String(physical?.['explain_value'] ?? '[]')) as PlanNode[];
      const rowsEstimate = plan[0] ? estimatedRows(plan[0]) : undefined;
      return rowsEstimate === undefined
        ? { summary: 'DuckDB gave no row estimate for this statement' }
        : {
            rows: rowsEstimate,
            summary: `about ${rowsEstimate.toLocaleString('en-US')} rows (DuckDB planner estimate)`,
          };
    },

    async listTables(o = {}): Promise<TableListing[]> {
      const found = await rows(
        `SELECT table_schema, table_name, table_type FROM information_schema.tables
         WHERE table_schema NOT IN ('information_schema', 'pg_catalog') ${o.schema ? 'AND table_schema = $1' : ''}
         ORDER BY table_schema, table_name`,
        o.schema ? [o.schema] : [],
      );
      return found.map((r) => ({
        parts: [String(r['table_schema']), String(r['table_name'])],
        kind: r['table_type'] === 'VIEW' ? 'view' : 'table',
      }));
    },

    async describeTable(parts): Promise<TableInfo | undefined> {
      const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
      // DuckDB names are case-insensitive: match them so.
      const found = await rows(
        `SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE lower(table_name) = lower($1) ${schema ? 'AND lower(table_schema) = lower($2)' : ''}
         ORDER BY table_schema, ordinal_position`,
        schema ? [table, schema] : [table],
      );
      const first = found[0];
      if (!first) return undefined;
      const mine = found.filter(
        (r) => r['table_schema'] === first['table_schema'] && r['table_name'] === first['table_name'],
      );
      return {
        parts: [String(first['table_schema']), String(first['table_name'])],
        columns: mine.map((r) => ({
          name: String(r['column_name']),
          type: duckdbToPortable(String(r['data_type'])),
          nullable: r['is_nullable'] !== 'NO',
        })),
      };
    },

    /**
     * DuckDB keeps no modification time or change counter for a table, so the version is a
     * checksum of what the table holds: its row count and the sum of a 64-bit hash of each whole
     * row (hash(t) of the row struct; a sum, unlike an XOR, does not cancel duplicate rows), with
     * the table's definition. It costs one scan of the table (about 50 ms for a million rows of two
     * columns here). A change the checksum misses needs a collision of 64-bit row-hash sums with an
     * equal row count. A view has no version (its checksum would run its query).
     */
    async tableVersions(tables, o = {}): Promise<Array<TableVersion | undefined>> {
      const out: Array<TableVersion | undefined> = [];
      for (const parts of tables) {
        const [db, schema, table] =
          parts.length >= 3
            ? parts.slice(-3)
            : parts.length === 2
              ? [undefined, ...parts]
              : [undefined, undefined, parts[0]];
        const where = `lower(table_name) = lower($1) AND lower(schema_name) = lower(${schema ? '$2' : 'current_schema()'})${db ? ` AND lower(database_name) = lower($${schema ? 3 : 2})` : ''}`;
        const args = [table, ...(schema ? [schema] : []), ...(db ? [db] : [])];
        const found = (
          await rows(
            `SELECT database_name, schema_name, table_name, estimated_size, column_count, sql FROM duckdb_tables() WHERE ${where}`,
            args,
          )
        )[0];
        if (!found) {
          const view = await rows(
            `SELECT 1 AS found FROM duckdb_views() WHERE ${where.replace(/table_name/g, 'view_name')}`,
            args,
          );
          out.push(view.length ? { version: null, bytes: null } : undefined);
          continue;
        }
        const bytes = Number(found['estimated_size']) * Number(found['column_count']) * 8;
        if (o.sizeOnly) {
          out.push({ version: null, bytes });
          continue;
        }
        const name = ['database_name', 'schema_name', 'table_name']
          .map((k) => `"${String(found[k]).replace(/"/g, '""')}"`)
          .join('.');
        const sum = (
          await execute(`SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM ${name} AS t`, {
            readOnly: true,
            ...(o.signal ? { signal: o.signal } : {}),
          })
        ).rows?.[0];
        const definition = createHash('sha256').update(String(found['sql'])).digest('hex').slice(0, 16);
        out.push({ version: `rows:${sum?.['n']};sum:${sum?.['h'] ?? 0};def:${definition}`, bytes });
      }
      return out;
    },

    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      const r = await execute(sql, { ...o, readOnly: true, maxRows: 0 });
      return (r.columns ?? []).map((c) => ({ name: c.name, type: duckdbToPortable(c.nativeType) }));
    },

    classify: classifyDuckDb,

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([pool.close(), metaPool.close()]);
      lease.release();
    },
  };
}

async function streamReadOnly(
  conn: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] | undefined,
): Promise<DuckDBResult> {
  const extracted = await conn.extractStatements(sql);
  if (extracted.count !== 1)
    throw new ConnectorError(
      `a read-only statement must be exactly one statement; this text holds ${extracted.count}`,
      'permanent',
      { connector: 'duckdb', code: 'READ_ONLY', sql },
    );
  const prepared = await extracted.prepare(0);
  try {
    // EXPLAIN ANALYZE runs its statement (a COPY … TO would write its file).
    const analyze = prepared.statementType === StatementType.EXPLAIN && EXPLAIN_ANALYZE.test(sql);
    if (!READ_ONLY_STATEMENTS.has(prepared.statementType) || analyze)
      throw new ConnectorError(
        `only a SELECT may run read-only; this is ${analyze ? 'an EXPLAIN ANALYZE' : `a ${StatementType[prepared.statementType] ?? 'other'}`} statement`,
        'permanent',
        { connector: 'duckdb', code: 'READ_ONLY', sql },
      );
    if (params) prepared.bind(params);
    return await prepared.stream();
  } finally {
    prepared.destroySync();
  }
}

/** Reads chunk by chunk and stops at maxRows, so a preview of a huge result stays small. */
async function readResult(
  result: DuckDBResult,
  maxRows: number | undefined,
  run: Running,
): Promise<Omit<ExecuteResult, 'queryId'>> {
  const names = result.columnNames();
  const columns = names.map((name, i) => ({ name, nativeType: result.columnType(i).toString() }));
  if (result.returnType !== ResultReturnType.QUERY_RESULT) {
    // DML reports its rows in a `Count` column; so does CREATE TABLE … AS, as a NOTHING result.
    if (names.length === 1 && names[0] === 'Count') {
      const count = (await result.fetchChunk())?.getRows()[0]?.[0];
      if (typeof count === 'bigint' || typeof count === 'number') return { rowCount: Number(count) };
    }
    return { rowCount: result.rowsChanged };
  }
  const limit = maxRows ?? Number.POSITIVE_INFINITY;
  const out: Array<Record<string, unknown>> = [];
  while (out.length < limit && !run.stopped) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const values of chunk.convertRows(toPlainJs)) {
      if (out.length >= limit) break;
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      out.push(row);
    }
  }
  return { rows: out, columns, rowCount: out.length };
}

interface PlanNode {
  name?: string;
  children?: PlanNode[];
  extra_info?: Record<string, unknown>;
}

/** The row estimate of the topmost operator that has one (a cross product multiplies its inputs). */
function estimatedRows(node: PlanNode): number | undefined {
  const own = Number(node.extra_info?.['Estimated Cardinality']);
  if (Number.isFinite(own) && node.extra_info?.['Estimated Cardinality'] !== undefined) return own;
  const children = (node.children ?? []).map(estimatedRows);
  if (children.length === 0 || children.some((c) => c === undefined))
    return children.find((c) => c !== undefined);
  return node.name === 'CROSS_PRODUCT' ? children.reduce<number>((a, b) => a * b!, 1) : children[0];
}

interface ErrorContext {
  sql?: string;
  queryId?: string;
  timeoutMs?: number | undefined;
  spatial?: boolean;
  allowInstall?: boolean;
}

function stoppedError(why: 'cancelled' | 'timeout', ctx: ErrorContext): ConnectorError {
  const details = {
    connector: 'duckdb' as const,
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql ? { sql: ctx.sql } : {}),
  };
  return why === 'timeout'
    ? new ConnectorError(
        `the statement ran past its timeout of ${ctx.timeoutMs} ms and was interrupted; raise the timeout (statementTimeout in the config) or make the query cheaper`,
        'permanent',
        { ...details, code: 'TIMEOUT' },
      )
    : new ConnectorError('the statement was cancelled', 'cancelled', { ...details, code: 'CANCELLED' });
}

function wrapError(e: unknown, ctx: ErrorContext): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const message = unwrapDuckDbMessage(e instanceof Error ? e.message : String(e));
  const spatialMissing = needsSpatial(message) && !ctx.spatial;
  const hint = ctx.allowInstall ? SPATIAL_DOWNLOAD_FAILED_HINT : SPATIAL_HINT;
  const refused = refusedExternalAccess(message);
  return new ConnectorError(
    spatialMissing ? `${hint}. DuckDB said: ${message}` : message,
    classifyDuckDbMessage(message),
    {
      connector: 'duckdb',
      ...(spatialMissing ? { code: 'EXTENSION_MISSING', hint } : {}),
      ...(refused ? { hint: EXTERNAL_ACCESS_HINT } : {}),
      ...(!spatialMissing && duckdbErrorType(message) ? { code: duckdbErrorType(message)! } : {}),
      ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
      ...(ctx.sql ? { sql: ctx.sql } : {}),
    },
  );
}
