import { describe, expect, it } from 'vitest';
import { diffResults, literalResult, normalize, sameValue } from './compare.js';

describe('result comparison', () => {
  it('normalises driver values to plain JS', () => {
    expect(normalize(12n)).toBe(12);
    expect(normalize(2n ** 70n)).toBe('1180591620717411303424');
    expect(normalize(-0)).toBe(0);
    expect(normalize(undefined)).toBeNull();
    expect(normalize('2024-01-01 10:00:00.500000')).toBe('2024-01-01 10:00:00.5');
    expect(normalize('2024-01-01T10:00:00')).toBe('2024-01-01 10:00:00');
    expect(normalize(new Date(Date.UTC(2024, 0, 1)))).toBe('2024-01-01T00:00:00.000Z');
  });

  it('compares numbers with a relative tolerance, and numeric text with numbers', () => {
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(1e12, 1e12 + 1e-1)).toBe(true);
    expect(sameValue(1, 1.001)).toBe(false);
    expect(sameValue('12.50', 12.5)).toBe(true);
    expect(sameValue('12.50', '12.5')).toBe(false);
    expect(sameValue(null, 0)).toBe(false);
    expect(sameValue(true, 1)).toBe(false);
  });

  it('matches rows as multisets unless ordered', () => {
    const a = literalResult(
      ['x', 'y'],
      [
        [1, 'a'],
        [2, 'b'],
        [2, 'b'],
      ],
    );
    const b = literalResult(
      ['x', 'y'],
      [
        [2, 'b'],
        [1, 'a'],
        [2, 'b'],
      ],
    );
    expect(diffResults(a, b)).toBeUndefined();
    expect(diffResults(a, b, { ordered: true })).toMatch(/differ in order/);
    const c = literalResult(
      ['x', 'y'],
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'b'],
      ],
    );
    const diff = diffResults(a, c)!;
    expect(diff).toMatch(/missing from the actual result:\n {2}- \(3, "b"\)/);
    expect(diff).toMatch(/unexpected row\(s\) in the actual result:\n {2}\+ \(2, "b"\)/);
  });

  it('reports different columns and row counts', () => {
    const a = literalResult(['x'], [[1]]);
    const b = literalResult(['y'], [[1], [1]]);
    const diff = diffResults(a, b)!;
    expect(diff).toMatch(/columns differ/);
    expect(diff).toMatch(/row counts differ: 1 actual, 2 expected/);
    expect(diffResults(a, b, { columnNames: false })).not.toMatch(/columns differ/);
  });
});
