/**
 * The eval cases themselves: at least 40, every category covered, ids unique; and every gold SQL
 * runs on the real demo generator's data (a small seeding), returns rows, and returns the same
 * rows in the same order when run again (gold SQL orders its rows where the order could vary).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, goldSqls, loadCases } from './cases.js';
import { executeSelect } from './output.js';
import { smallDemo, type SmallDemo } from './testing.js';

const cases = loadCases();

describe('the case files', () => {
  it('hold at least 40 cases covering every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of CATEGORIES)
      expect(cases.filter((k) => k.category === c).length).toBeGreaterThanOrEqual(4);
  });
  it('run on the local connection, and gold SQL reads only the demo tables', () => {
    for (const c of cases) {
      expect(c.connection).toBe('local');
      for (const sql of goldSqls(c))
        expect(sql).toMatch(/main\.(orders|order_items|customers|stores|products)/);
    }
  });
});

describe('every gold SQL on the demo dataset', () => {
  let demo: SmallDemo;
  beforeAll(async () => {
    demo = await smallDemo();
  });
  afterAll(() => demo?.close());

  const golds = cases.flatMap((c) => goldSqls(c).map((sql, i) => [`${c.id}#${i + 1}`, sql] as const));
  it.each(golds)('%s returns rows, deterministically', async (_id, sql) => {
    const c = await demo.service.connector('local');
    const first = await executeSelect(c, sql);
    expect(first.rows.length).toBeGreaterThan(0);
    expect(first.columns.length).toBeGreaterThan(0);
    const again = await executeSelect(c, sql);
    expect(again).toEqual(first);
  });
});
