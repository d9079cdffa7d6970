/** join (all kinds, on/condition, clash prefix, select) and union on real engines vs hand-written SQL. */
import { expect, it } from 'vitest';
import { compilePreview } from '../../compiler/index.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import { analyzeOrThrow, expectPreview, sources, workflow, type NodeDoc } from '../support/workflow-run.js';

const STORE_COLS = `s.store_id AS right_store_id, s."Store Name", s.region, s.opened_on, s.sq_m`;

async function typeNames(ctx: EngineContext, wf: unknown, node: string): Promise<string[]> {
  const { query } = compilePreview(analyzeOrThrow(ctx, wf), { node, paramMode: 'literal' });
  const cols = query!.columns.map((c) => c.name);
  const typeOf = (c: string) => (ctx.name === 'duckdb' ? `typeof("${c}")` : `pg_typeof("${c}")::text`);
  const rs = await ctx.engine.query(
    `SELECT ${cols.map((c, i) => `${typeOf(c)} AS t${i}`).join(', ')} FROM (${query!.sql}) AS p LIMIT 1`,
  );
  return cols.map((_, i) => String(rs.rows[0]![`t${i}`]).toUpperCase());
}

forEachEngine('ef_x_comb', (ctx) => {
  const O = () => ctx.t('orders');
  const S = () => ctx.t('stores');
  const C = () => ctx.t('customers');
  const joinWf = (
    config: Record<string, unknown>,
    left = 'orders',
    right = 'stores',
    extra: NodeDoc[] = [],
  ) =>
    workflow([
      ...sources(ctx, ...new Set([left, right])),
      { id: 'j', type: 'join', inputs: { left, right }, config },
      ...extra,
    ]);

  for (const [kind, sql] of [
    ['inner', 'INNER JOIN'],
    ['left', 'LEFT JOIN'],
    ['right', 'RIGHT JOIN'],
    ['full', 'FULL OUTER JOIN'],
  ] as const) {
    it(`join ${kind} on keys: all left columns, then right ones (a clash gets right_)`, async () => {
      const wf = joinWf({ kind, on: [{ left: 'store_id', right: 'store_id' }] });
      await expectPreview(
        ctx,
        wf,
        'j',
        `SELECT o.*, ${STORE_COLS} FROM ${O()} AS o ${sql} ${S()} AS s ON o.store_id = s.store_id`,
      );
    });
  }

  it('join cross: every pair, each clashing right name prefixed', async () => {
    const wf = joinWf({ kind: 'cross' }, 'stores', 'stores');
    const rs = await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT a.*, b.store_id AS right_store_id, b."Store Name" AS "right_Store Name", b.region AS right_region,
              b.opened_on AS right_opened_on, b.sq_m AS right_sq_m
       FROM ${S()} AS a CROSS JOIN ${S()} AS b`,
    );
    expect(rs.rows).toHaveLength(64);
  });

  it('join semi keeps the left rows that have a match (once each, left columns only)', async () => {
    const wf = joinWf({ kind: 'semi', on: [{ left: 'store_id', right: 'store_id' }] });
    await expectPreview(ctx, wf, 'j', `SELECT * FROM ${O()} WHERE store_id IN (SELECT store_id FROM ${S()})`);
    // Duplicated right keys do not duplicate left rows.
    const dup = joinWf({ kind: 'semi', on: [{ left: 'region', right: 'region' }] }, 'stores', 'stores');
    await expectPreview(
      ctx,
      dup,
      'j',
      `SELECT * FROM ${S()} AS a WHERE a.region IN (SELECT region FROM ${S()})`,
    );
  });

  it('join anti keeps the left rows with no match (null keys have none)', async () => {
    const wf = joinWf({ kind: 'anti', on: [{ left: 'store_id', right: 'store_id' }] });
    const rs = await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT * FROM ${O()} WHERE store_id IS NULL OR store_id NOT IN (SELECT store_id FROM ${S()})`,
    );
    expect(rs.rows.some((r) => r['store_id'] === null)).toBe(true);
    const rev = joinWf({ kind: 'anti', on: [{ left: 'store_id', right: 'store_id' }] }, 'stores', 'orders');
    const lonely = await expectPreview(
      ctx,
      rev,
      'j',
      `SELECT * FROM ${S()} AS s WHERE NOT EXISTS (SELECT 1 FROM ${O()} AS o WHERE o.store_id = s.store_id)`,
    );
    expect(lonely.rows.map((r) => Number(r['store_id']))).toContain(8);
  });

  it('join with a condition over left./right. (equi and non-equi parts)', async () => {
    const wf = joinWf({
      kind: 'left',
      condition:
        "left.store_id = right.store_id AND right.region = 'north' AND left.ordered_at >= right.opened_on",
    });
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT o.*, ${STORE_COLS} FROM ${O()} AS o
       LEFT JOIN ${S()} AS s ON o.store_id = s.store_id AND s.region = 'north' AND o.ordered_at >= s.opened_on`,
    );
    const semi = joinWf({ kind: 'semi', condition: 'left.amount > right.sq_m * 3' });
    await expectPreview(
      ctx,
      semi,
      'j',
      `SELECT * FROM ${O()} AS o WHERE EXISTS (SELECT 1 FROM ${S()} AS s WHERE o.amount > s.sq_m * 3)`,
    );
  });

  it('join on several keys', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      { id: 'ref', type: 'filter', inputs: { in: 'orders' }, config: { where: "status <> 'paid'" } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'paid', right: 'ref' },
        config: {
          kind: 'inner',
          on: [
            { left: 'customer_id', right: 'customer_id' },
            { left: 'store_id', right: 'store_id' },
          ],
          select: ['left.order_id', { as: 'other_id', expr: 'right.order_id' }, 'right.status'],
        },
      },
    ]);
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT p.order_id, r.order_id AS other_id, r.status FROM ${O()} AS p JOIN ${O()} AS r
       ON p.customer_id = r.customer_id AND p.store_id = r.store_id
       WHERE p.status = 'paid' AND r.status <> 'paid'`,
    );
  });

  it('join with select: qualified columns, odd names and computed ones', async () => {
    const wf = joinWf({
      kind: 'inner',
      on: [{ left: 'store_id', right: 'store_id' }],
      select: [
        'left.order_id',
        'right.region',
        'right."Store Name"',
        { as: 'label', expr: `right."Store Name" || ': ' || coalesce(left.status, '?')` },
        { as: 'per_m2', expr: 'left.amount / right.sq_m' },
      ],
    });
    const rs = await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT o.order_id, s.region, s."Store Name", s."Store Name" || ': ' || COALESCE(o.status, '?') AS label,
              CASE WHEN s.sq_m = 0 THEN NULL ELSE o.amount / s.sq_m END AS per_m2
       FROM ${O()} AS o JOIN ${S()} AS s ON o.store_id = s.store_id`,
    );
    expect(rs.columns).toEqual(['order_id', 'region', 'Store Name', 'label', 'per_m2']);
  });

  it('a join of a join: the second clash becomes right_<name>_2', async () => {
    const wf = joinWf({ kind: 'inner', on: [{ left: 'store_id', right: 'store_id' }] }, 'orders', 'stores', [
      ...sources(ctx, 'customers'),
      {
        id: 'j2',
        type: 'join',
        inputs: { left: 'j', right: 'stores' },
        config: { kind: 'left', on: [{ left: 'right_store_id', right: 'store_id' }] },
      },
      {
        id: 'j3',
        type: 'join',
        inputs: { left: 'j2', right: 'customers' },
        config: { kind: 'left', on: [{ left: 'customer_id', right: 'customer_id' }] },
      },
    ]);
    const rs = await expectPreview(
      ctx,
      wf,
      'j3',
      `SELECT o.*, ${STORE_COLS},
              s2.store_id AS right_store_id_2, s2."Store Name" AS "right_Store Name", s2.region AS right_region,
              s2.opened_on AS right_opened_on, s2.sq_m AS right_sq_m,
              c.customer_id AS right_customer_id, c.name, c.segment, c.email, c.signup_date, c.country
       FROM ${O()} AS o JOIN ${S()} AS s ON o.store_id = s.store_id
       LEFT JOIN ${S()} AS s2 ON s.store_id = s2.store_id
       LEFT JOIN ${C()} AS c ON o.customer_id = c.customer_id`,
    );
    expect(rs.rows.length).toBeGreaterThan(100);
  });

  const projections: NodeDoc[] = [
    { id: 'ids', type: 'select', inputs: { in: 'orders' }, config: { columns: ['order_id', 'amount'] } },
    { id: 'other', type: 'select', inputs: { in: 'orders' }, config: { columns: ['store_id', 'discount'] } },
    { id: 'st', type: 'select', inputs: { in: 'orders' }, config: { columns: ['status'] } },
  ];

  it('union all by position: names of the first input, types widened (decimal + double → double)', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      ...projections,
      { id: 'u', type: 'union', inputs: { in: ['ids', 'other', 'ids'] }, config: { mode: 'all' } },
    ]);
    const dbl = ctx.name === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION';
    const rs = await expectPreview(
      ctx,
      wf,
      'u',
      `SELECT order_id, CAST(amount AS ${dbl}) AS amount FROM ${O()}
       UNION ALL SELECT store_id, discount FROM ${O()}
       UNION ALL SELECT order_id, amount FROM ${O()}`,
    );
    expect(rs.rows).toHaveLength(600);
    expect(await typeNames(ctx, wf, 'u')).toEqual(['BIGINT', dbl]);
  });

  it('union distinct removes duplicate rows (nulls equal)', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      ...projections,
      { id: 'u', type: 'union', inputs: { in: ['st', 'st'] }, config: { mode: 'distinct' } },
    ]);
    await expectPreview(ctx, wf, 'u', `SELECT DISTINCT status FROM ${O()}`);
  });

  it('union byName aligns columns by name (case-insensitively) and fills missing ones with null', async () => {
    const wf = workflow([
      ...sources(ctx, 'stores', 'customers'),
      { id: 'a', type: 'select', inputs: { in: 'stores' }, config: { columns: ['store_id', 'region'] } },
      {
        id: 'b',
        type: 'select',
        inputs: { in: 'stores' },
        config: { columns: [{ as: 'REGION', expr: 'upper(region)' }, 'Store Name'] },
      },
      {
        id: 'c',
        type: 'select',
        inputs: { in: 'customers' },
        config: {
          columns: [
            { as: 'store_id', expr: 'customer_id' },
            { as: 'when', expr: 'signup_date' },
          ],
        },
      },
      { id: 'u', type: 'union', inputs: { in: ['a', 'b', 'c'] }, config: { byName: true, mode: 'all' } },
    ]);
    await expectPreview(
      ctx,
      wf,
      'u',
      `SELECT store_id, region, CAST(NULL AS VARCHAR) AS "Store Name", CAST(NULL AS DATE) AS "when" FROM ${S()}
       UNION ALL SELECT NULL, UPPER(region), "Store Name", NULL FROM ${S()}
       UNION ALL SELECT customer_id, NULL, NULL, signup_date FROM ${C()}`,
    );
  });

  it('union widens int + bigint → bigint, decimal + int → decimal, date + timestamp → timestamp', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'a',
        type: 'select',
        inputs: { in: 'orders' },
        config: { columns: ['quantity', 'amount', 'ship_date'] },
      },
      {
        id: 'b',
        type: 'select',
        inputs: { in: 'orders' },
        config: { columns: ['order_id', 'quantity', 'ordered_at'] },
      },
      { id: 'u', type: 'union', inputs: { in: ['a', 'b'] }, config: {} },
    ]);
    await expectPreview(
      ctx,
      wf,
      'u',
      `SELECT CAST(quantity AS BIGINT) AS quantity, amount, CAST(ship_date AS TIMESTAMP) AS ship_date FROM ${O()}
       UNION ALL SELECT order_id, CAST(quantity AS DECIMAL(12,2)), ordered_at FROM ${O()}`,
    );
    const types = await typeNames(ctx, wf, 'u');
    expect(types).toEqual(
      ctx.name === 'duckdb'
        ? ['BIGINT', 'DECIMAL(12,2)', 'TIMESTAMP']
        : ['BIGINT', 'NUMERIC', 'TIMESTAMP WITHOUT TIME ZONE'],
    );
  });

  it('union of source.values rows with text literals', async () => {
    const values = (id: string, rows: unknown[][]): NodeDoc => ({
      id,
      type: 'source.values',
      config: {
        columns: [
          { name: 'code', type: 'string' },
          { name: 'n', type: 'int' },
        ],
        rows,
      },
    });
    const wf = workflow([
      values('a', [
        ['N', 1],
        ['S', null],
      ]),
      values('b', [[null, 3]]),
      { id: 'u', type: 'union', inputs: { in: ['a', 'b'] }, config: { mode: 'distinct' } },
    ]);
    await expectPreview(
      ctx,
      wf,
      'u',
      `SELECT * FROM (VALUES ('N', 1), ('S', NULL), (NULL, 3)) AS v(code, n)`,
    );
  });
});
