/**
 * Multi-node workflows run end to end on real engines: the store revenue example of DESIGN.md
 * §1.1 with params, join + aggregate + top_n, the sql escape hatch, and two outputs sharing
 * upstream work (materialised once in staging, then cleaned up).
 */
import { expect, it } from 'vitest';
import { expectSameResults } from '../support/compare.js';
import { forEachEngine } from '../support/engines.js';
import {
  expectPreview,
  planOrThrow,
  executePlan,
  preview,
  runWorkflow,
  sources,
  workflow,
  type NodeDoc,
} from '../support/workflow-run.js';

forEachEngine('ef_x_flows', (ctx) => {
  const O = () => ctx.t('orders');
  const S = () => ctx.t('stores');
  const C = () => ctx.t('customers');
  const read = (table: string) => ctx.engine.query(`SELECT * FROM ${ctx.o(table)}`);

  /** DESIGN.md §1.1, pointed at this file's schemas. */
  const storeRevenue = () => ({
    edgeflow: 1,
    name: 'store_revenue',
    description: 'Revenue of paid orders per store',
    connection: 'local',
    params: { min_amount: { type: 'number', default: 0 } },
    nodes: [
      { id: 'orders', type: 'source.table', config: { table: `${ctx.schema}.orders` } },
      {
        id: 'paid',
        type: 'filter',
        inputs: { in: 'orders' },
        config: { where: "status = 'paid' AND amount >= :min_amount" },
      },
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
      },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'rev' },
        config: { table: `${ctx.out}.store_revenue`, mode: 'replace' },
      },
    ],
    schedule: { cron: '0 6 * * *', timezone: 'Europe/Madrid', catchup: 'latest' },
  });
  const revenueSql = (min: number) =>
    `SELECT store_id, SUM(amount) AS revenue, COUNT(*) AS orders FROM ${O()}
     WHERE status = 'paid' AND amount >= ${min} GROUP BY store_id`;

  it('store revenue (DESIGN §1.1): preview with default and given params, then a run', async () => {
    const wf = storeRevenue();
    await expectPreview(ctx, wf, 'rev', revenueSql(0));
    await expectPreview(ctx, wf, 'rev', revenueSql(100), { params: { min_amount: 100 } });
    // Previewing an output node shows the rows it would write.
    await expectPreview(ctx, wf, 'out', revenueSql(0));
    await runWorkflow(ctx, wf, { runId: 'sr1', params: { min_amount: 50.5 } });
    expectSameResults(await read('store_revenue'), await ctx.engine.query(revenueSql(50.5)));
  });

  it('store revenue: the JSON text of the workflow compiles the same', async () => {
    const wf = JSON.stringify(storeRevenue());
    await expectPreview(ctx, wf, 'rev', revenueSql(0));
  });

  it('join + aggregate + top_n: the two best stores of each region', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders', 'stores'),
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'paid', right: 'stores' },
        config: { kind: 'inner', on: [{ left: 'store_id', right: 'store_id' }] },
      },
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'j' },
        config: {
          groupBy: ['region', 'store_id', 'Store Name'],
          measures: { revenue: 'sum(amount)', orders: 'count(*)', per_m2: 'sum(amount) / max(sq_m)' },
        },
      },
      {
        id: 'top',
        type: 'top_n',
        inputs: { in: 'agg' },
        config: { groupBy: ['region'], orderBy: [{ expr: 'revenue', desc: true }, 'store_id'], n: 2 },
      },
    ]);
    const agg = `SELECT s.region, o.store_id, s."Store Name", SUM(o.amount) AS revenue, COUNT(*) AS orders,
                        SUM(o.amount) / NULLIF(MAX(s.sq_m), 0) AS per_m2
                 FROM ${O()} AS o JOIN ${S()} AS s ON o.store_id = s.store_id
                 WHERE o.status = 'paid' GROUP BY s.region, o.store_id, s."Store Name"`;
    await expectPreview(
      ctx,
      wf,
      'top',
      `WITH a AS (${agg})
       SELECT * FROM a AS x
       WHERE (SELECT COUNT(*) FROM a AS y WHERE y.region IS NOT DISTINCT FROM x.region
              AND (y.revenue > x.revenue OR (y.revenue = x.revenue AND y.store_id < x.store_id))) < 2
       ORDER BY x.region NULLS LAST, x.revenue DESC, x.store_id`,
      { ordered: true },
    );
  });

  it('two outputs sharing upstream work: materialised once in staging, dropped afterwards', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders', 'customers'),
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'enriched',
        type: 'join',
        inputs: { left: 'paid', right: 'customers' },
        config: {
          kind: 'left',
          on: [{ left: 'customer_id', right: 'customer_id' }],
          select: ['left.order_id', 'left.amount', 'left.ordered_at', 'right.segment', 'right.country'],
        },
      },
      {
        id: 'by_segment',
        type: 'aggregate',
        inputs: { in: 'enriched' },
        config: { groupBy: ['segment'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
      },
      {
        id: 'seg_out',
        type: 'output.table',
        inputs: { in: 'by_segment' },
        config: { table: `${ctx.out}.segment_revenue`, mode: 'replace' },
      },
      {
        id: 'detail_out',
        type: 'output.table',
        inputs: { in: 'enriched' },
        config: { table: `${ctx.out}.paid_detail`, mode: 'merge', keys: ['order_id'] },
      },
    ]);
    const plan = planOrThrow(ctx, wf, { runId: 'Shared-1' });
    expect(plan.steps.map((s) => s.kind)).toEqual(['prepare', 'materialize', 'write', 'write', 'cleanup']);
    const materialize = plan.steps[1]!;
    expect(materialize.nodes).toContain('enriched');
    expect(materialize.creates[0]).toContain(ctx.staging);
    for (const w of plan.steps.filter((s) => s.kind === 'write')) {
      expect(w.dependsOn).toContain(materialize.id);
      expect(w.nodes).not.toContain('paid');
    }
    await executePlan(ctx.engine, plan);
    const detail = `SELECT o.order_id, o.amount, o.ordered_at, c.segment, c.country
                    FROM ${O()} AS o LEFT JOIN ${C()} AS c ON o.customer_id = c.customer_id WHERE o.status = 'paid'`;
    expectSameResults(await read('paid_detail'), await ctx.engine.query(detail));
    expectSameResults(
      await read('segment_revenue'),
      await ctx.engine.query(
        `SELECT segment, SUM(amount) AS revenue, COUNT(*) AS orders FROM (${detail}) AS d GROUP BY segment`,
      ),
    );
    const left = await ctx.engine.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${ctx.staging}'`,
    );
    expect(left.rows).toEqual([]);
    // Running again merges the same rows: nothing changes.
    await runWorkflow(ctx, wf, { runId: 'shared_2' });
    expectSameResults(await read('paid_detail'), await ctx.engine.query(detail));
  });

  it('filter out and rejected written to two tables by one run', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'valid',
        type: 'filter',
        inputs: { in: 'orders' },
        config: { where: 'amount > 0 AND store_id IS NOT NULL' },
      },
      {
        id: 'good',
        type: 'output.table',
        inputs: { in: 'valid' },
        config: { table: `${ctx.out}.good_orders`, mode: 'replace' },
      },
      {
        id: 'bad',
        type: 'output.table',
        inputs: { in: 'valid.rejected' },
        config: { table: `${ctx.out}.bad_orders`, mode: 'append' },
      },
    ]);
    await runWorkflow(ctx, wf, { runId: 'rej' });
    expectSameResults(
      await read('good_orders'),
      await ctx.engine.query(`SELECT * FROM ${O()} WHERE amount > 0 AND store_id IS NOT NULL`),
    );
    expectSameResults(
      await read('bad_orders'),
      await ctx.engine.query(
        `SELECT * FROM ${O()} WHERE NOT (amount > 0 AND store_id IS NOT NULL) OR amount IS NULL OR store_id IS NULL`,
      ),
    );
  });

  it('a lookup pipeline: values + join + rename + cast + fill_nulls + union + distinct, appended', async () => {
    const regions: NodeDoc = {
      id: 'regions',
      type: 'source.values',
      config: {
        columns: [
          { name: 'region', type: 'string' },
          { name: 'label', type: 'string' },
        ],
        rows: [
          ['north', 'Norte'],
          ['south', 'Sur'],
          ['east', 'Este ☀'],
        ],
      },
    };
    const wf = workflow([
      ...sources(ctx, 'stores'),
      regions,
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'stores', right: 'regions' },
        config: {
          kind: 'left',
          on: [{ left: 'region', right: 'region' }],
          select: ['left.store_id', 'right.label', 'left.sq_m'],
        },
      },
      { id: 'r', type: 'rename', inputs: { in: 'j' }, config: { columns: { label: 'region_label' } } },
      {
        id: 'c',
        type: 'cast',
        inputs: { in: 'r' },
        config: { columns: { sq_m: 'decimal(12,1)', store_id: 'int' } },
      },
      {
        id: 'f',
        type: 'fill_nulls',
        inputs: { in: 'c' },
        config: { columns: { region_label: "l'autre", sq_m: 0 } },
      },
      { id: 'u', type: 'union', inputs: { in: ['f', 'f'] }, config: { mode: 'all' } },
      { id: 'd', type: 'distinct', inputs: { in: 'u' } },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'd' },
        config: { table: `${ctx.out}.store_labels`, mode: 'append' },
      },
    ]);
    await runWorkflow(ctx, wf, { runId: 'lk' });
    const expected = `SELECT CAST(s.store_id AS INTEGER) AS store_id,
                             COALESCE(CASE s.region WHEN 'north' THEN 'Norte' WHEN 'south' THEN 'Sur' WHEN 'east' THEN 'Este ☀' END, 'l''autre') AS region_label,
                             COALESCE(CAST(s.sq_m AS DECIMAL(12,1)), 0) AS sq_m
                      FROM ${S()} AS s`;
    expectSameResults(await read('store_labels'), await ctx.engine.query(expected));
  });

  it('the sql escape hatch reads {{in}}, in portable SQL and in each engine’s own', async () => {
    const portable = workflow([
      ...sources(ctx, 'orders'),
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'q',
        type: 'sql',
        inputs: { in: 'paid' },
        config: {
          sql: 'SELECT store_id, COUNT(*) AS n FROM {{ in }} AS p WHERE amount > 100 GROUP BY store_id;',
          columns: [
            { name: 'store_id', type: 'bigint' },
            { name: 'n', type: 'bigint' },
          ],
        },
      },
    ]);
    await expectPreview(
      ctx,
      portable,
      'q',
      `SELECT store_id, COUNT(*) AS n FROM ${O()} WHERE status = 'paid' AND amount > 100 GROUP BY store_id`,
    );
    const median = {
      duckdb: 'SELECT store_id, median(CAST(amount AS DOUBLE)) AS m FROM {{in}} GROUP BY store_id',
      postgres:
        'SELECT store_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS m FROM {{in}} GROUP BY store_id',
    }[ctx.name];
    const native = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'q',
        type: 'sql',
        inputs: { in: 'orders' },
        config: {
          sql: median,
          columns: [
            { name: 'store_id', type: 'bigint' },
            { name: 'm', type: 'double' },
          ],
        },
      },
    ]);
    // The median of each store by hand: the middle value, or the mean of the two middle ones.
    const run = await preview(ctx, native, 'q');
    const rows = (await ctx.engine.query(`SELECT store_id, amount FROM ${O()} WHERE amount IS NOT NULL`))
      .rows;
    const groups = new Map<string, number[]>();
    for (const r of rows) {
      const k = String(r['store_id']);
      groups.set(k, [...(groups.get(k) ?? []), Number(String(r['amount']))]);
    }
    for (const r of run.result.rows) {
      const xs = (groups.get(String(r['store_id'])) ?? []).sort((a, b) => a - b);
      const mid = Math.floor(xs.length / 2);
      const want = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
      expect(Number(String(r['m']))).toBeCloseTo(want, 6);
    }
  });
});
