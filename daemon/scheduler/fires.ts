/**
 * Which nominal fire times to run, as pure functions of a schedule, what was fired last and now.
 * The scheduler calls them; nothing here reads a clock or a store.
 */
import type { CatchupPolicy, CompiledSchedule } from './schedule-spec.js';

/** A fire of a tardy timer within this window counts as on time; older fires are missed ones. */
export const DEFAULT_ON_TIME_MS = 60_000;

/**
 * How many missed fires are walked one by one to count the dropped ones. Croner takes ~50 µs a
 * step, and a minutely schedule down for a week has 10,080 missed fires: past this the count is a
 * lower bound, so a restart after a long outage stays fast.
 */
export const DEFAULT_MAX_SCAN = 200;

/** The key of the run a fire starts: the run store's UNIQUE index makes a second start a no-op. */
export function idempotencyKey(workflow: string, nominal: Date): string {
  return `schedule:${workflow}:${nominal.toISOString()}`;
}

/** Fires f with after < f <= until, oldest first, at most `limit`. */
export function nextFires(spec: CompiledSchedule, after: Date, until: Date, limit: number): Date[] {
  const out: Date[] = [];
  let t: Date | null = after;
  while (out.length < limit && (t = spec.nextAfter(t)) !== null && t.getTime() <= until.getTime())
    out.push(t);
  return out;
}

export interface FiresToRunInput {
  spec: CompiledSchedule;
  /** The newest nominal fire already handled (run, skipped or dropped); fires after it are due. */
  lastFiredNominal: Date | null;
  /**
   * The first fire not yet handled, as last recorded. Fires before it are not missed: the schedule
   * was created or changed after them. With neither this nor `lastFiredNominal`, nothing is missed.
   */
  notBefore?: Date | null;
  now: Date;
  catchup: CatchupPolicy;
  maxCatchup: number;
  onTimeMs?: number;
  maxScan?: number;
}

export interface FiresToRun {
  /** The nominal times to start now, oldest first. */
  run: Date[];
  /** Due fires the catch-up policy does not run. */
  dropped: number;
  /** True when `dropped` was counted only up to `maxScan` fires: the real number is larger. */
  droppedAtLeast: boolean;
  /** The newest due fire (run or dropped): what becomes the last fired nominal time. */
  newest: Date | null;
  /** The first fire after now. */
  next: Date | null;
}

/**
 * The due fires are those after `lastFiredNominal`, not before `notBefore`, and not after `now`.
 * - `none`: only a fire at most `onTimeMs` old (a timer that woke a little late); the rest dropped.
 * - `latest`: the newest due fire; the older ones dropped.
 * - `all`: the newest `maxCatchup` due fires, oldest first; the older ones dropped.
 */
export function firesToRun(input: FiresToRunInput): FiresToRun {
  const { spec, now, catchup } = input;
  const onTimeMs = input.onTimeMs ?? DEFAULT_ON_TIME_MS;
  const maxScan = input.maxScan ?? DEFAULT_MAX_SCAN;
  const next = spec.nextAfter(now);
  const none: FiresToRun = { run: [], dropped: 0, droppedAtLeast: false, newest: null, next };

  const first = firstUnhandledFire(spec, input.lastFiredNominal, input.notBefore ?? null);
  if (first === null || first.getTime() > now.getTime()) return none;
  const newest = spec.lastAtOrBefore(now);
  if (newest === null || newest.getTime() < first.getTime()) return none;

  let run: Date[];
  if (catchup === 'all') {
    run = spec
      .lastN(now, Math.max(1, input.maxCatchup))
      .filter((t) => t.getTime() >= first.getTime())
      .reverse();
  } else if (catchup === 'latest' || now.getTime() - newest.getTime() <= onTimeMs) {
    run = [newest];
  } else {
    run = [];
  }
  // Everything due before the oldest fire run (or up to the newest, when none is run) is dropped.
  const droppedBefore = run[0] ?? new Date(newest.getTime() + 1);
  const counted = countFrom(spec, first, droppedBefore, maxScan);
  return { run, dropped: counted.count, droppedAtLeast: counted.atLeast, newest, next };
}

/** The first fire after `lastFired` and at or after `notBefore` (null with neither: nothing is due). */
export function firstUnhandledFire(
  spec: CompiledSchedule,
  lastFired: Date | null,
  notBefore: Date | null,
): Date | null {
  const afterLast = lastFired ? spec.nextAfter(lastFired) : null;
  const fromNotBefore = notBefore ? spec.nextAfter(new Date(notBefore.getTime() - 1)) : null;
  if (lastFired && afterLast === null) return null;
  if (notBefore && fromNotBefore === null) return null;
  if (afterLast && fromNotBefore) return afterLast > fromNotBefore ? afterLast : fromNotBefore;
  return afterLast ?? fromNotBefore;
}

/** Fires f with first <= f < end, counted one by one up to `maxScan`. */
function countFrom(
  spec: CompiledSchedule,
  first: Date,
  end: Date,
  maxScan: number,
): { count: number; atLeast: boolean } {
  let count = 0;
  for (let t: Date | null = first; t !== null && t.getTime() < end.getTime(); t = spec.nextAfter(t)) {
    if (count === maxScan) return { count, atLeast: true };
    count++;
  }
  return { count, atLeast: false };
}

/** Where a schedule that has never fired (or has just been changed) starts: its first fire after now. */
export function firstFireAfter(spec: CompiledSchedule, now: Date): Date | null {
  return spec.nextAfter(now);
}
