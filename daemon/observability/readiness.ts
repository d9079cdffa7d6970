/**
 * What the daemon still waits for before it serves everything it was started to serve: the demo's
 * seeding, the executor's crash recovery, the scheduler. GET /readyz answers from it; /healthz is
 * liveness only (up while the process is).
 */
export class Readiness {
  private readonly pending = new Map<string, number>();

  /** `what` is pending until the returned function is called (once; later calls do nothing). */
  begin(what: string): () => void {
    this.pending.set(what, (this.pending.get(what) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.pending.get(what) ?? 1) - 1;
      if (n > 0) this.pending.set(what, n);
      else this.pending.delete(what);
    };
  }

  /** In the order they began. Empty: ready. */
  waitingFor(): string[] {
    return [...this.pending.keys()];
  }
}
