/** A run's log lines, read back in order with an `after` cursor (the last id seen). */
import type { Sql } from './database.js';
import { json, logRecord, type LogLevel, type LogRecord, type LogRow } from './records.js';

export interface NewLog {
  runId: string;
  stepId?: string | null;
  level: LogLevel;
  message: string;
  data?: unknown;
}

export function appendLog(sql: Sql, now: string, l: NewLog): number {
  const row = sql
    .stmt(
      'INSERT INTO logs (run_id, step_id, at, level, message, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(l.runId, l.stepId ?? null, now, l.level, l.message, json(l.data)) as { id: number };
  return Number(row.id);
}

export function runLogs(sql: Sql, runId: string, opts: { after?: number; limit?: number } = {}): LogRecord[] {
  const limit = Math.min(10_000, Math.max(1, Math.floor(opts.limit ?? 1000)));
  return (
    sql
      .stmt('SELECT * FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(runId, opts.after ?? 0, limit) as LogRow[]
  ).map(logRecord);
}
