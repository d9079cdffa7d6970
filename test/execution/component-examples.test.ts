/**
 * Every component's documented example (the one `edgeflow components` shows) compiles and runs on
 * each engine: executing the SQL proves the grammar. Table names are pointed at this file's schemas.
 */
import { expect, it } from 'vitest';
import { COMPONENTS, compilePlan } from '../../compiler/index.js';
import { ORDERS } from '../fixtures/demo-data.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import {
  analyzeOrThrow,
  executePlan,
  previewRows,
  sources,
  workflow,
  type NodeDoc,
} from '../support/workflow-run.js';

/** Escape hatches whose example is written in DuckDB's SQL (documented as not portable). */
const DUCKDB_SQL_EXAMPLES = new Set(['source.sql', 'sql']);

/** The spatial examples' inputs (compiler/components/examples.ts): shops and homes with shapes. */
const SPATIAL_INPUTS: NodeDoc[] = [
  {
    id: 'shops',
    type: 'source.values',
    config: {
      columns: [
        { name: 'store_id', type: 'bigint' },
        { name: 'city', type: 'string' },
        { name: 'lon', type: 'double' },
        { name: 'lat', type: 'double' },
        { name: 'location', type: 'geography' },
        { name: 'catchment', type: 'geography' },
      ],
      rows: [
        [
          1,
          'Madrid',
          -3.7038,
          40.4168,
          'POINT(-3.7038 40.4168)',
          'POLYGON((-3.72 40.40,-3.69 40.40,-3.69 40.43,-3.72 40.43,-3.72 40.40))',
        ],
        [2, 'Toledo', -4.0273, 39.8628, 'POINT(-4.0273 39.8628)', null],
      ],
    },
  },
  {
    id: 'homes',
    type: 'source.values',
    config: {
      columns: [
        { name: 'customer_id', type: 'bigint' },
        { name: 'lon', type: 'double' },
        { name: 'lat', type: 'double' },
        { name: 'home', type: 'geography' },
      ],
      rows: [
        [10, -3.71, 40.42, 'POINT(-3.71 40.42)'],
        [11, -4.03, 39.86, 'POINT(-4.03 39.86)'],
        [12, 2.17, 41.39, null],
      ],
    },
  },
];

function exampleWorkflow(ctx: EngineContext, id: string): unknown {
  const def = COMPONENTS.find((c) => c.id === id)!;
  const config = JSON.parse(
    JSON.stringify(def.example.config)
      .replaceAll('main.orders', `${ctx.schema}.orders`)
      .replaceAll('analytics.', `${ctx.out}.`),
  ) as Record<string, unknown>;
  const upstream: NodeDoc[] = [
    ...sources(ctx, 'orders', 'customers'),
    {
      id: 'revenue',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)' } },
    },
    ...SPATIAL_INPUTS,
  ];
  // What a live connection would report for `SELECT * FROM main.orders …`.
  if (def.id === 'source.sql' && !config['columns'])
    config['columns'] = ORDERS.columns.map((c) => ({ name: c.name, type: c.type }));
  return workflow([
    ...upstream,
    { id: 'example', type: def.id, ...(def.example.inputs ? { inputs: def.example.inputs } : {}), config },
  ]);
}

/** Examples that need what a database may lack: H3 (PostgreSQL: the h3 extension, not here). */
const H3_EXAMPLES = new Set(['h3.from_point', 'h3.polyfill']);

forEachEngine('ef_x_examples', (ctx) => {
  for (const def of COMPONENTS) {
    // The escape hatches' examples are DuckDB SQL by design: they run on DuckDB only.
    if (ctx.name !== 'duckdb' && DUCKDB_SQL_EXAMPLES.has(def.id)) continue;
    if (ctx.name === 'postgres' && H3_EXAMPLES.has(def.id)) continue;
    it(`${def.id}: “${def.example.title}” runs`, async () => {
      const wf = exampleWorkflow(ctx, def.id);
      if (def.category === 'output') {
        const { plan } = compilePlan(analyzeOrThrow(ctx, wf), { runId: 'ex', stagingSchema: ctx.staging });
        await executePlan(ctx.engine, plan!);
        const rs = await ctx.engine.query(`SELECT COUNT(*) AS n FROM ${ctx.o('store_revenue')}`);
        expect(Number(rs.rows[0]!['n'])).toBeGreaterThan(0);
        return;
      }
      if (def.id === 'source.sql')
        await ctx.engine.exec(`CREATE OR REPLACE VIEW main.orders AS SELECT * FROM ${ctx.t('orders')}`);
      const rs = await previewRows(ctx, wf, 'example');
      expect(rs.columns.length).toBeGreaterThan(0);
    });
  }
});
