/**
 * What the run store hands out: plain, JSON-ready records (timestamps as ISO-8601 UTC text with
 * milliseconds, JSON columns parsed), and the row shapes they are read from.
 */
import type { Scope as TokenScope } from '../auth/scopes.js';

export const RUN_TRIGGERS = ['manual', 'api', 'schedule', 'cli', 'mcp'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these will not change status again. */
export const FINISHED_RUN_STATUSES = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number];

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type StepKind = 'prepare' | 'materialize' | 'write' | 'cleanup';

// Token scopes are declared once, with what each allows, in daemon/auth/scopes.ts.
export { SCOPES as TOKEN_SCOPES, type Scope as TokenScope } from '../auth/scopes.js';

/** Why a run or a step failed: what to show a person or an agent. Never holds a secret. */
export interface FailureInfo {
  /** CANCELLED, TIMEOUT, WAREHOUSE_ERROR, INTERRUPTED, SHUTDOWN, a SQLSTATE… */
  code: string;
  message: string;
  /** The step that failed (run errors). */
  step?: string;
  /** The statement that failed, as the connector reported it (secrets redacted). */
  sql?: string;
  errorClass?: 'transient' | 'permanent' | 'cancelled';
  /** The warehouse's own code (SQLSTATE, BigQuery reason). */
  warehouseCode?: string;
  hint?: string;
  queryId?: string;
}

export interface WorkflowVersion {
  name: string;
  version: number;
  /** SHA-256 (hex) of the document's canonical JSON. */
  hash: string;
  document: unknown;
  createdAt: string;
}

export interface WorkflowSummary {
  name: string;
  latestVersion: number;
  hash: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleRecord {
  workflow: string;
  cron: string;
  timezone: string;
  catchup: 'none' | 'latest' | 'all';
  maxCatchup: number;
  enabled: boolean;
  /** Parameters each fire's run gets. */
  params: Record<string, unknown>;
  /** The connection to run on; null: the workflow's own. */
  connection: string | null;
  /** The nominal (cron) time of the last fire; catch-up starts after it. */
  lastNominalAt: string | null;
  nextFireAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunRecord {
  id: string;
  /** The first attempt's id (itself for a first attempt): the append ledger's key. */
  rootId: string;
  workflow: string;
  /** The saved version run; null for an inline document. */
  version: number | null;
  trigger: RunTrigger;
  idempotencyKey: string | null;
  status: RunStatus;
  attempt: number;
  /** The run this one is a new attempt of. */
  retryOf: string | null;
  params: Record<string, unknown>;
  connection: string;
  dialect: string;
  /** The cron time a scheduled run stands for. */
  nominalAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: FailureInfo | null;
  cancelRequested: boolean;
  /** The executor running it (status running only). */
  owner: string | null;
  heartbeatAt: string | null;
  stagingDropped: boolean;
}

export interface StepRecord {
  runId: string;
  stepId: string;
  position: number;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedAt: string | null;
  queryId: string | null;
  rows: number | null;
  bytes: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastError: FailureInfo | null;
  /** The earlier run whose result this step reused (no statement ran); null when it ran. */
  reusedFrom: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  /** Increasing: pass the last one seen as `after` to read only newer lines. */
  id: number;
  runId: string;
  stepId: string | null;
  at: string;
  level: LogLevel;
  message: string;
  data: unknown;
}

/** Shaped as daemon/auth's StoredToken. */
export interface TokenRecord {
  id: string;
  name: string;
  scopes: TokenScope[];
  /** SHA-256 of the token, hex (lower case). */
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface LineageRecord {
  outputNode: string;
  outputTable: string;
  column: string;
  sourceTable: string | null;
  sourceColumn: string | null;
}

// ------------------------------------------------------------------ rows

export interface RunRow {
  id: string;
  root_id: string;
  workflow: string;
  version: number | null;
  trigger: RunTrigger;
  idempotency_key: string | null;
  status: RunStatus;
  attempt: number;
  retry_of: string | null;
  params: string;
  connection: string;
  dialect: string;
  nominal_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  cancel_requested: number;
  owner: string | null;
  heartbeat_at: string | null;
  staging_dropped: number;
}

/** The run columns a record needs (not the plan or the document, which can be large). */
export const RUN_COLUMNS =
  'id, root_id, workflow, version, trigger, idempotency_key, status, attempt, retry_of, params, connection, dialect, nominal_at, created_at, started_at, finished_at, error, cancel_requested, owner, heartbeat_at, staging_dropped';

export function runRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    rootId: r.root_id,
    workflow: r.workflow,
    version: r.version,
    trigger: r.trigger,
    idempotencyKey: r.idempotency_key,
    status: r.status,
    attempt: r.attempt,
    retryOf: r.retry_of,
    params: JSON.parse(r.params) as Record<string, unknown>,
    connection: r.connection,
    dialect: r.dialect,
    nominalAt: r.nominal_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error === null ? null : (JSON.parse(r.error) as FailureInfo),
    cancelRequested: r.cancel_requested === 1,
    owner: r.owner,
    heartbeatAt: r.heartbeat_at,
    stagingDropped: r.staging_dropped === 1,
  };
}

export interface StepRow {
  run_id: string;
  step_id: string;
  position: number;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_at: string | null;
  query_id: string | null;
  rows: number | null;
  bytes: number | null;
  started_at: string | null;
  finished_at: string | null;
  last_error: string | null;
  reused_from: string | null;
}

export function stepRecord(r: StepRow): StepRecord {
  return {
    runId: r.run_id,
    stepId: r.step_id,
    position: r.position,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lockedAt: r.locked_at,
    queryId: r.query_id,
    rows: r.rows,
    bytes: r.bytes,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    lastError: r.last_error === null ? null : (JSON.parse(r.last_error) as FailureInfo),
    reusedFrom: r.reused_from ?? null,
  };
}

export interface ScheduleRow {
  workflow: string;
  cron: string;
  timezone: string;
  catchup: ScheduleRecord['catchup'];
  max_catchup: number;
  enabled: number;
  params: string;
  connection: string | null;
  last_nominal_at: string | null;
  next_fire_at: string | null;
  created_at: string;
  updated_at: string;
}

export function scheduleRecord(r: ScheduleRow): ScheduleRecord {
  return {
    workflow: r.workflow,
    cron: r.cron,
    timezone: r.timezone,
    catchup: r.catchup,
    maxCatchup: r.max_catchup,
    enabled: r.enabled === 1,
    params: JSON.parse(r.params) as Record<string, unknown>,
    connection: r.connection,
    lastNominalAt: r.last_nominal_at,
    nextFireAt: r.next_fire_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface TokenRow {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function tokenRecord(r: TokenRow): TokenRecord {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    hash: r.hash,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export interface LogRow {
  id: number;
  run_id: string;
  step_id: string | null;
  at: string;
  level: LogLevel;
  message: string;
  data: string | null;
}

export function logRecord(r: LogRow): LogRecord {
  return {
    id: r.id,
    runId: r.run_id,
    stepId: r.step_id,
    at: r.at,
    level: r.level,
    message: r.message,
    data: r.data === null ? null : (JSON.parse(r.data) as unknown),
  };
}

/** JSON text for a column; undefined and null stay NULL. */
export function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** An alert in the outbox (daemon/notify). */
export interface NotificationRecord {
  id: number;
  /** `<run id>:<event>:<channel>` (or `skip:<workflow>:<fire>:<channel>`): enqueued once. */
  dedupeKey: string;
  channel: string;
  event: 'failure' | 'success' | 'slow' | 'skipped';
  workflow: string;
  runId: string | null;
  payload: unknown;
  status: NotificationStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedAt: string | null;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface NotificationRow {
  id: number;
  dedupe_key: string;
  channel: string;
  event: NotificationRecord['event'];
  workflow: string;
  run_id: string | null;
  payload: string;
  status: NotificationStatus;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_at: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export function notificationRecord(r: NotificationRow): NotificationRecord {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    channel: r.channel,
    event: r.event,
    workflow: r.workflow,
    runId: r.run_id,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lockedAt: r.locked_at,
    lockedBy: r.locked_by,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** A result kept for reuse (daemon/cache). */
export interface CacheEntryRecord {
  connection: string;
  key: string;
  kind: 'materialize' | 'write';
  status: 'building' | 'ready' | 'dropping';
  /** The table holding it, as the dialect writes it, and its name parts. */
  table: string;
  tableParts: string[];
  /** write: the output's version right after the run wrote it. */
  tableVersion: string | null;
  /** The source tables' versions it was made from. */
  sources: Record<string, string>;
  workflow: string;
  stepId: string;
  runId: string;
  rows: number | null;
  bytes: number | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string;
}

export interface CacheEntryRow {
  connection: string;
  key: string;
  kind: CacheEntryRecord['kind'];
  status: CacheEntryRecord['status'];
  table_name: string;
  table_parts: string;
  table_version: string | null;
  sources: string;
  workflow: string;
  step_id: string;
  run_id: string;
  rows: number | null;
  bytes: number | null;
  created_at: string;
  expires_at: string;
  last_used_at: string;
}

export function cacheEntryRecord(r: CacheEntryRow): CacheEntryRecord {
  return {
    connection: r.connection,
    key: r.key,
    kind: r.kind,
    status: r.status,
    table: r.table_name,
    tableParts: JSON.parse(r.table_parts) as string[],
    tableVersion: r.table_version,
    sources: JSON.parse(r.sources) as Record<string, string>,
    workflow: r.workflow,
    stepId: r.step_id,
    runId: r.run_id,
    rows: r.rows,
    bytes: r.bytes,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
  };
}
