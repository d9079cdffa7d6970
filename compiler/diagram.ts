/**
 * A Mermaid flowchart of a workflow's DAG (compile_workflow shows it to agents and people): one box
 * per node labelled with its id and component type, one arrow per input, labelled with the ports
 * when they are not the defaults (`out` → `in`). Pure: no I/O.
 */
import type { Workflow } from './workflow/model.js';

/** Text safe inside a quoted Mermaid label: Mermaid's entity codes for what would end or break it. */
export function mermaidText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#"<>&`|[\]{}();]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Node ids become `n_<id>`: a bare id such as `end` or `graph` is a Mermaid keyword. */
function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, (c) => `_${c.charCodeAt(0)}_`)}`;
}

function shape(type: string, label: string): string {
  if (type.startsWith('source.')) return `(["${label}"])`;
  if (type.startsWith('output.')) return `[("${label}")]`;
  return `["${label}"]`;
}

function parseRef(ref: string): { node: string; port: string } {
  const dot = ref.indexOf('.');
  return dot < 0 ? { node: ref, port: 'out' } : { node: ref.slice(0, dot), port: ref.slice(dot + 1) };
}

export function mermaidDiagram(workflow: Pick<Workflow, 'nodes'>): string {
  const lines = ['flowchart LR'];
  const known = new Set(workflow.nodes.map((n) => n.id));
  for (const n of workflow.nodes)
    lines.push(`  ${mermaidId(n.id)}${shape(n.type, `${mermaidText(n.id)}: ${mermaidText(n.type)}`)}`);
  for (const n of workflow.nodes) {
    for (const [inPort, refs] of Object.entries(n.inputs ?? {})) {
      for (const ref of Array.isArray(refs) ? refs : [refs]) {
        const from = parseRef(ref);
        if (!known.has(from.node)) continue;
        const ports = [from.port !== 'out' ? from.port : undefined, inPort !== 'in' ? inPort : undefined];
        const label =
          ports[0] && ports[1] ? `${ports[0]} → ${ports[1]}` : (ports[0] ?? ports[1] ?? undefined);
        const arrow = label ? `-->|"${mermaidText(label)}"|` : '-->';
        lines.push(`  ${mermaidId(from.node)} ${arrow} ${mermaidId(n.id)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
