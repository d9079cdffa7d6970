/**
 * Step transitions, graphile-worker style: a step is claimed (pending → running, attempts + 1,
 * locked_at) only when its run_at has come; a transient failure puts it back to pending with a
 * later run_at; every transition names the status it expects, so it happens once.
 */
import type { Sql } from './database.js';
import { json, stepRecord, type FailureInfo, type StepRecord, type StepRow } from './records.js';

export function listSteps(sql: Sql, runId: string): StepRecord[] {
  return (sql.stmt('SELECT * FROM steps WHERE run_id = ? ORDER BY position').all(runId) as StepRow[]).map(
    stepRecord,
  );
}

export function getStep(sql: Sql, runId: string, stepId: string): StepRecord | undefined {
  const row = sql.stmt('SELECT * FROM steps WHERE run_id = ? AND step_id = ?').get(runId, stepId) as
    StepRow | undefined;
  return row && stepRecord(row);
}

/**
 * pending → running when its run_at has come; undefined otherwise. With `owner`, only while the
 * run is still held by it (an executor whose run another daemon took over starts no new step).
 */
export function claimStep(
  sql: Sql,
  now: string,
  runId: string,
  stepId: string,
  owner?: string,
): StepRecord | undefined {
  const held =
    owner === undefined
      ? ''
      : ` AND EXISTS (SELECT 1 FROM runs WHERE runs.id = @runId AND runs.owner = @owner)`;
  const row = sql
    .stmt(
      `UPDATE steps SET status = 'running', attempts = attempts + 1, locked_at = @now,
         started_at = coalesce(started_at, @now), query_id = NULL
       WHERE run_id = @runId AND step_id = @stepId AND status = 'pending' AND run_at <= @now${held}
       RETURNING *`,
    )
    .get(owner === undefined ? { runId, stepId, now } : { runId, stepId, now, owner }) as StepRow | undefined;
  return row && stepRecord(row);
}

/** Records the warehouse id of the statement the step is about to wait on. */
export function setStepQueryId(sql: Sql, runId: string, stepId: string, queryId: string): boolean {
  return (
    sql
      .stmt(`UPDATE steps SET query_id = ? WHERE run_id = ? AND step_id = ? AND status = 'running'`)
      .run(queryId, runId, stepId).changes > 0
  );
}

/** running → succeeded. */
export function finishStep(
  sql: Sql,
  now: string,
  runId: string,
  stepId: string,
  result: { rows?: number | null; bytes?: number | null } = {},
): boolean {
  return (
    sql
      .stmt(
        `UPDATE steps SET status = 'succeeded', finished_at = @now, locked_at = NULL, rows = @rows, bytes = @bytes
         WHERE run_id = @runId AND step_id = @stepId AND status = 'running'`,
      )
      .run({ runId, stepId, now, rows: result.rows ?? null, bytes: result.bytes ?? null }).changes > 0
  );
}

/**
 * running → pending, not to be claimed before `runAt` (a transient failure). False when the step
 * has used all its attempts: the caller fails it instead.
 */
export function retryStep(
  sql: Sql,
  runId: string,
  stepId: string,
  runAt: string,
  error: FailureInfo,
): boolean {
  return (
    sql
      .stmt(
        `UPDATE steps SET status = 'pending', run_at = @runAt, locked_at = NULL, last_error = @error
         WHERE run_id = @runId AND step_id = @stepId AND status = 'running' AND attempts < max_attempts`,
      )
      .run({ runId, stepId, runAt, error: json(error) }).changes > 0
  );
}

/** running or pending → failed or cancelled. */
export function failStep(
  sql: Sql,
  now: string,
  runId: string,
  stepId: string,
  status: 'failed' | 'cancelled',
  error: FailureInfo,
): boolean {
  return (
    sql
      .stmt(
        `UPDATE steps SET status = @status, finished_at = @now, locked_at = NULL, last_error = @error
         WHERE run_id = @runId AND step_id = @stepId AND status IN ('running', 'pending')`,
      )
      .run({ runId, stepId, status, now, error: json(error) }).changes > 0
  );
}

/**
 * Every running step of a run back to pending, claimable now (a crashed executor's, or those a
 * shutdown cancelled). Returns them with the query id each had, so it can be cancelled first.
 */
export function resetRunningSteps(
  sql: Sql,
  now: string,
  runId: string,
  error?: FailureInfo,
): Array<{ stepId: string; queryId: string | null }> {
  const rows = sql
    .stmt(
      `UPDATE steps SET status = 'pending', run_at = @now, locked_at = NULL,
         last_error = coalesce(@error, last_error)
       WHERE run_id = @runId AND status = 'running' RETURNING step_id, query_id`,
    )
    .all({ runId, now, error: json(error) }) as Array<{ step_id: string; query_id: string | null }>;
  return rows.map((r) => ({ stepId: r.step_id, queryId: r.query_id }));
}
