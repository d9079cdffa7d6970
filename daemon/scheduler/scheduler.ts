/**
 * Fires workflow schedules: one timer for the earliest due schedule, a run per fire started through
 * the run service with the key `schedule:<workflow>:<nominal ISO>`, and the schedule's last nominal
 * fire and next fire recorded after it.
 *
 * Exactly once: a fire's run is started before its fire is recorded, so a crash in between repeats
 * the start after a restart, and the run store's UNIQUE idempotency key turns the repeat (or a
 * second daemon racing for the same fire) into the existing run.
 */
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DEFAULT_ON_TIME_MS, firesToRun, firstUnhandledFire, idempotencyKey } from './fires.js';
import { LagHistogram } from './lag-histogram.js';
import {
  compileSchedule,
  DEFAULT_CATCHUP,
  DEFAULT_MAX_CATCHUP,
  ScheduleError,
  type CatchupPolicy,
  type CompiledSchedule,
} from './schedule-spec.js';
import type { ScheduleStore, StartScheduledRun, StoredSchedule } from './schedule-store.js';

/** `skip`: a fire while a run of the workflow is queued or running starts nothing. `allow`: it starts. */
export type OverlapPolicy = 'skip' | 'allow';

export type SchedulerEvent =
  | {
      type: 'fired';
      workflow: string;
      nominalAt: string;
      idempotencyKey: string;
      lagMs: number;
      /** Started later than the on-time window: a missed fire run by the catch-up policy. */
      catchup: boolean;
    }
  | { type: 'skipped'; workflow: string; nominalAt: string; reason: 'overlap' }
  | { type: 'dropped'; workflow: string; count: number; atLeast: boolean; catchup: CatchupPolicy }
  | { type: 'failed'; workflow: string; nominalAt: string; error: unknown; retryAt: string }
  | { type: 'abandoned'; workflow: string; nominalAt: string[] }
  | { type: 'invalid'; workflow: string; error: ScheduleError }
  | { type: 'store-error'; workflow: string; error: unknown };

export interface SchedulerOptions {
  store: ScheduleStore;
  startRun: StartScheduledRun;
  clock?: Clock;
  overlap?: OverlapPolicy;
  /** A fire started at most this late is on time (its lag is measured); default 60 s. */
  onTimeMs?: number;
  /** A failed start is retried after 1 s, 2 s, 4 s… up to the max, until the next fire comes due. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Logs and metrics hook; it must not throw (what it throws is ignored). */
  onEvent?: (event: SchedulerEvent) => void;
}

export class SchedulerMetrics {
  /** Runs started (or found already started by the idempotency key). */
  firesStarted = 0;
  /** Of those, started later than the on-time window (missed fires caught up). */
  catchupFires = 0;
  /** Fires not started because a run of the workflow was still queued or running. */
  skippedFires = 0;
  /** Missed fires the catch-up policy does not run (a lower bound after very long outages). */
  droppedFires = 0;
  /** Failed `startRun` calls (each attempt). */
  fireErrors = 0;
  /** Fires given up after failures, because the next fire came due. */
  abandonedFires = 0;
  /** Stored schedules that do not compile (bad cron or time zone) and so do not fire: a gauge. */
  invalidSchedules = 0;
  /** Lag of on-time fires, in milliseconds. */
  readonly lag = new LagHistogram();
}

interface Entry {
  row: StoredSchedule;
  spec: CompiledSchedule;
  catchup: CatchupPolicy;
  maxCatchup: number;
  /** The newest fire handled. */
  lastNominal: Date | null;
  /** The first fire not handled: what the timer waits for. */
  next: Date | null;
  /** The fire after `next`, computed ahead so an on-time fire needs no cron arithmetic. */
  following: Date | null;
  /** Fires whose start failed, retried at `retryAt`. */
  pending: Date[];
  retryAt: Date | null;
  failures: number;
  busy: boolean;
}

interface FirePlan {
  run: Date[];
  /** The newest fire this plan handles (run, skipped or dropped). */
  newest: Date | null;
  /** Where `next` goes afterwards; undefined: it stays (a retry). */
  next?: Date | null;
  following?: Date | null;
}

export class Scheduler {
  readonly metrics = new SchedulerMetrics();
  private readonly store: ScheduleStore;
  private readonly startRun: StartScheduledRun;
  private readonly clock: Clock;
  private readonly overlap: OverlapPolicy;
  private readonly onTimeMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly onEvent: ((event: SchedulerEvent) => void) | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly invalid = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private armQueued = false;

  constructor(opts: SchedulerOptions) {
    this.store = opts.store;
    this.startRun = opts.startRun;
    this.clock = opts.clock ?? systemClock();
    this.overlap = opts.overlap ?? 'skip';
    this.onTimeMs = opts.onTimeMs ?? DEFAULT_ON_TIME_MS;
    this.retryBaseMs = opts.retryBaseMs ?? 1_000;
    this.retryMaxMs = opts.retryMaxMs ?? 60_000;
    this.onEvent = opts.onEvent;
  }

  /** Loads the enabled schedules, runs what the catch-up policies say was missed, and starts the timer. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.entries.clear();
    await this.reload();
    await this.tick();
  }

  /** Stops firing; resolves when the fires in flight have started their runs and been recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    await this.idle();
  }

  /** Resolves when no fire is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Re-reads every schedule from the store: added, changed and removed ones take effect now. */
  async reload(): Promise<void> {
    const rows = await this.store.listEnabledSchedules();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.workflow);
      await this.apply(row);
    }
    for (const workflow of [...this.entries.keys()]) if (!seen.has(workflow)) this.entries.delete(workflow);
    for (const workflow of [...this.invalid]) if (!seen.has(workflow)) this.invalid.delete(workflow);
    this.metrics.invalidSchedules = this.invalid.size;
    this.requestArm();
  }

  /**
   * A schedule saved (or changed) in the store: it takes effect now. A new cron or time zone
   * starts from its first fire after now; it never fires for its own times in the past.
   * @throws ScheduleError when the cron or time zone is invalid (validate before storing).
   */
  async upsert(row: StoredSchedule): Promise<void> {
    if (row.enabled === false) return this.unschedule(row.workflow);
    compileSchedule(row);
    await this.apply(row);
    this.requestArm();
  }

  /** Stops firing a schedule (a fire in flight still finishes). */
  unschedule(workflow: string): void {
    this.entries.delete(workflow);
    this.invalid.delete(workflow);
    this.metrics.invalidSchedules = this.invalid.size;
    this.requestArm();
  }

  /** The schedules fired and when each fires next. */
  list(): Array<{
    workflow: string;
    cron: string;
    timezone: string;
    lastNominalAt: string | null;
    nextFireAt: string | null;
  }> {
    return [...this.entries.values()].map((e) => ({
      workflow: e.row.workflow,
      cron: e.spec.cron,
      timezone: e.spec.timezone,
      lastNominalAt: e.lastNominal?.toISOString() ?? null,
      nextFireAt: (e.pending[0] ?? e.next)?.toISOString() ?? null,
    }));
  }

  get scheduleCount(): number {
    return this.entries.size;
  }

  // ---------------------------------------------------------------- loading

  private async apply(row: StoredSchedule): Promise<void> {
    let spec: CompiledSchedule;
    try {
      spec = compileSchedule(row);
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      this.entries.delete(row.workflow);
      // Reported once, not on every reload.
      if (!this.invalid.has(row.workflow)) this.emit({ type: 'invalid', workflow: row.workflow, error: e });
      this.invalid.add(row.workflow);
      this.metrics.invalidSchedules = this.invalid.size;
      return;
    }
    if (this.invalid.delete(row.workflow)) this.metrics.invalidSchedules = this.invalid.size;
    const existing = this.entries.get(row.workflow);
    const storedLast = parseInstant(row.lastNominalAt);
    if (existing && existing.spec.cron === spec.cron && existing.spec.timezone === spec.timezone) {
      // Same fire times: take the new policy and parameters, and a newer fire another scheduler recorded.
      Object.assign(existing, policyOf(row), { row });
      if (!existing.busy) this.adoptLastNominal(existing, storedLast);
      return;
    }
    const entry: Entry = {
      row,
      spec,
      ...policyOf(row),
      lastNominal: storedLast,
      next: null,
      following: null,
      pending: [],
      retryAt: null,
      failures: 0,
      busy: false,
    };
    const now = this.clock.now();
    const storedNext = parseInstant(row.nextFireAt);
    if (!existing && (storedLast || storedNext)) {
      // Known to the store: whatever fell due since it recorded is caught up by the first tick.
      entry.next = firstUnhandledFire(spec, storedLast, storedNext);
    } else {
      entry.next = spec.nextAfter(now);
      await this.persist(entry, () => this.store.setNextFire(row.workflow, iso(entry.next)));
    }
    entry.following = entry.next && spec.nextAfter(entry.next);
    this.entries.set(row.workflow, entry);
  }

  private adoptLastNominal(e: Entry, last: Date | null): void {
    if (!last || (e.lastNominal && last <= e.lastNominal)) return;
    e.lastNominal = last;
    if (e.next && e.next <= last) {
      e.next = e.spec.nextAfter(last);
      e.following = e.next && e.spec.nextAfter(e.next);
    }
  }

  // ---------------------------------------------------------------- firing

  private async tick(): Promise<void> {
    // Called by the timer or directly (start): either way the timer is spent, re-armed below.
    this.cancelTimer();
    if (!this.running) return;
    const now = this.clock.now();
    const work: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      const at = dueAt(e);
      if (!e.busy && at && at.getTime() <= now.getTime()) work.push(this.fire(e, now));
    }
    this.requestArm();
    await Promise.all(work);
  }

  private fire(e: Entry, now: Date): Promise<void> {
    e.busy = true;
    const p: Promise<void> = this.fireEntry(e, now)
      .catch((error: unknown) => this.emit({ type: 'store-error', workflow: e.row.workflow, error }))
      .finally(() => {
        e.busy = false;
        this.inflight.delete(p);
        this.requestArm();
      });
    this.inflight.add(p);
    return p;
  }

  private plan(e: Entry, now: Date): FirePlan {
    const workflow = e.row.workflow;
    if (e.pending.length > 0 && e.next && e.next <= now) {
      // A new fire is due while failed ones were being retried: the new one wins.
      this.metrics.abandonedFires += e.pending.length;
      this.emit({ type: 'abandoned', workflow, nominalAt: e.pending.map((t) => t.toISOString()) });
      e.pending = [];
      e.retryAt = null;
      e.failures = 0;
    }
    if (e.pending.length > 0) return { run: e.pending, newest: e.pending.at(-1)! };
    const onTime =
      e.next !== null &&
      e.next <= now &&
      (e.following === null || e.following > now) &&
      (e.catchup !== 'none' || now.getTime() - e.next.getTime() <= this.onTimeMs);
    if (onTime) return { run: [e.next!], newest: e.next, next: e.following };
    const r = firesToRun({
      spec: e.spec,
      lastFiredNominal: e.lastNominal,
      notBefore: e.next,
      now,
      catchup: e.catchup,
      maxCatchup: e.maxCatchup,
      onTimeMs: this.onTimeMs,
    });
    if (r.dropped > 0) {
      this.metrics.droppedFires += r.dropped;
      this.emit({
        type: 'dropped',
        workflow,
        count: r.dropped,
        atLeast: r.droppedAtLeast,
        catchup: e.catchup,
      });
    }
    return { run: r.run, newest: r.newest, next: r.next };
  }

  private async fireEntry(e: Entry, now: Date): Promise<void> {
    const workflow = e.row.workflow;
    const plan = this.plan(e, now);
    let failedAt = -1;
    let failure: unknown;
    try {
      if (plan.run.length > 0 && this.overlap === 'skip' && (await this.store.hasActiveRun(workflow))) {
        this.metrics.skippedFires += plan.run.length;
        for (const t of plan.run)
          this.emit({ type: 'skipped', workflow, nominalAt: t.toISOString(), reason: 'overlap' });
        plan.run = [];
      }
    } catch (error) {
      [failedAt, failure] = [0, error];
    }
    for (let i = 0; failedAt < 0 && i < plan.run.length; i++) {
      const nominal = plan.run[i]!;
      const nominalAt = nominal.toISOString();
      const key = idempotencyKey(workflow, nominal);
      const lagMs = this.clock.now().getTime() - nominal.getTime();
      try {
        await this.startRun({
          workflow,
          params: e.row.params ?? {},
          ...(e.row.connection ? { connection: e.row.connection } : {}),
          trigger: 'schedule',
          idempotencyKey: key,
          nominalAt,
        });
      } catch (error) {
        [failedAt, failure] = [i, error];
        break;
      }
      const catchup = lagMs > this.onTimeMs;
      this.metrics.firesStarted++;
      if (catchup) this.metrics.catchupFires++;
      else this.metrics.lag.observe(lagMs);
      this.emit({ type: 'fired', workflow, nominalAt, idempotencyKey: key, lagMs, catchup });
    }
    // The rest is bookkeeping: let every fire due in this tick dispatch its run first (croner
    // takes ~50 µs per next-fire computation; a thousand of them would be lag).
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.entries.get(workflow) !== e) return; // unscheduled or replaced meanwhile

    let handledUpTo: Date | null;
    if (failedAt >= 0) {
      this.metrics.fireErrors++;
      e.pending = plan.run.slice(failedAt);
      e.failures++;
      const retryIn = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (e.failures - 1));
      e.retryAt = new Date(this.clock.now().getTime() + retryIn);
      this.emit({
        type: 'failed',
        workflow,
        nominalAt: e.pending[0]!.toISOString(),
        error: failure,
        retryAt: e.retryAt.toISOString(),
      });
      handledUpTo = plan.run[failedAt - 1] ?? null;
    } else {
      e.pending = [];
      e.retryAt = null;
      e.failures = 0;
      handledUpTo = plan.newest;
    }
    if (plan.next !== undefined) {
      e.next = plan.next;
      e.following = e.next && e.spec.nextAfter(e.next);
    }
    await this.record(e, handledUpTo);
  }

  /** Records the newest handled fire and the first unhandled one (a pending retry, else `next`). */
  private async record(e: Entry, handledUpTo: Date | null): Promise<void> {
    const workflow = e.row.workflow;
    const nextFireAt = iso(e.pending[0] ?? e.next);
    if (!handledUpTo || (e.lastNominal && handledUpTo <= e.lastNominal)) {
      await this.persist(e, () => this.store.setNextFire(workflow, nextFireAt));
      return;
    }
    const expected = iso(e.lastNominal);
    e.lastNominal = handledUpTo;
    const nominalAt = handledUpTo.toISOString();
    const recorded = await this.persist(e, () =>
      this.store.recordFire(workflow, { nominalAt, nextFireAt, expectedLastNominalAt: expected }),
    );
    if (recorded !== false) return;
    // Another scheduler recorded a fire first (its run and ours share the idempotency key, so
    // nothing ran twice). Adopt its record when it is ahead; otherwise record over it.
    const row = await this.persist(e, () => this.store.getSchedule(workflow));
    const theirs = parseInstant(row?.lastNominalAt ?? null);
    if (!row || (theirs && theirs >= handledUpTo)) {
      if (theirs) this.adoptLastNominal(e, theirs);
      return;
    }
    await this.persist(e, () =>
      this.store.recordFire(workflow, { nominalAt, nextFireAt, expectedLastNominalAt: iso(theirs) }),
    );
  }

  /** A store write that fails is reported, not thrown: the fire stays handled in memory. */
  private async persist<T>(e: Entry, write: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      this.emit({ type: 'store-error', workflow: e.row.workflow, error });
      return undefined;
    }
  }

  // ---------------------------------------------------------------- timer

  /** Re-arms once per burst of changes (a thousand fires finishing re-arm once, not a thousand times). */
  private requestArm(): void {
    if (this.armQueued) return;
    this.armQueued = true;
    queueMicrotask(() => {
      this.armQueued = false;
      this.arm();
    });
  }

  private arm(): void {
    if (!this.running) return;
    let earliest = Infinity;
    for (const e of this.entries.values()) {
      const at = dueAt(e);
      if (!e.busy && at) earliest = Math.min(earliest, at.getTime());
    }
    if (earliest === this.timerAt) return;
    this.cancelTimer();
    if (earliest === Infinity) return;
    this.timerAt = earliest;
    this.timer = this.clock.setTimer(new Date(earliest), () => this.tick());
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private emit(event: SchedulerEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A logging hook must not stop the scheduler.
    }
  }
}

/** The retry of a failed fire, or the next fire if that comes first (it supersedes the retry). */
function dueAt(e: Entry): Date | null {
  if (e.pending.length === 0 || !e.retryAt) return e.next;
  return e.next && e.next < e.retryAt ? e.next : e.retryAt;
}

function policyOf(row: StoredSchedule): { catchup: CatchupPolicy; maxCatchup: number } {
  return { catchup: row.catchup ?? DEFAULT_CATCHUP, maxCatchup: row.maxCatchup ?? DEFAULT_MAX_CATCHUP };
}

function parseInstant(text: string | null | undefined): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
