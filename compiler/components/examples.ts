/**
 * Each component's documented example as a runnable workflow over a small fixed catalog. Used by
 * the golden SQL tests and by the generated documentation (which dialects run each example).
 */
import { createCatalog, type Catalog } from '../catalog.js';
import { T, decimal } from '../schema/types.js';
import type { ComponentDefinition } from './component.js';

export const EXAMPLE_CATALOG: Catalog = createCatalog([
  {
    parts: ['main', 'orders'],
    columns: [
      { name: 'order_id', type: T.bigint },
      { name: 'store_id', type: T.bigint },
      { name: 'customer_id', type: T.bigint },
      { name: 'status', type: T.string },
      { name: 'amount', type: decimal(12, 2) },
      { name: 'discount', type: decimal(12, 2) },
      { name: 'ordered_at', type: T.timestamp },
    ],
  },
  {
    parts: ['main', 'customers'],
    columns: [
      { name: 'customer_id', type: T.bigint },
      { name: 'name', type: T.string },
      { name: 'segment', type: T.string },
      { name: 'signup_date', type: T.date },
    ],
  },
  {
    parts: ['main', 'stores'],
    columns: [
      { name: 'store_id', type: T.bigint },
      { name: 'city', type: T.string },
      { name: 'region', type: T.string },
    ],
  },
  {
    // Shops with their location and catchment, and where customers live: the spatial examples.
    parts: ['main', 'shops'],
    columns: [
      { name: 'store_id', type: T.bigint },
      { name: 'city', type: T.string },
      { name: 'lon', type: T.double },
      { name: 'lat', type: T.double },
      { name: 'location', type: T.geography },
      { name: 'catchment', type: T.geography },
    ],
  },
  {
    parts: ['main', 'homes'],
    columns: [
      { name: 'customer_id', type: T.bigint },
      { name: 'lon', type: T.double },
      { name: 'lat', type: T.double },
      { name: 'home', type: T.geography },
    ],
  },
]);

const TABLES = new Set(['orders', 'customers', 'stores', 'shops', 'homes']);

/** `source.table` nodes for every input the example names, then the example node as `example`. */
export function exampleWorkflow(def: ComponentDefinition<unknown>): Record<string, unknown> {
  const refs = Object.values(def.example.inputs ?? {}).flatMap((r) => (Array.isArray(r) ? r : [r]));
  const sources = [...new Set(refs)].map((id) => ({
    id,
    type: 'source.table',
    config: { table: `main.${TABLES.has(id) ? id : 'orders'}` },
  }));
  const nodes: Array<Record<string, unknown>> = [
    ...sources,
    {
      id: 'example',
      type: def.id,
      ...(def.example.inputs ? { inputs: def.example.inputs } : {}),
      config: def.example.config,
    },
  ];
  if (def.category !== 'output')
    nodes.push({
      id: 'sink',
      type: 'output.table',
      inputs: { in: 'example' },
      config: { table: 'analytics.example' },
    });
  return { edgeflow: 1, name: `example_${def.id.replace(/\W/g, '_')}`, nodes };
}
