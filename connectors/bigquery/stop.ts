/**
 * One statement's reasons to stop waiting: the caller's AbortSignal, `cancel(jobId)`, the timeout
 * or `close()`. Whatever fires first wins and is remembered, so the error says which it was.
 */
export type StopKind = 'cancelled' | 'timeout';

export class Stopped extends Error {
  constructor(readonly kind: StopKind) {
    super(kind);
    this.name = 'Stopped';
  }
}

export class Stop {
  private readonly controller = new AbortController();
  private readonly deadline: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly detach: (() => void) | undefined;
  kind: StopKind | undefined;

  constructor(
    signal: AbortSignal | undefined,
    readonly timeoutMs: number | undefined,
  ) {
    if (timeoutMs !== undefined) {
      this.deadline = Date.now() + timeoutMs;
      this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    }
    if (signal?.aborted) this.stop('cancelled');
    else if (signal) {
      const onAbort = () => this.stop('cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      this.detach = () => signal.removeEventListener('abort', onAbort);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(kind: StopKind): void {
    if (this.kind) return;
    this.kind = kind;
    this.controller.abort(new Stopped(kind));
  }

  /** Milliseconds left before the timeout (Infinity without one). */
  remainingMs(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - Date.now());
  }

  throwIfStopped(): void {
    if (this.kind) throw new Stopped(this.kind);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.detach?.();
  }
}

/**
 * Waits for `p` unless the statement is stopped first. The request itself keeps going (the client
 * has no abort), but nobody waits for it: the job is cancelled in BigQuery instead.
 */
export function until<T>(p: Promise<T>, stop: Stop): Promise<T> {
  if (stop.kind) {
    p.catch(() => undefined);
    return Promise.reject(new Stopped(stop.kind));
  }
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(new Stopped(stop.kind ?? 'cancelled'));
    stop.signal.addEventListener('abort', onStop, { once: true });
    p.then(
      (v) => {
        stop.signal.removeEventListener('abort', onStop);
        resolve(v);
      },
      (e: unknown) => {
        stop.signal.removeEventListener('abort', onStop);
        reject(e);
      },
    );
  });
}

export function sleep(ms: number, stop: Stop): Promise<void> {
  if (stop.kind) return Promise.reject(new Stopped(stop.kind));
  return new Promise<void>((resolve, reject) => {
    const onStop = () => {
      clearTimeout(timer);
      reject(new Stopped(stop.kind ?? 'cancelled'));
    };
    const timer = setTimeout(() => {
      stop.signal.removeEventListener('abort', onStop);
      resolve();
    }, ms);
    stop.signal.addEventListener('abort', onStop, { once: true });
  });
}
