import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal } from '../format.js';
import { withService, workflowRequest, type CommonFlags } from '../service.js';
import { parseParams } from './compile.js';

export async function previewCommand(
  file: string,
  flags: CommonFlags & { node?: string; limit?: string; params?: string[] },
  io: Io,
): Promise<number> {
  if (!flags.node) throw new UsageError('preview needs --node ID');
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  const params = parseParams(file, flags.params);
  const r = await withService(flags.config, (s) =>
    s.preview({ ...workflowRequest(file, flags), node: flags.node!, limit, params }),
  );
  if (flags.json) io.out(toJson(r));
  else {
    for (const d of r.diagnostics) io.err(formatForTerminal(d));
    if (r.ok && r.columns && r.rows)
      io.out(
        table(
          r.columns.map((c) => c.name),
          r.rows,
        ),
      );
  }
  return r.ok ? 0 : 1;
}

function table(columns: string[], rows: Array<Record<string, unknown>>): string {
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? 'null'
      : v instanceof Date
        ? v.toISOString().replace('T', ' ').replace('.000Z', '')
        : String(v);
  const data = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...data.map((d) => d[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join(' │ ');
  return [
    line(columns),
    widths.map((w) => '─'.repeat(w)).join('─┼─'),
    ...data.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
