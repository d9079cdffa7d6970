/**
 * aggregate and window on real engines, compared with hand-written SQL (correlated subqueries or
 * window clauses with explicit frames, not the compiler's defaults).
 */
import { expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/index.js';
import { normalize } from '../support/compare.js';
import { forEachEngine } from '../support/engines.js';
import { expectPreview, previewRows, sources, workflow, type NodeDoc } from '../support/workflow-run.js';

forEachEngine('ef_x_aggwin', (ctx) => {
  const O = () => ctx.t('orders');
  const withOrders = (...nodes: NodeDoc[]) => workflow([...sources(ctx, 'orders'), ...nodes]);

  it('aggregate: measures per group, the null key as its own group', async () => {
    const wf = withOrders({
      id: 'a',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: {
        groupBy: ['store_id'],
        measures: {
          revenue: 'sum(amount)',
          orders: 'count(*)',
          avg_ticket: 'sum(amount) / count(*)',
          customers: 'count(distinct customer_id)',
          items: 'sum(quantity)',
          avg_items: 'avg(quantity)',
          last_at: 'max(ordered_at)',
          first_ship: 'min(ship_date)',
          spread: 'max(amount) - min(amount)',
          gifts: 'sum(CASE WHEN is_gift THEN 1 ELSE 0 END)',
          noted: 'count(note)',
        },
      },
    });
    const rs = await expectPreview(
      ctx,
      wf,
      'a',
      `SELECT store_id, SUM(amount) AS revenue, COUNT(*) AS orders, SUM(amount) / COUNT(*) AS avg_ticket,
              COUNT(DISTINCT customer_id) AS customers, SUM(quantity) AS items,
              SUM(quantity) * 1.0 / COUNT(quantity) AS avg_items, MAX(ordered_at) AS last_at,
              MIN(ship_date) AS first_ship, MAX(amount) - MIN(amount) AS spread,
              COUNT(*) FILTER (WHERE is_gift) AS gifts, COUNT(note) AS noted
       FROM ${O()} GROUP BY store_id`,
    );
    expect(rs.rows.some((r) => r['store_id'] === null)).toBe(true);
  });

  it('aggregate: several group keys with nulls', async () => {
    const wf = withOrders({
      id: 'a',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['status', 'is_gift'], measures: { n: 'count(*)', total: 'sum(amount)' } },
    });
    await expectPreview(
      ctx,
      wf,
      'a',
      `SELECT status, is_gift, COUNT(*) AS n, SUM(amount) AS total FROM ${O()} GROUP BY status, is_gift`,
    );
  });

  it('aggregate without groupBy: one row, also for an empty input', async () => {
    const wf = withOrders(
      {
        id: 'a',
        type: 'aggregate',
        inputs: { in: 'orders' },
        config: {
          measures: { n: 'count(*)', total: 'sum(amount)', notes: 'count(note)', top: 'max(amount)' },
        },
      },
      { id: 'none', type: 'filter', inputs: { in: 'orders' }, config: { where: 'order_id < 0' } },
      {
        id: 'e',
        type: 'aggregate',
        inputs: { in: 'none' },
        config: { measures: { n: 'count(*)', total: 'sum(amount)' } },
      },
    );
    await expectPreview(
      ctx,
      wf,
      'a',
      `SELECT COUNT(*) AS n, SUM(amount) AS total, COUNT(note) AS notes, MAX(amount) AS top FROM ${O()}`,
    );
    const empty = await previewRows(ctx, wf, 'e');
    expect(empty.rows.map((r) => [normalize(r['n']), normalize(r['total'])])).toEqual([[0, null]]);
  });

  it('aggregate after compute: revenue per month (date_trunc) and weekday', async () => {
    const wf = withOrders(
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'orders' },
        config: {
          columns: { month: "date_trunc('month', ordered_at)", dow: 'extract(dow from ordered_at)' },
        },
      },
      {
        id: 'a',
        type: 'aggregate',
        inputs: { in: 'c' },
        config: { groupBy: ['month', 'dow'], measures: { revenue: 'sum(amount)', n: 'count(*)' } },
      },
    );
    // ISO weekday by hand: (days since Monday 2024-01-01, mod 7) + 1.
    const dow = {
      duckdb: `((CAST(CAST(ordered_at AS DATE) - DATE '2024-01-01' AS BIGINT) % 7 + 7) % 7) + 1`,
      postgres: `((CAST(ordered_at AS DATE) - DATE '2024-01-01') % 7 + 7) % 7 + 1`,
    }[ctx.name];
    await expectPreview(
      ctx,
      wf,
      'a',
      `SELECT month, dow, SUM(amount) AS revenue, COUNT(*) AS n FROM (
         SELECT amount,
                CAST(CAST(EXTRACT(YEAR FROM ordered_at) AS INTEGER) || '-' || CAST(EXTRACT(MONTH FROM ordered_at) AS INTEGER) || '-01' AS TIMESTAMP) AS month,
                ${dow} AS dow
         FROM ${O()}) AS t
       GROUP BY month, dow`,
    );
  });

  it('window: running totals, row numbers, lag/lead (with defaults) per partition', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        partitionBy: ['store_id'],
        orderBy: ['ordered_at', 'order_id'],
        columns: {
          running: 'sum(amount)',
          n: 'row_number()',
          prev: 'lag(amount)',
          prev2: 'lag(amount, 2, 0)',
          next_status: "lead(status, 1, 'none')",
          share: 'amount / sum(amount)',
        },
      },
    });
    const w = `PARTITION BY store_id ORDER BY ordered_at ASC NULLS LAST, order_id ASC NULLS LAST`;
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT *,
         SUM(amount) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
         ROW_NUMBER() OVER (${w}) AS n,
         LAG(amount, 1) OVER (${w}) AS prev,
         COALESCE(LAG(amount, 2) OVER (${w}), CASE WHEN ROW_NUMBER() OVER (${w}) <= 2 THEN 0 END) AS prev2,
         CASE WHEN ROW_NUMBER() OVER (${w}) = COUNT(*) OVER (PARTITION BY store_id) THEN 'none'
              ELSE LEAD(status, 1) OVER (${w}) END AS next_status,
         amount / NULLIF(SUM(amount) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS share
       FROM ${O()}`,
    );
  });

  it('window: a running total is the sum of the rows so far (correlated subquery)', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        partitionBy: ['customer_id'],
        orderBy: ['order_id'],
        columns: { running: 'sum(amount)', k: 'count(*)' },
      },
    });
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT o.*,
         (SELECT SUM(p.amount) FROM ${O()} AS p WHERE p.customer_id IS NOT DISTINCT FROM o.customer_id AND p.order_id <= o.order_id) AS running,
         (SELECT COUNT(*) FROM ${O()} AS p WHERE p.customer_id IS NOT DISTINCT FROM o.customer_id AND p.order_id <= o.order_id) AS k
       FROM ${O()} AS o`,
    );
  });

  it('window: rows frames (moving sums) and first/last_value over the whole partition', async () => {
    const wf = withOrders(
      {
        id: 'm',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['store_id'],
          orderBy: ['order_id'],
          frame: { unit: 'rows', from: -2, to: 0 },
          columns: { moving: 'sum(amount)', moving_n: 'count(amount)', rk: 'rank()' },
        },
      },
      {
        id: 'c',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['store_id'],
          orderBy: ['order_id'],
          frame: { unit: 'rows', from: -1, to: 1 },
          columns: { centered: 'avg(quantity)' },
        },
      },
      {
        id: 'fl',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['store_id'],
          orderBy: ['order_id'],
          frame: { unit: 'rows', from: 'unbounded', to: 'unbounded' },
          columns: {
            first_id: 'first_value(order_id)',
            last_id: 'last_value(order_id)',
            total: 'sum(amount)',
          },
        },
      },
    );
    const within = (lo: string, hi: string, col: string, agg: string) =>
      `(SELECT ${agg}(p.${col}) FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id
          AND (SELECT COUNT(*) FROM ${O()} AS q WHERE q.store_id IS NOT DISTINCT FROM o.store_id AND q.order_id < o.order_id)
              - (SELECT COUNT(*) FROM ${O()} AS q WHERE q.store_id IS NOT DISTINCT FROM o.store_id AND q.order_id < p.order_id)
              BETWEEN ${lo} AND ${hi})`;
    await expectPreview(
      ctx,
      wf,
      'm',
      `SELECT o.*, ${within('0', '2', 'amount', 'SUM')} AS moving, ${within('0', '2', 'amount', 'COUNT')} AS moving_n,
              (SELECT COUNT(*) + 1 FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id AND p.order_id < o.order_id) AS rk
       FROM ${O()} AS o`,
    );
    await expectPreview(
      ctx,
      wf,
      'c',
      `SELECT o.*, ${within('-1', '1', 'quantity', 'AVG')} AS centered FROM ${O()} AS o`,
    );
    await expectPreview(
      ctx,
      wf,
      'fl',
      `SELECT o.*,
         MIN(order_id) OVER (PARTITION BY store_id) AS first_id,
         MAX(order_id) OVER (PARTITION BY store_id) AS last_id,
         SUM(amount) OVER (PARTITION BY store_id) AS total
       FROM ${O()} AS o`,
    );
  });

  it('window: last_value without a frame is the current row (SQL’s default frame)', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        partitionBy: ['store_id'],
        orderBy: ['order_id'],
        columns: { lv: 'last_value(order_id)', fv: 'first_value(amount)' },
      },
    });
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT o.*, o.order_id AS lv,
         (SELECT p.amount FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id ORDER BY p.order_id LIMIT 1) AS fv
       FROM ${O()} AS o`,
    );
  });

  it('window: range frame over a numeric order (amounts within 100 below)', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        partitionBy: ['store_id'],
        orderBy: ['amount'],
        frame: { unit: 'range', from: -100, to: 0 },
        columns: { near_total: 'sum(amount)' },
      },
    });
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT o.*,
         (SELECT SUM(p.amount) FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id
            AND p.amount BETWEEN o.amount - 100 AND o.amount) AS near_total
       FROM ${O()} AS o`,
    );
  });

  it('window: a range frame with offsets needs a numeric order (a timestamp is rejected before running)', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        orderBy: ['ordered_at'],
        frame: { unit: 'range', from: -7, to: 0 },
        columns: { week_total: 'sum(amount)' },
      },
    });
    const a = analyzeWorkflow(wf, { dialect: ctx.dialect, catalog: ctx.catalog });
    expect(a.valid).toBe(false);
    expect(a.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      code: 'INVALID_VALUE',
      nodeId: 'w',
    });
  });

  it('window: rank and dense_rank with ties, ntile', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: {
        partitionBy: ['status'],
        orderBy: [{ expr: 'amount', desc: true }],
        columns: { rk: 'rank()', drk: 'dense_rank()' },
      },
    });
    const better = `p.status IS NOT DISTINCT FROM o.status AND ((p.amount IS NOT NULL AND o.amount IS NULL) OR p.amount > o.amount)`;
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT o.*,
         (SELECT COUNT(*) + 1 FROM ${O()} AS p WHERE ${better}) AS rk,
         (SELECT COUNT(DISTINCT COALESCE(CAST(p.amount AS VARCHAR), 'null')) + 1 FROM ${O()} AS p WHERE ${better}) AS drk
       FROM ${O()} AS o`,
    );
    const nt = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: { orderBy: ['order_id'], columns: { q: 'ntile(4)' } },
    });
    await expectPreview(
      ctx,
      nt,
      'w',
      `SELECT *, CAST(FLOOR((order_id - 1) / 50.0) AS BIGINT) + 1 AS q FROM ${O()}`,
    );
  });

  it('window: row_number() = 1 downstream keeps the best row per group (DECIMAL key with nulls)', async () => {
    const wf = withOrders(
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['status'],
          orderBy: [{ expr: 'amount', desc: true }],
          columns: { rn: 'row_number()' },
        },
      },
      { id: 'best', type: 'filter', inputs: { in: 'w' }, config: { where: 'rn = 1' } },
      { id: 'p', type: 'select', inputs: { in: 'best' }, config: { columns: ['status', 'amount'] } },
    );
    await expectPreview(ctx, wf, 'p', `SELECT status, MAX(amount) AS amount FROM ${O()} GROUP BY status`);
  });

  it('window: any_value and string_agg over a partition', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: { partitionBy: ['store_id'], columns: { some_status: 'any_value(status)', n: 'count(*)' } },
    });
    const rs = await previewRows(ctx, wf, 'w');
    expect(rs.rows).toHaveLength(200);
    const statuses = new Map<string, Set<unknown>>();
    for (const r of (await ctx.engine.query(`SELECT store_id, status FROM ${O()} WHERE status IS NOT NULL`))
      .rows) {
      const k = String(normalize(r['store_id']));
      statuses.set(k, (statuses.get(k) ?? new Set()).add(r['status']));
    }
    const perStore = new Map<string, unknown>();
    for (const r of rs.rows) {
      const k = String(normalize(r['store_id']));
      expect(statuses.get(k)?.has(r['some_status'])).toBe(true);
      // One value for the whole partition.
      if (perStore.has(k)) expect(r['some_status']).toBe(perStore.get(k));
      perStore.set(k, r['some_status']);
    }
  });

  it('window: count(distinct) runs, or is reported UNSUPPORTED before anything runs', async () => {
    const wf = withOrders({
      id: 'w',
      type: 'window',
      inputs: { in: 'orders' },
      config: { partitionBy: ['store_id'], columns: { customers: 'count(distinct customer_id)' } },
    });
    const a = analyzeWorkflow(wf, { dialect: ctx.dialect, catalog: ctx.catalog });
    if (!a.valid) {
      expect(a.diagnostics.map((d) => d.code)).toContain('UNSUPPORTED');
      return;
    }
    await expectPreview(
      ctx,
      wf,
      'w',
      `SELECT o.*, (SELECT COUNT(DISTINCT p.customer_id) FROM ${O()} AS p WHERE p.store_id IS NOT DISTINCT FROM o.store_id) AS customers
       FROM ${O()} AS o`,
    );
  });
});
