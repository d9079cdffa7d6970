import { compilePreview } from '../../../compiler/planner/preview.js';
import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal } from '../format.js';
import { loadWorkflowContext, type ContextOptions } from '../workflow-context.js';
import { parseParams } from './compile.js';

export const MAX_PREVIEW_ROWS = 1000;

export async function previewCommand(file: string, opts: ContextOptions & { json?: boolean; node?: string; limit?: string; params?: string[] }, io: Io): Promise<number> {
  if (!opts.node) throw new UsageError('preview needs --node ID');
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREVIEW_ROWS) throw new UsageError(`--limit must be an integer from 1 to ${MAX_PREVIEW_ROWS}`);
  const ctx = await loadWorkflowContext(file, { ...opts, keepConnector: true });
  try {
    const { query, diagnostics } = compilePreview(ctx.analysis, { node: opts.node, limit, params: parseParams(ctx.analysis.workflow, opts.params), paramMode: 'bind' });
    if (!query || !ctx.connector) {
      if (opts.json) io.out(toJson({ ok: false, diagnostics, ...(ctx.offlineReason ? { offlineReason: ctx.offlineReason } : {}) }));
      else {
        for (const d of diagnostics) io.err(formatForTerminal(d));
        if (query && !ctx.connector) io.err(`cannot preview: ${ctx.offlineReason ?? 'no connection'}`);
      }
      return 1;
    }
    const result = await ctx.connector.execute(query.sql, { params: query.bindings.map((b) => b.value), maxRows: limit, label: `preview ${ctx.analysis.workflow?.name}` });
    const rows = result.rows ?? [];
    if (opts.json) io.out(toJson({ ok: true, node: opts.node, columns: query.columns.map((c) => ({ name: c.name, type: c.type })), rows, diagnostics }));
    else io.out(table(query.columns.map((c) => c.name), rows));
    return 0;
  } finally {
    await ctx.connector?.close();
  }
}

function table(columns: string[], rows: Array<Record<string, unknown>>): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'null' : v instanceof Date ? v.toISOString().replace('T', ' ').replace('.000Z', '') : String(v));
  const data = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...data.map((d) => d[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join(' │ ');
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...data.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}
