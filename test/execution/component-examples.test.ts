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
  ];
  // What a live connection would report for `SELECT * FROM main.orders …`.
  if (def.id === 'source.sql' && !config['columns'])
    config['columns'] = ORDERS.columns.map((c) => ({ name: c.name, type: c.type }));
  return workflow([
    ...upstream,
    { id: 'example', type: def.id, ...(def.example.inputs ? { inputs: def.example.inputs } : {}), config },
  ]);
}

forEachEngine('ef_x_examples', (ctx) => {
  for (const def of COMPONENTS) {
    // The escape hatches' examples are DuckDB SQL by design: they run on DuckDB only.
    if (ctx.name !== 'duckdb' && DUCKDB_SQL_EXAMPLES.has(def.id)) continue;
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
