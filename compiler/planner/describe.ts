/**
 * The statement that asks the warehouse what a raw-SQL node (source.sql, sql) returns: the node's
 * own query — for a sql node with `{{in}}` standing for its input's SQL, assembled from the nodes
 * upstream as a preview would be — as `SELECT * FROM (…) AS _q LIMIT 0`, so that the warehouse
 * describes it without reading a row. The caller runs it read-only (the same probe the raw-SQL
 * check runs before a run) and feeds the columns back through the catalog's `describeQuery`.
 */
import type { WorkflowAnalysis } from '../analyze.js';
import { trimStatement } from '../components/source-sql.js';
import { UnsupportedError } from '../diagnostics.js';
import type { FromItem, Query } from '../sql/ast.js';
import { MissingParamError, SqlWriter, type Binding } from '../sql/writer.js';
import { Assembler } from './assemble.js';
import { resolveParams } from './params.js';

export const RAW_SQL_COMPONENTS: ReadonlySet<string> = new Set(['source.sql', 'sql']);

export interface DescribeQuery {
  sql: string;
  bindings: Binding[];
}

/**
 * The describing statement of node `nodeId`; undefined when it cannot be written yet or at all:
 * not a raw-SQL node, its input not analysed (yet), or a parameter its input needs has no value.
 */
export function compileDescribe(
  analysis: WorkflowAnalysis,
  nodeId: string,
  opts: { params?: Readonly<Record<string, unknown>> } = {},
): DescribeQuery | undefined {
  const wf = analysis.workflow;
  const graph = analysis.graph;
  const node = graph?.nodes.get(nodeId);
  if (!wf || !graph || !node || !RAW_SQL_COMPONENTS.has(node.def.id)) return undefined;
  const text = (node.spec.config as { sql?: unknown } | undefined)?.sql;
  if (typeof text !== 'string') return undefined;
  const sql = trimStatement(text);
  if (!sql || sql.includes('\u0000')) return undefined;
  const body = (input?: FromItem): Query => ({
    kind: 'select',
    items: [{ kind: 'star' }],
    from: {
      kind: 'subquery',
      query: { kind: 'raw', sql, ...(input ? { inputs: { in: input } } : {}) },
      alias: '_q',
    },
    limit: 0,
  });
  const { values, diagnostics } = resolveParams(wf, opts.params);
  if (diagnostics.some((d) => d.severity === 'error')) return undefined;
  const writer = new SqlWriter(analysis.dialect, { params: 'bind', values });
  try {
    if (node.def.id === 'source.sql')
      return { sql: writer.withQuery({ ctes: [], body: body() }), bindings: writer.bindings };
    const edge = node.inputs[0];
    const input = edge ? analysis.nodes.get(edge.node) : undefined;
    if (!edge || !input?.analysis?.outputs[edge.outPort]) return undefined;
    const asm = new Assembler(analysis);
    const blocked = asm
      .results(asm.needed({ node: edge.node, port: edge.outPort }))
      .some((r) => !r || r.failed);
    if (blocked) return undefined;
    const { query } = asm.withQuery({ node: edge.node, port: edge.outPort }, (from) => body(from));
    return { sql: writer.withQuery(query), bindings: writer.bindings };
  } catch (e) {
    // A parameter without a value, or something the dialect cannot write upstream (reported there).
    if (e instanceof MissingParamError || e instanceof UnsupportedError) return undefined;
    throw e;
  }
}
