/**
 * Compiles a workflow with the compiler under test and executes its SQL on a real engine: a
 * preview's one SELECT, or a run plan's steps in order (in a transaction when a step says so).
 */
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  formatDiagnostic,
  type PlanOptions,
  type RunPlan,
  type WorkflowAnalysis,
} from '../../compiler/index.js';
import { expect } from 'vitest';
import type { EngineName } from '../fixtures/load.js';
import { diffResults, type CompareOptions, type ResultSet } from './compare.js';
import type { EngineContext, TestEngine } from './engines.js';

export type NodeDoc = {
  id: string;
  type: string;
  inputs?: Record<string, string | string[]>;
  config?: Record<string, unknown>;
};

export type ParamsDoc = Record<string, { type: string; default?: unknown }>;

/** A workflow document around some nodes. */
export function workflow(
  nodes: NodeDoc[],
  params: ParamsDoc = {},
  name = 'exec_test',
): Record<string, unknown> {
  return { edgeflow: 1, name, connection: 'local', params, nodes };
}

/** `source.table` nodes for the demo tables of the context's schema. */
export function sources(ctx: EngineContext, ...tables: string[]): NodeDoc[] {
  return tables.map((t) => ({ id: t, type: 'source.table', config: { table: `${ctx.schema}.${t}` } }));
}

function failOn(what: string, diagnostics: ReturnType<typeof analyzeWorkflow>['diagnostics']): never {
  throw new Error(`${what}:\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
}

export function analyzeOrThrow(ctx: EngineContext, wf: unknown): WorkflowAnalysis {
  const a = analyzeWorkflow(wf, { dialect: ctx.dialect, catalog: ctx.catalog });
  if (!a.valid) failOn(`workflow does not compile for ${ctx.dialect}`, a.diagnostics);
  return a;
}

export interface PreviewRun {
  sql: string;
  result: ResultSet;
}

/** Compiles the preview of `node` and runs it. Parameters are bound unless `paramMode: 'literal'`. */
export async function preview(
  ctx: EngineContext,
  wf: unknown,
  node: string,
  opts: {
    port?: string;
    limit?: number;
    params?: Record<string, unknown>;
    paramMode?: 'bind' | 'literal';
  } = {},
): Promise<PreviewRun> {
  const a = analyzeOrThrow(ctx, wf);
  const { query, diagnostics } = compilePreview(a, { node, paramMode: 'bind', ...opts });
  if (!query) failOn(`no preview of ${node} for ${ctx.dialect}`, diagnostics);
  const values = query.bindings.map((b) => b.value);
  try {
    return { sql: query.sql, result: await ctx.engine.query(query.sql, values) };
  } catch (e) {
    throw new Error(`${ctx.name} rejected the preview of ${node}: ${(e as Error).message}\n${query.sql}`, {
      cause: e,
    });
  }
}

/** The preview's rows only. */
export async function previewRows(
  ctx: EngineContext,
  wf: unknown,
  node: string,
  opts: Parameters<typeof preview>[3] = {},
): Promise<ResultSet> {
  return (await preview(ctx, wf, node, opts)).result;
}

export function planOrThrow(ctx: EngineContext, wf: unknown, opts: PlanOptions = {}): RunPlan {
  const a = analyzeOrThrow(ctx, wf);
  const { plan, diagnostics } = compilePlan(a, { stagingSchema: ctx.staging, ...opts });
  if (!plan) failOn(`no plan for ${ctx.dialect}`, diagnostics);
  return plan;
}

/** Runs a plan's steps in order; a transactional step is wrapped in BEGIN/COMMIT (ROLLBACK on error). */
export async function executePlan(engine: TestEngine, plan: RunPlan): Promise<void> {
  for (const step of plan.steps) {
    if (step.transactional) await engine.exec('BEGIN');
    try {
      for (const sql of step.statements) {
        try {
          await engine.exec(sql);
        } catch (e) {
          throw new Error(`${engine.name} rejected step ${step.id}: ${(e as Error).message}\n${sql}`, {
            cause: e,
          });
        }
      }
      if (step.transactional) await engine.exec('COMMIT');
    } catch (e) {
      if (step.transactional) await engine.exec('ROLLBACK');
      throw e;
    }
  }
}

/** Compiles a run plan and executes it; returns the plan. */
export async function runWorkflow(ctx: EngineContext, wf: unknown, opts: PlanOptions = {}): Promise<RunPlan> {
  const plan = planOrThrow(ctx, wf, opts);
  await executePlan(ctx.engine, plan);
  return plan;
}

/** Hand-written SQL: one text for both engines, or one per engine where they differ. */
export type ExpectedSql = string | Record<EngineName, string>;

export function sqlFor(ctx: EngineContext, sql: ExpectedSql): string {
  return typeof sql === 'string' ? sql : sql[ctx.name];
}

/**
 * Previews `node` (the compiler's SQL on the real engine) and compares its rows with an
 * independently written query, as multisets unless `ordered`.
 */
export async function expectPreview(
  ctx: EngineContext,
  wf: unknown,
  node: string,
  expected: ExpectedSql,
  opts: CompareOptions & { port?: string; params?: Record<string, unknown>; limit?: number } = {},
): Promise<ResultSet> {
  const { port, params, limit, ...compare } = opts;
  const run = await preview(ctx, wf, node, {
    ...(port ? { port } : {}),
    ...(params ? { params } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  const want = await ctx.engine.query(sqlFor(ctx, expected));
  const diff = diffResults(run.result, want, compare);
  if (diff)
    expect.fail(
      `${ctx.name}: node ${node}${port ? `.${port}` : ''} differs from the hand-written SQL\n${diff}\n-- compiled:\n${run.sql}`,
    );
  return run.result;
}
