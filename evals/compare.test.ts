/**
 * The comparators on hand-made result pairs: what each accepts and refuses (column order, extra
 * columns, numeric tolerance, duplicates, types that mean the same value).
 */
import { describe, expect, it } from 'vitest';
import { strictMatch, subsetMatch, type ResultSet } from './compare.js';

const rs = (columns: string[], rows: unknown[][]): ResultSet => ({ columns, rows });
const gold = rs(
  ['city', 'orders', 'revenue'],
  [
    ['Madrid', 10, '1200.50'],
    ['Bilbao', 4, 300.25],
    ['Toledo', 4, 80],
  ],
);

describe('strictMatch (BIRD-like)', () => {
  it('accepts the same rows in another order, names ignored, numbers of any type normalised', () => {
    const got = rs(
      ['c', 'n', 'r'],
      [
        ['Toledo', 4n, '80.00'],
        ['Madrid', 10, 1200.5],
        ['Bilbao', 4, '300.25'],
      ],
    );
    expect(strictMatch(gold, got).match).toBe(true);
  });
  it('refuses reordered columns and extra columns', () => {
    const reordered = rs(
      ['orders', 'city', 'revenue'],
      gold.rows.map(([a, b, c]) => [b, a, c]),
    );
    expect(strictMatch(gold, reordered).match).toBe(false);
    expect(
      strictMatch(
        gold,
        rs(
          [...gold.columns, 'x'],
          gold.rows.map((r) => [...r, 1]),
        ),
      ).match,
    ).toBe(false);
  });
  it('counts duplicates: a multiset, not a set', () => {
    const dup = rs(['a'], [[1], [1], [2]]);
    expect(strictMatch(dup, rs(['a'], [[1], [2], [2]])).match).toBe(false);
    expect(strictMatch(dup, rs(['a'], [[2], [1], [1]])).match).toBe(true);
    expect(strictMatch(dup, rs(['a'], [[1], [2]])).match).toBe(false);
  });
  it('is exact beyond 12 significant digits only: 1e-6 relative differences fail', () => {
    expect(strictMatch(rs(['x'], [[1 / 3]]), rs(['x'], [[0.333333333333333]])).match).toBe(true);
    expect(strictMatch(rs(['x'], [[100]]), rs(['x'], [[100.00001]])).match).toBe(false);
  });
  it('reads a timestamp at midnight as its date, and null as null', () => {
    expect(
      strictMatch(rs(['d', 'v'], [['2025-01-01', null]]), rs(['m', 'v'], [['2025-01-01 00:00:00', null]]))
        .match,
    ).toBe(true);
    expect(strictMatch(rs(['v'], [[null]]), rs(['v'], [[0]])).match).toBe(false);
    expect(strictMatch(rs(['v'], [[null]]), rs(['v'], [['null']])).match).toBe(false);
  });
});

describe('subsetMatch (Spider 2.0-like)', () => {
  it('accepts reordered and extra columns, matching by values not names', () => {
    const got = rs(
      ['revenue_eur', 'extra', 'name', 'n'],
      [
        [80, 'x', 'Toledo', 4],
        [1200.5, 'y', 'Madrid', 10],
        [300.25, 'z', 'Bilbao', 4],
      ],
    );
    const m = subsetMatch(gold, got);
    expect(m).toMatchObject({ match: true, mapping: [2, 3, 0] });
    expect(strictMatch(gold, got).match).toBe(false);
  });
  it('accepts numbers within 1e-6 relative, refuses beyond', () => {
    const within = rs(
      gold.columns,
      gold.rows.map(([a, b, c]) => [a, b, Number(c) * (1 + 5e-7)]),
    );
    const beyond = rs(
      gold.columns,
      gold.rows.map(([a, b, c]) => [a, b, Number(c) * (1 + 5e-6)]),
    );
    expect(subsetMatch(gold, within).match).toBe(true);
    expect(subsetMatch(gold, beyond).match).toBe(false);
  });
  it('requires the values on the same rows, not just the same columns', () => {
    const shuffled = rs(gold.columns, [
      ['Madrid', 4, 1200.5],
      ['Bilbao', 10, 300.25],
      ['Toledo', 4, 80],
    ]);
    expect(subsetMatch(gold, shuffled)).toMatchObject({ match: false });
  });
  it('tries other assignments when two columns hold the same values', () => {
    const g = rs(
      ['a', 'b'],
      [
        [1, 2],
        [2, 3],
        [3, 1],
      ],
    );
    const got = rs(
      ['x', 'y', 'z'],
      [
        [2, 1, 0],
        [3, 2, 0],
        [1, 3, 0],
      ],
    );
    expect(subsetMatch(g, got)).toMatchObject({ match: true, mapping: [1, 0] });
  });
  it('counts duplicate rows and refuses missing gold columns', () => {
    expect(subsetMatch(rs(['a'], [[1], [1]]), rs(['a'], [[1], [2]])).match).toBe(false);
    expect(
      subsetMatch(
        rs(['a'], [[1], [1]]),
        rs(
          ['b', 'a'],
          [
            ['q', 1],
            ['r', 1],
          ],
        ),
      ).match,
    ).toBe(true);
    expect(
      subsetMatch(
        gold,
        rs(
          ['city', 'orders'],
          gold.rows.map(([a, b]) => [a, b]),
        ),
      ),
    ).toMatchObject({
      match: false,
    });
  });
});
