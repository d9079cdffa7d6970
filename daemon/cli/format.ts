import type { Diagnostic } from '../../compiler/diagnostics.js';

/** A diagnostic for a terminal: what, where, and the hint, with the expression excerpt marked. */
export function formatForTerminal(d: Diagnostic): string {
  const where = [d.nodeId ? `node ${d.nodeId}` : undefined, d.path].filter(Boolean).join(' · ');
  const span = d.span ? `, line ${d.span.line} col ${d.span.column}` : '';
  const lines = [
    `${d.severity === 'error' ? 'error' : 'warning'} ${d.code}: ${d.message}`,
    `  at ${where}${span}`,
  ];
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

export function summary(ds: readonly Diagnostic[]): string {
  const e = ds.filter((d) => d.severity === 'error').length;
  const w = ds.length - e;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}
