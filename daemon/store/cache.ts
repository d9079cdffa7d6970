/**
 * The result cache's records (migrations/003_result_cache.sql): a run's cache document, steps
 * reused from an earlier run, and the cache entries. Every transition names what it expects (the
 * run building an entry, the entry as it was read), so two daemons never both record one.
 *
 * Plain SQL with `?` parameters only (no SQLite-only functions): the same text runs on the
 * PostgreSQL run store.
 */
import type { Sql } from './database.js';
import { cacheEntryRecord, type CacheEntryRecord, type CacheEntryRow } from './records.js';

/** A run's cache document (daemon/cache owns its shape); undefined when the run is not cached. */
export function getRunCache(sql: Sql, runId: string): unknown {
  const row = sql.stmt('SELECT cache FROM runs WHERE id = ?').get(runId) as
    { cache: string | null } | undefined;
  return row?.cache ? (JSON.parse(row.cache) as unknown) : undefined;
}

/** The cache documents of runs not finished yet (queued or running): the keys they may read. */
export function activeRunCaches(sql: Sql): Array<{ runId: string; cache: unknown }> {
  const rows = sql
    .stmt(`SELECT id, cache FROM runs WHERE status IN ('queued', 'running') AND cache IS NOT NULL`)
    .all() as Array<{ id: string; cache: string }>;
  return rows.map((r) => ({ runId: r.id, cache: JSON.parse(r.cache) as unknown }));
}

/**
 * Replaces a run's plan and cache document together, only if its cache document is still
 * `expected` (the run's first start names its cached tables once, even if two processes race).
 */
export function prepareRunCache(
  sql: Sql,
  runId: string,
  expected: unknown,
  plan: unknown,
  cache: unknown,
): boolean {
  return (
    sql
      .stmt('UPDATE runs SET plan = ?, cache = ? WHERE id = ? AND cache = ?')
      .run(JSON.stringify(plan), JSON.stringify(cache), runId, JSON.stringify(expected)).changes > 0
  );
}

/** running → succeeded, its result taken from run `from` (no statement ran). */
export function reuseStep(
  sql: Sql,
  now: string,
  runId: string,
  stepId: string,
  from: string,
  rows: number | null,
): boolean {
  return (
    sql
      .stmt(
        `UPDATE steps SET status = 'succeeded', finished_at = ?, locked_at = NULL, reused_from = ?, rows = ?
         WHERE run_id = ? AND step_id = ? AND status = 'running'`,
      )
      .run(now, from, rows, runId, stepId).changes > 0
  );
}

const ENTRY = 'SELECT * FROM cache_entries';

export function getCacheEntry(sql: Sql, connection: string, key: string): CacheEntryRecord | undefined {
  const row = sql.stmt(`${ENTRY} WHERE connection = ? AND key = ?`).get(connection, key) as
    CacheEntryRow | undefined;
  return row && cacheEntryRecord(row);
}

export interface BuildingEntry {
  connection: string;
  key: string;
  kind: CacheEntryRecord['kind'];
  table: string;
  tableParts: string[];
  sources: Record<string, string>;
  workflow: string;
  stepId: string;
  runId: string;
  /** Until it is ready, a building entry "expires" here (the janitor may clear it after). */
  expiresAt: string;
}

/**
 * The entry is being (re)made by `runId`: it is not reused until `cacheEntryReady`. False while
 * the janitor is dropping its table (wait for the entry to be gone, then begin again).
 */
export function beginCacheEntry(sql: Sql, now: string, e: BuildingEntry): boolean {
  return (
    sql
      .stmt(
        `INSERT INTO cache_entries (connection, key, kind, status, table_name, table_parts, table_version, sources,
                                    workflow, step_id, run_id, created_at, expires_at, last_used_at)
         VALUES (?, ?, ?, 'building', ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (connection, key) DO UPDATE SET
           kind = excluded.kind, status = 'building', table_name = excluded.table_name,
           table_parts = excluded.table_parts, table_version = NULL, sources = excluded.sources,
           workflow = excluded.workflow, step_id = excluded.step_id, run_id = excluded.run_id, rows = NULL,
           bytes = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at,
           last_used_at = excluded.last_used_at
         WHERE cache_entries.status <> 'dropping'`,
      )
      .run(
        e.connection,
        e.key,
        e.kind,
        e.table,
        JSON.stringify(e.tableParts),
        JSON.stringify(e.sources),
        e.workflow,
        e.stepId,
        e.runId,
        now,
        e.expiresAt,
        now,
      ).changes > 0
  );
}

/** building (by `runId`) → ready until `expiresAt`; false when another run took the entry over. */
export function cacheEntryReady(
  sql: Sql,
  now: string,
  connection: string,
  key: string,
  runId: string,
  r: { expiresAt: string; rows: number | null; bytes: number | null; tableVersion: string | null },
): boolean {
  return (
    sql
      .stmt(
        `UPDATE cache_entries SET status = 'ready', expires_at = ?, rows = ?, bytes = ?, table_version = ?,
           created_at = ?, last_used_at = ?
         WHERE connection = ? AND key = ? AND run_id = ? AND status = 'building'`,
      )
      .run(r.expiresAt, r.rows, r.bytes, r.tableVersion, now, now, connection, key, runId).changes > 0
  );
}

/**
 * A run reuses a ready entry: its last use is now, if it is still the entry that was read (ready,
 * same maker and creation). False when the janitor took it meanwhile: the step runs instead.
 */
export function useCacheEntry(
  sql: Sql,
  now: string,
  connection: string,
  key: string,
  expected: { runId: string; createdAt: string },
): boolean {
  return (
    sql
      .stmt(
        `UPDATE cache_entries SET last_used_at = ?
         WHERE connection = ? AND key = ? AND status = 'ready' AND run_id = ? AND created_at = ?`,
      )
      .run(now, connection, key, expected.runId, expected.createdAt).changes > 0
  );
}

/**
 * The janitor takes an entry to drop it: compare-and-set on what it read (status, maker, creation,
 * last use), so an entry a run rebuilt or reused meanwhile is left alone.
 */
export function markCacheEntryDropping(
  sql: Sql,
  now: string,
  connection: string,
  key: string,
  expected: { status: string; runId: string; createdAt: string; lastUsedAt: string },
  janitor: string,
): boolean {
  return (
    sql
      .stmt(
        `UPDATE cache_entries SET status = 'dropping', run_id = ?, created_at = ?, last_used_at = ?
         WHERE connection = ? AND key = ? AND status = ? AND run_id = ? AND created_at = ? AND last_used_at = ?`,
      )
      .run(
        janitor,
        now,
        now,
        connection,
        key,
        expected.status,
        expected.runId,
        expected.createdAt,
        expected.lastUsedAt,
      ).changes > 0
  );
}

/** Removes an entry if it is still the one read (same maker and creation): false when it changed. */
export function deleteCacheEntry(
  sql: Sql,
  connection: string,
  key: string,
  expected: { runId: string; createdAt: string },
): boolean {
  return (
    sql
      .stmt('DELETE FROM cache_entries WHERE connection = ? AND key = ? AND run_id = ? AND created_at = ?')
      .run(connection, key, expected.runId, expected.createdAt).changes > 0
  );
}

export function listCacheEntries(
  sql: Sql,
  q: { connection?: string; workflow?: string } = {},
): CacheEntryRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.connection !== undefined) {
    where.push('connection = ?');
    args.push(q.connection);
  }
  if (q.workflow !== undefined) {
    where.push('workflow = ?');
    args.push(q.workflow);
  }
  const rows = sql
    .stmt(
      `${ENTRY}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY connection, last_used_at, key`,
    )
    .all(...args) as CacheEntryRow[];
  return rows.map(cacheEntryRecord);
}
