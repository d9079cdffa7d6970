/**
 * The narrow view of the run store and the run service the scheduler needs. The field names are
 * the run store's `ScheduleRecord` ones, so a record can be handed over as it is.
 */
import type { CatchupPolicy } from './schedule-spec.js';

export type MaybePromise<T> = T | Promise<T>;

/** A schedule as stored. Times are ISO-8601 UTC text as `Date.prototype.toISOString()` writes it. */
export interface StoredSchedule {
  workflow: string;
  cron: string;
  /** IANA name; absent or empty means UTC. */
  timezone?: string;
  catchup?: CatchupPolicy;
  maxCatchup?: number;
  /** False: treated as absent (the scheduler forgets it). */
  enabled?: boolean;
  /** Parameters every fire's run gets. */
  params?: Record<string, unknown>;
  /** The connection to run on; null or absent: the workflow's own. */
  connection?: string | null;
  /** The nominal time of the newest fire handled (run, skipped or dropped); catch-up starts after it. */
  lastNominalAt: string | null;
  /**
   * The first fire not yet handled. Catch-up never runs a fire before it, which is how a schedule
   * created or changed at time t does not fire for its times before t: whoever changes `cron` or
   * `timezone` sets it to `firstFireAfter(spec, now)` (or null, and the scheduler sets it).
   */
  nextFireAt: string | null;
}

export interface FireRecord {
  /** Becomes `lastNominalAt`. */
  nominalAt: string;
  nextFireAt: string | null;
  /** Compare-and-set: the update happens only if `lastNominalAt` is still this (null: never fired). */
  expectedLastNominalAt: string | null;
}

export interface ScheduleStore {
  /** Every enabled schedule. */
  listEnabledSchedules(): MaybePromise<StoredSchedule[]>;
  /** One schedule (enabled or not), to reconcile after another scheduler advanced it. */
  getSchedule(workflow: string): MaybePromise<StoredSchedule | undefined>;
  /**
   * Sets `lastNominalAt` and `nextFireAt` in one statement, guarded by `expectedLastNominalAt`:
   *   UPDATE schedules SET last_nominal_at = ?, next_fire_at = ? WHERE workflow = ? AND last_nominal_at IS ?
   * False when the guard failed (another scheduler got there first) or the schedule is gone.
   */
  recordFire(workflow: string, fire: FireRecord): MaybePromise<boolean>;
  /** Sets `nextFireAt` alone (a new or changed schedule, or a fire being retried). */
  setNextFire(workflow: string, nextFireAt: string | null): MaybePromise<boolean>;
  /** Whether a run of the workflow (any trigger) is queued or running: the overlap policy asks. */
  hasActiveRun(workflow: string): MaybePromise<boolean>;
}

export interface ScheduledRunRequest {
  workflow: string;
  params: Record<string, unknown>;
  /** Present only when the schedule names one. */
  connection?: string;
  trigger: 'schedule';
  /** `schedule:<workflow>:<nominal ISO>`; the run store keeps it UNIQUE, so a repeat returns the first run. */
  idempotencyKey: string;
  /** The nominal fire time the run stands for (the run store's `nominal_at`). */
  nominalAt: string;
}

/** The run service's `startRun`; it must return (not fail) when the idempotency key already exists. */
export type StartScheduledRun = (request: ScheduledRunRequest) => Promise<unknown>;
