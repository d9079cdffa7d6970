import type { Dialect } from './dialects/dialect.js';
import type { Workflow } from './workflow/model.js';

/**
 * The tables a workflow reads (its source.table nodes), as name parts folded for the dialect, so
 * a caller can prefetch exactly those from a live connection before compiling.
 */
export function tablesToDescribe(wf: Workflow, dialect: Dialect): string[][] {
  const out = new Map<string, string[]>();
  for (const n of wf.nodes) {
    if (n.type !== 'source.table') continue;
    const table = n.config?.['table'];
    if (typeof table !== 'string') continue;
    const parts = dialect.parseTableName(table);
    if (typeof parts !== 'string') out.set(parts.join('\u0000'), parts);
  }
  return [...out.values()];
}
