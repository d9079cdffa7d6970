/**
 * The MCP app (MCP Apps extension, @modelcontextprotocol/ext-apps) that compile_workflow and
 * get_run offer: in a client that renders it, the workflow's DAG (from compile_workflow's result)
 * or the run's steps coloured by status, followed with get_run until the run ends. Clients that
 * do not render apps keep the tools' text and structured output, which this only reads.
 */
import { App } from '@modelcontextprotocol/ext-apps';
import { categoryColor, guessCategory } from '../src/canvas/colors.js';
import { layoutDag } from '../src/canvas/layout.js';
import { parseMermaid, stepsDag, type DagEdge, type DagNode } from './dag.js';

interface Diagnostic {
  severity: string;
  message: string;
  nodeId?: string;
  code: string;
}
interface RunStep {
  stepId: string;
  kind: string;
  status: string;
  dependsOn: string[];
}
interface Run {
  id: string;
  workflow: string;
  version: number | null;
  status: string;
  steps: RunStep[];
  error: { code: string; message: string; hint?: string } | null;
}

const root = document.getElementById('app')!;
const app = new App({ name: 'edgeflow-workflow-dag', version: '1.0.0' });

const STEP_COLORS: Record<string, string> = {
  succeeded: '#16a34a',
  running: '#2563eb',
  failed: '#dc2626',
  cancelled: '#d97706',
  skipped: '#d97706',
  pending: '#94a3b8',
};

const W = 170;
const H = 40;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function svgOf(nodes: DagNode[], edges: DagEdge[], errors: ReadonlySet<string>): string {
  const pos = layoutDag(
    nodes.map((n) => ({ id: n.id, width: W, height: H })),
    edges.map((e) => ({ source: e.from, target: e.to })),
  );
  let maxX = 0;
  let maxY = 0;
  for (const p of pos.values()) {
    maxX = Math.max(maxX, p.x + W + 16);
    maxY = Math.max(maxY, p.y + H + 16);
  }
  const paths = edges
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return '';
      const [x1, y1, x2, y2] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
      const mx = (x1 + x2) / 2;
      const label = e.label
        ? `<text class="edge-label" x="${mx}" y="${(y1 + y2) / 2 - 3}" text-anchor="middle">${esc(e.label)}</text>`
        : '';
      return `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>${label}`;
    })
    .join('');
  const boxes = nodes
    .map((n) => {
      const p = pos.get(n.id)!;
      const color = n.status ? (STEP_COLORS[n.status] ?? '#64748b') : categoryColor(guessCategory(n.type));
      const title = `${n.id}: ${n.type}${n.status ? ` (${n.status})` : ''}${errors.has(n.id) ? ' — has errors' : ''}`;
      return `<g class="node${errors.has(n.id) ? ' error' : ''}" transform="translate(${p.x},${p.y})" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>
<rect class="box" width="${W}" height="${H}" rx="6" stroke="${color}"/><rect class="head" width="${W}" height="18" rx="6" fill="${color}"/>
<text class="id" x="8" y="13">${esc(n.id.slice(0, 24))}</text><text class="type" x="8" y="32">${esc((n.status ? `${n.type} · ${n.status}` : n.type).slice(0, 28))}</text></g>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${Math.max(maxX, 200)} ${Math.max(maxY, 60)}" role="group" aria-label="workflow DAG: ${nodes.length} nodes">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#94a3b8"/></marker></defs>${paths}${boxes}</svg>`;
}

function showCompile(result: {
  diagram?: string;
  diagnostics?: Diagnostic[];
  node?: string;
  dialect?: string;
}): void {
  if (!result.diagram) {
    root.innerHTML = `<p class="muted">No diagram: the workflow did not parse.</p>${diagnosticsHtml(result.diagnostics ?? [])}`;
    return;
  }
  const { nodes, edges } = parseMermaid(result.diagram);
  const errors = new Set(
    (result.diagnostics ?? []).filter((d) => d.severity === 'error' && d.nodeId).map((d) => d.nodeId!),
  );
  root.innerHTML = `<h1>Workflow DAG <span class="muted">(${nodes.length} nodes${result.dialect ? `, ${esc(result.dialect)}` : ''})</span></h1>${svgOf(nodes, edges, errors)}${diagnosticsHtml(result.diagnostics ?? [])}`;
}

function diagnosticsHtml(list: Diagnostic[]): string {
  if (!list.length) return '';
  return `<ul class="diagnostics">${list.map((d) => `<li class="${esc(d.severity)}">${esc(d.code)}${d.nodeId ? ` (${esc(d.nodeId)})` : ''}: ${esc(d.message)}</li>`).join('')}</ul>`;
}

const ACTIVE = new Set(['queued', 'running']);
let following: string | undefined;

function showRun(run: Run): void {
  const done = run.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  const pct = run.steps.length
    ? Math.round((done / run.steps.length) * 100)
    : run.status === 'succeeded'
      ? 100
      : 0;
  const { nodes, edges } = stepsDag(run.steps);
  root.innerHTML =
    `<h1>Run ${esc(run.id)} of ${esc(run.workflow)}${run.version !== null ? ` v${run.version}` : ''}: <span class="status status-${esc(run.status)}">${esc(run.status)}</span></h1>` +
    `<progress value="${pct}" max="100" aria-label="steps done">${pct}%</progress>` +
    `<p class="muted">${done} of ${run.steps.length} steps done</p>` +
    svgOf(nodes, edges, new Set(run.steps.filter((s) => s.status === 'failed').map((s) => s.stepId))) +
    (run.error
      ? `<pre>${esc(run.error.code)}: ${esc(run.error.message)}${run.error.hint ? `\n${esc(run.error.hint)}` : ''}</pre>`
      : '');
  if (ACTIVE.has(run.status) && following !== run.id) follow(run.id);
}

/** Polls get_run (the app may call the server's tools through the host) until the run ends. */
function follow(id: string): void {
  following = id;
  const tick = async () => {
    if (following !== id) return;
    try {
      const r = await app.callServerTool({ name: 'get_run', arguments: { id } });
      const run = (r.structuredContent as { run?: Run } | undefined)?.run;
      if (run) {
        showRun(run);
        if (!ACTIVE.has(run.status)) following = undefined;
      }
    } catch {
      following = undefined; // the host refused: the last picture stays
    }
    if (following === id) setTimeout(() => void tick(), 1500);
  };
  setTimeout(() => void tick(), 1500);
}

app.addEventListener('toolresult', (result) => {
  const data = result.structuredContent as Record<string, unknown> | undefined;
  if (!data) return;
  if (data['run'] && typeof data['run'] === 'object') showRun(data['run'] as Run);
  else showCompile(data as { diagram?: string; diagnostics?: Diagnostic[] });
});

void app.connect();
