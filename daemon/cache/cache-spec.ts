/**
 * Which steps of a run may reuse an earlier run's result, decided when the run is compiled (the
 * run's cache document, kept with it). A step qualifies when its result is a function of its SQL,
 * its parameters (rendered into the SQL) and the tables it reads, and nothing else:
 *
 * - a `materialize` step (a shared node computed once into the staging schema), or a `write` in
 *   `replace` or `merge` mode (an `append` adds rows every run by design; `create` must fail when
 *   the table exists);
 * - none of its nodes is raw SQL (`source.sql`, `sql`: what they read is not known) or `sample`,
 *   and its statements call no function whose result changes between runs (current_date, now(),
 *   random()…, TABLESAMPLE);
 * - every step whose table it reads qualifies too.
 *
 * The tables it reads are its `source.table` nodes' tables; whether each has a version is asked
 * of the warehouse when the run starts (./prepare.ts).
 */
import type { WorkflowAnalysis } from '../../compiler/analyze.js';
import type { PlanStep, RunPlan } from '../../compiler/planner/plan.js';

export interface CacheStepSpec {
  kind: 'materialize' | 'write';
  /** The tables its own SQL reads, as name parts. */
  sources: string[][];
  /** The steps whose (staging) tables it reads: each must be reusable for it to be. */
  inputs: string[];
  /** materialize: its run-scoped staging table name as it appears in the SQL (renamed to its key). */
  token?: string;
  /** write: the output's name parts. */
  target?: string[];
}

export interface PreparedStep {
  /** `ef_c_…` (materialize: also its table's name) or `w_…` (write). */
  key: string;
  /** The table holding the result, as the SQL writes it, and its name parts. */
  table: string;
  parts: string[];
  /** The versions of its sources, as read when the run started. */
  sources: Record<string, string>;
}

/** What a cached run keeps with it (runs.cache). */
export interface RunCacheDoc {
  ttlMs: number;
  /** The staging schema's name parts (where materialised results live). */
  staging: string[];
  steps: Record<string, CacheStepSpec>;
  /** Set once, when the run first starts: each step's key for this run (null: it runs, uncached). */
  prepared?: Record<string, PreparedStep | null>;
}

/** Functions and clauses whose result differs between two runs of the same SQL on the same data. */
const VOLATILE =
  /\b(current_date|current_time|current_timestamp|localtime|localtimestamp|now|random|rand|uniform|setseed|uuid|gen_random_uuid|random_uuid|uuid_string|generate_uuid|sysdate|getdate|systimestamp|sysdatetime|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|unix_timestamp|seq4|seq8|tablesample)\b|\busing\s+sample\b|\bsample\s*\(/i;

const OPAQUE_NODES = new Set(['source.sql', 'sql', 'sample']);

export function cacheSpec(
  analysis: WorkflowAnalysis,
  plan: RunPlan,
  o: { ttlMs: number; stagingSchema: string },
): RunCacheDoc | undefined {
  const graph = analysis.graph;
  if (!graph) return undefined;
  const dialect = analysis.dialect;
  const staging = dialect.parseTableName(o.stagingSchema);
  if (typeof staging === 'string') return undefined;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const steps: Record<string, CacheStepSpec> = {};
  for (const step of plan.steps) {
    const spec = stepSpec(step);
    if (!spec) continue;
    // Every step whose table it reads must be reusable too (prepare steps create no table).
    if (spec.inputs.some((id) => !steps[id])) continue;
    steps[step.id] = spec;
  }
  return Object.keys(steps).length ? { ttlMs: o.ttlMs, staging, steps } : undefined;

  function stepSpec(step: PlanStep): CacheStepSpec | undefined {
    const mode = step.target?.mode;
    if (step.kind === 'write' ? mode !== 'replace' && mode !== 'merge' : step.kind !== 'materialize')
      return undefined;
    if (step.statements.some((s) => VOLATILE.test(s))) return undefined;
    const sources: string[][] = [];
    for (const id of step.nodes) {
      const node = graph!.nodes.get(id);
      if (!node || OPAQUE_NODES.has(node.def.id)) return undefined;
      if (node.def.id !== 'source.table') continue;
      const table = (node.spec.config as { table?: unknown } | undefined)?.table;
      const parts = typeof table === 'string' ? dialect.parseTableName(table) : 'no table';
      if (typeof parts === 'string') return undefined;
      sources.push(parts);
    }
    const inputs = step.dependsOn.filter((d) => byId.get(d)?.kind === 'materialize');
    if (step.kind === 'materialize') {
      const token = stagingToken(step, plan.runId);
      return token ? { kind: 'materialize', sources, inputs, token } : undefined;
    }
    const target = analysis.nodes.get(step.target!.node)?.analysis?.write?.table;
    return target ? { kind: 'write', sources, inputs, target: [...target] } : undefined;
  }
}

/** The run-scoped name of the table a materialize step creates, as it is written in its SQL. */
function stagingToken(step: PlanStep, runId: string): string | undefined {
  const created = step.creates[0];
  if (!created || step.creates.length !== 1) return undefined;
  return new RegExp(`ef_${runId}_[A-Za-z0-9_]*`, 'i').exec(created)?.[0];
}
