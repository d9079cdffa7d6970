/**
 * Schedules, one per workflow. The scheduler owns the cron arithmetic; the store keeps what must
 * survive a restart (the last fired nominal time, the next fire) and advances it atomically.
 */
import type { Sql } from './database.js';
import { StoreError } from './errors.js';
import { scheduleRecord, type ScheduleRecord, type ScheduleRow } from './records.js';

export interface ScheduleInput {
  workflow: string;
  cron: string;
  timezone?: string;
  catchup?: ScheduleRecord['catchup'];
  maxCatchup?: number;
  enabled?: boolean;
  params?: Record<string, unknown>;
  connection?: string | null;
  /** When it fires next (the scheduler computes it); kept as is when absent on an update. */
  nextFireAt?: string | null;
}

export function upsertSchedule(sql: Sql, now: string, s: ScheduleInput): ScheduleRecord {
  try {
    const row = sql
      .stmt(
        `INSERT INTO schedules (workflow, cron, timezone, catchup, max_catchup, enabled, params, connection,
                                next_fire_at, created_at, updated_at)
         VALUES (@workflow, @cron, @timezone, @catchup, @maxCatchup, @enabled, @params, @connection, @nextFireAt, @now, @now)
         ON CONFLICT (workflow) DO UPDATE SET
           cron = excluded.cron, timezone = excluded.timezone, catchup = excluded.catchup,
           max_catchup = excluded.max_catchup, enabled = excluded.enabled, params = excluded.params,
           connection = excluded.connection,
           next_fire_at = CASE WHEN @hasNext THEN excluded.next_fire_at ELSE schedules.next_fire_at END,
           updated_at = excluded.updated_at
         RETURNING *`,
      )
      .get({
        workflow: s.workflow,
        cron: s.cron,
        timezone: s.timezone ?? 'UTC',
        catchup: s.catchup ?? 'latest',
        maxCatchup: s.maxCatchup ?? 10,
        enabled: s.enabled === false ? 0 : 1,
        params: JSON.stringify(s.params ?? {}),
        connection: s.connection ?? null,
        nextFireAt: s.nextFireAt ?? null,
        hasNext: s.nextFireAt !== undefined ? 1 : 0,
        now,
      }) as ScheduleRow;
    return scheduleRecord(row);
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      throw new StoreError(
        'NOT_FOUND',
        `workflow "${s.workflow}" is not saved; save it before scheduling it`,
      );
    throw e;
  }
}

export function getSchedule(sql: Sql, workflow: string): ScheduleRecord | undefined {
  const row = sql.stmt('SELECT * FROM schedules WHERE workflow = ?').get(workflow) as ScheduleRow | undefined;
  return row && scheduleRecord(row);
}

export function listSchedules(sql: Sql, opts: { enabled?: boolean } = {}): ScheduleRecord[] {
  const rows = (
    opts.enabled === undefined
      ? sql.stmt('SELECT * FROM schedules ORDER BY workflow').all()
      : sql.stmt('SELECT * FROM schedules WHERE enabled = ? ORDER BY workflow').all(opts.enabled ? 1 : 0)
  ) as ScheduleRow[];
  return rows.map(scheduleRecord);
}

export function deleteSchedule(sql: Sql, workflow: string): boolean {
  return sql.stmt('DELETE FROM schedules WHERE workflow = ?').run(workflow).changes > 0;
}

/** Enabled schedules whose next fire is at or before `at`, soonest first. */
export function dueSchedules(sql: Sql, at: string, limit: number): ScheduleRecord[] {
  const rows = sql
    .stmt(
      `SELECT * FROM schedules WHERE enabled = 1 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
       ORDER BY next_fire_at, workflow LIMIT ?`,
    )
    .all(at, limit) as ScheduleRow[];
  return rows.map(scheduleRecord);
}

export interface FireInput {
  /** The nominal time just fired (or skipped); becomes last_nominal_at. */
  nominalAt: string;
  nextFireAt: string | null;
  /**
   * The last_nominal_at the caller read (null for never): the update happens only if it is still
   * that, so two schedulers cannot both advance one schedule.
   */
  expectedLastNominalAt: string | null;
}

/** Advances a schedule past a fire; false when another scheduler advanced it first. */
export function recordScheduleFire(sql: Sql, now: string, workflow: string, f: FireInput): boolean {
  return (
    sql
      .stmt(
        `UPDATE schedules SET last_nominal_at = @nominalAt, next_fire_at = @nextFireAt, updated_at = @now
         WHERE workflow = @workflow AND last_nominal_at IS NOT DISTINCT FROM @expected`,
      )
      .run({
        workflow,
        nominalAt: f.nominalAt,
        nextFireAt: f.nextFireAt,
        expected: f.expectedLastNominalAt,
        now,
      }).changes > 0
  );
}

/** Sets when a schedule fires next without recording a fire (after a start-up or a change). */
export function setScheduleNextFire(
  sql: Sql,
  now: string,
  workflow: string,
  nextFireAt: string | null,
): boolean {
  return (
    sql
      .stmt('UPDATE schedules SET next_fire_at = ?, updated_at = ? WHERE workflow = ?')
      .run(nextFireAt, now, workflow).changes > 0
  );
}
