/**
 * The run store: edgeflow's state in one SQLite file (the config's `state`). The one API the
 * service, executor, scheduler and HTTP layer use for workflows, schedules, runs, steps, logs,
 * tokens and lineage. Every state transition is one statement or one transaction and names the
 * status it expects, so it happens at most once even when two processes share the file.
 *
 * Timestamps in and out are ISO-8601 UTC text with milliseconds (`2024-01-31T10:00:00.000Z`);
 * "now" comes from the clock given to `open` (Date.now by default), so tests can drive it.
 */
import type { RunPlan } from '../../compiler/planner/plan.js';
import { openDatabase, SqliteSql, type OpenOptions, type Sql, type SqliteDatabase } from './database.js';
import { StoreError } from './errors.js';
import * as cache from './cache.js';
import * as logs from './logs.js';
import * as notifications from './notifications.js';
import { migrate, migratePostgres } from './migrate.js';
import { displayUrl, PgSql, type PgSqlOptions } from './pg-sync.js';
import type {
  CacheEntryRecord,
  FailureInfo,
  FinishedRunStatus,
  LineageRecord,
  LogRecord,
  NotificationRecord,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  StepRecord,
  TokenRecord,
  WorkflowSummary,
  WorkflowVersion,
} from './records.js';
import * as runs from './runs.js';
import * as schedules from './schedules.js';
import * as steps from './steps.js';
import * as tokens from './tokens.js';
import * as workflows from './workflows.js';

export interface RunStoreOptions extends OpenOptions {
  /** The clock (epoch ms) every "now" comes from. */
  now?: () => number;
  /**
   * What every error and log line goes through before it is kept (the daemon's Redactor): the
   * store keeps no secret, whichever warehouse message quoted it.
   */
  redactor?: { value<T>(v: T): T };
  /** PostgreSQL state only: call and statement timeouts. */
  postgres?: PgSqlOptions;
}

/** Whether a `state` value names a PostgreSQL database (the rest are SQLite files). */
export function isPostgresState(state: string): boolean {
  return /^postgres(ql)?:\/\//i.test(state);
}

export class RunStore {
  private readonly sql: Sql;
  private readonly clock: () => number;
  private closed = false;

  private constructor(sql: Sql, opts: RunStoreOptions) {
    this.sql = sql;
    this.clock = opts.now ?? Date.now;
    this.redact = opts.redactor ? (v) => opts.redactor!.value(v) : (v) => v;
  }

  private readonly redact: <T>(v: T) => T;

  /**
   * Opens (creating when absent) the file and applies pending migrations. `:memory:` for tests.
   * A `postgres://…` URL opens a PostgreSQL database instead (shared by several daemons).
   */
  static open(file: string, opts: RunStoreOptions = {}): RunStore {
    if (isPostgresState(file)) return RunStore.openPostgres(file, opts);
    let db: SqliteDatabase;
    try {
      db = openDatabase(file, opts);
    } catch (e) {
      throw new StoreError(
        'STATE_UNAVAILABLE',
        `cannot open the state database ${file}: ${(e as Error).message}; check that its directory is writable, or set \`state\` in the config`,
      );
    }
    try {
      migrate(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return new RunStore(new SqliteSql(db), opts);
  }

  private static openPostgres(url: string, opts: RunStoreOptions): RunStore {
    const sql = new PgSql(url, opts.postgres);
    try {
      migratePostgres(sql);
    } catch (e) {
      sql.close();
      if (e instanceof StoreError) throw e;
      throw new StoreError(
        'STATE_UNAVAILABLE',
        `cannot open the state database ${displayUrl(url)}: ${(e as Error).message}; check that PostgreSQL is reachable and the user may create tables there`,
      );
    }
    return new RunStore(sql, opts);
  }

  /** Which database holds the state. */
  get backend(): 'sqlite' | 'postgres' {
    return this.sql.backend;
  }

  /** The underlying SQLite connection (tests, the schema snapshot); SQLite state only. */
  get database(): SqliteDatabase {
    if (!(this.sql instanceof SqliteSql))
      throw new StoreError('CONFLICT', 'the run store is on PostgreSQL: there is no SQLite connection');
    return this.sql.db;
  }

  /** The store's statements, whichever backend (tests, benchmarks). */
  get statements(): Sql {
    return this.sql;
  }

  /** Now, as the store writes it. */
  now(): string {
    return new Date(this.clock()).toISOString();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sql.close();
  }

  // ---------------------------------------------------------------- workflows

  /** A new version, unless the hash equals the latest version's (then that one, created: false). */
  saveWorkflowVersion(input: workflows.SaveWorkflowInput): workflows.SavedWorkflow {
    return workflows.saveWorkflowVersion(this.sql, this.now(), input);
  }

  /** The given version, or the latest. */
  getWorkflowVersion(name: string, version?: number): WorkflowVersion | undefined {
    return workflows.getWorkflowVersion(this.sql, name, version);
  }

  /** A version's number and declared connection, the latest by default (a scheduled fire needs no more). */
  versionHead(name: string, version?: number): { version: number; connection: string | null } | undefined {
    return workflows.versionHead(this.sql, name, version);
  }

  listWorkflows(): WorkflowSummary[] {
    return workflows.listWorkflows(this.sql);
  }

  listWorkflowVersions(name: string): Array<{ version: number; hash: string; createdAt: string }> {
    return workflows.listWorkflowVersions(this.sql, name);
  }

  // ---------------------------------------------------------------- schedules

  /** Creates or replaces a workflow's schedule (the workflow must be saved). */
  upsertSchedule(input: schedules.ScheduleInput): ScheduleRecord {
    return schedules.upsertSchedule(this.sql, this.now(), input);
  }

  getSchedule(workflow: string): ScheduleRecord | undefined {
    return schedules.getSchedule(this.sql, workflow);
  }

  listSchedules(opts: { enabled?: boolean } = {}): ScheduleRecord[] {
    return schedules.listSchedules(this.sql, opts);
  }

  deleteSchedule(workflow: string): boolean {
    return schedules.deleteSchedule(this.sql, workflow);
  }

  /** Enabled schedules due at `at` (ISO; default now), soonest first. */
  dueSchedules(at: string = this.now(), limit = 1000): ScheduleRecord[] {
    return schedules.dueSchedules(this.sql, at, limit);
  }

  /**
   * Advances a schedule past a fire (compare-and-set on last_nominal_at): false when another
   * scheduler did it first. Create the fire's run first, with idempotency key
   * `schedule:<workflow>:<nominalAt>`: a crash between the two re-fires into the same run.
   */
  recordScheduleFire(workflow: string, fire: schedules.FireInput): boolean {
    return schedules.recordScheduleFire(this.sql, this.now(), workflow, fire);
  }

  setScheduleNextFire(workflow: string, nextFireAt: string | null): boolean {
    return schedules.setScheduleNextFire(this.sql, this.now(), workflow, nextFireAt);
  }

  // ---------------------------------------------------------------- runs

  /**
   * Creates a run with its steps (all pending) and lineage, queued (or running, held by `owner`).
   * With an idempotency key already used, creates nothing and returns that run (created: false).
   */
  createRun(input: runs.NewRun): runs.CreatedRun {
    return runs.createRun(this.sql, this.now(), input);
  }

  getRun(id: string): RunRecord | undefined {
    return runs.getRun(this.sql, id);
  }

  getRunByIdempotencyKey(key: string): RunRecord | undefined {
    return runs.getRunByIdempotencyKey(this.sql, key);
  }

  /** The plan the run was created with (what a resume runs). */
  getRunPlan(id: string): RunPlan | undefined {
    return runs.getRunPlan(this.sql, id);
  }

  /** The plan of a run created without one (compiled when it starts); false when it had one. */
  attachPlan(id: string, a: Parameters<typeof runs.attachPlan>[3]): boolean {
    return runs.attachPlan(this.sql, this.now(), id, a);
  }

  /** Runs `fn` in one transaction (many runs created in one commit: a burst of scheduled fires). */
  transaction<T>(fn: () => T): T {
    return this.sql.tx(fn);
  }

  /** The inline document of a run of an unsaved workflow; null for a saved version. */
  getRunDocument(id: string): unknown {
    return runs.getRunDocument(this.sql, id);
  }

  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  listRuns(q: runs.ListRunsQuery = {}): { runs: RunRecord[]; nextCursor: string | null } {
    return runs.listRuns(this.sql, q);
  }

  /** Whether a run of the workflow is queued or running (one indexed lookup). */
  hasActiveRun(workflow: string): boolean {
    return runs.hasActiveRun(this.sql, workflow);
  }

  /** How many runs are in each status (metrics: queue depth is `queued`). */
  runCounts(): Record<RunStatus, number> {
    return runs.runCounts(this.sql);
  }

  runLineage(id: string): LineageRecord[] {
    return runs.runLineage(this.sql, id);
  }

  /** queued → running, held by `owner`; undefined when it was not queued. */
  claimRun(id: string, owner: string): RunRecord | undefined {
    return runs.claimRun(this.sql, this.now(), id, owner);
  }

  /** Claims the oldest queued run for `owner`. */
  claimNextRun(owner: string): RunRecord | undefined {
    return runs.claimNextRun(this.sql, this.now(), owner);
  }

  /** `owner` is alive: refreshes the heartbeat of every run it holds. */
  heartbeat(owner: string): number {
    return runs.heartbeat(this.sql, this.now(), owner);
  }

  /** running → queued (a graceful shutdown hands the run to the next executor). */
  releaseRun(id: string, owner: string): boolean {
    return runs.releaseRun(this.sql, id, owner);
  }

  /** running → succeeded | failed | cancelled | interrupted; pending steps become skipped/cancelled. */
  finishRun(
    id: string,
    owner: string,
    status: FinishedRunStatus,
    error: FailureInfo | null = null,
  ): RunRecord | undefined {
    return runs.finishRun(this.sql, this.now(), id, owner, status, this.redact(error));
  }

  /** Cancels a queued run now, flags a running one for its executor; a finished one is returned as is. */
  requestCancel(id: string): { run: RunRecord; effect: runs.CancelEffect } | undefined {
    return runs.requestCancel(this.sql, this.now(), id);
  }

  cancelRequestedRuns(owner: string): string[] {
    return runs.cancelRequestedRuns(this.sql, owner);
  }

  runningRuns(): RunRecord[] {
    return runs.runningRuns(this.sql);
  }

  /**
   * Moves a running run from a gone owner to `toOwner` (compare-and-set on the owner); with
   * `leaseExpiredBefore` (ISO), only while the owner's last heartbeat is older (its lease expired).
   */
  takeOverRun(id: string, fromOwner: string, toOwner: string, leaseExpiredBefore?: string): boolean {
    return runs.takeOverRun(this.sql, this.now(), id, fromOwner, toOwner, leaseExpiredBefore);
  }

  /** The ids of the runs `owner` holds now. */
  heldRuns(owner: string): string[] {
    return runs.heldRuns(this.sql, owner);
  }

  runsWithStagingLeft(limit?: number): Array<{ id: string; connection: string }> {
    return runs.runsWithStagingLeft(this.sql, limit);
  }

  markStagingDropped(id: string): void {
    runs.markStagingDropped(this.sql, id);
  }

  // ---------------------------------------------------------------- steps

  listSteps(runId: string): StepRecord[] {
    return steps.listSteps(this.sql, runId);
  }

  getStep(runId: string, stepId: string): StepRecord | undefined {
    return steps.getStep(this.sql, runId, stepId);
  }

  /** pending → running (attempts + 1) when its run_at has come; undefined otherwise. */
  claimStep(runId: string, stepId: string, owner?: string): StepRecord | undefined {
    return steps.claimStep(this.sql, this.now(), runId, stepId, owner);
  }

  /** Records the warehouse's id of the statement about to be awaited. */
  setStepQueryId(runId: string, stepId: string, queryId: string): boolean {
    return steps.setStepQueryId(this.sql, runId, stepId, queryId);
  }

  finishStep(
    runId: string,
    stepId: string,
    result?: { rows?: number | null; bytes?: number | null },
  ): boolean {
    return steps.finishStep(this.sql, this.now(), runId, stepId, result);
  }

  /** running → pending until `runAt`; false when its attempts are used up. */
  retryStep(runId: string, stepId: string, runAt: string, error: FailureInfo): boolean {
    return steps.retryStep(this.sql, runId, stepId, runAt, this.redact(error));
  }

  failStep(runId: string, stepId: string, status: 'failed' | 'cancelled', error: FailureInfo): boolean {
    return steps.failStep(this.sql, this.now(), runId, stepId, status, this.redact(error));
  }

  /** Every running step of the run back to pending; returns their last query ids. */
  resetRunningSteps(runId: string, error?: FailureInfo): Array<{ stepId: string; queryId: string | null }> {
    return steps.resetRunningSteps(this.sql, this.now(), runId, this.redact(error));
  }

  // ---------------------------------------------------------------- logs

  appendLog(entry: logs.NewLog): number {
    return logs.appendLog(this.sql, this.now(), this.redact(entry));
  }

  /** Lines after id `after` (exclusive), oldest first. */
  runLogs(runId: string, opts: { after?: number; limit?: number } = {}): LogRecord[] {
    return logs.runLogs(this.sql, runId, opts);
  }

  // ---------------------------------------------------------------- result cache (daemon/cache)

  /** The run's cache document; undefined for a run whose workflow does not reuse results. */
  getRunCache(runId: string): unknown {
    return cache.getRunCache(this.sql, runId);
  }

  /** Replaces the run's plan and cache document, if the cache document is still `expected`. */
  prepareRunCache(runId: string, expected: unknown, plan: RunPlan, doc: unknown): boolean {
    return cache.prepareRunCache(this.sql, runId, expected, plan, doc);
  }

  /** running → succeeded with the result of run `from` (no statement ran). */
  reuseStep(runId: string, stepId: string, from: string, rows: number | null): boolean {
    return cache.reuseStep(this.sql, this.now(), runId, stepId, from, rows);
  }

  getCacheEntry(connection: string, key: string): CacheEntryRecord | undefined {
    return cache.getCacheEntry(this.sql, connection, key);
  }

  /** False while the janitor drops the entry's table. */
  beginCacheEntry(e: cache.BuildingEntry): boolean {
    return cache.beginCacheEntry(this.sql, this.now(), e);
  }

  /** The janitor takes an entry to drop its table, if it is still as read (false otherwise). */
  markCacheEntryDropping(
    connection: string,
    key: string,
    expected: { status: string; runId: string; createdAt: string; lastUsedAt: string },
    janitor: string,
  ): boolean {
    return cache.markCacheEntryDropping(this.sql, this.now(), connection, key, expected, janitor);
  }

  cacheEntryReady(
    connection: string,
    key: string,
    runId: string,
    r: { expiresAt: string; rows: number | null; bytes: number | null; tableVersion: string | null },
  ): boolean {
    return cache.cacheEntryReady(this.sql, this.now(), connection, key, runId, r);
  }

  /** A run reuses a ready entry (false: it changed since it was read, so the step runs). */
  useCacheEntry(connection: string, key: string, expected: { runId: string; createdAt: string }): boolean {
    return cache.useCacheEntry(this.sql, this.now(), connection, key, expected);
  }

  /** The cache documents of queued and running runs (the janitor leaves their entries alone). */
  activeRunCaches(): Array<{ runId: string; cache: unknown }> {
    return cache.activeRunCaches(this.sql);
  }

  deleteCacheEntry(connection: string, key: string, expected: { runId: string; createdAt: string }): boolean {
    return cache.deleteCacheEntry(this.sql, connection, key, expected);
  }

  listCacheEntries(q: { connection?: string; workflow?: string } = {}): CacheEntryRecord[] {
    return cache.listCacheEntries(this.sql, q);
  }

  // ---------------------------------------------------------------- alerts (daemon/notify)

  /** Enqueues an alert once per dedupe key; false when it was enqueued already. */
  enqueueNotification(n: notifications.NewNotification): boolean {
    return notifications.enqueueNotification(this.sql, this.now(), this.redact(n));
  }

  /** Claims the oldest due alert for `owner` (or one whose sender's lock is older than `staleBefore`). */
  claimNotification(owner: string, staleBefore: string): NotificationRecord | undefined {
    return notifications.claimNotification(this.sql, this.now(), owner, staleBefore);
  }

  notificationSent(id: number, owner: string): boolean {
    return notifications.notificationSent(this.sql, this.now(), id, owner);
  }

  /** Back to pending until `retryAt`, or given up (null). */
  notificationFailed(id: number, owner: string, error: string, retryAt: string | null): boolean {
    return notifications.notificationFailed(this.sql, id, owner, this.redact(error), retryAt);
  }

  nextNotificationDue(): string | undefined {
    return notifications.nextNotificationDue(this.sql);
  }

  listNotifications(q: { runId?: string; workflow?: string } = {}): NotificationRecord[] {
    return notifications.listNotifications(this.sql, q);
  }

  // ---------------------------------------------------------------- API tokens

  /** Stores a token by its hash (the token itself is never given to the store). */
  createToken(input: tokens.NewToken): TokenRecord {
    return tokens.createToken(this.sql, this.now(), input);
  }

  /** The token with this SHA-256 (hex or bytes), revoked or not. */
  findTokenByHash(hash: string | Buffer): TokenRecord | undefined {
    return tokens.findTokenByHash(this.sql, hash);
  }

  touchToken(id: string, at: Date | string = this.now()): void {
    tokens.touchToken(this.sql, id, typeof at === 'string' ? at : at.toISOString());
  }

  listTokens(): TokenRecord[] {
    return tokens.listTokens(this.sql);
  }

  /** False when there is no such token, or it was revoked already. */
  revokeToken(id: string): boolean {
    return tokens.revokeToken(this.sql, this.now(), id);
  }
}
