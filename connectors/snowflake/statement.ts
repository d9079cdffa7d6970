/**
 * Running one statement through snowflake-sdk, with the query id known before the wait.
 *
 * Asynchronous statements follow the driver's documented pattern: submit with `asyncExec: true`
 * (Snowflake answers 333334 with the query id at once), poll `GET /monitoring/queries/:id` until
 * the status is final, then fetch the result by id:
 * https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute#executing-queries-asynchronously
 * Our own polling loop (not the SDK's getResultsFromQueryId) so an AbortSignal or the deadline can
 * interrupt the wait and cancel the statement in Snowflake, not just stop waiting for it.
 */
import type { Bind, Binds, Connection, RowStatement, StatementOption } from 'snowflake-sdk';
import type { ConnectorError } from '../connector.js';
import { classifySnowflake, ownError, toConnectorError } from './errors.js';
import { rowShape, toRow, type RowShape } from './values.js';

export interface StatementRun {
  binds?: readonly unknown[];
  /** Statement-level session parameters (QUERY_TAG, STATEMENT_TIMEOUT_IN_SECONDS…). */
  parameters: Record<string, string | number>;
  async?: boolean;
  /** Compile only (no execution): Snowflake returns the result's columns and statement type. */
  describeOnly?: boolean;
  maxRows?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  onQueryId?: (queryId: string) => void;
}

export interface StatementHooks {
  secrets: readonly string[];
  /** Cancels a running statement in Snowflake by its id (SYSTEM$CANCEL_QUERY). */
  cancelInWarehouse(queryId: string): Promise<void>;
  /** Longest pause between two status polls. */
  pollMaxMs: number;
}

export interface StatementOutcome {
  queryId?: string;
  shape: RowShape;
  rows: Array<Record<string, unknown>>;
  /** Rows in the whole result (before maxRows). */
  totalRows: number;
  /** Rows changed by DML, -1 for anything else. */
  updatedRows: number;
}

/** Statuses that mean "not finished yet" (BLOCKED is a lock wait, ABORTING a cancel in progress). */
const RUNNING = new Set([
  'RUNNING',
  'RESUMING_WAREHOUSE',
  'QUEUED',
  'QUEUED_REPARING_WAREHOUSE',
  'NO_DATA',
  'BLOCKED',
  'ABORTING',
  'RESTARTED',
]);
export const isRunningStatus = (status: string): boolean => RUNNING.has(status);

/** Right after submission the monitoring service may not know the query yet. */
const MAX_UNKNOWN_POLLS = 40;
/** Consecutive transient failures of status polls tolerated before giving up. */
const MAX_POLL_FAILURES = 5;
/** How long a cancel may take before the caller is answered anyway. */
const CANCEL_WAIT_MS = 10_000;

const RESULT_FORMAT = { streamResult: true, rowMode: 'array', fetchAsString: ['Number'] } as const;

export async function runStatement(
  conn: Connection,
  sql: string,
  run: StatementRun,
  hooks: StatementHooks,
): Promise<StatementOutcome> {
  const guard = new Guard(run.signal, run.timeoutMs);
  let queryId: string | undefined;
  const fail = (e: unknown): ConnectorError => toConnectorError(e, { secrets: hooks.secrets, sql, queryId });
  try {
    const { statement, submitted } = submit(conn, sql, run);
    let finished: RowStatement;
    try {
      const s = await guard.race(submitted);
      queryId = s.getQueryId() || undefined;
      if (queryId) reportQueryId(queryId, run, hooks);
      finished = run.async && queryId ? await waitAndFetch(conn, queryId, guard, hooks) : s;
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      if (queryId) {
        const cancelled = await settle(hooks.cancelInWarehouse(queryId), CANCEL_WAIT_MS);
        if (cancelled !== 'done') throw stopError(e, sql, queryId, run.timeoutMs, hooks, cancelled);
      } else {
        // Still being submitted: the SDK's cancel by request id (POST /queries/v1/abort-request),
        // and once Snowflake hands out an id, a cancel by id in case it started meanwhile.
        await settle(abortRequest(statement), CANCEL_WAIT_MS);
        submitted.then(
          (s) => s.getQueryId() && void hooks.cancelInWarehouse(s.getQueryId()).catch(() => undefined),
          () => undefined,
        );
      }
      throw stopError(e, sql, queryId, run.timeoutMs, hooks);
    }
    queryId ??= finished.getQueryId() || undefined;
    return await guard.race(readRows(finished, run.maxRows, queryId, guard));
  } catch (e) {
    if (e instanceof Stop) throw stopError(e, sql, queryId, run.timeoutMs, hooks);
    throw fail(e);
  } finally {
    guard.dispose();
  }
}

function submit(
  conn: Connection,
  sql: string,
  run: StatementRun,
): { statement: RowStatement | undefined; submitted: Promise<RowStatement> } {
  let statement: RowStatement | undefined;
  const submitted = new Promise<RowStatement>((resolve, reject) => {
    const options: StatementOption = {
      sqlText: sql,
      parameters: run.parameters,
      ...RESULT_FORMAT,
      fetchAsString: [...RESULT_FORMAT.fetchAsString],
      ...(run.binds?.length ? { binds: toBinds(run.binds) } : {}),
      ...(run.async ? { asyncExec: true } : {}),
      ...(run.describeOnly ? { describeOnly: true } : {}),
      complete: (err, stmt) => (err ? reject(err) : resolve(stmt)),
    };
    statement = conn.execute(options);
  });
  // A rejection nobody awaits any more (after a cancel) must not crash the process.
  submitted.catch(() => undefined);
  return { statement, submitted };
}

/** Polls the statement's status (backing off to pollMaxMs), then fetches its result or error. */
async function waitAndFetch(
  conn: Connection,
  queryId: string,
  guard: Guard,
  hooks: StatementHooks,
): Promise<RowStatement> {
  let pause = 25;
  let unknown = 0;
  let failures = 0;
  for (;;) {
    let status: string;
    try {
      status = await guard.race(conn.getQueryStatus(queryId));
      failures = 0;
    } catch (e) {
      if (e instanceof Stop || classifySnowflake(e) !== 'transient' || ++failures > MAX_POLL_FAILURES)
        throw e;
      status = 'RUNNING';
    }
    if (status === 'NO_QUERY_DATA' && ++unknown > MAX_UNKNOWN_POLLS) break;
    if (status !== 'NO_QUERY_DATA' && !isRunningStatus(status)) break;
    await guard.race(sleep(pause));
    pause = Math.min(pause * 2, hooks.pollMaxMs);
  }
  // Final: the result endpoint answers with the rows, or with the statement's own error (its
  // code and SQLSTATE, which the monitoring endpoint does not carry).
  return guard.race(
    new Promise<RowStatement>((resolve, reject) => {
      conn.fetchResult({
        queryId,
        ...RESULT_FORMAT,
        fetchAsString: [...RESULT_FORMAT.fetchAsString],
        complete: (err, stmt) => (err ? reject(err) : resolve(stmt)),
      });
    }),
  );
}

async function readRows(
  statement: RowStatement,
  maxRows: number | undefined,
  queryId: string | undefined,
  guard: Guard,
): Promise<StatementOutcome> {
  const shape = rowShape(statement.getColumns() ?? []);
  const totalRows = statement.getNumRows() ?? 0;
  const limit = maxRows === undefined ? totalRows : Math.min(totalRows, Math.max(0, maxRows));
  const rows: Array<Record<string, unknown>> = [];
  if (limit > 0) {
    // Streams chunk by chunk (the SDK downloads the result's chunks as they are needed), and only
    // the chunks overlapping [0, limit) are fetched at all.
    for await (const values of statement.streamRows({ start: 0, end: limit - 1 })) {
      if (guard.stopped) break; // leaving the loop destroys the stream: no more chunk downloads
      rows.push(toRow(values as unknown[], shape));
    }
  }
  let updatedRows = -1;
  try {
    updatedRows = statement.getNumUpdatedRows() ?? -1;
  } catch {
    // The SDK asserts a one-chunk result for DML; anything else is "not a DML count".
  }
  return { ...(queryId ? { queryId } : {}), shape, rows, totalRows, updatedRows };
}

/**
 * Hands the query id to the caller before the wait. If the caller's callback fails, the statement
 * must not run on unobserved: it is cancelled, then the failure is reported.
 */
function reportQueryId(queryId: string, run: StatementRun, hooks: StatementHooks): void {
  try {
    run.onQueryId?.(queryId);
  } catch (e) {
    void hooks.cancelInWarehouse(queryId).catch(() => undefined);
    throw e;
  }
}

function abortRequest(statement: RowStatement | undefined): Promise<void> {
  if (!statement) return Promise.resolve();
  return new Promise((resolve) => statement.cancel(() => resolve()));
}

function stopError(
  stop: Stop,
  sql: string,
  queryId: string | undefined,
  timeoutMs: number | undefined,
  hooks: StatementHooks,
  cancel: Settled = 'done',
): ConnectorError {
  const ctx = { secrets: hooks.secrets, sql, ...(queryId ? { queryId } : {}) };
  const where = queryId ? ` (query id ${queryId})` : '';
  const stopped =
    cancel === 'done'
      ? 'was cancelled in Snowflake'
      : `was abandoned, but the cancel request ${cancel === 'failed' ? 'failed' : 'did not answer in time'}: ` +
        'it may run on in Snowflake until its STATEMENT_TIMEOUT_IN_SECONDS (cancel it by its query id)';
  if (stop.reason === 'timeout') {
    // Retrying a statement that ran out of time would run out of time again: permanent.
    return ownError(
      `Snowflake statement${where} exceeded its timeout of ${timeoutMs} ms and ${stopped} — raise timeoutMs or make the statement cheaper`,
      'permanent',
      '000630',
      ctx,
    );
  }
  return ownError(`Snowflake statement${where} ${stopped}, on request`, 'cancelled', '000604', ctx);
}

/** Positional binds (`:1`, `:2`…) as the SDK sends them; values it cannot carry become text. */
function toBinds(params: readonly unknown[]): Binds {
  return params.map((v): Bind => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') return v as never; // bound as VARIANT (JSON) by the SDK
    return v as Bind;
  });
}

class Stop {
  constructor(readonly reason: 'abort' | 'timeout') {}
}

/** Turns an AbortSignal and a deadline into a promise every wait races against. */
class Guard {
  /** Set once the signal aborted or the deadline passed. */
  stopped: Stop | undefined;
  private readonly whenStopped: Promise<never>;
  private reject!: (stop: Stop) => void;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.fire(new Stop('abort'));

  constructor(
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    this.whenStopped = new Promise<never>((_, reject) => (this.reject = reject));
    this.whenStopped.catch(() => undefined);
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(() => this.fire(new Stop('timeout')), timeoutMs);
    }
  }

  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.whenStopped]);
  }

  private fire(stop: Stop): void {
    this.stopped ??= stop;
    this.reject(this.stopped);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Settled = 'done' | 'failed' | 'timeout';

/** Waits for a promise at most `ms`, never throwing: best-effort clean-up. */
async function settle(p: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    p.then(
      (): Settled => 'done',
      (): Settled => 'failed',
    ),
    new Promise<Settled>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms))),
  ]);
  clearTimeout(timer);
  return outcome;
}
