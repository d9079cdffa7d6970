import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from './expr/functions.js';
import { didYouMean, editDistance, nearNames, nearest, orList } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['amount', 'amount', 0],
    ['amount', 'AMOUNT', 0],
    ['amout', 'amount', 1],
    ['amuont', 'amount', 1], // an adjacent transposition is one edit
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('nearest', () => {
  const columns = ['order_id', 'store_id', 'status', 'amount', 'ordered_at'];

  it('finds a plausible typo, an exact match in another case, or nothing', () => {
    expect(nearest('stauts', columns)).toBe('status');
    expect(nearest('AMOUNT', columns)).toBe('amount');
    expect(nearest('store', columns)).toBe('store_id'); // a prefix
    expect(nearest('customer_name', columns)).toBeUndefined();
    expect(nearest('x', [])).toBeUndefined();
  });

  it('allows fewer edits for short names', () => {
    expect(nearest('ab', ['xy'])).toBeUndefined();
    expect(nearest('ab', ['ax'])).toBe('ax');
  });

  it('does not spend quadratic time on huge names', () => {
    const huge = 'x'.repeat(200_000);
    const started = performance.now();
    expect(nearest(huge, [...columns, `${huge}y`, 'x'.repeat(199_999)])).toBeUndefined();
    expect(nearest(huge, [huge.toUpperCase()])).toBe(huge.toUpperCase());
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('didYouMean', () => {
  it('suggests, lists, or says there is nothing', () => {
    expect(didYouMean('fitler', ['filter', 'sort'], 'components')).toBe('did you mean "filter"?');
    expect(didYouMean('zzz', ['a', 'b'], 'node ids')).toBe('node ids: "a", "b"');
    expect(didYouMean('zzz', [], 'declared params')).toBe('there are no declared params');
    const many = Array.from({ length: 20 }, (_, i) => `c${i}`);
    expect(didYouMean('zzzz', many)).toMatch(/"c11", … \(20 in all\)$/);
  });
});

describe('nearNames', () => {
  const functions = [...FUNCTIONS.keys()];
  const without = (...names: string[]) => functions.filter((f) => !names.includes(f));

  it.each([
    ['lenght', ['length']],
    ['substring', ['substr']],
    ['regex_replace', ['regexp_replace']],
    ['percentile', ['percentile_cont']],
    ['LOWR', ['lower']],
    ['date', ['date_trunc', 'date_add', 'date_diff']],
    ['frobnicate', []],
  ])('%s → %j', (name, expected) => {
    expect(nearNames(name, functions)).toEqual(expected);
  });

  it('guesses nothing for a short name unless it is a prefix: sin is not sign, cos not abs or acos', () => {
    expect(nearNames('sin', without('sin'))).toEqual([]);
    expect(nearNames('cos', without('cos'))).toEqual([]);
    expect(nearNames('now', functions)).toEqual([]);
    expect(nearNames('sig', functions)).toEqual(['sign']);
  });

  it('finds an exact match in another case, and nothing among no candidates', () => {
    expect(nearNames('Lower', functions)).toEqual(['lower']);
    expect(nearNames('x', [])).toEqual([]);
    expect(nearNames('x'.repeat(300), ['x'.repeat(299)])).toEqual([]);
  });

  it('lists names as prose', () => {
    expect(orList(['a'])).toBe('"a"');
    expect(orList(['a', 'b'])).toBe('"a" or "b"');
    expect(orList(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
  });
});
