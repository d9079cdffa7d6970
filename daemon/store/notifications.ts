/**
 * The alert outbox (migrations/002_notifications.sql): enqueue once per dedupe key, claim the
 * oldest due alert (or one whose sender died mid-send), then sent, retried later, or given up.
 * Every transition names the status and the holder it expects, so it happens once. Plain SQL with
 * `?` parameters only: the same text runs on the PostgreSQL run store.
 */
import type { Sql } from './database.js';
import { notificationRecord, type NotificationRecord, type NotificationRow } from './records.js';

export interface NewNotification {
  dedupeKey: string;
  channel: string;
  event: NotificationRecord['event'];
  workflow: string;
  runId?: string | null;
  payload: unknown;
  /** Tries before it is given up (default 8). */
  maxAttempts?: number;
}

/** False when an alert with this dedupe key was enqueued already (by this daemon or another). */
export function enqueueNotification(sql: Sql, now: string, n: NewNotification): boolean {
  return (
    sql
      .stmt(
        `INSERT INTO notifications (dedupe_key, channel, event, workflow, run_id, payload, max_attempts, run_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(
        n.dedupeKey,
        n.channel,
        n.event,
        n.workflow,
        n.runId ?? null,
        JSON.stringify(n.payload),
        n.maxAttempts ?? 8,
        now,
        now,
      ).changes > 0
  );
}

/**
 * The oldest due alert, claimed by `owner` (status sending, attempts + 1); or one left sending by
 * a sender whose lock is older than `staleBefore` (it died mid-send: the alert may go out twice,
 * which the delivery id lets a receiver notice).
 */
export function claimNotification(
  sql: Sql,
  now: string,
  owner: string,
  staleBefore: string,
): NotificationRecord | undefined {
  const due = `(status = 'pending' AND run_at <= ?) OR (status = 'sending' AND locked_at < ?)`;
  const row = sql
    .stmt(
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, locked_at = ?, locked_by = ?
       WHERE id = (SELECT id FROM notifications WHERE ${due} ORDER BY run_at, id LIMIT 1) AND (${due})
       RETURNING *`,
    )
    .get(now, owner, now, staleBefore, now, staleBefore) as NotificationRow | undefined;
  return row && notificationRecord(row);
}

/** sending → sent. */
export function notificationSent(sql: Sql, now: string, id: number, owner: string): boolean {
  return (
    sql
      .stmt(
        `UPDATE notifications SET status = 'sent', sent_at = ?, locked_at = NULL, last_error = NULL
         WHERE id = ? AND status = 'sending' AND locked_by = ?`,
      )
      .run(now, id, owner).changes > 0
  );
}

/** sending → pending until `retryAt`, or → failed (given up) when `retryAt` is null. */
export function notificationFailed(
  sql: Sql,
  id: number,
  owner: string,
  error: string,
  retryAt: string | null,
): boolean {
  // Two statements rather than `CASE WHEN ? IS NULL`: a parameter's type must be known everywhere.
  const r =
    retryAt === null
      ? sql
          .stmt(
            `UPDATE notifications SET status = 'failed', locked_at = NULL, last_error = ?
             WHERE id = ? AND status = 'sending' AND locked_by = ?`,
          )
          .run(error, id, owner)
      : sql
          .stmt(
            `UPDATE notifications SET status = 'pending', run_at = ?, locked_at = NULL, last_error = ?
             WHERE id = ? AND status = 'sending' AND locked_by = ?`,
          )
          .run(retryAt, error, id, owner);
  return r.changes > 0;
}

/** When the next pending alert is due (the sender sleeps until then); undefined when none is. */
export function nextNotificationDue(sql: Sql): string | undefined {
  const row = sql.stmt(`SELECT min(run_at) AS at FROM notifications WHERE status = 'pending'`).get() as
    { at: string | null } | undefined;
  return row?.at ?? undefined;
}

export function listNotifications(
  sql: Sql,
  q: { runId?: string; workflow?: string } = {},
): NotificationRecord[] {
  const rows = (
    q.runId !== undefined
      ? sql.stmt('SELECT * FROM notifications WHERE run_id = ? ORDER BY id').all(q.runId)
      : q.workflow !== undefined
        ? sql.stmt('SELECT * FROM notifications WHERE workflow = ? ORDER BY id').all(q.workflow)
        : sql.stmt('SELECT * FROM notifications ORDER BY id').all()
  ) as NotificationRow[];
  return rows.map(notificationRecord);
}
