/**
 * Interactive warehouse work — previews and estimates, what a token holder asks for and waits on —
 * is bounded per caller (the token), so one token cannot fill a connection's pool with runaway
 * queries and starve every other user. A caller over its share is refused at once with 429 and a
 * hint, not queued: a queue would only hide the runaway work. Work done for the daemon itself
 * (runs, the catalog) is not counted here.
 */
import { ServiceError } from './errors.js';

export class CallerLimits {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perCaller: number) {}

  /** Counts one piece of work for `caller` (none: not limited); the returned function ends it. */
  enter(caller: string | undefined, what: string): () => void {
    if (caller === undefined) return () => undefined;
    const n = this.inFlight.get(caller) ?? 0;
    if (n >= this.perCaller)
      throw new ServiceError(
        'TOO_MANY_REQUESTS',
        `this token already has ${n} previews or estimates running in the warehouse; wait for one to finish before another ${what}`,
        {
          hint: `each token may run ${this.perCaller} at once (limits.warehouseRequestsPerToken in the config); a preview that nobody waits for is cancelled when its client disconnects, and every preview stops at limits.previewTimeout`,
        },
      );
    this.inFlight.set(caller, n + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.inFlight.get(caller) ?? 1) - 1;
      if (left > 0) this.inFlight.set(caller, left);
      else this.inFlight.delete(caller);
    };
  }

  running(caller: string): number {
    return this.inFlight.get(caller) ?? 0;
  }
}
