/**
 * How the eval reads a generated workflow's answer: the SELECT of its result node, compiled by the
 * service (as `edgeflow compile --node` does, params written as typed literals) and executed
 * read-only on the case's connection. Nothing is written: an `output.table` is never run; the node
 * feeding it is read instead. Read-only and unlimited by the preview's 1,000-row cap.
 */
import type { Connector } from '../connectors/connector.js';
import type { CompileResult, WorkflowRequest } from '../daemon/service/index.js';
import type { ResultSet } from './compare.js';

/** More rows than any gold answer has: a result this long is wrong anyway. */
export const MAX_OUTPUT_ROWS = 100_000;

export interface OutputReader {
  compile(req: WorkflowRequest & { node?: string; params?: Record<string, unknown> }): Promise<CompileResult>;
  connector(name: string): Promise<Connector>;
}

interface NodeLike {
  id?: unknown;
  type?: unknown;
  inputs?: unknown;
}

/**
 * The node whose rows answer the request: the `tool.returns` node when the workflow declares one;
 * else the input of its last `output.table`; else its last node.
 */
export function resultNode(workflow: unknown): string | undefined {
  if (!workflow || typeof workflow !== 'object') return undefined;
  const w = workflow as { nodes?: unknown; tool?: { returns?: unknown } };
  if (typeof w.tool?.returns === 'string') return w.tool.returns;
  const nodes = Array.isArray(w.nodes) ? (w.nodes as NodeLike[]) : [];
  const out = nodes.filter((n) => n.type === 'output.table').at(-1);
  const input = (out?.inputs as { in?: unknown } | undefined)?.in;
  // `node.port`: the port's rows are not addressable on their own; the node is the best reading.
  if (typeof input === 'string') return input.split('.')[0];
  const last = nodes.filter((n) => n.type !== 'output.table').at(-1);
  return typeof last?.id === 'string' ? last.id : undefined;
}

export interface ReadOutput {
  compiled: boolean;
  node?: string;
  sql?: string;
  result?: ResultSet;
  error?: string;
}

export async function readOutput(
  reader: OutputReader,
  workflow: unknown,
  connection: string,
  params: Record<string, unknown> | undefined,
): Promise<ReadOutput> {
  const node = resultNode(workflow);
  if (!node) return { compiled: false, error: 'the workflow has no node to read' };
  let compiled: CompileResult;
  try {
    compiled = await reader.compile({ workflow, connection, node, ...(params ? { params } : {}) });
  } catch (e) {
    return { compiled: false, node, error: (e as Error).message };
  }
  if (!compiled.ok || !compiled.sql)
    return {
      compiled: false,
      node,
      error: compiled.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.code}: ${d.message}`)
        .join('; '),
    };
  try {
    const result = await executeSelect(await reader.connector(connection), compiled.sql);
    return { compiled: true, node, sql: compiled.sql, result };
  } catch (e) {
    return { compiled: true, node, sql: compiled.sql, error: (e as Error).message.split('\n')[0] };
  }
}

/** One read-only SELECT, its columns in order (from the first row's keys, or the SQL's when empty). */
export async function executeSelect(connector: Connector, sql: string): Promise<ResultSet> {
  const r = await connector.execute(sql, {
    readOnly: true,
    maxRows: MAX_OUTPUT_ROWS + 1,
    label: { origin: 'eval' },
  });
  const rows = r.rows ?? [];
  const columns = r.columns?.map((c) => c.name) ?? Object.keys(rows[0] ?? {});
  return { columns, rows: rows.map((row) => columns.map((c) => row[c])) };
}
