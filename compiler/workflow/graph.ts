/**
 * Graph checks: node ids, components, ports and references, cycles (with their path), nodes that
 * feed no output. Produces a topological order for schema propagation and planning. Linear in the
 * size of the workflow.
 */
import { childPath, type Diagnostic } from '../diagnostics.js';
import type { ComponentDefinition } from '../components/component.js';
import { didYouMean } from '../suggest.js';
import { NODE_ID_PATTERN, type NodeSpec, type Workflow } from './model.js';

export interface InputEdge {
  /** This node's input port and position within a list port. */
  port: string;
  index: number;
  /** The upstream node and its output port. */
  node: string;
  outPort: string;
  path: string;
}

export interface GraphNode {
  spec: NodeSpec;
  index: number;
  path: string;
  def: ComponentDefinition<unknown>;
  inputs: InputEdge[];
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Topological order of the nodes that can be analysed (valid component, not in a cycle). */
  order: string[];
  /** Who reads each node: node id → edges (by the consumer). */
  consumers: Map<string, Array<InputEdge & { consumer: string }>>;
  outputs: string[];
}

export type ComponentLookup = (id: string) => ComponentDefinition<unknown> | undefined;

export function buildGraph(
  wf: Workflow,
  lookup: ComponentLookup,
  componentIds: readonly string[],
): { graph: Graph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err = (d: Omit<Diagnostic, 'severity'>) => diagnostics.push({ severity: 'error', ...d });
  const nodes = new Map<string, GraphNode>();
  const specs = new Map<string, { spec: NodeSpec; index: number }>();
  /** Nodes with an input that is missing or does not resolve: they cannot be analysed. */
  const broken = new Set<string>();

  wf.nodes.forEach((spec, index) => {
    const path = childPath('$.nodes', index);
    if (!NODE_ID_PATTERN.test(spec.id)) {
      err({
        code: 'INVALID_NAME',
        path: `${path}.id`,
        nodeId: spec.id,
        message: `node id ${JSON.stringify(spec.id)} is not valid`,
        hint: 'use letters, digits and _ , starting with a letter (it becomes a CTE name)',
      });
    }
    if (specs.has(spec.id)) {
      err({
        code: 'DUPLICATE_NODE_ID',
        path: `${path}.id`,
        nodeId: spec.id,
        message: `node id "${spec.id}" is used twice (first at $.nodes[${specs.get(spec.id)!.index}])`,
        hint: 'give every node a unique id',
      });
      return;
    }
    specs.set(spec.id, { spec, index });
  });

  for (const [id, { spec, index }] of specs) {
    const path = childPath('$.nodes', index);
    const def = lookup(spec.type);
    if (!def) {
      err({
        code: 'UNKNOWN_COMPONENT',
        path: `${path}.type`,
        nodeId: id,
        message: `unknown component "${spec.type}"`,
        hint: didYouMean(spec.type, componentIds, 'components'),
      });
      continue;
    }
    nodes.set(id, { spec, index, path, def, inputs: [] });
  }

  /** For a MISSING_INPUT hint: the nearest node written before a node that has an output. */
  let readable: Map<string, string> | undefined;
  const readableBefore = (id: string) => {
    if (!readable) {
      readable = new Map();
      let last: string | undefined;
      for (const [other, { spec }] of specs) {
        if (last !== undefined) readable.set(other, last);
        if (lookup(spec.type)?.outputs.length) last = other;
      }
    }
    return readable.get(id);
  };

  // Inputs: ports exist, references resolve, required ports are connected.
  for (const node of nodes.values()) {
    const { spec, def, path } = node;
    const given = spec.inputs ?? {};
    for (const [port, ref] of Object.entries(given)) {
      const portPath = childPath(`${path}.inputs`, port);
      const portSpec = def.inputs.find((p) => p.name === port);
      if (!portSpec) {
        err({
          code: 'UNKNOWN_PORT',
          path: portPath,
          nodeId: spec.id,
          message:
            def.inputs.length === 0 ? `${def.id} takes no inputs` : `${def.id} has no input port "${port}"`,
          hint:
            def.inputs.length === 0
              ? 'remove "inputs": a source reads from the warehouse'
              : didYouMean(
                  port,
                  def.inputs.map((p) => p.name),
                  'input ports',
                ),
        });
        continue;
      }
      const refs = Array.isArray(ref) ? ref : [ref];
      if (Array.isArray(ref) && !portSpec.many) {
        if (ref.length !== 1) {
          err({
            code: 'TOO_MANY_INPUTS',
            path: portPath,
            nodeId: spec.id,
            message: `port "${port}" of ${def.id} takes one input, got ${ref.length}`,
            hint: 'use a union node to combine several inputs',
          });
          broken.add(spec.id);
          continue;
        }
      }
      if (portSpec.many && refs.length === 0) {
        broken.add(spec.id);
        err({
          code: 'MISSING_INPUT',
          path: portPath,
          nodeId: spec.id,
          message: `port "${port}" of ${def.id} needs at least one input`,
        });
      }
      refs.forEach((r, i) => {
        const refPath = Array.isArray(ref) ? childPath(portPath, i) : portPath;
        const edge = resolveRef(r, refPath, spec.id, nodes, specs, diagnostics);
        if (edge) node.inputs.push({ port, index: i, node: edge.node, outPort: edge.outPort, path: refPath });
        else broken.add(spec.id);
      });
    }
    for (const p of def.inputs) {
      if (!Object.hasOwn(given, p.name)) {
        broken.add(spec.id);
        const upstream = readableBefore(spec.id) ?? 'nodeId';
        err({
          code: 'MISSING_INPUT',
          path: `${path}.inputs`,
          nodeId: spec.id,
          message: `input "${p.name}" of ${def.id} is not connected`,
          hint: `add "inputs": { "${p.name}": ${p.many ? '["nodeA", "nodeB"]' : `"${upstream}"`} }`,
        });
      }
    }
  }

  // Consumers index and cycle detection (iterative DFS, so 10k-node chains do not overflow the stack).
  const consumers = new Map<string, Array<InputEdge & { consumer: string }>>();
  for (const id of nodes.keys()) consumers.set(id, []);
  for (const n of nodes.values())
    for (const e of n.inputs)
      consumers.get(e.node)?.push({
        port: e.port,
        index: e.index,
        node: e.node,
        outPort: e.outPort,
        path: e.path,
        consumer: n.spec.id,
      });

  const state = new Map<string, 0 | 1 | 2>(); // 0 new, 1 on stack, 2 done
  const inCycle = new Set<string>();
  const order: string[] = [];
  const sortedIds = [...nodes.values()].sort((a, b) => a.index - b.index).map((n) => n.spec.id);
  for (const start of sortedIds) {
    if (state.get(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const deps = nodes.get(top.id)!.inputs;
      if (top.next < deps.length) {
        const dep = deps[top.next++]!.node;
        if (!nodes.has(dep)) continue;
        const s = state.get(dep) ?? 0;
        if (s === 0) {
          state.set(dep, 1);
          stack.push({ id: dep, next: 0 });
        } else if (s === 1) {
          const from = stack.findIndex((f) => f.id === dep);
          const cycle = stack.slice(from).map((f) => f.id);
          cycle.forEach((c) => inCycle.add(c));
          // Reported as the data flows (each node reads the one before it), from the node written first.
          const flow = [...cycle].reverse();
          const at = flow.reduce(
            (best, id, i) => (nodes.get(id)!.index < nodes.get(flow[best]!)!.index ? i : best),
            0,
          );
          const shown = [...flow.slice(at), ...flow.slice(0, at)];
          const first = nodes.get(shown[0]!)!;
          err({
            code: 'CYCLE',
            path: `${first.path}.inputs`,
            nodeId: shown[0]!,
            message: `cycle: ${[...shown, shown[0]].join(' → ')}`,
            hint: 'a workflow is a DAG: remove one of these inputs',
          });
        }
      } else {
        stack.pop();
        state.set(top.id, 2);
        order.push(top.id);
      }
    }
  }
  // A node downstream of a cycle or of a broken input cannot be analysed either.
  const blocked = new Set([...inCycle, ...broken]);
  const analysable = order.filter((id) => {
    const ok =
      !blocked.has(id) && nodes.get(id)!.inputs.every((e) => !blocked.has(e.node) && nodes.has(e.node));
    if (!ok) blocked.add(id);
    return ok;
  });

  const outputs = sortedIds.filter((id) => nodes.get(id)!.def.category === 'output');
  checkTool(wf, specs, diagnostics);
  reachability(nodes, specs, outputs, diagnostics, wf);

  return { graph: { nodes, order: analysable, consumers, outputs }, diagnostics };
}

function resolveRef(
  ref: string,
  path: string,
  nodeId: string,
  nodes: Map<string, GraphNode>,
  specs: Map<string, { spec: NodeSpec; index: number }>,
  diagnostics: Diagnostic[],
): { node: string; outPort: string } | undefined {
  const dot = ref.indexOf('.');
  const target = dot < 0 ? ref : ref.slice(0, dot);
  const outPort = dot < 0 ? 'out' : ref.slice(dot + 1);
  if (!specs.has(target)) {
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_NODE',
      path,
      nodeId,
      message: `input refers to node "${target}", which does not exist`,
      hint: didYouMean(
        target,
        [...specs.keys()].filter((k) => k !== nodeId),
        'node ids',
      ),
    });
    return undefined;
  }
  if (target === nodeId) {
    diagnostics.push({
      severity: 'error',
      code: 'CYCLE',
      path,
      nodeId,
      message: `cycle: ${nodeId} → ${nodeId} (node "${nodeId}" reads its own output)`,
      hint: 'a workflow is a DAG',
    });
    return undefined;
  }
  const up = nodes.get(target);
  // Its component is unknown (already reported): no edge, so every edge leads to a known node.
  if (!up) return undefined;
  const outs = up.def.outputs.map((p) => p.name);
  if (!outs.includes(outPort)) {
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_PORT',
      path,
      nodeId,
      message:
        outs.length === 0
          ? `node "${target}" (${up.def.id}) has no outputs to read`
          : `node "${target}" (${up.def.id}) has no output port "${outPort}"`,
      hint:
        outs.length === 0
          ? 'an output node ends a branch; read its input instead'
          : didYouMean(outPort, outs, 'output ports'),
    });
    return undefined;
  }
  return { node: target, outPort };
}

/** A `tool` block names params the workflow declares and a node it has. */
function checkTool(
  wf: Workflow,
  specs: Map<string, { spec: NodeSpec; index: number }>,
  diagnostics: Diagnostic[],
): void {
  const tool = wf.tool;
  if (!tool) return;
  const declared = Object.keys(wf.params);
  (tool.params ?? []).forEach((p, i) => {
    if (!declared.includes(p))
      diagnostics.push({
        severity: 'error',
        code: 'UNKNOWN_PARAM',
        path: `$.tool.params[${i}]`,
        message: `the tool exposes param "${p}", which the workflow does not declare`,
        hint:
          declared.length > 0
            ? didYouMean(p, declared, 'params')
            : 'declare it under "params", e.g. "params": {"since": {"type": "date"}}',
      });
  });
  const returned = specs.get(tool.returns);
  if (!returned)
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_NODE',
      path: '$.tool.returns',
      message: `the tool returns node "${tool.returns}", which does not exist`,
      hint: didYouMean(tool.returns, [...specs.keys()], 'node ids'),
    });
  else if (returned.spec.type === 'output.table')
    diagnostics.push({
      severity: 'error',
      code: 'INVALID_VALUE',
      path: '$.tool.returns',
      nodeId: tool.returns,
      message: `the tool returns node "${tool.returns}", an output.table, which has no rows to read`,
      hint: `return the node it writes from: "${Object.values(returned.spec.inputs ?? {}).flat()[0] ?? 'its input'}"`,
    });
}

/**
 * Warns about nodes whose result reaches no output (when the workflow has outputs at all). Follows
 * the references as written, even those that failed to resolve (a wrong port, an unknown
 * component), so one broken input is not echoed as "unused" warnings upstream of it.
 */
function reachability(
  nodes: Map<string, GraphNode>,
  specs: Map<string, { spec: NodeSpec; index: number }>,
  outputs: string[],
  diagnostics: Diagnostic[],
  wf: Workflow,
): void {
  if (wf.nodes.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'MISSING_FIELD',
      path: '$.nodes',
      message: 'the workflow has no nodes',
      hint: 'start with a source.table node',
    });
    return;
  }
  const toolNode = wf.tool && specs.has(wf.tool.returns) ? wf.tool.returns : undefined;
  if (outputs.length === 0 && !toolNode) {
    diagnostics.push({
      severity: 'warning',
      code: 'NO_OUTPUT',
      path: '$.nodes',
      message: `workflow "${wf.name}" has no output node: it can be previewed but a run writes nothing`,
      hint: 'add an output.table node to write a result',
    });
    return;
  }
  const upstream = (id: string): string[] =>
    Object.values(specs.get(id)?.spec.inputs ?? {})
      .flat()
      .map((ref) => (ref.includes('.') ? ref.slice(0, ref.indexOf('.')) : ref));
  const ups = new Map<string, string[]>();
  for (const id of specs.keys()) ups.set(id, upstream(id));
  /** Nodes some other node reads (for the message about an unused node). */
  let read: Set<string> | undefined;
  const isRead = (id: string) => {
    if (!read) {
      read = new Set();
      for (const [reader, list] of ups) for (const up of list) if (up !== reader) read.add(up);
    }
    return read.has(id);
  };
  const useful = new Set<string>();
  // A tool's result is a use of its node and everything upstream of it.
  const queue = [...outputs, ...(toolNode ? [toolNode] : [])];
  while (queue.length) {
    const id = queue.pop()!;
    if (useful.has(id)) continue;
    useful.add(id);
    for (const up of ups.get(id) ?? []) if (!useful.has(up)) queue.push(up);
  }
  for (const n of nodes.values()) {
    if (!useful.has(n.spec.id)) {
      diagnostics.push({
        severity: 'warning',
        code: 'UNUSED_NODE',
        path: n.path,
        nodeId: n.spec.id,
        message: `node "${n.spec.id}" feeds no output${isRead(n.spec.id) ? '' : ' (nothing reads it)'}`,
        hint: `connect it to an output.table${wf.tool ? " or the tool's node" : ''}, or remove it`,
      });
    }
  }
}
