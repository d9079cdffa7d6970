import { parseWorkflow, coerceParamText } from '../../../compiler/workflow/parse.js';
import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal } from '../format.js';
import type { CompileResult } from '../../service/index.js';
import {
  daemonResult,
  readWorkflowFile,
  withServiceOrDaemon,
  workflowRequest,
  type CommonFlags,
} from '../service.js';

export interface CompileFlags extends CommonFlags {
  node?: string;
  plan?: boolean;
  params?: string[];
  runId?: string;
}

/** `--param k=v` values, typed by the workflow's param declarations. */
export function parseParams(file: string, pairs: readonly string[] = []): Record<string, unknown> {
  // Only the param declarations are read here: the service applies the configured node limit.
  const wf = pairs.length
    ? parseWorkflow(readWorkflowFile(file), { maxNodes: Infinity }).workflow
    : undefined;
  return paramValues(wf?.params, pairs);
}

/** `--param k=v` values typed by `decls` (a workflow's `params`); undeclared ones stay text. */
export function paramValues(
  decls: Record<string, { type: Parameters<typeof coerceParamText>[0] }> | undefined,
  pairs: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects name=value, got "${pair}"`);
    const name = pair.slice(0, eq);
    const decl = decls?.[name];
    out[name] = decl ? coerceParamText(decl.type, pair.slice(eq + 1)) : pair.slice(eq + 1);
  }
  return out;
}

export async function compileCommand(file: string, flags: CompileFlags, io: Io): Promise<number> {
  const params = parseParams(file, flags.params);
  const req = {
    ...workflowRequest(file, flags),
    params,
    ...(flags.node ? { node: flags.node } : {}),
    ...(flags.plan ? { plan: true } : {}),
    ...(flags.runId ? { runId: flags.runId } : {}),
  };
  const r = await withServiceOrDaemon(
    flags.config,
    req,
    io,
    (s) => s.compile(req),
    (d) => daemonResult<CompileResult>(d, '/v1/compile', req),
  );
  if (flags.json) {
    io.out(toJson(r));
    return r.ok ? 0 : 1;
  }
  if (r.offlineReason) io.err(`note: compiling without a live catalog (${r.offlineReason})`);
  for (const d of r.diagnostics) io.err(formatForTerminal(d));
  if (r.plan) {
    for (const s of r.plan.steps) {
      io.out(
        `-- ${s.id}${s.transactional ? ' (one transaction)' : ''}${s.dependsOn.length ? `, after ${s.dependsOn.join(', ')}` : ''}\n-- ${s.purpose}`,
      );
      io.out(`${s.statements.map((x) => `${x};`).join('\n\n')}\n`);
    }
  } else if (r.sql) io.out(`${r.sql};`);
  return r.ok ? 0 : 1;
}
