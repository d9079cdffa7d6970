/**
 * Semi-join reduction (compiler/planner/pushdown.ts): an aggregate joined on its group keys with
 * a reduced set aggregates only the rows whose keys that set has. On real engines, against
 * hand-written SQL that aggregates everything and then joins: the rows must be the same, null
 * keys included (orders has null store_id and customer_id), for every join kind where it applies,
 * and the compiler must leave the other shapes alone.
 */
import { expect, it } from 'vitest';
import { compilePreview } from '../../compiler/index.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import { analyzeOrThrow, expectPreview, sources, workflow, type NodeDoc } from '../support/workflow-run.js';

/** The aggregate's CTE reads its input under this alias when the keys were pushed into it. */
const PUSHED = /\b_agg\b/;

function sqlOf(ctx: EngineContext, wf: unknown, node: string): string {
  return compilePreview(analyzeOrThrow(ctx, wf), { node, paramMode: 'literal' }).query!.sql;
}

forEachEngine('ef_x_push', (ctx) => {
  const O = () => ctx.t('orders');
  const S = () => ctx.t('stores');
  /** Orders summed per (store, customer); stores of the north (a filter: a reduced set). */
  const base = (): NodeDoc[] => [
    ...sources(ctx, 'orders', 'stores'),
    {
      id: 'per_pair',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['store_id', 'customer_id'], measures: { total: 'sum(amount)', n: 'count(*)' } },
    },
    { id: 'north', type: 'filter', inputs: { in: 'stores' }, config: { where: "region = 'north'" } },
  ];
  const handAgg = () =>
    `(SELECT store_id, customer_id, sum(amount) AS total, count(*) AS n FROM ${O()} GROUP BY store_id, customer_id)`;
  const north = () => `(SELECT * FROM ${S()} WHERE region = 'north')`;
  const joined = (config: Record<string, unknown>, left: string, right: string, extra: NodeDoc[] = []) =>
    workflow([...base(), { id: 'j', type: 'join', inputs: { left, right }, config }, ...extra]);
  const onStore = [{ left: 'store_id', right: 'store_id' }];

  it('inner join, the aggregate on the right: only the north stores’ orders are summed', async () => {
    const wf = joined(
      {
        kind: 'inner',
        on: onStore,
        select: ['left.store_id', 'left.region', 'right.customer_id', 'right.total', 'right.n'],
      },
      'north',
      'per_pair',
    );
    expect(sqlOf(ctx, wf, 'j')).toMatch(PUSHED);
    const rs = await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT s.store_id, s.region, a.customer_id, a.total, a.n FROM ${north()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.store_id`,
    );
    expect(rs.rows.length).toBeGreaterThan(0);
  });

  it('inner join, the aggregate on the left, on both group keys against a filtered set with null keys', async () => {
    const wf = workflow([
      ...base(),
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'per_pair', right: 'paid' },
        config: {
          on: [
            { left: 'store_id', right: 'store_id' },
            { left: 'customer_id', right: 'customer_id' },
          ],
          select: ['left.store_id', 'left.customer_id', 'left.total', 'right.order_id'],
        },
      },
    ]);
    expect(sqlOf(ctx, wf, 'j')).toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT a.store_id, a.customer_id, a.total, p.order_id
       FROM ${handAgg()} AS a JOIN (SELECT * FROM ${O()} WHERE status = 'paid') AS p
         ON a.store_id = p.store_id AND a.customer_id = p.customer_id`,
    );
  });

  it('left join keeping the north stores: stores without orders keep their row, with nulls', async () => {
    const wf = joined(
      { kind: 'left', on: onStore, select: ['left.store_id', 'right.customer_id', 'right.total'] },
      'north',
      'per_pair',
    );
    expect(sqlOf(ctx, wf, 'j')).toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT s.store_id, a.customer_id, a.total FROM ${north()} AS s LEFT JOIN ${handAgg()} AS a ON s.store_id = a.store_id`,
    );
  });

  it('right join keeping the north stores, the aggregate on the left', async () => {
    const wf = joined(
      { kind: 'right', on: onStore, select: ['right.store_id', 'left.customer_id', 'left.total'] },
      'per_pair',
      'north',
    );
    expect(sqlOf(ctx, wf, 'j')).toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT s.store_id, a.customer_id, a.total FROM ${handAgg()} AS a RIGHT JOIN ${north()} AS s ON s.store_id = a.store_id`,
    );
  });

  it('semi join: the groups of north stores', async () => {
    const wf = joined({ kind: 'semi', on: onStore }, 'per_pair', 'north');
    expect(sqlOf(ctx, wf, 'j')).toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'j',
      `SELECT * FROM ${handAgg()} AS a WHERE a.store_id IN (SELECT store_id FROM ${north()} AS s)`,
    );
  });

  it('the other side reduced further up (a select after a semi join), the aggregate then filtered', async () => {
    const wf = workflow([
      ...base(),
      {
        id: 'with_orders',
        type: 'join',
        inputs: { left: 'stores', right: 'north' },
        config: { kind: 'semi', on: onStore },
      },
      { id: 'ids', type: 'select', inputs: { in: 'with_orders' }, config: { columns: ['store_id'] } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'ids', right: 'per_pair' },
        config: { on: onStore, select: ['left.store_id', 'right.total'] },
      },
      { id: 'big', type: 'filter', inputs: { in: 'j' }, config: { where: 'total > 100' } },
    ]);
    expect(sqlOf(ctx, wf, 'big')).toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'big',
      `SELECT s.store_id, a.total FROM ${north()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.store_id WHERE a.total > 100`,
    );
  });

  // Shapes where pushing the keys would change the rows, or reduce nothing: left as drawn.
  const untouched: Array<[string, () => Record<string, unknown>, string]> = [
    [
      'a left join keeping every group (the aggregate on the left)',
      () =>
        joined(
          { kind: 'left', on: onStore, select: ['left.store_id', 'left.total', 'right.region'] },
          'per_pair',
          'north',
        ),
      `SELECT a.store_id, a.total, s.region FROM ${handAgg()} AS a LEFT JOIN ${north()} AS s ON s.store_id = a.store_id`,
    ],
    [
      'a full join',
      () =>
        joined(
          {
            kind: 'full',
            on: onStore,
            select: ['left.store_id', 'left.total', { as: 'north_id', expr: 'right.store_id' }],
          },
          'per_pair',
          'north',
        ),
      `SELECT a.store_id, a.total, s.store_id AS north_id FROM ${handAgg()} AS a FULL JOIN ${north()} AS s ON s.store_id = a.store_id`,
    ],
    [
      'an anti join',
      () => joined({ kind: 'anti', on: onStore }, 'per_pair', 'north'),
      `SELECT * FROM ${handAgg()} AS a WHERE NOT EXISTS (SELECT 1 FROM ${north()} AS s WHERE s.store_id = a.store_id)`,
    ],
    [
      'an other side that is not reduced (every store)',
      () => joined({ on: onStore, select: ['left.store_id', 'right.total'] }, 'stores', 'per_pair'),
      `SELECT s.store_id, a.total FROM ${S()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.store_id`,
    ],
    [
      'a join on a condition',
      () =>
        joined(
          { condition: 'left.store_id = right.store_id', select: ['left.store_id', 'right.total'] },
          'north',
          'per_pair',
        ),
      `SELECT s.store_id, a.total FROM ${north()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.store_id`,
    ],
    [
      'a join on a measure, not a group key',
      () =>
        joined(
          { on: [{ left: 'store_id', right: 'n' }], select: ['left.store_id', 'right.total'] },
          'north',
          'per_pair',
        ),
      `SELECT s.store_id, a.total FROM ${north()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.n`,
    ],
  ];
  for (const [what, wf, hand] of untouched)
    it(`leaves ${what} as drawn`, async () => {
      expect(sqlOf(ctx, wf(), 'j')).not.toMatch(PUSHED);
      await expectPreview(ctx, wf(), 'j', hand);
    });

  it('leaves an aggregate that another node reads too as drawn', async () => {
    const wf = joined({ on: onStore, select: ['left.store_id', 'right.total'] }, 'north', 'per_pair', [
      { id: 'also', type: 'filter', inputs: { in: 'per_pair' }, config: { where: 'n > 1' } },
      {
        id: 'k',
        type: 'join',
        inputs: { left: 'j', right: 'also' },
        config: { on: onStore, select: ['left.store_id', 'left.total', { as: 'n', expr: 'right.n' }] },
      },
    ]);
    expect(sqlOf(ctx, wf, 'k')).not.toMatch(PUSHED);
    await expectPreview(
      ctx,
      wf,
      'k',
      `SELECT j.store_id, j.total, a2.n
       FROM (SELECT s.store_id, a.total FROM ${north()} AS s JOIN ${handAgg()} AS a ON s.store_id = a.store_id) AS j
       JOIN (SELECT * FROM ${handAgg()} AS x WHERE n > 1) AS a2 ON j.store_id = a2.store_id`,
    );
  });
});
