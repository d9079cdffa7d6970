/**
 * PostgreSQL through `pg`: a small pool. Every statement runs on a client of its own after one
 * round trip that sets its application_name (the label) and statement_timeout, and, read-only,
 * opens a `BEGIN READ ONLY` transaction the server enforces.
 *
 * The query id is `<backend pid>:<counter>`. A cancel (abort or `cancel(id)`) is a real one:
 * `pg_cancel_backend(pid)` from another connection, and the statement's client is not given back
 * to the pool before that cancel has landed, so it cannot hit a later statement on the same backend.
 * Values come back as ./values.ts documents (the convention of connector.ts).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import type { PortableType } from '../../compiler/schema/types.js';
import type { DialectOptions } from '../../compiler/dialects/dialect.js';
import {
  ConnectorError,
  type Connector,
  type Estimate,
  type ExecuteOptions,
  type ExecuteResult,
  type RolePosture,
  type TableListing,
  type TableVersion,
  type Transaction,
  type TransactionOptions,
} from '../connector.js';
import { redact } from '../secrets.js';
import { applicationName } from './application-name.js';
import { classifyPgError, classifyPostgres, connectionIsBroken, type PgErrorLike } from './errors.js';
import type { PostgresOptions } from './options.js';
import { POSTURE_PARAMS, POSTURE_SQL, postureOf, type PostureRow } from './posture.js';
import { lastResult, runStatement } from './statement.js';
import { postgresToPortable } from './types.js';
import { edgeflowTypes, SPATIAL_TYPES, spatialToWkt } from './values.js';

export type { PostgresOptions } from './options.js';

// A cancel that reached the backend between two statements of ours is dropped by PostgreSQL;
// repeating it until the statement ends closes that gap.
const CANCEL_REPEAT_MS = 250;
// How long a cancel may go unanswered before the statement's connection is closed instead.
const CANCEL_DEADLINE_MS = 5_000;

interface Running {
  pid: number;
  stopped?: 'cancelled' | 'timeout';
  /** Resolves when the first pg_cancel_backend has been answered. */
  firstCancel?: Promise<void>;
  /** Resolves when no more cancels will be sent. */
  cancelling?: Promise<void>;
  /** The statement has returned: no more cancels. */
  finished: boolean;
  /** Cuts the wait between two cancels short. */
  wake?: () => void;
  /** Closes the statement's connection (the last resort of a cancel). */
  destroy?: () => void;
}

export async function openPostgres(opts: PostgresOptions): Promise<Connector> {
  const secrets = [...(opts.secrets ?? []), ...secretsOf(opts.url)];
  const newPool = (max: number) =>
    new pg.Pool({
      connectionString: opts.url,
      max,
      application_name: 'edgeflow',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      // A server that vanished without closing the connection is noticed by TCP, not never.
      keepAlive: true,
      ...(opts.timeoutMs !== undefined ? { statement_timeout: opts.timeoutMs } : {}),
      types: edgeflowTypes,
    });
  const pool = newPool(opts.max ?? 4);
  // The catalog's own connection (listTables, describeTable): it never waits behind previews or
  // run steps holding every connection of the pool.
  const metaPool = newPool(1);
  // Backends of these pools: an id naming one of them is ours, finished (else it would be running).
  const ownPids = new Set<number>();
  const pidOf = (c: unknown) => (c as { processID?: number }).processID;
  for (const p of [pool, metaPool]) {
    // An idle client that dies is dropped by the pool; the next statement gets a fresh one.
    p.on('error', () => undefined);
    p.on('connect', (c) => void (pidOf(c) !== undefined && ownPids.add(pidOf(c)!)));
    p.on('remove', (c) => void ownPids.delete(pidOf(c)!));
  }
  const running = new Map<string, Running>();
  let counter = 0;
  /** Names of the extension types results have used, by oid (undefined: looked up, not found). */
  const typeNames = new Map<number, string | undefined>();

  const wrap = (e: unknown, ctx: { sql?: string; queryId?: string } = {}) => wrapPgError(e, secrets, ctx);

  /** pg_cancel_backend from an idle pooled connection, or a connection of its own when all are busy. */
  async function cancelBackend(pid: number): Promise<void> {
    const sql = 'SELECT pg_cancel_backend($1)';
    if (pool.idleCount > 0) {
      await pool.query(sql, [pid]);
      return;
    }
    const client = new pg.Client({
      connectionString: opts.url,
      application_name: 'edgeflow cancel',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(sql, [pid]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  function stop(run: Running, why: 'cancelled' | 'timeout'): Promise<void> {
    if (!run.stopped) {
      run.stopped = why;
      let firstDone!: () => void;
      run.firstCancel = new Promise<void>((r) => (firstDone = r));
      run.cancelling = (async () => {
        const deadline = Date.now() + CANCEL_DEADLINE_MS;
        while (!run.finished && Date.now() < deadline) {
          // A server that does not answer must not hold the cancel up either.
          await Promise.race([
            cancelBackend(run.pid).catch(() => undefined),
            pause(run, Math.max(0, deadline - Date.now())),
          ]);
          firstDone();
          if (!run.finished) await pause(run, CANCEL_REPEAT_MS);
        }
        firstDone();
        // The server neither ran the cancel nor answered: the statement's connection is cut, so
        // the caller is not kept waiting on a dead socket.
        if (!run.finished) run.destroy?.();
      })();
    }
    return run.firstCancel!;
  }

  async function acquire(
    signal: AbortSignal | undefined,
    sql: string,
    from: pg.Pool = pool,
  ): Promise<pg.PoolClient> {
    let connecting: Promise<pg.PoolClient>;
    try {
      // A malformed URL throws here, synchronously, with the URL in the error's `input`.
      connecting = from.connect();
    } catch (e) {
      throw wrap(e, { sql });
    }
    if (!signal) return connecting.catch((e: unknown) => Promise.reject(wrap(e, { sql })));
    return new Promise<pg.PoolClient>((resolve, reject) => {
      const abort = () => {
        // The client may still arrive: give it straight back.
        connecting.then(
          (c) => c.release(),
          () => undefined,
        );
        reject(cancelledError({ sql: redact(sql, secrets) }));
      };
      signal.addEventListener('abort', abort, { once: true });
      connecting.then(
        (c) => {
          signal.removeEventListener('abort', abort);
          if (signal.aborted) return;
          resolve(c);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', abort);
          reject(wrap(e, { sql }));
        },
      );
    });
  }

  async function execute(sql: string, o: ExecuteOptions = {}, from: pg.Pool = pool): Promise<ExecuteResult> {
    if (o.signal?.aborted) throw cancelledError({ sql: redact(sql, secrets) });
    const client = await acquire(o.signal, sql, from);
    // While checked out, a client whose connection drops (server restart, a cut socket) emits
    // 'error' besides failing its query; unheard, that event would end the process.
    const onClientError = () => undefined;
    client.on('error', onClientError);
    const session = { broken: false };
    let failed = false;
    try {
      return await runOn(client, sql, o, session, false);
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (!session.broken) session.broken = !(await endTransaction(client, failed || !!o.readOnly));
      client.removeListener('error', onClientError);
      client.release(session.broken);
    }
  }

  /**
   * One statement on `client`. `session.broken` is set when the connection is lost; inside one of
   * our transactions (`pinned`) the caller ends the transaction and gives the client back.
   */
  async function runOn(
    client: pg.PoolClient,
    sql: string,
    o: ExecuteOptions,
    session: { broken: boolean },
    pinned: boolean,
  ): Promise<ExecuteResult> {
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
    const pid = (client as unknown as { processID: number }).processID;
    const queryId = `${pid}:${++counter}`;
    const run: Running = {
      pid,
      finished: false,
      destroy: () =>
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy(),
    };
    running.set(queryId, run);
    const onAbort = () => void stop(run, 'cancelled');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // The server enforces the timeout; this timer only covers a server that stopped answering.
    const backstop =
      timeoutMs !== undefined && timeoutMs > 0
        ? setTimeout(() => void stop(run, 'timeout'), timeoutMs + 5_000)
        : undefined;
    try {
      o.onQueryId?.(queryId);
      if (o.signal?.aborted) void stop(run, 'cancelled');
      if (run.stopped) throw stoppedError(run.stopped, { sql: redact(sql, secrets), queryId, timeoutMs });
      const label = opts.variant?.labelSql
        ? await opts.variant.labelSql(client, o.label)
        : `SET application_name = ${client.escapeLiteral(applicationName(o.label))}`;
      if (run.stopped) throw stoppedError(run.stopped, { sql: redact(sql, secrets), queryId, timeoutMs });
      await client.query(
        [
          label,
          `SET statement_timeout = ${Math.max(0, Math.round(timeoutMs ?? 0))}`,
          ...(o.readOnly && !pinned ? ['BEGIN READ ONLY'] : []),
        ].join('; '),
      );
      if (run.stopped) throw stoppedError(run.stopped, { sql: redact(sql, secrets), queryId, timeoutMs });
      const r = await runStatement(client, {
        text: sql,
        values: o.params ? [...o.params] : [],
        ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
        singleStatement: !!o.readOnly || pinned,
      });
      const last = lastResult(r);
      const returnsRows = (last?.fields.length ?? 0) > 0;
      const rows = returnsRows ? (last?.rows ?? []) : undefined;
      const limited = rows && o.maxRows !== undefined ? rows.slice(0, Math.max(0, o.maxRows)) : rows;
      if (limited) await convertExtensionTypes(client, last!.fields, limited);
      return {
        ...(limited
          ? {
              rows: limited,
              columns: last!.fields.map((f) => ({
                name: f.name,
                nativeType: nativeTypeName(f.dataTypeID),
                type: fieldType(f),
              })),
            }
          : {}),
        rowCount: limited ? limited.length : (last?.rowCount ?? 0),
        queryId,
      };
    } catch (e) {
      const lost = !(e instanceof ConnectorError) && connectionIsBroken(e as PgErrorLike);
      if (lost) session.broken = true;
      if (run.stopped && ((e as PgErrorLike).code === '57014' || lost))
        throw stoppedError(run.stopped, { sql: redact(sql, secrets), queryId, timeoutMs });
      throw e instanceof ConnectorError ? e : wrap(e, { sql, queryId });
    } finally {
      run.finished = true;
      run.wake?.();
      clearTimeout(backstop);
      o.signal?.removeEventListener('abort', onAbort);
      running.delete(queryId);
      await run.cancelling;
    }
  }

  /**
   * BEGIN, fn's statements on one client, COMMIT; ROLLBACK on any failure or abort. Each statement
   * goes through the extended protocol (one statement per call), so no text can COMMIT early.
   */
  async function transaction<T>(fn: (tx: Transaction) => Promise<T>, t: TransactionOptions = {}): Promise<T> {
    if (t.signal?.aborted) throw cancelledError({ sql: 'BEGIN' });
    const client = await acquire(t.signal, 'BEGIN');
    const onClientError = () => undefined;
    client.on('error', onClientError);
    const session = { broken: false };
    let open = false;
    try {
      try {
        await client.query('BEGIN');
      } catch (e) {
        if (connectionIsBroken(e as PgErrorLike)) session.broken = true;
        throw wrap(e, { sql: 'BEGIN' });
      }
      open = true;
      const tx: Transaction = {
        execute: (sql, so = {}) => {
          const signal =
            t.signal && so.signal ? AbortSignal.any([t.signal, so.signal]) : (t.signal ?? so.signal);
          if (signal?.aborted) return Promise.reject(cancelledError({ sql: redact(sql, secrets) }));
          const label = so.label ?? t.label;
          const timeoutMs = so.timeoutMs ?? t.timeoutMs;
          return runOn(
            client,
            sql,
            {
              ...so,
              ...(signal ? { signal } : {}),
              ...(label ? { label } : {}),
              ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            },
            session,
            true,
          );
        },
      };
      const out = await fn(tx);
      // A cancel that came after the last statement still wins: nothing is committed.
      if (t.signal?.aborted) throw cancelledError({ sql: 'COMMIT' });
      try {
        await client.query('COMMIT');
      } catch (e) {
        if (connectionIsBroken(e as PgErrorLike)) session.broken = true;
        throw wrap(e, { sql: 'COMMIT' });
      }
      open = false;
      return out;
    } finally {
      if (open && !session.broken) session.broken = !(await endTransaction(client, true));
      client.removeListener('error', onClientError);
      client.release(session.broken);
    }
  }

  /**
   * Types of extensions (PostGIS's geometry and geography) have no fixed oid: the names of the
   * oids a result uses beyond the built-in ones are looked up once per connector, on the
   * statement's own client, and values of the spatial ones turned from hex EWKB into WKT.
   */
  async function convertExtensionTypes(
    client: pg.PoolClient,
    fields: readonly pg.FieldDef[],
    rows: Array<Record<string, unknown>>,
  ): Promise<void> {
    const unknown = [...new Set(fields.map((f) => f.dataTypeID))].filter(
      (oid) => oid >= FIRST_USER_OID && !typeNames.has(oid),
    );
    if (unknown.length > 0) {
      try {
        const found = await client.query<{ oid: number; typname: string }>(
          'SELECT oid::int AS oid, typname FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
          [unknown],
        );
        for (const oid of unknown) typeNames.set(oid, undefined);
        for (const t of found.rows) typeNames.set(t.oid, t.typname);
      } catch {
        return; // not worth failing a finished statement for: the values stay as the server sent them
      }
    }
    for (const f of fields) {
      if (!SPATIAL_TYPES.has(typeNames.get(f.dataTypeID) ?? opts.variant?.types?.[f.dataTypeID] ?? ''))
        continue;
      for (const row of rows) row[f.name] = spatialToWkt(row[f.name]);
    }
  }

  const nativeTypeName = (oid: number) =>
    NATIVE_TYPES[oid] ?? opts.variant?.types?.[oid] ?? typeNames.get(oid) ?? `oid ${oid}`;

  /** A result field's portable type: numeric's precision and scale are in its type modifier. */
  function fieldType(f: { dataTypeID: number; dataTypeModifier: number }): PortableType {
    const name = NATIVE_TYPES[f.dataTypeID];
    if (name === 'numeric' && f.dataTypeModifier >= 4) {
      const m = f.dataTypeModifier - 4; // (precision << 16 | scale) + VARHDRSZ
      return postgresToPortable(name, name, (m >> 16) & 0xffff, m & 0xffff);
    }
    if (name) return postgresToPortable(name, name);
    const udt = typeNames.get(f.dataTypeID) ?? opts.variant?.types?.[f.dataTypeID];
    return udt
      ? postgresToPortable('USER-DEFINED', udt)
      : { kind: 'other', native: nativeTypeName(f.dataTypeID) };
  }

  /** Introspection goes through execute too, so it runs with its own label and timeout. */
  async function query(sql: string, params: unknown[]) {
    const r = await execute(sql, { params, readOnly: true, label: { origin: 'introspect' } }, metaPool);
    return { rows: r.rows ?? [] };
  }

  let posture: Promise<RolePosture> | undefined;
  let extensions: Promise<DialectOptions> | undefined;

  return {
    type: 'postgres',
    dialect: 'postgres',
    execute: (sql, o) => execute(sql, o),
    transaction,

    posture() {
      posture ??= execute(POSTURE_SQL, {
        params: POSTURE_PARAMS,
        readOnly: true,
        label: { origin: 'introspect' },
      }).then(
        (r) => {
          const row = r.rows?.[0] as PostureRow | undefined;
          // current_user always has a pg_roles row; without one there is nothing to say.
          return row ? postureOf(row) : { role: '', warnings: [] };
        },
        (e: unknown) => {
          posture = undefined; // an unreachable server is asked again next time
          throw e;
        },
      );
      return posture;
    },

    dialectOptions() {
      // H3 needs h3-pg's two extensions: h3 (cells) and h3_postgis (cells of geography).
      extensions ??= query(
        `SELECT count(*) = 2 AS h3 FROM pg_extension WHERE extname IN ('h3', 'h3_postgis')`,
        [],
      ).then(
        (r) => (r.rows[0]?.['h3'] === true ? { h3: true } : {}),
        (e: unknown) => {
          extensions = undefined;
          throw e;
        },
      );
      return extensions;
    },

    async cancel(queryId: string): Promise<void> {
      const run = running.get(queryId);
      if (run) {
        await stop(run, 'cancelled');
        return;
      }
      // An id from another process (a daemon that crashed while its statement ran on): the
      // backend keeps running a query whose client is gone until it next writes to the socket.
      // Cancelled only while it is still one of edgeflow's active sessions, so a pid the server
      // has since reused for someone else is left alone.
      const pid = /^(\d+):\d+$/.exec(queryId)?.[1];
      if (!pid || ownPids.has(Number(pid))) return;
      const foreign = opts.variant?.foreignCancelSql
        ? await opts.variant
            .foreignCancelSql({ query: (q, v) => pool.query(q, v) })
            .catch((e: unknown) => Promise.reject(wrap(e, {})))
        : `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
           WHERE pid = $1 AND pid <> pg_backend_pid() AND state <> 'idle' AND application_name LIKE 'edgeflow%'`;
      await pool.query(foreign, [Number(pid)]).catch((e: unknown) => Promise.reject(wrap(e, {})));
    },

    async estimate(sql, o = {}): Promise<Estimate> {
      const r = await execute(`EXPLAIN (FORMAT JSON) ${sql}`, {
        readOnly: true,
        ...(o.params ? { params: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const doc = r.rows?.[0]?.['QUERY PLAN'];
      const plan = (Array.isArray(doc) ? doc[0] : undefined) as
        { Plan?: { 'Plan Rows'?: number; 'Total Cost'?: number } } | undefined;
      const rows = plan?.Plan?.['Plan Rows'];
      const cost = plan?.Plan?.['Total Cost'];
      return {
        ...(rows !== undefined ? { rows } : {}),
        ...(cost !== undefined ? { cost } : {}),
        summary:
          rows !== undefined
            ? `about ${rows.toLocaleString('en-US')} rows, cost ${cost ?? '?'} (PostgreSQL planner estimate)`
            : 'PostgreSQL gave no estimate for this statement',
      };
    },

    async listTables(o = {}): Promise<TableListing[]> {
      const r = await query(
        `SELECT table_schema, table_name, table_type FROM information_schema.tables
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ${o.schema ? 'AND table_schema = $1' : ''}
         ORDER BY 1, 2`,
        o.schema ? [o.schema] : [],
      );
      return r.rows.map((x) => ({
        parts: [String(x['table_schema']), String(x['table_name'])],
        kind: x['table_type'] === 'VIEW' ? 'view' : 'table',
      }));
    },

    /**
     * PostgreSQL keeps no per-table modification time (`pg_stat_user_tables` counters are
     * statistics: reset, lost on a crash, flushed late — not a version; commit timestamps need
     * track_commit_timestamp and still miss deletes). The version is the table's OID and columns
     * with its row count and the sum of its visible rows' `xmin`: an INSERT or UPDATE adds rows
     * with the newest transaction id, a DELETE lowers the count, TRUNCATE/rewrites give new xmins,
     * and freezing keeps xmin (PostgreSQL ≥ 9.4). It costs one scan of the table. Its limit: after
     * transaction-id wraparound (about 4 billion transactions) a change could in principle give
     * back the same sum and count. Views, materialized views and foreign tables have no version.
     */
    async tableVersions(tables, o = {}): Promise<Array<TableVersion | undefined>> {
      const out: Array<TableVersion | undefined> = [];
      for (const parts of tables) {
        const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
        const r = await query(
          `SELECT c.oid::text AS oid, c.relkind::text AS kind, n.nspname, c.relname,
                  pg_total_relation_size(c.oid) AS bytes,
                  (SELECT string_agg(a.attname || ':' || a.atttypid::text || ':' || a.attnum::text, ',' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS cols
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relname = $1 AND ${schema ? 'n.nspname = $2' : 'n.nspname = ANY (current_schemas(false))'}
             AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           ORDER BY array_position(current_schemas(false), n.nspname) LIMIT 1`,
          schema ? [table, schema] : [table],
        );
        const found = r.rows[0];
        if (!found) {
          out.push(undefined);
          continue;
        }
        const bytes = Number(found['bytes']);
        if (!['r', 'p'].includes(String(found['kind'])) || o.sizeOnly) {
          out.push({ version: null, bytes });
          continue;
        }
        const name = `"${String(found['nspname']).replace(/"/g, '""')}"."${String(found['relname']).replace(/"/g, '""')}"`;
        const sum = (
          await execute(
            `SELECT count(*)::text AS n, coalesce(sum(xmin::text::bigint), 0)::text AS s FROM ${name}`,
            {
              readOnly: true,
              label: o.label ?? { origin: 'cache' },
              ...(o.signal ? { signal: o.signal } : {}),
            },
          )
        ).rows?.[0];
        const cols = createHash('sha256').update(String(found['cols'])).digest('hex').slice(0, 16);
        out.push({
          version: `oid:${found['oid']};cols:${cols};rows:${sum?.['n']};xmin:${sum?.['s']}`,
          bytes,
        });
      }
      return out;
    },

    async describeTable(parts): Promise<TableInfo | undefined> {
      const [schema, table] = parts.length >= 2 ? parts.slice(-2) : [undefined, parts[0]];
      const r = await query(
        `SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name, c.numeric_precision, c.numeric_scale, c.is_nullable
         FROM information_schema.columns c
         WHERE c.table_name = $1 AND ${schema ? 'c.table_schema = $2' : 'c.table_schema = ANY (current_schemas(false))'}
         ORDER BY c.ordinal_position`,
        schema ? [table, schema] : [table],
      );
      if (r.rows.length === 0) return undefined;
      const first = r.rows[0]!;
      return {
        parts: [String(first['table_schema']), String(first['table_name'])],
        columns: r.rows.map((x) => ({
          name: String(x['column_name']),
          type: postgresToPortable(
            String(x['data_type']),
            String(x['udt_name']),
            x['numeric_precision'] as number | null,
            x['numeric_scale'] as number | null,
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

    classify: classifyPostgres,

    async close() {
      await Promise.all([...running.values()].map((run) => stop(run, 'cancelled')));
      await Promise.all([pool.end(), metaPool.end()]);
    },
  };
}

/** Waits, or less when the statement ends. */
function pause(run: Running, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    const previous = run.wake;
    run.wake = () => {
      clearTimeout(t);
      resolve();
      previous?.();
    };
  });
}

/**
 * Ends what a statement left open: our read-only transaction, or one the statement text began
 * and did not finish (a pooled client must come back clean). After a failure the transaction
 * status pg knows is stale (the error arrives before the server's ReadyForQuery), so `force`
 * rolls back whatever there is. False when the client is unusable.
 */
async function endTransaction(client: pg.PoolClient, force: boolean): Promise<boolean> {
  try {
    if (force || client.getTransactionStatus() !== 'I') await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

const NATIVE_TYPES: Record<number, string> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  114: 'json',
  700: 'real',
  701: 'double precision',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};

/** Oids below this are PostgreSQL's own (FirstNormalObjectId); extension types are above it. */
const FIRST_USER_OID = 16384;

function cancelledError(ctx: { sql?: string; queryId?: string }): ConnectorError {
  return new ConnectorError('the statement was cancelled', 'cancelled', {
    connector: 'postgres',
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
      connector: 'postgres',
      code: '57014',
      ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
      ...(ctx.sql ? { sql: ctx.sql } : {}),
    },
  );
}

interface PgDriverError extends PgErrorLike {
  detail?: string;
  hint?: string;
}

/**
 * A fresh error carrying only redacted text: the driver's error object (its `cause`, a URL error's
 * `input`, a connection error's config) is not kept, because any of it may hold the password.
 */
function wrapPgError(
  e: unknown,
  secrets: readonly string[],
  ctx: { sql?: string; queryId?: string },
): ConnectorError {
  const err = (e ?? {}) as PgDriverError;
  // Node reports a refused connection to a host with several addresses as an AggregateError
  // with an empty message.
  const text =
    err.message ||
    err.errors?.map((x) => x.message).join('; ') ||
    (typeof e === 'string' ? e : 'unknown PostgreSQL error');
  const code = err.code ?? err.errors?.find((x) => x.code)?.code;
  const errorClass = classifyPgError({ ...err, message: text });
  const message =
    errorClass === 'permanent' && code === '57014'
      ? `the statement ran past its statement_timeout and was cancelled; raise the timeout (statementTimeout in the config) or make the query cheaper`
      : redact(err.detail ? `${text} (${err.detail})` : text, secrets);
  return new ConnectorError(message, errorClass, {
    connector: 'postgres',
    ...(code ? { code } : {}),
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql ? { sql: redact(ctx.sql, secrets) } : {}),
    ...(err.hint ? { hint: redact(err.hint, secrets) } : {}),
  });
}

/** The URL, its password as written and decoded: what a driver might echo. */
function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const out = [url];
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
    return out;
  } catch {
    return [url];
  }
}
