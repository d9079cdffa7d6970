/**
 * The scheduler's only view of time, so tests can run years of schedules in milliseconds with a
 * fake clock, and the real one can correct for timers that drift from the wall clock.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /**
   * Calls `fn` once, at or after the wall-clock instant `at` (at once if it is past). A returned
   * promise is awaited by fake clocks, so a test's `advance` returns when the work is done.
   */
  setTimer(at: Date, fn: () => void | Promise<void>): TimerHandle;
}

export interface SystemClockOptions {
  /**
   * Longest single sleep. setTimeout counts monotonic time, which stops while the machine is
   * suspended and does not follow wall-clock steps (NTP, a VM restored from a snapshot); waking at
   * least this often and re-reading the wall clock bounds how late such a fire can be.
   */
  maxSleepMs?: number;
  /** Shifts the wall clock (the bench uses it to reach a minute boundary without waiting for one). */
  offsetMs?: number;
}

/** Node's limit: a longer delay overflows and fires at once (https://nodejs.org/api/timers.html). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function systemClock(opts: SystemClockOptions = {}): Clock {
  const maxSleep = Math.min(MAX_TIMEOUT_MS, Math.max(1, opts.maxSleepMs ?? 30_000));
  const offset = opts.offsetMs ?? 0;
  const nowMs = () => Date.now() + offset;
  return {
    now: () => new Date(nowMs()),
    setTimer(at, fn) {
      const target = at.getTime();
      let handle: NodeJS.Timeout | undefined;
      let cancelled = false;
      const wake = () => {
        if (cancelled) return;
        // A timer can wake a millisecond before Date.now() reaches the target (the two clocks
        // round differently): sleep the rest rather than fire early.
        const remaining = target - nowMs();
        if (remaining > 0) {
          handle = setTimeout(wake, Math.min(remaining, maxSleep));
          // The scheduler alone must not keep a process alive; the daemon's server does.
          handle.unref();
          return;
        }
        void Promise.resolve()
          .then(fn)
          .catch(() => undefined);
      };
      wake();
      return {
        cancel() {
          cancelled = true;
          if (handle) clearTimeout(handle);
        },
      };
    },
  };
}
