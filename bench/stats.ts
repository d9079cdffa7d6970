/** Summary statistics for timing samples (milliseconds). */

export interface Summary {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The value at quantile q (0…1) of sorted samples, by the nearest-rank method. */
function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const s = [...samples].sort((a, b) => a - b);
  return { runs: s.length, median: median(s), p95: quantile(s, 0.95), min: s[0]!, max: s[s.length - 1]! };
}

/**
 * The median over pairs of runs of a[i] / b[i], where a[i] and b[i] ran back to back: work
 * elsewhere on the machine that slows a stretch of runs slows both sides of a pair, so it cancels
 * here, where it moves the median of one side alone.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error('paired samples of the same length');
  return median(a.map((x, i) => x / b[i]!));
}

export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return Math.exp(values.reduce((acc, v) => acc + Math.log(v), 0) / values.length);
}

/** Milliseconds with precision that suits their size: 0.42, 4.2, 42, 420. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v < 1) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}
