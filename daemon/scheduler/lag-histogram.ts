/**
 * Scheduler lag (the instant a fire is dispatched minus its nominal instant), kept as Prometheus
 * histogram buckets for /metrics and as a ring of recent samples for quantiles.
 */

/** Upper bounds in milliseconds; a sample above the last one lands in +Inf. */
export const LAG_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000, 30_000, 60_000] as const;

const RECENT = 1024;

export class LagHistogram {
  /** Per bucket, not cumulative; the last is +Inf. */
  readonly bucketCounts: number[] = new Array<number>(LAG_BUCKETS_MS.length + 1).fill(0);
  count = 0;
  sumMs = 0;
  maxMs = 0;
  private readonly recent = new Float64Array(RECENT);

  observe(lagMs: number): void {
    const v = Math.max(0, lagMs);
    let i = LAG_BUCKETS_MS.findIndex((b) => v <= b);
    if (i < 0) i = LAG_BUCKETS_MS.length;
    this.bucketCounts[i]!++;
    this.recent[this.count % RECENT] = v;
    this.count++;
    this.sumMs += v;
    this.maxMs = Math.max(this.maxMs, v);
  }

  /** Cumulative counts as Prometheus writes them: `le` → count of samples at or below it. */
  cumulative(): Array<{ le: number; count: number }> {
    let acc = 0;
    return [...LAG_BUCKETS_MS, Infinity].map((le, i) => ({ le, count: (acc += this.bucketCounts[i]!) }));
  }

  /** The q-quantile (nearest rank) of the last 1,024 samples; NaN with none. */
  quantile(q: number): number {
    const n = Math.min(this.count, RECENT);
    if (n === 0) return NaN;
    const sorted = Array.from(this.recent.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  }
}
