/**
 * How many steps run at once: at most `global` in the process and `perConnection` on any one
 * connection. Waiters are served first come, first served; an abort takes a waiter out of line.
 */
export class Semaphore {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new Error(`a concurrency limit must be at least 1, got ${size}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** Callers waiting for a slot. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter: `used` does not change.
    if (next) next();
    else this.used--;
  }
}

export interface LimitSettings {
  /** Steps at once on one connection (default 4), or per connection name. */
  perConnection?: number | ((connection: string) => number);
  /** Steps at once in the process (default 8). */
  global?: number;
}

export class ConcurrencyLimits {
  readonly global: Semaphore;
  private readonly connections = new Map<string, Semaphore>();
  private readonly perConnection: (connection: string) => number;

  constructor(settings: LimitSettings = {}) {
    this.global = new Semaphore(settings.global ?? 8);
    const per = settings.perConnection ?? 4;
    this.perConnection = typeof per === 'number' ? () => per : per;
  }

  connection(name: string): Semaphore {
    let s = this.connections.get(name);
    if (!s) this.connections.set(name, (s = new Semaphore(this.perConnection(name))));
    return s;
  }

  /**
   * A slot on the connection, then one in the process (in that order, so a step waiting on a busy
   * connection holds no global slot another connection's step could use). Returns the release.
   */
  async acquire(connection: string, signal?: AbortSignal): Promise<() => void> {
    const conn = this.connection(connection);
    await conn.acquire(signal);
    try {
      await this.global.acquire(signal);
    } catch (e) {
      conn.release();
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.global.release();
      conn.release();
    };
  }
}
