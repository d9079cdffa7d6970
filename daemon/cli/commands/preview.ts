import { toJson, UsageError, type Io } from '../io.js';
import { formatForTerminal } from '../format.js';
import type { PreviewResult } from '../../service/index.js';
import { daemonResult, withServiceOrDaemon, workflowRequest, type CommonFlags } from '../service.js';
import { parseParams } from './compile.js';

export async function previewCommand(
  file: string,
  flags: CommonFlags & { node?: string; limit?: string; params?: string[] },
  io: Io,
): Promise<number> {
  if (!flags.node) throw new UsageError('preview needs --node ID');
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  const params = parseParams(file, flags.params);
  const req = { ...workflowRequest(file, flags), node: flags.node, limit, params };
  const r = await withServiceOrDaemon(
    flags.config,
    req,
    io,
    (s) => s.preview(req),
    (d) => daemonResult<PreviewResult>(d, '/v1/preview', req),
  );
  if (flags.json) io.out(toJson(r));
  else {
    for (const d of r.diagnostics) io.err(formatForTerminal(d));
    if (r.ok && r.columns && r.rows)
      io.out(
        table(
          r.columns.map((c) => c.name),
          r.rows,
          rowsOfTotal(r),
        ),
      );
  }
  return r.ok ? 0 : 1;
}

/** `20 of 1,234 rows`, `20 of more than 100,000 rows`, `3 rows` (all of them). */
export function rowsOfTotal(r: PreviewResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const shown = r.rows?.length ?? 0;
  const rows = (x: number) => `row${x === 1 ? '' : 's'}`;
  if (r.totalRows !== undefined)
    return r.totalRows === shown
      ? `${n(shown)} ${rows(shown)}`
      : `${n(shown)} of ${n(r.totalRows)} ${rows(r.totalRows)}`;
  if (r.totalRowsMoreThan !== undefined) return `${n(shown)} of more than ${n(r.totalRowsMoreThan)} rows`;
  return `${n(shown)} ${rows(shown)}${r.totalRowsUnknown ? `; ${r.totalRowsUnknown}` : ''}`;
}

function table(columns: string[], rows: Array<Record<string, unknown>>, footer: string): string {
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
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...data.map(line), `(${footer})`].join(
    '\n',
  );
}
