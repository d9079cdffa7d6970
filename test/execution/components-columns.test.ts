/**
 * Sources and column-shaping components on real engines: source.table, source.sql, source.values,
 * select, drop, rename, compute, cast and fill_nulls, each compared with hand-written SQL.
 */
import { expect, it } from 'vitest';
import { compilePreview } from '../../compiler/index.js';
import { expectSameResults, literalResult } from '../support/compare.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import {
  analyzeOrThrow,
  expectPreview,
  preview,
  previewRows,
  sources,
  workflow,
} from '../support/workflow-run.js';

const DOUBLE = { duckdb: 'DOUBLE', postgres: 'DOUBLE PRECISION' } as const;

/** The engine's own name for the type of each column of a node's output. */
async function columnTypes(ctx: EngineContext, wf: unknown, node: string): Promise<Record<string, string>> {
  const a = analyzeOrThrow(ctx, wf);
  const { query } = compilePreview(a, { node, paramMode: 'literal' });
  const cols = query!.columns.map((c) => c.name);
  const typeOf = (c: string) => (ctx.name === 'duckdb' ? `typeof("${c}")` : `pg_typeof("${c}")::text`);
  const rs = await ctx.engine.query(
    `SELECT ${cols.map((c, i) => `${typeOf(c)} AS t${i}`).join(', ')} FROM (${query!.sql}) AS p LIMIT 1`,
  );
  const row = rs.rows[0]!;
  return Object.fromEntries(cols.map((c, i) => [c, String(row[`t${i}`]).toUpperCase()]));
}

forEachEngine('ef_x_cols', (ctx) => {
  const T = (t: string) => ctx.t(t);

  it('source.table reads every row and column of a table', async () => {
    const wf = workflow(sources(ctx, 'orders', 'stores'));
    const rs = await expectPreview(ctx, wf, 'orders', `SELECT * FROM ${T('orders')}`);
    expect(rs.rows).toHaveLength(200);
    await expectPreview(ctx, wf, 'stores', `SELECT * FROM ${T('stores')}`);
  });

  it('source.table with columns reads those columns, in that order', async () => {
    const wf = workflow([
      {
        id: 'o',
        type: 'source.table',
        config: { table: `${ctx.schema}.stores`, columns: ['region', 'Store Name', 'store_id'] },
      },
    ]);
    await expectPreview(ctx, wf, 'o', `SELECT region, "Store Name", store_id FROM ${T('stores')}`);
  });

  it('source.sql runs one SELECT of the engine’s own dialect (a trailing ; is fine)', async () => {
    const sql = `SELECT store_id, COUNT(*) AS n, MAX(note) AS last_note FROM ${T('orders')} WHERE status = 'paid' GROUP BY store_id;\n`;
    const wf = workflow([
      {
        id: 'q',
        type: 'source.sql',
        config: {
          sql,
          columns: [
            { name: 'store_id', type: 'bigint' },
            { name: 'n', type: 'bigint' },
            { name: 'last_note', type: 'string' },
          ],
        },
      },
      { id: 'f', type: 'filter', inputs: { in: 'q' }, config: { where: 'n > 3' } },
    ]);
    await expectPreview(ctx, wf, 'q', sql.replace(/;\s*$/, ''));
    await expectPreview(
      ctx,
      wf,
      'f',
      `SELECT * FROM (SELECT store_id, COUNT(*) AS n, MAX(note) AS last_note FROM ${T('orders')} WHERE status = 'paid' GROUP BY store_id) AS q WHERE n > 3`,
    );
  });

  it('source.values gives typed rows: nulls, quotes, unicode, negatives, dates and timestamps', async () => {
    const columns = [
      { name: 'id', type: 'int' },
      { name: 'big', type: 'bigint' },
      { name: 'price', type: 'decimal(12,2)' },
      { name: 'ratio', type: 'double' },
      { name: 'label', type: 'string' },
      { name: 'ok', type: 'bool' },
      { name: 'day', type: 'date' },
      { name: 'at', type: 'timestamp' },
    ];
    const rows = [
      [1, 9007199254740991, 12.5, 0.1, "it's", true, '2024-02-29', '2023-12-31 23:59:59'],
      [-2, -1, -0.01, -1e-7, 'Ünïcödé "q" \\ 🍕', false, '1999-12-31', '2024-03-31 02:30:00.5'],
      [null, null, null, null, null, null, null, null],
      [0, 0, 0, 0, '', null, '2024-01-01', '2024-01-01 00:00:00'],
    ];
    const wf = workflow([{ id: 'v', type: 'source.values', config: { columns, rows } }]);
    const rs = await previewRows(ctx, wf, 'v');
    expectSameResults(
      rs,
      literalResult(
        columns.map((c) => c.name),
        [
          [1, 9007199254740991, 12.5, 0.1, "it's", true, '2024-02-29', '2023-12-31 23:59:59'],
          [-2, -1, -0.01, -1e-7, 'Ünïcödé "q" \\ 🍕', false, '1999-12-31', '2024-03-31 02:30:00.5'],
          [null, null, null, null, null, null, null, null],
          [0, 0, 0, 0, '', null, '2024-01-01', '2024-01-01 00:00:00'],
        ],
      ),
    );
    const types = await columnTypes(ctx, wf, 'v');
    expect(types).toEqual(
      ctx.name === 'duckdb'
        ? {
            id: 'INTEGER',
            big: 'BIGINT',
            price: 'DECIMAL(12,2)',
            ratio: 'DOUBLE',
            label: 'VARCHAR',
            ok: 'BOOLEAN',
            day: 'DATE',
            at: 'TIMESTAMP',
          }
        : {
            id: 'INTEGER',
            big: 'BIGINT',
            price: 'NUMERIC',
            ratio: 'DOUBLE PRECISION',
            label: 'TEXT',
            ok: 'BOOLEAN',
            day: 'DATE',
            at: 'TIMESTAMP WITHOUT TIME ZONE',
          },
    );
  });

  it('source.values with no rows is an empty relation with the declared columns', async () => {
    const wf = workflow([
      {
        id: 'v',
        type: 'source.values',
        config: {
          columns: [
            { name: 'a', type: 'int' },
            { name: 'b', type: 'string' },
          ],
          rows: [],
        },
      },
      {
        id: 'j',
        type: 'union',
        inputs: { in: ['v', 'v'] },
        config: {},
      },
    ]);
    const rs = await previewRows(ctx, wf, 'v');
    expect(rs.columns).toEqual(['a', 'b']);
    expect(rs.rows).toEqual([]);
    expect((await previewRows(ctx, wf, 'j')).rows).toEqual([]);
  });

  it('select keeps, reorders and computes columns', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 's',
        type: 'select',
        inputs: { in: 'orders' },
        config: {
          columns: [
            'note',
            'order_id',
            { as: 'with_tax', expr: 'amount * 1.21' },
            { as: 'Qty x2', expr: 'quantity * 2' },
            { as: 'label', expr: "coalesce(note, '-') || '#' || order_id" },
          ],
        },
      },
    ]);
    await expectPreview(
      ctx,
      wf,
      's',
      `SELECT note, order_id, amount * 1.21 AS with_tax, quantity * 2 AS "Qty x2",
              COALESCE(note, '-') || '#' || CAST(order_id AS VARCHAR) AS label
       FROM ${T('orders')}`,
    );
  });

  it('drop removes the listed columns and keeps the others in order', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'd',
        type: 'drop',
        inputs: { in: 'orders' },
        config: { columns: ['note', 'discount', 'is_gift'] },
      },
    ]);
    await expectPreview(
      ctx,
      wf,
      'd',
      `SELECT order_id, store_id, customer_id, status, amount, quantity, ordered_at, ship_date FROM ${T('orders')}`,
    );
  });

  it('rename renames columns in place, odd names included', async () => {
    const wf = workflow([
      ...sources(ctx, 'stores'),
      {
        id: 'r',
        type: 'rename',
        inputs: { in: 'stores' },
        config: { columns: { 'Store Name': 'store_name', sq_m: 'Area m2' } },
      },
    ]);
    const rs = await expectPreview(
      ctx,
      wf,
      'r',
      `SELECT store_id, "Store Name" AS store_name, region, opened_on, sq_m AS "Area m2" FROM ${T('stores')}`,
    );
    expect(rs.columns).toEqual(['store_id', 'store_name', 'region', 'opened_on', 'Area m2']);
  });

  it('compute appends new columns and replaces a same-named one in place (reading the input)', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'orders' },
        config: {
          columns: {
            order_month: "date_trunc('month', ordered_at)",
            size: "CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 0 THEN 'small' ELSE 'refund' END",
            amount: 'amount * 2',
            net: 'amount * (1 - coalesce(discount, 0))',
          },
        },
      },
    ]);
    await expectPreview(
      ctx,
      wf,
      'c',
      `SELECT order_id, store_id, customer_id, status, amount * 2 AS amount, discount, quantity, ordered_at,
              ship_date, note, is_gift,
              date_trunc('month', ordered_at) AS order_month,
              CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 0 THEN 'small' ELSE 'refund' END AS size,
              amount * (1 - COALESCE(discount, 0)) AS net
       FROM ${T('orders')}`,
    );
  });

  it('compute replaces a column with another column even when its input is read whole elsewhere', async () => {
    // The union reads every column of orders, so compute's input carries them all: a replaced
    // column must still be written out (`SELECT *` would keep the old amount).
    const wf = workflow([
      ...sources(ctx, 'orders'),
      { id: 'c', type: 'compute', inputs: { in: 'orders' }, config: { columns: { amount: 'quantity' } } },
      { id: 'u', type: 'union', inputs: { in: ['orders', 'c'] }, config: { mode: 'all', byName: true } },
    ]);
    const columns =
      'order_id, store_id, customer_id, status, amount, discount, quantity, ordered_at, ship_date, note, is_gift';
    await expectPreview(
      ctx,
      wf,
      'u',
      `SELECT ${columns} FROM ${T('orders')}
       UNION ALL
       SELECT ${columns.replace('amount', 'quantity')} FROM ${T('orders')}`,
    );
  });

  it('cast changes column types', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'c',
        type: 'cast',
        inputs: { in: 'orders' },
        config: {
          columns: {
            store_id: 'string',
            amount: 'double',
            quantity: 'bigint',
            ordered_at: 'date',
            discount: 'decimal(12,2)',
            is_gift: 'string',
            ship_date: 'timestamp',
          },
        },
      },
    ]);
    await expectPreview(
      ctx,
      wf,
      'c',
      `SELECT order_id, CAST(store_id AS VARCHAR) AS store_id, customer_id, status,
              CAST(amount AS ${DOUBLE[ctx.name]}) AS amount, CAST(discount AS DECIMAL(12,2)) AS discount,
              CAST(quantity AS BIGINT) AS quantity, CAST(ordered_at AS DATE) AS ordered_at,
              CAST(ship_date AS TIMESTAMP) AS ship_date, note, CAST(is_gift AS VARCHAR) AS is_gift
       FROM ${T('orders')}`,
    );
    const types = await columnTypes(ctx, wf, 'c');
    expect([types['store_id'], types['amount'], types['quantity'], types['ordered_at']]).toEqual(
      ctx.name === 'duckdb'
        ? ['VARCHAR', 'DOUBLE', 'BIGINT', 'DATE']
        : ['TEXT', 'DOUBLE PRECISION', 'BIGINT', 'DATE'],
    );
    // Hand-computed: the double 1/3 → 0.33, 0.125 → 0.13 (half away from zero), true → 'true'.
    const rs = await previewRows(ctx, wf, 'c');
    const byId = new Map(rs.rows.map((r) => [Number(r['order_id']), r]));
    const plain = (id: number, c: string) => String(byId.get(id)![c]);
    expect(plain(7, 'discount')).toBe('0.33');
    expect(plain(1, 'is_gift')).toBe('true');
    expect(plain(4, 'store_id')).toBe('2');
  });

  it('fill_nulls replaces nulls with typed literals', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'f',
        type: 'fill_nulls',
        inputs: { in: 'orders' },
        config: {
          columns: {
            store_id: 0,
            status: 'unknown',
            amount: 0,
            discount: 0.5,
            quantity: -1,
            ordered_at: '1970-01-01 00:00:00',
            ship_date: '2000-01-01',
            note: "n/a 'none'",
            is_gift: false,
          },
        },
      },
    ]);
    const rs = await expectPreview(
      ctx,
      wf,
      'f',
      `SELECT order_id, COALESCE(store_id, 0) AS store_id, customer_id, COALESCE(status, 'unknown') AS status,
              COALESCE(amount, 0) AS amount, COALESCE(discount, 0.5) AS discount, COALESCE(quantity, -1) AS quantity,
              COALESCE(ordered_at, TIMESTAMP '1970-01-01 00:00:00') AS ordered_at,
              COALESCE(ship_date, DATE '2000-01-01') AS ship_date, COALESCE(note, 'n/a ''none''') AS note,
              COALESCE(is_gift, FALSE) AS is_gift
       FROM ${T('orders')}`,
    );
    const nulls = rs.rows.filter((r) => ['store_id', 'status', 'amount', 'note'].some((c) => r[c] === null));
    expect(nulls).toEqual([]);
  });

  it('a preview respects its limit', async () => {
    const wf = workflow(sources(ctx, 'orders'));
    const run = await preview(ctx, wf, 'orders', { limit: 7 });
    expect(run.result.rows).toHaveLength(7);
  });
});
