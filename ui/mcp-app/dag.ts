/**
 * The DAG of a compile_workflow result, read back from its Mermaid flowchart (compiler/diagram.ts
 * writes it: one `n_<id>(["id: type"])` line per node, one `n_a -->|"label"| n_b` line per input),
 * and of a run's steps (their `dependsOn`): nodes and edges to lay out and draw. Pure.
 */
export interface DagNode {
  id: string;
  type: string;
  /** A step's status (queued, running, succeeded…), for a run. */
  status?: string;
}

export interface DagEdge {
  from: string;
  to: string;
  label?: string;
}

/** Mermaid's entity codes (`#34;`) back to their characters. */
function unescape(s: string): string {
  return s.replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

export function parseMermaid(text: string): { nodes: DagNode[]; edges: DagEdge[] } {
  const ids = new Map<string, string>();
  const nodes: DagNode[] = [];
  const edges: DagEdge[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const node = /^(n_[A-Za-z0-9_]+)[([{]+"(.*)"[)\]}]+$/.exec(line);
    if (node) {
      const label = unescape(node[2]!);
      const colon = label.lastIndexOf(': ');
      const id = colon < 0 ? label : label.slice(0, colon);
      ids.set(node[1]!, id);
      nodes.push({ id, type: colon < 0 ? '' : label.slice(colon + 2) });
      continue;
    }
    const edge = /^(n_[A-Za-z0-9_]+) -->(?:\|"(.*)"\|)? (n_[A-Za-z0-9_]+)$/.exec(line);
    if (edge) {
      const from = ids.get(edge[1]!);
      const to = ids.get(edge[3]!);
      if (from !== undefined && to !== undefined)
        edges.push({ from, to, ...(edge[2] ? { label: unescape(edge[2]) } : {}) });
    }
  }
  return { nodes, edges };
}

export function stepsDag(
  steps: ReadonlyArray<{ stepId: string; kind: string; status: string; dependsOn: string[] }>,
): {
  nodes: DagNode[];
  edges: DagEdge[];
} {
  const known = new Set(steps.map((s) => s.stepId));
  return {
    nodes: steps.map((s) => ({ id: s.stepId, type: s.kind, status: s.status })),
    edges: steps.flatMap((s) =>
      s.dependsOn.filter((d) => known.has(d)).map((d) => ({ from: d, to: s.stepId })),
    ),
  };
}
