import { describe, expect, it } from 'vitest';
import { runCompileMemoryBench } from './compile-memory.js';

describe('compile memory probe', () => {
  it("measures the probe's own peak, not the memory of the process it was started from", async () => {
    // A parent holding 300 MB: getrusage's maxRSS would count it in every child it forks.
    const held = Buffer.alloc(300 * 2 ** 20, 1);
    const cases = await runCompileMemoryBench({ shapes: ['chain'], sizes: [20], log: () => {} });
    expect(held[held.length - 1]).toBe(1);
    expect(cases.map((c) => [c.limit, c.compiled, c.error])).toEqual([
      ['raised', true, undefined],
      ['default', true, undefined],
    ]);
    for (const c of cases) {
      expect(c.baselineRssMb).toBeGreaterThan(0);
      // A 20-node compile adds a few MB; the parent's 300 MB must not show up.
      expect(c.peakRssMb! - c.baselineRssMb!).toBeLessThan(100);
    }
  }, 60_000);
});
