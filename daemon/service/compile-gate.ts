/**
 * At most `limits.maxConcurrentCompiles` workflow analyses in progress in the service at once
 * (validate, compile, preview, estimate, save, a run's compile); the rest wait their turn, first
 * come first served.
 *
 * What this bounds is memory, not CPU. Parsing, analysing and writing SQL are synchronous, so on
 * the one event loop they never run side by side whatever the limit. But an analysis is not one
 * synchronous stretch: between parsing the document and analysing it, the service asks the live
 * catalog about the tables it reads (a warehouse round trip per table, seconds on BigQuery).
 * Without the gate every request that arrives parses its document and then waits there, so twenty
 * requests hold twenty parsed documents at once; with it, the requests beyond the limit wait
 * before parsing, holding only their request.
 * The slot is given back once the SQL is written: the statements a preview or an estimate then
 * runs, and the read-only check of a run's raw SQL, are warehouse work outside the gate (a slow
 * warehouse must not stop everyone's validation).
 *
 * Waiting is abortable: a caller that stops waiting (its client went away) leaves the queue.
 */
import { Semaphore } from '../executor/limits.js';

export class CompileGate {
  private readonly slots: Semaphore;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`a compile gate needs a limit of at least 1, got ${limit}`);
    this.slots = new Semaphore(limit);
  }

  /** Analyses holding a slot now. */
  get active(): number {
    return this.slots.inUse;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.slots.waitingCount;
  }

  /**
   * Runs `work` holding one slot, after waiting for it when all are taken. Rejects with the
   * signal's reason, without running `work`, when the signal aborts before the slot is given.
   * Never call it from inside `work`: a nested wait can wait for itself.
   */
  async run<T>(work: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
    await this.slots.acquire(signal);
    try {
      return await work();
    } finally {
      this.slots.release();
    }
  }
}
