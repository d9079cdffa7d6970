/**
 * Row-choosing components on real engines: filter (and its rejected port), sort, limit, distinct,
 * dedupe, top_n and sample, each compared with hand-written SQL.
 */
import { expect, it } from 'vitest';
import { expectSameResults, normalize } from '../support/compare.js';
import { forEachEngine } from '../support/engines.js';
import {
  expectPreview,
  preview,
  previewRows,
  sources,
  workflow,
  type NodeDoc,
} from '../support/workflow-run.js';

forEachEngine('ef_x_rows', (ctx) => {
  const O = () => ctx.t('orders');
  const withOrders = (...nodes: NodeDoc[]) => workflow([...sources(ctx, 'orders'), ...nodes]);

  it('filter: out gets the rows where the condition is true', async () => {
    const wf = withOrders({
      id: 'f',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: "status = 'paid' AND amount >= 10" },
    });
    await expectPreview(ctx, wf, 'f', `SELECT * FROM ${O()} WHERE status = 'paid' AND amount >= 10`);
  });

  it('filter: rejected gets the rows where it is false or null, so out + rejected = input', async () => {
    const wf = withOrders({
      id: 'f',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: 'discount > 0.1 OR quantity > 5' },
    });
    const rejected = await expectPreview(
      ctx,
      wf,
      'f',
      `SELECT * FROM ${O()} EXCEPT ALL SELECT * FROM ${O()} WHERE discount > 0.1 OR quantity > 5`,
      { port: 'rejected' },
    );
    const out = await previewRows(ctx, wf, 'f');
    expect(out.rows.length + rejected.rows.length).toBe(200);
    // Null discounts with small quantities are rejected, not lost.
    expect(rejected.rows.some((r) => r['discount'] === null)).toBe(true);
  });

  it('filter on text with quotes, backslashes, unicode and LIKE wildcards', async () => {
    const cases: Array<[string, string]> = [
      ["note = 'it''s fragile'", `note = 'it''s fragile'`],
      ["note = 'back\\slash'", `note = 'back' || CHR(92) || 'slash'`],
      ["note = 'Ünïcödé ✓' OR note = '日本語のメモ'", `note IN ('Ünïcödé ✓', '日本語のメモ')`],
      ["note LIKE '%\\%%'", `POSITION('%' IN note) > 0`],
      ["note LIKE '%\\_%'", `POSITION('_' IN note) > 0`],
      ["note LIKE '%\\\\%'", `POSITION(CHR(92) IN note) > 0`],
      ["note ILIKE 'gift%'", `LOWER(note) LIKE 'gift%'`],
      ["note LIKE 'gift%'", `SUBSTR(note, 1, 4) = 'gift'`],
      ["note = ''", `LENGTH(note) = 0`],
      ['trim(note) <> note', `note LIKE ' %' OR note LIKE '% '`],
    ];
    for (const [where, expected] of cases) {
      const wf = withOrders({ id: 'f', type: 'filter', inputs: { in: 'orders' }, config: { where } });
      const rs = await expectPreview(ctx, wf, 'f', `SELECT * FROM ${O()} WHERE ${expected}`);
      expect(rs.rows.length, where).toBeGreaterThan(0);
    }
  });

  it('filter downstream of the rejected port', async () => {
    const wf = withOrders(
      { id: 'f', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      { id: 'g', type: 'filter', inputs: { in: 'f.rejected' }, config: { where: 'amount < 0' } },
    );
    await expectPreview(
      ctx,
      wf,
      'g',
      `SELECT * FROM ${O()} WHERE (status <> 'paid' OR status IS NULL) AND amount < 0`,
    );
  });

  it('sort: a preview is in the sort’s order, nulls last by default (also descending)', async () => {
    const wf = withOrders({
      id: 's',
      type: 'sort',
      inputs: { in: 'orders' },
      config: { by: [{ expr: 'amount', desc: true }, 'order_id'] },
    });
    const rs = await expectPreview(
      ctx,
      wf,
      's',
      `SELECT * FROM ${O()} ORDER BY amount DESC NULLS LAST, order_id ASC NULLS LAST`,
      { ordered: true },
    );
    expect(rs.rows.at(-1)!['amount']).toBeNull();
    expect(rs.rows[0]!['amount']).not.toBeNull();
  });

  it('sort: nulls first when asked, expressions and text', async () => {
    const wf = withOrders(
      {
        id: 's',
        type: 'sort',
        inputs: { in: 'orders' },
        config: {
          by: [
            { expr: 'ship_date', nulls: 'first' },
            { expr: 'order_id', desc: true },
          ],
        },
      },
      {
        id: 'e',
        type: 'sort',
        inputs: { in: 'orders' },
        config: { by: [{ expr: 'coalesce(discount, 0) * -1' }, { expr: 'note' }, 'order_id'] },
      },
    );
    await expectPreview(
      ctx,
      wf,
      's',
      `SELECT * FROM ${O()} ORDER BY ship_date ASC NULLS FIRST, order_id DESC NULLS LAST`,
      { ordered: true },
    );
    await expectPreview(
      ctx,
      wf,
      'e',
      `SELECT * FROM ${O()} ORDER BY -COALESCE(discount, 0) ASC NULLS LAST, note ASC NULLS LAST, order_id ASC NULLS LAST`,
      { ordered: true },
    );
  });

  it('sort order survives a filter and a projection that keeps the sort columns', async () => {
    const wf = withOrders(
      {
        id: 's',
        type: 'sort',
        inputs: { in: 'orders' },
        config: { by: [{ expr: 'amount', desc: true }, 'order_id'] },
      },
      { id: 'f', type: 'filter', inputs: { in: 's' }, config: { where: "status = 'paid'" } },
      { id: 'p', type: 'rename', inputs: { in: 'f' }, config: { columns: { amount: 'revenue' } } },
    );
    await expectPreview(
      ctx,
      wf,
      'p',
      `SELECT order_id, store_id, customer_id, status, amount AS revenue, discount, quantity, ordered_at, ship_date, note, is_gift
       FROM ${O()} WHERE status = 'paid' ORDER BY amount DESC NULLS LAST, order_id`,
      { ordered: true },
    );
  });

  it('limit after a sort keeps the first rows of that order, after the offset', async () => {
    const wf = withOrders(
      {
        id: 's',
        type: 'sort',
        inputs: { in: 'orders' },
        config: { by: [{ expr: 'amount', desc: true }, 'order_id'] },
      },
      { id: 'l', type: 'limit', inputs: { in: 's' }, config: { count: 5, offset: 3 } },
      { id: 'l0', type: 'limit', inputs: { in: 's' }, config: { count: 0 } },
      { id: 'f', type: 'filter', inputs: { in: 'l' }, config: { where: 'order_id > 0' } },
    );
    const expected = `SELECT * FROM ${O()} ORDER BY amount DESC NULLS LAST, order_id LIMIT 5 OFFSET 3`;
    await expectPreview(ctx, wf, 'l', expected, { ordered: true });
    // Downstream of the limit, the same five rows (a CTE's ORDER BY + LIMIT picks them).
    await expectPreview(ctx, wf, 'f', expected);
    expect((await previewRows(ctx, wf, 'l0')).rows).toEqual([]);
  });

  it('limit after a sort on an expression, with nulls first', async () => {
    const wf = withOrders(
      {
        id: 's',
        type: 'sort',
        inputs: { in: 'orders' },
        config: { by: [{ expr: 'quantity * 2', desc: true, nulls: 'first' }, 'order_id'] },
      },
      { id: 'l', type: 'limit', inputs: { in: 's' }, config: { count: 12 } },
    );
    await expectPreview(
      ctx,
      wf,
      'l',
      `SELECT * FROM ${O()} ORDER BY quantity * 2 DESC NULLS FIRST, order_id LIMIT 12`,
      { ordered: true },
    );
  });

  it('limit without a sort keeps count rows of the input', async () => {
    const wf = withOrders({ id: 'l', type: 'limit', inputs: { in: 'orders' }, config: { count: 17 } });
    const rs = await previewRows(ctx, wf, 'l');
    expect(rs.rows).toHaveLength(17);
    const ids = new Set(rs.rows.map((r) => normalize(r['order_id'])));
    expect(ids.size).toBe(17);
  });

  it('distinct without columns removes duplicate rows (nulls equal)', async () => {
    const wf = withOrders(
      { id: 'p', type: 'select', inputs: { in: 'orders' }, config: { columns: ['store_id', 'status'] } },
      { id: 'd', type: 'distinct', inputs: { in: 'p' } },
    );
    const rs = await expectPreview(ctx, wf, 'd', `SELECT DISTINCT store_id, status FROM ${O()}`);
    expect(rs.rows.filter((r) => r['store_id'] === null && r['status'] === null).length).toBeLessThanOrEqual(
      1,
    );
  });

  it('distinct with columns outputs just those columns, once per combination', async () => {
    const wf = withOrders({
      id: 'd',
      type: 'distinct',
      inputs: { in: 'orders' },
      config: { columns: ['status', 'store_id'] },
    });
    await expectPreview(ctx, wf, 'd', `SELECT status, store_id FROM ${O()} GROUP BY status, store_id`);
  });

  it('dedupe keeps the first whole row per key by orderBy (null keys group together)', async () => {
    const wf = withOrders({
      id: 'd',
      type: 'dedupe',
      inputs: { in: 'orders' },
      config: {
        key: ['customer_id'],
        orderBy: [
          { expr: 'ordered_at', desc: true },
          { expr: 'order_id', desc: true },
        ],
      },
    });
    // A row is kept when no row of its key comes before it: later ordered_at (nulls last), then higher id.
    await expectPreview(
      ctx,
      wf,
      'd',
      `SELECT o.* FROM ${O()} AS o
       WHERE NOT EXISTS (
         SELECT 1 FROM ${O()} AS p
         WHERE p.customer_id IS NOT DISTINCT FROM o.customer_id
           AND ((p.ordered_at IS NOT NULL AND o.ordered_at IS NULL)
             OR p.ordered_at > o.ordered_at
             OR (p.ordered_at IS NOT DISTINCT FROM o.ordered_at AND p.order_id > o.order_id)))`,
    );
  });

  it('dedupe without orderBy keeps one row of each key', async () => {
    const wf = withOrders({
      id: 'd',
      type: 'dedupe',
      inputs: { in: 'orders' },
      config: { key: ['store_id', 'status'] },
    });
    const rs = await previewRows(ctx, wf, 'd');
    const keys = await ctx.engine.query(`SELECT DISTINCT store_id, status FROM ${O()}`);
    expect(rs.rows).toHaveLength(keys.rows.length);
    const seen = new Set(
      rs.rows.map((r) => JSON.stringify([normalize(r['store_id']), normalize(r['status'])])),
    );
    expect(seen.size).toBe(keys.rows.length);
  });

  it('top_n with groupBy: the first n rows per group (null group included), in group order', async () => {
    const wf = withOrders({
      id: 't',
      type: 'top_n',
      inputs: { in: 'orders' },
      config: { groupBy: ['store_id'], orderBy: [{ expr: 'amount', desc: true }, 'order_id'], n: 3 },
    });
    const better = `((p.amount IS NOT NULL AND o.amount IS NULL) OR p.amount > o.amount
                     OR (p.amount IS NOT DISTINCT FROM o.amount AND p.order_id < o.order_id))`;
    await expectPreview(
      ctx,
      wf,
      't',
      `SELECT o.* FROM ${O()} AS o
       WHERE (SELECT COUNT(*) FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id AND ${better}) < 3
       ORDER BY o.store_id NULLS LAST, o.amount DESC NULLS LAST, o.order_id`,
      { ordered: true },
    );
  });

  it('top_n without groupBy: the first n rows overall', async () => {
    const wf = withOrders({
      id: 't',
      type: 'top_n',
      inputs: { in: 'orders' },
      config: { orderBy: [{ expr: 'amount', desc: true }, 'order_id'], n: 5 },
    });
    await expectPreview(
      ctx,
      wf,
      't',
      `SELECT * FROM ${O()} ORDER BY amount DESC NULLS LAST, order_id LIMIT 5`,
      {
        ordered: true,
      },
    );
  });

  it('top_n with ties keeps exactly n rows per group, all among the best', async () => {
    const wf = withOrders({
      id: 't',
      type: 'top_n',
      inputs: { in: 'orders' },
      config: { groupBy: ['status'], orderBy: [{ expr: 'amount', desc: true }], n: 1 },
    });
    const rs = await previewRows(ctx, wf, 't');
    const best = await ctx.engine.query(
      `SELECT status, COUNT(*) AS n, MAX(amount) AS best FROM ${O()} GROUP BY status`,
    );
    expect(rs.rows).toHaveLength(best.rows.length);
    for (const g of best.rows) {
      const kept = rs.rows.filter((r) => normalize(r['status']) === normalize(g['status']));
      expect(kept).toHaveLength(1);
      expect(normalize(kept[0]!['amount'])).toEqual(normalize(g['best']));
    }
  });

  it('sample rows: min(n, total) distinct rows of the input', async () => {
    const wf = withOrders(
      { id: 's10', type: 'sample', inputs: { in: 'orders' }, config: { rows: 10 } },
      { id: 'sall', type: 'sample', inputs: { in: 'orders' }, config: { rows: 1000 } },
      { id: 's0', type: 'sample', inputs: { in: 'orders' }, config: { rows: 0 } },
    );
    const ten = await previewRows(ctx, wf, 's10');
    expect(ten.rows).toHaveLength(10);
    const all = await ctx.engine.query(`SELECT * FROM ${O()}`);
    const allKeys = new Set(all.rows.map((r) => JSON.stringify(Object.values(r).map(normalize))));
    for (const r of ten.rows) expect(allKeys.has(JSON.stringify(Object.values(r).map(normalize)))).toBe(true);
    expect(new Set(ten.rows.map((r) => normalize(r['order_id']))).size).toBe(10);
    expectSameResults(await previewRows(ctx, wf, 'sall'), all);
    expect((await previewRows(ctx, wf, 's0')).rows).toEqual([]);
  });

  it('sample percent: 100 keeps every row, with or without a seed', async () => {
    const wf = withOrders(
      { id: 'p', type: 'sample', inputs: { in: 'orders' }, config: { percent: 100 } },
      { id: 'ps', type: 'sample', inputs: { in: 'orders' }, config: { percent: 100, seed: 7 } },
    );
    await expectPreview(ctx, wf, 'p', `SELECT * FROM ${O()}`);
    await expectPreview(ctx, wf, 'ps', `SELECT * FROM ${O()}`);
  });

  it('a sample read twice downstream is one sample (a self-join matches every row)', async () => {
    for (const spec of [{ rows: 10 }, { percent: 20 }]) {
      const wf = withOrders(
        { id: 's', type: 'sample', inputs: { in: 'orders' }, config: spec },
        {
          id: 'j',
          type: 'join',
          inputs: { left: 's', right: 's' },
          config: { kind: 'full', on: [{ left: 'order_id', right: 'order_id' }] },
        },
        {
          id: 'a',
          type: 'aggregate',
          inputs: { in: 'j' },
          config: { measures: { n: 'count(*)', l: 'count(order_id)', r: 'count(right_order_id)' } },
        },
      );
      const [row] = (await previewRows(ctx, wf, 'a')).rows;
      const [n, l, r] = ['n', 'l', 'r'].map((c) => normalize(row![c]));
      expect(l, JSON.stringify(spec)).toBe(n);
      expect(r, JSON.stringify(spec)).toBe(n);
    }
  });

  it('sample with a seed is repeatable; percent keeps about that share', async () => {
    const wf = withOrders(
      { id: 'p', type: 'sample', inputs: { in: 'orders' }, config: { percent: 50, seed: 42 } },
      { id: 'r', type: 'sample', inputs: { in: 'orders' }, config: { rows: 20, seed: 42 } },
      { id: 'u', type: 'sample', inputs: { in: 'orders' }, config: { percent: 30 } },
    );
    for (const node of ['p', 'r']) {
      const first = await preview(ctx, wf, node);
      const again = await previewRows(ctx, wf, node);
      expectSameResults(again, first.result, { label: `${node} run twice` });
    }
    const half = (await previewRows(ctx, wf, 'p')).rows.length;
    expect(half).toBeGreaterThan(50);
    expect(half).toBeLessThan(150);
    expect((await previewRows(ctx, wf, 'r')).rows).toHaveLength(20);
    const some = (await previewRows(ctx, wf, 'u')).rows.length;
    expect(some).toBeGreaterThan(20);
    expect(some).toBeLessThan(110);
  });
});
