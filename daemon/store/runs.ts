/**
 * Runs: creation (with its steps and lineage, idempotently) and every status transition, each one
 * statement or one transaction, guarded by the status it expects so a late or duplicate caller
 * changes nothing.
 */
import type { RunPlan } from '../../compiler/planner/plan.js';
import type { Sql } from './database.js';
import { StoreError } from './errors.js';
import { newRunId } from './ids.js';
import {
  json,
  RUN_COLUMNS,
  runRecord,
  type FailureInfo,
  type FinishedRunStatus,
  type LineageRecord,
  type RunRecord,
  type RunRow,
  type RunStatus,
  type RunTrigger,
} from './records.js';

export interface NewRun {
  /** Generated when absent; give one when the plan was compiled with it (staging names hold it). */
  id?: string;
  workflow: string;
  /** The saved version; omit for an inline document and give `document` instead. */
  version?: number | null;
  document?: unknown;
  trigger: RunTrigger;
  /** A second create with the same key returns the first run (created: false). */
  idempotencyKey?: string | null;
  params?: Record<string, unknown>;
  connection: string;
  dialect: string;
  /** The cron time a scheduled run stands for. */
  nominalAt?: string | null;
  /** The compiled plan; null: compiled when the run starts (`attachPlan`), as a scheduled fire's is. */
  plan: RunPlan | null;
  /** Tries per step for transient errors (default 3). */
  maxAttempts?: number;
  /** Create it already claimed by this executor (a foreground run), instead of queued. */
  owner?: string;
  /** A new attempt of an interrupted run. */
  retryOf?: { id: string; rootId: string; attempt: number };
  lineage?: LineageRecord[];
  /** The run's cache document (daemon/cache) when its workflow reuses unchanged results. */
  cache?: unknown;
}

export interface CreatedRun {
  run: RunRecord;
  /** False when the idempotency key was taken: `run` is the existing one. */
  created: boolean;
}

const SELECT_RUN = `SELECT ${RUN_COLUMNS} FROM runs`;

export function createRun(sql: Sql, now: string, r: NewRun): CreatedRun {
  const id = r.id ?? newRunId();
  if (!/^[a-z0-9_]{1,40}$/.test(id))
    throw new StoreError('CONFLICT', `run id "${id}" must be 1–40 lower-case letters, digits or _`);
  const ids = new Set<string>();
  for (const s of r.plan?.steps ?? []) {
    if (ids.has(s.id)) throw new StoreError('CONFLICT', `the plan has two steps "${s.id}"`);
    ids.add(s.id);
  }
  const insert = () => {
    const inserted = sql
      .stmt(
        `INSERT INTO runs (id, root_id, workflow, version, document, trigger, idempotency_key, status, attempt,
                           retry_of, params, connection, dialect, nominal_at, created_at, started_at, plan,
                           owner, heartbeat_at, cache)
         VALUES (@id, @rootId, @workflow, @version, @document, @trigger, @key, @status, @attempt,
                 @retryOf, @params, @connection, @dialect, @nominalAt, @now, @startedAt, @plan, @owner, @heartbeat,
                 @cache)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${RUN_COLUMNS}`,
      )
      .get({
        id,
        rootId: r.retryOf?.rootId ?? id,
        workflow: r.workflow,
        version: r.version ?? null,
        document: r.version == null ? json(r.document) : null,
        trigger: r.trigger,
        key: r.idempotencyKey ?? null,
        status: r.owner ? 'running' : 'queued',
        attempt: r.retryOf ? r.retryOf.attempt + 1 : 1,
        retryOf: r.retryOf?.id ?? null,
        params: JSON.stringify(r.params ?? {}),
        connection: r.connection,
        dialect: r.dialect,
        nominalAt: r.nominalAt ?? null,
        now,
        startedAt: r.owner ? now : null,
        plan: r.plan ? JSON.stringify(r.plan) : null,
        owner: r.owner ?? null,
        heartbeat: r.owner ? now : null,
        cache: json(r.cache),
      }) as RunRow | undefined;
    // RETURNING gives the new row (no second lookup); nothing when the idempotency key was taken.
    if (!inserted) {
      const existing = sql.stmt(`${SELECT_RUN} WHERE idempotency_key = ?`).get(r.idempotencyKey) as RunRow;
      return { run: runRecord(existing), created: false };
    }
    if (r.plan) insertPlanRows(sql, now, id, r.plan, r.maxAttempts ?? 3, r.lineage ?? []);
    return { run: runRecord(inserted), created: true };
  };
  // A run without a plan is one INSERT, atomic by itself (a burst of scheduled fires is many of
  // them in the caller's transaction); with a plan, its steps and lineage commit with it.
  return r.plan || r.lineage?.length ? sql.tx(insert) : insert();
}

function insertPlanRows(
  sql: Sql,
  now: string,
  id: string,
  plan: RunPlan,
  maxAttempts: number,
  lineageRows: LineageRecord[],
): void {
  const step = sql.stmt(
    `INSERT INTO steps (run_id, step_id, position, kind, status, max_attempts, run_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
  );
  plan.steps.forEach((s, i) => step.run(id, s.id, i, s.kind, maxAttempts, now));
  const lineage = sql.stmt(
    `INSERT INTO lineage (run_id, output_node, output_table, column_name, source_table, source_column)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const l of lineageRows)
    lineage.run(id, l.outputNode, l.outputTable, l.column, l.sourceTable, l.sourceColumn);
}

/**
 * Gives a run created without a plan (a scheduled fire) its plan, steps and lineage, once: false
 * when it has one already.
 */
export function attachPlan(
  sql: Sql,
  now: string,
  id: string,
  a: { plan: RunPlan; maxAttempts?: number; lineage?: LineageRecord[]; cache?: unknown },
): boolean {
  const ids = new Set<string>();
  for (const s of a.plan.steps) {
    if (ids.has(s.id)) throw new StoreError('CONFLICT', `the plan has two steps "${s.id}"`);
    ids.add(s.id);
  }
  return sql.tx(() => {
    const set = sql
      .stmt('UPDATE runs SET plan = ?, cache = ? WHERE id = ? AND plan IS NULL')
      .run(JSON.stringify(a.plan), json(a.cache), id).changes;
    if (set === 0) return false;
    insertPlanRows(sql, now, id, a.plan, a.maxAttempts ?? 3, a.lineage ?? []);
    return true;
  });
}

function getRunRow(sql: Sql, id: string): RunRecord | undefined {
  const row = sql.stmt(`${SELECT_RUN} WHERE id = ?`).get(id) as RunRow | undefined;
  return row && runRecord(row);
}

export { getRunRow as getRun };

export function getRunByIdempotencyKey(sql: Sql, key: string): RunRecord | undefined {
  const row = sql.stmt(`${SELECT_RUN} WHERE idempotency_key = ?`).get(key) as RunRow | undefined;
  return row && runRecord(row);
}

export function getRunPlan(sql: Sql, id: string): RunPlan | undefined {
  const row = sql.stmt('SELECT plan FROM runs WHERE id = ?').get(id) as { plan: string | null } | undefined;
  return row?.plan ? (JSON.parse(row.plan) as RunPlan) : undefined;
}

/** The inline document an unsaved workflow's run was started with (null for a saved version). */
export function getRunDocument(sql: Sql, id: string): unknown {
  const row = sql.stmt('SELECT document FROM runs WHERE id = ?').get(id) as
    { document: string | null } | undefined;
  return row?.document ? (JSON.parse(row.document) as unknown) : null;
}

export interface ListRunsQuery {
  workflow?: string;
  status?: RunStatus;
  /** 1–1000, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Newest first. */
export function listRuns(sql: Sql, q: ListRunsQuery): { runs: RunRecord[]; nextCursor: string | null } {
  const limit = Math.min(1000, Math.max(1, Math.floor(q.limit ?? 50)));
  const where: string[] = [];
  const args: Record<string, unknown> = { limit: limit + 1 };
  if (q.workflow !== undefined) {
    where.push('workflow = @workflow');
    args['workflow'] = q.workflow;
  }
  if (q.status !== undefined) {
    where.push('status = @status');
    args['status'] = q.status;
  }
  if (q.cursor !== undefined) {
    // The cursor is the last id of the page: ids sort by creation.
    where.push('id < @cursor');
    args['cursor'] = q.cursor;
  }
  const rows = sql
    .stmt(`${SELECT_RUN} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`)
    .all(args) as RunRow[];
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map(runRecord);
  return { runs: page, nextCursor: more ? page.at(-1)!.id : null };
}

/** Whether a run of the workflow is queued or running (the scheduler's overlap policy asks). */
export function hasActiveRun(sql: Sql, workflow: string): boolean {
  return (
    sql
      .stmt(`SELECT 1 FROM runs WHERE workflow = ? AND status IN ('queued', 'running') LIMIT 1`)
      .get(workflow) !== undefined
  );
}

export function runCounts(sql: Sql): Record<RunStatus, number> {
  const out: Record<RunStatus, number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    interrupted: 0,
  };
  for (const r of sql.stmt('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Array<{
    status: RunStatus;
    n: number;
  }>)
    out[r.status] = r.n;
  return out;
}

// ------------------------------------------------------------------ transitions

/** queued → running, held by `owner`. Undefined when it is not queued (or cancel was asked). */
export function claimRun(sql: Sql, now: string, id: string, owner: string): RunRecord | undefined {
  const row = sql
    .stmt(
      `UPDATE runs SET status = 'running', owner = @owner, heartbeat_at = @now, started_at = coalesce(started_at, @now)
       WHERE id = @id AND status = 'queued' AND cancel_requested = 0 RETURNING ${RUN_COLUMNS}`,
    )
    .get({ id, owner, now }) as RunRow | undefined;
  return row && runRecord(row);
}

/** The oldest queued run, claimed by `owner` in the same statement. */
export function claimNextRun(sql: Sql, now: string, owner: string): RunRecord | undefined {
  // PostgreSQL: SKIP LOCKED, so a daemon racing another for the oldest run takes the next one
  // instead of finding none (SQLite's single writer never races).
  const skipLocked = sql.backend === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const row = sql
    .stmt(
      `UPDATE runs SET status = 'running', owner = @owner, heartbeat_at = @now, started_at = coalesce(started_at, @now)
       WHERE id = (SELECT id FROM runs WHERE status = 'queued' AND cancel_requested = 0 ORDER BY id LIMIT 1${skipLocked})
         AND status = 'queued' RETURNING ${RUN_COLUMNS}`,
    )
    .get({ owner, now }) as RunRow | undefined;
  return row && runRecord(row);
}

/** Tells the store `owner` is alive: refreshes heartbeat_at of every run it holds. */
export function heartbeat(sql: Sql, now: string, owner: string): number {
  return sql.stmt(`UPDATE runs SET heartbeat_at = ? WHERE owner = ? AND status = 'running'`).run(now, owner)
    .changes;
}

/** running → queued: handed back (graceful shutdown) for the next executor to resume. */
export function releaseRun(sql: Sql, id: string, owner: string): boolean {
  return (
    sql
      .stmt(
        `UPDATE runs SET status = 'queued', owner = NULL WHERE id = ? AND status = 'running' AND owner = ?`,
      )
      .run(id, owner).changes > 0
  );
}

/** running → a finished status. Steps still pending become skipped (cancelled for a cancel). */
export function finishRun(
  sql: Sql,
  now: string,
  id: string,
  owner: string,
  status: FinishedRunStatus,
  error: FailureInfo | null = null,
): RunRecord | undefined {
  return sql.tx(() => {
    const row = sql
      .stmt(
        `UPDATE runs SET status = @status, finished_at = @now, error = @error, owner = NULL
         WHERE id = @id AND status = 'running' AND owner = @owner RETURNING ${RUN_COLUMNS}`,
      )
      .get({ id, owner, status, now, error: json(error) }) as RunRow | undefined;
    if (!row) return undefined;
    sql
      .stmt(`UPDATE steps SET status = ? WHERE run_id = ? AND status = 'pending'`)
      .run(status === 'cancelled' ? 'cancelled' : 'skipped', id);
    return runRecord(row);
  });
}

export type CancelEffect = 'cancelled' | 'requested' | 'finished';

/**
 * Asks for a run to stop. A queued run is cancelled here and now; a running one is flagged, and
 * its executor stops it (cancelling its statements in the warehouse); a finished one is left as is.
 */
export function requestCancel(
  sql: Sql,
  now: string,
  id: string,
): { run: RunRecord; effect: CancelEffect } | undefined {
  return sql.tx(() => {
    const row = sql
      .stmt(
        `UPDATE runs SET cancel_requested = 1,
           status = CASE status WHEN 'queued' THEN 'cancelled' ELSE status END,
           finished_at = CASE status WHEN 'queued' THEN @now ELSE finished_at END,
           error = CASE status WHEN 'queued' THEN @error ELSE error END
         WHERE id = @id AND status IN ('queued', 'running') RETURNING ${RUN_COLUMNS}`,
      )
      .get({
        id,
        now,
        error: JSON.stringify({ code: 'CANCELLED', message: 'cancelled before it started' }),
      }) as RunRow | undefined;
    if (!row) {
      const run = getRunRow(sql, id);
      return run && { run, effect: 'finished' as const };
    }
    if (row.status === 'cancelled') {
      sql.stmt(`UPDATE steps SET status = 'cancelled' WHERE run_id = ? AND status = 'pending'`).run(id);
      return { run: runRecord(row), effect: 'cancelled' as const };
    }
    return { run: runRecord(row), effect: 'requested' as const };
  });
}

/** Runs held by `owner` whose cancel was asked for (possibly by another process). */
export function cancelRequestedRuns(sql: Sql, owner: string): string[] {
  return (
    sql
      .stmt(`SELECT id FROM runs WHERE owner = ? AND status = 'running' AND cancel_requested = 1`)
      .all(owner) as Array<{ id: string }>
  ).map((r) => r.id);
}

/** Every run in status running, with its owner and heartbeat (recovery decides which are orphans). */
export function runningRuns(sql: Sql): RunRecord[] {
  return (sql.stmt(`${SELECT_RUN} WHERE status = 'running' ORDER BY id`).all() as RunRow[]).map(runRecord);
}

/**
 * Moves a running run from a gone owner to `owner` (compare-and-set on the owner): false when
 * someone else took it first. With `leaseExpiredBefore`, only if the owner's lease has expired —
 * its last heartbeat is older — checked in the same statement, so an owner that heartbeats between
 * the caller's read and this write keeps its run.
 */
export function takeOverRun(
  sql: Sql,
  now: string,
  id: string,
  from: string,
  owner: string,
  leaseExpiredBefore?: string,
): boolean {
  if (leaseExpiredBefore === undefined)
    return (
      sql
        .stmt(
          `UPDATE runs SET owner = @owner, heartbeat_at = @now WHERE id = @id AND status = 'running' AND owner = @from`,
        )
        .run({ id, from, owner, now }).changes > 0
    );
  return (
    sql
      .stmt(
        `UPDATE runs SET owner = @owner, heartbeat_at = @now
         WHERE id = @id AND status = 'running' AND owner = @from
           AND (heartbeat_at IS NULL OR heartbeat_at < @expired)`,
      )
      .run({ id, from, owner, now, expired: leaseExpiredBefore }).changes > 0
  );
}

/** The runs `owner` holds now (an executor notices one taken over after its lease expired). */
export function heldRuns(sql: Sql, owner: string): string[] {
  return (
    sql.stmt(`SELECT id FROM runs WHERE owner = ? AND status = 'running'`).all(owner) as Array<{ id: string }>
  ).map((r) => r.id);
}

/** Finished runs whose staging tables may still exist in the warehouse. */
export function runsWithStagingLeft(sql: Sql, limit = 100): Array<{ id: string; connection: string }> {
  return sql
    .stmt(
      `SELECT id, connection FROM runs
       WHERE staging_dropped = 0 AND status IN ('succeeded', 'failed', 'cancelled', 'interrupted')
       ORDER BY id LIMIT ?`,
    )
    .all(limit) as Array<{ id: string; connection: string }>;
}

export function markStagingDropped(sql: Sql, id: string): void {
  sql.stmt('UPDATE runs SET staging_dropped = 1 WHERE id = ?').run(id);
}

export function runLineage(sql: Sql, id: string): LineageRecord[] {
  return (
    sql
      .stmt(
        `SELECT output_node, output_table, column_name, source_table, source_column FROM lineage
         WHERE run_id = ? ORDER BY rowid`,
      )
      .all(id) as Array<{
      output_node: string;
      output_table: string;
      column_name: string;
      source_table: string | null;
      source_column: string | null;
    }>
  ).map((r) => ({
    outputNode: r.output_node,
    outputTable: r.output_table,
    column: r.column_name,
    sourceTable: r.source_table,
    sourceColumn: r.source_column,
  }));
}
