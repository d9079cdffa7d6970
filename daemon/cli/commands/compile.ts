import { compilePlan } from '../../../compiler/planner/plan.js';
import { compilePreview } from '../../../compiler/planner/preview.js';
import { hasErrors } from '../../../compiler/diagnostics.js';
import { coerceParamText } from '../../../compiler/workflow/parse.js';
import type { Workflow } from '../../../compiler/workflow/model.js';
import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal } from '../format.js';
import { loadWorkflowContext, type ContextOptions } from '../workflow-context.js';

export interface CompileFlags extends ContextOptions {
  json?: boolean;
  node?: string;
  plan?: boolean;
  params?: string[];
  runId?: string;
}

/** `--param k=v` values, typed by the workflow's param declarations. */
export function parseParams(wf: Workflow | undefined, pairs: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects name=value, got "${pair}"`);
    const name = pair.slice(0, eq);
    const decl = wf?.params[name];
    out[name] = decl ? coerceParamText(decl.type, pair.slice(eq + 1)) : pair.slice(eq + 1);
  }
  return out;
}

export async function compileCommand(file: string, opts: CompileFlags, io: Io): Promise<number> {
  const ctx = await loadWorkflowContext(file, opts);
  const { analysis } = ctx;
  const params = parseParams(analysis.workflow, opts.params);
  const wantPlan = opts.plan || (!opts.node && (analysis.graph?.outputs.length ?? 0) > 0);
  if (!opts.json && ctx.offlineReason) io.err(`note: compiling without a live catalog (${ctx.offlineReason})`);
  if (wantPlan) {
    const { plan, diagnostics } = compilePlan(analysis, {
      params,
      ...(opts.runId ? { runId: opts.runId } : {}),
      ...connectionPolicy(ctx),
    });
    if (opts.json) io.out(toJson({ ok: !!plan, dialect: ctx.dialect, plan, diagnostics }));
    else {
      for (const d of diagnostics) io.err(formatForTerminal(d));
      if (plan) {
        for (const s of plan.steps) {
          io.out(`-- ${s.id}${s.transactional ? ' (one transaction)' : ''}${s.dependsOn.length ? ` after ${s.dependsOn.join(', ')}` : ''}\n-- ${s.purpose}`);
          io.out(`${s.statements.map((x) => `${x};`).join('\n\n')}\n`);
        }
      }
    }
    return plan && !hasErrors(diagnostics) ? 0 : 1;
  }
  const node = opts.node ?? lastNode(analysis.workflow);
  if (!node) throw new UsageError('the workflow has no nodes to compile');
  const { query, diagnostics } = compilePreview(analysis, { node, params, paramMode: 'literal' });
  if (opts.json) io.out(toJson({ ok: !!query, dialect: ctx.dialect, node, sql: query?.sql, columns: query?.columns.map((c) => ({ name: c.name, type: c.type })), diagnostics }));
  else {
    for (const d of diagnostics) io.err(formatForTerminal(d));
    if (query) io.out(`${query.sql};`);
  }
  return query ? 0 : 1;
}

function lastNode(wf: Workflow | undefined): string | undefined {
  return wf?.nodes[wf.nodes.length - 1]?.id;
}

/** writeSchemas and stagingSchema from the workflow's connection, when configured. */
export function connectionPolicy(ctx: Awaited<ReturnType<typeof loadWorkflowContext>>): { writeSchemas?: string[]; stagingSchema?: string; createSchemas?: 'staging' | 'all' } {
  const c = ctx.config.config.connections[ctx.connection];
  if (!c) return {};
  return {
    ...(c.writeSchemas ? { writeSchemas: c.writeSchemas } : {}),
    ...(c.stagingSchema ? { stagingSchema: c.stagingSchema } : {}),
    // An embedded DuckDB file belongs to edgeflow: it may create the schemas it writes to.
    ...(c.type === 'duckdb' ? { createSchemas: 'all' as const } : {}),
  };
}
