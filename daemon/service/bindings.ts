import type { CompiledQuery } from '../../compiler/planner/preview.js';

/** A compiled query's bound parameters as a connector takes them (values, and names for BigQuery). */
export function boundParams(query: Pick<CompiledQuery, 'bindings'>): {
  params: unknown[];
  paramNames: string[];
} {
  return { params: query.bindings.map((b) => b.value), paramNames: query.bindings.map((b) => b.name) };
}
