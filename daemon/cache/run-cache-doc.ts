/**
 * A run's cache document, when its workflow asks for reuse (`cache: true` or `cache: {ttl}`): the
 * steps that may reuse an earlier run's result and how long a result is kept (the workflow's ttl,
 * else the config's `cache.ttl`, default 24 h).
 */
import type { WorkflowAnalysis } from '../../compiler/analyze.js';
import type { RunPlan } from '../../compiler/planner/plan.js';
import { cacheSettings } from '../config/cache-schema.js';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/units.js';
import { cacheSpec, type RunCacheDoc } from './cache-spec.js';

export function runCacheDoc(
  analysis: WorkflowAnalysis,
  plan: RunPlan,
  config: Config,
  connection: string,
): RunCacheDoc | undefined {
  const asked = analysis.workflow?.cache;
  if (!asked) return undefined;
  const ttl = typeof asked === 'object' && asked.ttl !== undefined ? parseDuration(asked.ttl) : undefined;
  const staging = (config.connections[connection] as { stagingSchema?: string } | undefined)?.stagingSchema;
  return cacheSpec(analysis, plan, {
    ttlMs: ttl ?? cacheSettings(config.cache).ttlMs,
    stagingSchema: staging ?? 'edgeflow_staging',
  });
}
