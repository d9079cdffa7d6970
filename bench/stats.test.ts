import { describe, expect, it } from 'vitest';
import { median, pairedRatio } from './stats.js';

describe('bench statistics: the paired ratio', () => {
  it('cancels a stretch of runs slowed on both sides, where the ratio of medians does not', () => {
    // The compiled query takes as long as the hand one; other work on the machine makes runs 2–5
    // 1.4× slower, and the hand side happened to get the fast end of pair 4.
    const hand = [100, 140, 140, 100, 100, 100, 140];
    const compiled = [100, 140, 140, 140, 140, 100, 140];
    expect(median(compiled) / median(hand)).toBeCloseTo(1.4);
    expect(pairedRatio(compiled, hand)).toBe(1);
  });

  it('keeps a real difference', () => {
    const hand = [100, 150, 90, 120, 100];
    const compiled = hand.map((h) => h * 1.2);
    expect(pairedRatio(compiled, hand)).toBeCloseTo(1.2);
  });

  it('refuses samples that are not pairs', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/paired/);
    expect(() => pairedRatio([], [])).toThrow(/paired/);
  });
});
