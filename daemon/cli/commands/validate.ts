import { nodeLineage } from '../../../compiler/lineage.js';
import { toJson, type Io } from '../io.js';
import { formatForTerminal, summary } from '../format.js';
import { loadWorkflowContext, type ContextOptions } from '../workflow-context.js';

export async function validateCommand(file: string, opts: ContextOptions & { json?: boolean }, io: Io): Promise<number> {
  const ctx = await loadWorkflowContext(file, opts);
  const { analysis } = ctx;
  if (opts.json) {
    io.out(
      toJson({
        valid: analysis.valid,
        workflow: analysis.workflow?.name,
        connection: ctx.connection,
        dialect: ctx.dialect,
        catalog: ctx.catalog,
        ...(ctx.offlineReason ? { offlineReason: ctx.offlineReason } : {}),
        diagnostics: analysis.diagnostics,
        ...(analysis.valid ? { lineage: nodeLineage(analysis) } : {}),
      }),
    );
  } else {
    if (ctx.offlineReason) io.err(`note: validating without a live catalog (${ctx.offlineReason})`);
    for (const d of analysis.diagnostics) io.err(formatForTerminal(d));
    io.out(`${analysis.valid ? '✓ valid' : '✗ invalid'}: ${file} for ${ctx.dialect} (${ctx.catalog} catalog), ${summary(analysis.diagnostics)}`);
  }
  return analysis.valid ? 0 : 1;
}
