/**
 * output.table on real engines: the run plan's statements executed step by step (BEGIN/COMMIT
 * where a step is transactional), then the written table compared with hand-written SQL.
 */
import { expect, it } from 'vitest';
import { expectSameResults, literalResult } from '../support/compare.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import {
  planOrThrow,
  executePlan,
  runWorkflow,
  sources,
  workflow,
  type NodeDoc,
} from '../support/workflow-run.js';

/** Column names and engine types of a table, from information_schema. */
async function tableColumns(ctx: EngineContext, schema: string, table: string): Promise<string[]> {
  const rs = await ctx.engine.query(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return rs.rows.map((r) => `${String(r['column_name'])} ${String(r['data_type']).toUpperCase()}`);
}

async function tableExists(ctx: EngineContext, schema: string, table: string): Promise<boolean> {
  const rs = await ctx.engine.query(
    `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name = '${table}'`,
  );
  return Number(rs.rows[0]!['n']) > 0;
}

const TYPES = {
  duckdb: {
    bigint: 'BIGINT',
    decimal: 'DECIMAL(12,2)',
    sum: 'DECIMAL(38,2)',
    double: 'DOUBLE',
    text: 'VARCHAR',
    ts: 'TIMESTAMP',
    date: 'DATE',
    bool: 'BOOLEAN',
  },
  postgres: {
    bigint: 'BIGINT',
    decimal: 'NUMERIC',
    sum: 'NUMERIC',
    double: 'DOUBLE PRECISION',
    text: 'TEXT',
    ts: 'TIMESTAMP WITHOUT TIME ZONE',
    date: 'DATE',
    bool: 'BOOLEAN',
  },
} as const;

forEachEngine('ef_x_out', (ctx) => {
  const O = () => ctx.t('orders');
  const out = (
    mode: string,
    table: string,
    source: string,
    extra: Record<string, unknown> = {},
  ): NodeDoc => ({
    id: 'out',
    type: 'output.table',
    inputs: { in: source },
    config: { table: `${ctx.out}.${table}`, mode, ...extra },
  });
  const paid: NodeDoc = {
    id: 'paid',
    type: 'filter',
    inputs: { in: 'orders' },
    config: { where: "status = 'paid'" },
  };
  const read = (table: string) => ctx.engine.query(`SELECT * FROM ${ctx.o(table)}`);

  it('replace creates a missing table with the input’s columns and types', async () => {
    const wf = workflow([...sources(ctx, 'orders'), paid, out('replace', 'paid_orders', 'paid')]);
    const plan = await runWorkflow(ctx, wf, { runId: 'r1' });
    expect(plan.steps.map((s) => s.kind)).toEqual(['write']);
    expectSameResults(
      await read('paid_orders'),
      await ctx.engine.query(`SELECT * FROM ${O()} WHERE status = 'paid'`),
    );
    const t = TYPES[ctx.name];
    expect(await tableColumns(ctx, ctx.out, 'paid_orders')).toEqual([
      `order_id ${t.bigint}`,
      `store_id ${t.bigint}`,
      `customer_id ${t.bigint}`,
      `status ${t.text}`,
      `amount ${t.decimal}`,
      `discount ${t.double}`,
      `quantity INTEGER`,
      `ordered_at ${t.ts}`,
      `ship_date ${t.date}`,
      `note ${t.text}`,
      `is_gift ${t.bool}`,
    ]);
  });

  it('replace replaces whatever is there, even a table of another shape, and leaves no temp table', async () => {
    await ctx.engine.exec(`CREATE TABLE ${ctx.o('revenue')} (x VARCHAR, y INTEGER)`);
    await ctx.engine.exec(`INSERT INTO ${ctx.o('revenue')} VALUES ('old', 1), ('old', 2)`);
    const wf = workflow([
      ...sources(ctx, 'orders'),
      paid,
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
      },
      out('replace', 'revenue', 'rev'),
    ]);
    const expected = `SELECT store_id, SUM(amount) AS revenue, COUNT(*) AS orders FROM ${O()} WHERE status = 'paid' GROUP BY store_id`;
    for (const runId of ['r2', 'r3']) {
      await runWorkflow(ctx, wf, { runId });
      expectSameResults(await read('revenue'), await ctx.engine.query(expected), { label: runId });
    }
    const t = TYPES[ctx.name];
    expect(await tableColumns(ctx, ctx.out, 'revenue')).toEqual([
      `store_id ${t.bigint}`,
      `revenue ${t.sum}`,
      `orders ${t.bigint}`,
    ]);
    const tables = await ctx.engine.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${ctx.out}' AND table_name LIKE 'ef%'`,
    );
    expect(tables.rows).toEqual([]);
  });

  it('replace (CREATE … AS) gives each column its declared type, as append (CREATE TABLE) does', async () => {
    const wf = (mode: string, table: string) =>
      workflow([
        ...sources(ctx, 'orders'),
        {
          id: 'c',
          type: 'compute',
          inputs: { in: 'orders' },
          config: {
            columns: {
              ratio: 'amount / quantity',
              per_item: 'quantity / 2',
              big: 'quantity * quantity',
              len: 'length(note)',
              dow: 'extract(dow from ordered_at)',
              rounded: 'round(amount, 1)',
              half: 'discount / 2',
            },
          },
        },
        {
          id: 'a',
          type: 'aggregate',
          inputs: { in: 'c' },
          config: {
            groupBy: ['store_id'],
            measures: {
              n: 'count(*)',
              items: 'sum(quantity)',
              ids: 'sum(order_id)',
              revenue: 'sum(amount)',
              avg_amount: 'avg(amount)',
              avg_items: 'avg(quantity)',
              sd: 'stddev(quantity)',
              ratio: 'max(ratio)',
              per_item: 'min(per_item)',
              big: 'max(big)',
              len: 'max(len)',
              dow: 'min(dow)',
              rounded: 'max(rounded)',
              half: 'sum(half)',
              share: 'sum(amount) / count(*)',
            },
          },
        },
        out(mode, table, 'a'),
      ]);
    await runWorkflow(ctx, wf('replace', 'typed_replace'), { runId: 't1' });
    await runWorkflow(ctx, wf('append', 'typed_append'), { runId: 't2' });
    expectSameResults(await read('typed_replace'), await read('typed_append'));
    expect(await tableColumns(ctx, ctx.out, 'typed_replace')).toEqual(
      await tableColumns(ctx, ctx.out, 'typed_append'),
    );
  });

  it('replace is atomic: when the new rows fail, the old table stays', async () => {
    const good = workflow([...sources(ctx, 'stores'), out('replace', 'atomic', 'stores')]);
    await runWorkflow(ctx, good, { runId: 'a1' });
    const bad = workflow([
      ...sources(ctx, 'stores'),
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'stores' },
        config: { columns: { broken: "CAST(concat('x', region) AS int)" } },
      },
      out('replace', 'atomic', 'c'),
    ]);
    await expect(runWorkflow(ctx, bad, { runId: 'a2' })).rejects.toThrow(/rejected step write:out/);
    expectSameResults(await read('atomic'), await ctx.engine.query(`SELECT * FROM ${ctx.t('stores')}`));
  });

  it('append creates a missing table, then appends on every run', async () => {
    const wf = workflow(
      [
        ...sources(ctx, 'orders'),
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'orders' },
          config: { where: 'order_id <= :upto' },
        },
        {
          id: 's',
          type: 'select',
          inputs: { in: 'f' },
          config: { columns: ['order_id', 'amount', 'ordered_at'] },
        },
        out('append', 'log', 's'),
      ],
      { upto: { type: 'integer', default: 5 } },
    );
    const plan = await runWorkflow(ctx, wf, { runId: 'p1' });
    expect(plan.steps.find((s) => s.kind === 'write')!.transactional).toBe(true);
    await runWorkflow(ctx, wf, { runId: 'p2', params: { upto: 3 } });
    expectSameResults(
      await read('log'),
      await ctx.engine.query(
        `SELECT order_id, amount, ordered_at FROM ${O()} WHERE order_id <= 5
         UNION ALL SELECT order_id, amount, ordered_at FROM ${O()} WHERE order_id <= 3`,
      ),
    );
  });

  it('merge creates a missing table, updates rows whose keys match and inserts the rest', async () => {
    const wf = workflow(
      [
        ...sources(ctx, 'orders'),
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'orders' },
          config: { where: 'order_id BETWEEN :lo AND :hi' },
        },
        {
          id: 'c',
          type: 'select',
          inputs: { in: 'f' },
          config: { columns: ['order_id', 'store_id', { as: 'amount', expr: 'amount + :bump' }, 'note'] },
        },
        out('merge', 'merged', 'c', { keys: ['order_id'] }),
      ],
      {
        lo: { type: 'integer', default: 1 },
        hi: { type: 'integer', default: 100 },
        bump: { type: 'integer', default: 0 },
      },
    );
    await runWorkflow(ctx, wf, { runId: 'm1' });
    expectSameResults(
      await read('merged'),
      await ctx.engine.query(
        `SELECT order_id, store_id, amount, note FROM ${O()} WHERE order_id BETWEEN 1 AND 100`,
      ),
    );
    await runWorkflow(ctx, wf, { runId: 'm2', params: { lo: 51, hi: 150, bump: 1 } });
    expectSameResults(
      await read('merged'),
      await ctx.engine.query(
        `SELECT order_id, store_id, amount, note FROM ${O()} WHERE order_id BETWEEN 1 AND 50
         UNION ALL SELECT order_id, store_id, amount + 1, note FROM ${O()} WHERE order_id BETWEEN 51 AND 150`,
      ),
    );
  });

  it('merge never matches null keys: they are inserted again', async () => {
    const values = (rows: unknown[][]): NodeDoc => ({
      id: 'v',
      type: 'source.values',
      config: {
        columns: [
          { name: 'k', type: 'bigint' },
          { name: 'v', type: 'string' },
        ],
        rows,
      },
    });
    const first = workflow([
      values([
        [1, 'a'],
        [null, 'n'],
      ]),
      out('merge', 'nullkeys', 'v', { keys: ['k'] }),
    ]);
    const second = workflow([
      values([
        [1, 'b'],
        [2, 'c'],
        [null, 'm'],
      ]),
      out('merge', 'nullkeys', 'v', { keys: ['k'] }),
    ]);
    await runWorkflow(ctx, first, { runId: 'n1' });
    await runWorkflow(ctx, second, { runId: 'n2' });
    expectSameResults(
      await read('nullkeys'),
      literalResult(
        ['k', 'v'],
        [
          [1, 'b'],
          [2, 'c'],
          [null, 'n'],
          [null, 'm'],
        ],
      ),
    );
  });

  it('create creates a missing table and fails when it exists (leaving it as it was)', async () => {
    const wf = workflow([...sources(ctx, 'stores'), out('create', 'created', 'stores')]);
    await runWorkflow(ctx, wf, { runId: 'c1' });
    expectSameResults(await read('created'), await ctx.engine.query(`SELECT * FROM ${ctx.t('stores')}`));
    await ctx.engine.exec(`DELETE FROM ${ctx.o('created')} WHERE store_id > 2`);
    await expect(runWorkflow(ctx, wf, { runId: 'c2' })).rejects.toThrow(/already exists/i);
    expect((await read('created')).rows).toHaveLength(2);
  });

  it('createSchemas: "all" creates a missing output schema; hints are ignored with a warning', async () => {
    const schema = `${ctx.out}_new`;
    await ctx.engine.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    try {
      const wf = workflow([
        ...sources(ctx, 'orders'),
        {
          id: 'out',
          type: 'output.table',
          inputs: { in: 'orders' },
          config: { table: `${schema}.orders_copy`, clusterBy: ['store_id'], partitionBy: 'ordered_at' },
        },
      ]);
      const plan = planOrThrow(ctx, wf, { runId: 's1', createSchemas: 'all' });
      expect(plan.steps[0]!.kind).toBe('prepare');
      await executePlan(ctx.engine, plan);
      expect(await tableExists(ctx, schema, 'orders_copy')).toBe(true);
      expectSameResults(
        await ctx.engine.query(`SELECT * FROM ${schema}.orders_copy`),
        await ctx.engine.query(`SELECT * FROM ${O()}`),
      );
    } finally {
      await ctx.engine.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
