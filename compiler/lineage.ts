/** Column-level lineage, a by-product of schema propagation. */
import type { WorkflowAnalysis } from './analyze.js';
import type { Column, ColumnOrigin } from './schema/relation.js';
import { formatType } from './schema/types.js';

export interface NodeLineage {
  node: string;
  port: string;
  columns: Array<{ name: string; type: string; from: ColumnOrigin[] }>;
}

export interface TableColumnRef {
  table: string;
  column: string;
}

/** Each node port's columns and the input columns each is computed from. */
export function nodeLineage(analysis: WorkflowAnalysis): NodeLineage[] {
  const out: NodeLineage[] = [];
  for (const [id, r] of analysis.nodes) {
    if (!r.analysis) continue;
    for (const [port, schema] of Object.entries(r.analysis.outputs)) {
      out.push({
        node: id,
        port,
        columns: schema.columns.map((c) => ({ name: c.name, type: typeName(c), from: c.from })),
      });
    }
    if (r.analysis.write)
      out.push({
        node: id,
        port: 'write',
        columns: r.analysis.write.columns.map((c) => ({ name: c.name, type: typeName(c), from: c.from })),
      });
  }
  return out;
}

/** The type as the workflow format writes it, like every other answer that shows a column. */
function typeName(c: Column): string {
  return formatType(c.type);
}

/**
 * For every column each output writes: the warehouse table columns it is ultimately computed from
 * (following the graph back to the sources).
 */
export function outputLineage(
  analysis: WorkflowAnalysis,
): Array<{ node: string; table: string; column: string; sources: TableColumnRef[] }> {
  const memo = new Map<string, TableColumnRef[]>();
  const schemaOf = (node: string, port: string) => analysis.nodes.get(node)?.analysis?.outputs[port];
  const resolve = (o: ColumnOrigin, depth: number): TableColumnRef[] => {
    if ('table' in o) return [{ table: o.table, column: o.column }];
    const key = `${o.node}\u0000${o.port}\u0000${o.column}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const col = schemaOf(o.node, o.port)?.columns.find((c) => c.name === o.column);
    const result = col && depth < 10_000 ? dedupe(col.from.flatMap((f) => resolve(f, depth + 1))) : [];
    memo.set(key, result);
    return result;
  };
  const out: Array<{ node: string; table: string; column: string; sources: TableColumnRef[] }> = [];
  for (const id of analysis.graph?.outputs ?? []) {
    const w = analysis.nodes.get(id)?.analysis?.write;
    if (!w) continue;
    for (const c of w.columns)
      out.push({
        node: id,
        table: w.tableText,
        column: c.name,
        sources: dedupe(c.from.flatMap((f) => resolve(f, 0))),
      });
  }
  return out;
}

function dedupe(refs: TableColumnRef[]): TableColumnRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.table}\u0000${r.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
