/**
 * Time as the executor sees it: now, and an abortable sleep. Tests pass a fake that advances on
 * sleep, and give the run store the same `now`, so backoff needs no real waiting.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      const abort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
    }),
};

export interface RetrySettings {
  /** The first retry waits up to this (default 1 s). */
  baseDelayMs?: number;
  /** No retry waits longer than this (default 60 s). */
  maxDelayMs?: number;
}

/**
 * Capped exponential backoff with full jitter: a uniform wait in [0, min(cap, base · 2^(n−1)))
 * before retry n. Full jitter spreads the retries of many steps that failed together (a warehouse
 * blip) instead of sending them back in lockstep
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, settings: RetrySettings = {}, random = Math.random): number {
  const base = settings.baseDelayMs ?? 1_000;
  const cap = settings.maxDelayMs ?? 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
