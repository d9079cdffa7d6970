import { describe, expect, it } from 'vitest';
import { attributeGcPauses, withGcPauses, type CompileCaseResult } from './compile-bench.js';
import { growthRatios } from './report.js';

const summary = (median: number) => ({ runs: 1, median, p95: median, min: median, max: median });

function timedCase(
  size: number,
  samples: number[],
  runs: Array<{ start: number; end: number }>,
): CompileCaseResult {
  return { shape: 'dag', size, warmupRuns: 0, total: summary(samples[0]!), samples, runs };
}

describe('compile bench: GC pauses', () => {
  it('records the pauses of the work it runs', async () => {
    const { result, pauses } = await withGcPauses(() => {
      // Enough short-lived garbage for several young-generation collections.
      let kept = 0;
      for (let i = 0; i < 200_000; i++) kept += new Array(64).fill(i).length;
      return kept;
    });
    expect(result).toBe(200_000 * 64);
    expect(pauses.length).toBeGreaterThan(0);
    for (const p of pauses) expect(p.duration).toBeGreaterThanOrEqual(0);
  });

  it('counts each pause in the run it starts in, and the runs without them', () => {
    const runs = [
      { start: 0, end: 10 },
      { start: 10, end: 30 },
      { start: 30, end: 34 },
    ];
    const c = timedCase(1000, [10, 20, 4], runs);
    attributeGcPauses(
      [c],
      [
        { start: 12, duration: 3 },
        { start: 2, duration: 1 },
        { start: 25, duration: 5 },
        { start: 40, duration: 9 }, // after the last run: not counted
      ],
    );
    expect(c.gc!.pauses).toMatchObject({ min: 0, median: 1, max: 8 });
    // 10 − 1, 20 − 8, 4 − 0.
    expect(c.gc!.withoutPauses).toMatchObject({ min: 4, median: 9, max: 12 });
  });

  it('gives the 10k/1k growth without the pauses beside the goal’s measure', () => {
    const mid = timedCase(1000, [40], [{ start: 0, end: 40 }]);
    const big = timedCase(10_000, [500], [{ start: 100, end: 600 }]);
    mid.total = summary(40);
    big.total = summary(500);
    attributeGcPauses(
      [mid, big],
      [
        { start: 10, duration: 10 },
        { start: 200, duration: 200 },
      ],
    );
    expect(growthRatios([mid, big])).toEqual([{ shape: 'dag', ratio: 12.5, withoutGc: 10 }]);
  });
});
