/**
 * A few connections of one DuckDB instance. A DuckDB connection runs one statement at a time and
 * `interrupt()` stops whatever its connection runs, so each statement gets a connection of its own
 * and a cancel interrupts exactly that one.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export class DuckDbConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all = new Set<DuckDBConnection>();
  private readonly waiting: Array<{
    resolve: (c: DuckDBConnection) => void;
    reject: (e: unknown) => void;
  }> = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly size: number,
  ) {}

  async acquire(signal?: AbortSignal, onAbort?: () => unknown): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the DuckDB connector is closed');
    const free = this.idle.pop();
    if (free) return free;
    if (this.all.size + this.opening < this.size) {
      this.opening++;
      try {
        const c = await this.instance.connect();
        if (this.closed) {
          c.closeSync();
          throw new Error('the DuckDB connector was closed');
        }
        this.all.add(c);
        return c;
      } finally {
        this.opening--;
      }
    }
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const waiter = {
        resolve: (c: DuckDBConnection) => {
          signal?.removeEventListener('abort', abort);
          resolve(c);
        },
        reject,
      };
      const abort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(onAbort ? onAbort() : signal?.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(c: DuckDBConnection): void {
    const next = this.closed ? undefined : this.waiting.shift();
    if (next) next.resolve(c);
    else this.idle.push(c);
    if (this.closed && this.idle.length === this.all.size) this.drained?.();
  }

  /**
   * Interrupts what still runs, waits for those statements to give their connection back (a
   * connection closed under a running statement would pull the native object from under it),
   * then closes every connection.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('the DuckDB connector was closed'));
    const busy = [...this.all].filter((c) => !this.idle.includes(c));
    if (busy.length > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      for (const c of busy) c.interrupt();
      await drained;
    }
    for (const c of this.all) c.closeSync();
    this.all.clear();
    this.idle.length = 0;
  }

  private drained?: () => void;
}
