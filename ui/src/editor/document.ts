/**
 * Edits of a workflow document, each a pure function from a document to a new one: the document
 * (DESIGN.md §1.1) stays the source of truth, the canvas and the JSON view are both drawn from it,
 * and undo is keeping the previous documents.
 */
import type { WorkflowDoc, WorkflowNode } from '../types.js';

export interface PortRef {
  node: string;
  port: string;
}

/** `"paid"` is paid's `out`; `"paid.rejected"` its `rejected` port. */
export function parseRef(ref: string): PortRef {
  const dot = ref.indexOf('.');
  return dot < 0 ? { node: ref, port: 'out' } : { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}

export function formatRef(r: PortRef): string {
  return r.port === 'out' ? r.node : `${r.node}.${r.port}`;
}

export interface DocEdge {
  /** Unique: target, its port, and the position in a many-input port. */
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
  /** The position in a port that takes many inputs (union's `in`). */
  index?: number;
}

export function edgesOf(doc: Pick<WorkflowDoc, 'nodes'>): DocEdge[] {
  const out: DocEdge[] = [];
  for (const n of doc.nodes) {
    for (const [port, refs] of Object.entries(n.inputs ?? {})) {
      const list = Array.isArray(refs) ? refs : [refs];
      list.forEach((ref, i) => {
        if (typeof ref !== 'string') return;
        const from = parseRef(ref);
        out.push({
          id: `${n.id}:${port}${Array.isArray(refs) ? `:${i}` : ''}`,
          source: from.node,
          sourcePort: from.port,
          target: n.id,
          targetPort: port,
          ...(Array.isArray(refs) ? { index: i } : {}),
        });
      });
    }
  }
  return out;
}

/** What an edge is labelled with: the ports that are not the defaults (`out` → `in`). */
export function edgeLabel(e: Pick<DocEdge, 'sourcePort' | 'targetPort'>): string | undefined {
  const from = e.sourcePort !== 'out' ? e.sourcePort : undefined;
  const to = e.targetPort !== 'in' ? e.targetPort : undefined;
  return from && to ? `${from} → ${to}` : (from ?? to);
}

export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `filter` → `filter_1` (or the next free number); `output.table` → `output_table_1`. */
export function uniqueId(doc: Pick<WorkflowDoc, 'nodes'>, type: string): string {
  const base = type.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, '_$1');
  const taken = new Set(doc.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function addNode(
  doc: WorkflowDoc,
  node: { type: string; config?: Record<string, unknown>; id?: string },
): { doc: WorkflowDoc; id: string } {
  const id = node.id ?? uniqueId(doc, node.type);
  const added: WorkflowNode = { id, type: node.type, config: node.config ?? {} };
  return { doc: { ...doc, nodes: [...doc.nodes, added] }, id };
}

function mapNode(doc: WorkflowDoc, id: string, f: (n: WorkflowNode) => WorkflowNode): WorkflowDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

/**
 * Connects an output port to an input port: a single-input port is replaced, a port that takes
 * many (`many`) gets one more input (the same one twice is left alone).
 */
export function connect(
  doc: WorkflowDoc,
  from: PortRef,
  to: { node: string; port: string; many?: boolean },
): WorkflowDoc {
  if (from.node === to.node) return doc;
  const ref = formatRef(from);
  return mapNode(doc, to.node, (n) => {
    const inputs = { ...(n.inputs ?? {}) };
    const current = inputs[to.port];
    if (to.many) {
      const list = Array.isArray(current) ? current : current !== undefined ? [current] : [];
      if (list.includes(ref)) return n;
      inputs[to.port] = [...list, ref];
    } else inputs[to.port] = ref;
    return { ...n, inputs };
  });
}

export function disconnect(
  doc: WorkflowDoc,
  edge: Pick<DocEdge, 'target' | 'targetPort' | 'index'>,
): WorkflowDoc {
  return mapNode(doc, edge.target, (n) => {
    const inputs = { ...(n.inputs ?? {}) };
    const current = inputs[edge.targetPort];
    if (Array.isArray(current) && edge.index !== undefined) {
      const rest = current.filter((_, i) => i !== edge.index);
      if (rest.length) inputs[edge.targetPort] = rest;
      else delete inputs[edge.targetPort];
    } else delete inputs[edge.targetPort];
    const { inputs: _drop, ...without } = n;
    return Object.keys(inputs).length ? { ...n, inputs } : without;
  });
}

/** Removes nodes and every input that read them. */
export function removeNodes(doc: WorkflowDoc, ids: readonly string[]): WorkflowDoc {
  const gone = new Set(ids);
  const nodes = doc.nodes
    .filter((n) => !gone.has(n.id))
    .map((n) => {
      if (!n.inputs) return n;
      const inputs: Record<string, string | string[]> = {};
      for (const [port, refs] of Object.entries(n.inputs)) {
        if (Array.isArray(refs)) {
          const kept = refs.filter((r) => !gone.has(parseRef(r).node));
          if (kept.length) inputs[port] = kept;
        } else if (!gone.has(parseRef(refs).node)) inputs[port] = refs;
      }
      const { inputs: _drop, ...without } = n;
      return Object.keys(inputs).length ? { ...n, inputs } : without;
    });
  return { ...doc, nodes };
}

/** Renames a node and every reference to it; an error text when the new id cannot be used. */
export function renameNode(doc: WorkflowDoc, from: string, to: string): WorkflowDoc | string {
  if (from === to) return doc;
  if (!NODE_ID.test(to)) return 'a node id is letters, digits and _, and does not start with a digit';
  if (doc.nodes.some((n) => n.id === to)) return `a node "${to}" already exists`;
  const renameRef = (r: string) => {
    const p = parseRef(r);
    return p.node === from ? formatRef({ node: to, port: p.port }) : r;
  };
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const id = n.id === from ? to : n.id;
      if (!n.inputs) return { ...n, id };
      const inputs = Object.fromEntries(
        Object.entries(n.inputs).map(([port, refs]) => [
          port,
          Array.isArray(refs) ? refs.map(renameRef) : renameRef(refs),
        ]),
      );
      return { ...n, id, inputs };
    }),
  };
}

export function setConfig(doc: WorkflowDoc, id: string, config: Record<string, unknown>): WorkflowDoc {
  return mapNode(doc, id, (n) => ({ ...n, config }));
}

/** Whether a text is a workflow document the editor can draw (the daemon checks the rest). */
export function asWorkflowDoc(value: unknown): WorkflowDoc | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'the document is not a JSON object';
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v['nodes'])) return 'the document has no "nodes" list';
  for (const [i, n] of (v['nodes'] as unknown[]).entries()) {
    if (!n || typeof n !== 'object') return `nodes[${i}] is not an object`;
    const node = n as Record<string, unknown>;
    if (typeof node['id'] !== 'string' || typeof node['type'] !== 'string')
      return `nodes[${i}] needs a string "id" and "type"`;
  }
  return value as WorkflowDoc;
}
