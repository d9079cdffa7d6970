/** Column-level lineage, a by-product of schema propagation. */
import type { WorkflowAnalysis } from './analyze.js';
import type { NodeResult } from './propagate.js';
import { columnLineage, PassedColumns, type Column, type ColumnOrigin } from './schema/relation.js';
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
  const passed = new PassedColumns();
  const columns = (list: readonly Column[], inputs: NodeResult['inputs']) => {
    passed.reset(inputs);
    return list.map((c, i) => ({
      name: c.name,
      type: typeName(c),
      from: columnLineage(c, i, inputs, passed),
    }));
  };
  for (const [id, r] of analysis.nodes) {
    if (!r.analysis) continue;
    for (const [port, schema] of Object.entries(r.analysis.outputs))
      out.push({ node: id, port, columns: columns(schema.columns, r.inputs) });
    if (r.analysis.write)
      out.push({ node: id, port: 'write', columns: columns(r.analysis.write.columns, r.inputs) });
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
  const passed = new PassedColumns();
  const resolve = (o: ColumnOrigin, depth: number): TableColumnRef[] => {
    if ('table' in o) return [{ table: o.table, column: o.column }];
    const key = `${o.node}\u0000${o.port}\u0000${o.column}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const r = analysis.nodes.get(o.node);
    const columns = r?.analysis?.outputs[o.port]?.columns ?? [];
    const at = columns.findIndex((c) => c.name === o.column);
    const from = r && at >= 0 ? columnLineage(columns[at]!, at, r.inputs, passed.reset(r.inputs)) : [];
    const result = depth < 10_000 ? dedupe(from.flatMap((f) => resolve(f, depth + 1))) : [];
    memo.set(key, result);
    return result;
  };
  const out: Array<{ node: string; table: string; column: string; sources: TableColumnRef[] }> = [];
  for (const id of analysis.graph?.outputs ?? []) {
    const r = analysis.nodes.get(id);
    const w = r?.analysis?.write;
    if (!r || !w) continue;
    // Its own walker: resolving a column walks (and resets) the shared one.
    const writes = new PassedColumns().reset(r.inputs);
    w.columns.forEach((c, i) =>
      out.push({
        node: id,
        table: w.tableText,
        column: c.name,
        sources: dedupe(columnLineage(c, i, r.inputs, writes).flatMap((f) => resolve(f, 0))),
      }),
    );
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
