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
  /** The node that reads through this edge (whose input it is). */
  consumer: string;
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
  /**
   * Who reads each node: node id → the edges that read it (each names its consumer; empty when
   * nothing does), undefined for an id that is not a node of the graph.
   */
  consumers: Consumers;
  outputs: string[];
}

/** The readers of each node of the graph, by id. */
export interface Consumers {
  get(id: string): readonly InputEdge[] | undefined;
}

const NO_READERS: readonly InputEdge[] = Object.freeze([]);

/**
 * Consumers kept by document index beside the graph's map of nodes, not in a second map by id:
 * filling a map of readers for a 10,000-node workflow was about a third of building its graph (a
 * hash table that large is allocated on new pages, and filled one key at a time).
 */
class ReadersByIndex implements Consumers {
  constructor(
    private readonly nodes: ReadonlyMap<string, GraphNode>,
    private readonly readers: ReadonlyArray<InputEdge[] | undefined>,
  ) {}

  get(id: string): readonly InputEdge[] | undefined {
    const node = this.nodes.get(id);
    return node ? (this.readers[node.index] ?? NO_READERS) : undefined;
  }
}

export type ComponentLookup = (id: string) => ComponentDefinition<unknown> | undefined;

/**
 * A node of the document, and of the graph once its component is known. Its path is written when
 * read (diagnostics, mostly): a 10,000-node workflow made a string for every node and edge that
 * was almost never looked at.
 */
class DocNode {
  inputs: InputEdge[] = [];

  constructor(
    readonly spec: NodeSpec,
    readonly index: number,
    readonly def: ComponentDefinition<unknown> | undefined,
  ) {}

  get path(): string {
    return nodePath(this.index);
  }
}

const nodePath = (index: number) => childPath('$.nodes', index);
const portPath = (index: number, port: string) => childPath(`${nodePath(index)}.inputs`, port);

/** An input edge of the node at document index `at`; its path is written when read. */
class Edge implements InputEdge {
  constructor(
    readonly port: string,
    readonly index: number,
    readonly node: string,
    readonly outPort: string,
    private readonly at: number,
    /** Written as a list (`"in": ["a", "b"]`): the path names the position. */
    private readonly listed: boolean,
    readonly consumer: string,
  ) {}

  get path(): string {
    const port = portPath(this.at, this.port);
    return this.listed ? childPath(port, this.index) : port;
  }
}

export function buildGraph(
  wf: Workflow,
  lookup: ComponentLookup,
  componentIds: readonly string[],
): { graph: Graph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err = (d: Omit<Diagnostic, 'severity'>) => diagnostics.push({ severity: 'error', ...d });
  // Every node of the document by id (the first of a duplicated id), as a node of the graph with
  // its component if it has one: `nodes` is the same map when every component is known, so a
  // 10,000-node workflow does not fill two maps of 10,000 entries (slow to grow in V8).
  const specs = new Map<string, DocNode>();
  // The same nodes in a list too, in document order: walked without map iterators.
  const firsts: DocNode[] = [];
  const nodeList: GraphNode[] = [];
  /** Nodes with an input that is missing or does not resolve: they cannot be analysed. */
  const broken = new Set<string>();

  wf.nodes.forEach((spec, index) => {
    if (!NODE_ID_PATTERN.test(spec.id)) {
      err({
        code: 'INVALID_NAME',
        path: `${nodePath(index)}.id`,
        nodeId: spec.id,
        message: `node id ${JSON.stringify(spec.id)} is not valid`,
        hint: 'use letters, digits and _ , starting with a letter (it becomes a CTE name)',
      });
    }
    const first = specs.get(spec.id);
    if (first) {
      err({
        code: 'DUPLICATE_NODE_ID',
        path: `${nodePath(index)}.id`,
        nodeId: spec.id,
        message: `node id "${spec.id}" is used twice (first at $.nodes[${first.index}])`,
        hint: 'give every node a unique id',
      });
      return;
    }
    const node = new DocNode(spec, index, lookup(spec.type));
    specs.set(spec.id, node);
    firsts.push(node);
  });

  // Indexed loops: this runs once per compile, mostly before V8 optimises it, when a for…of
  // allocates an iterator result per element.
  for (let i = 0; i < firsts.length; i++) {
    const node = firsts[i]!;
    const spec = node.spec;
    if (!node.def) {
      err({
        code: 'UNKNOWN_COMPONENT',
        path: `${node.path}.type`,
        nodeId: spec.id,
        message: `unknown component "${spec.type}"`,
        hint: didYouMean(spec.type, componentIds, 'components'),
      });
      continue;
    }
    nodeList.push(node as GraphNode);
  }
  const nodes: Map<string, GraphNode> =
    nodeList.length === specs.size
      ? (specs as Map<string, GraphNode>)
      : new Map(nodeList.map((n) => [n.spec.id, n]));

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
  for (let n = 0; n < nodeList.length; n++) {
    const node = nodeList[n]!;
    const { spec, def } = node;
    const given = spec.inputs ?? {};
    for (const port of Object.keys(given)) {
      const ref = given[port]!;
      let portSpec: (typeof def.inputs)[number] | undefined;
      for (let p = 0; p < def.inputs.length && !portSpec; p++)
        if (def.inputs[p]!.name === port) portSpec = def.inputs[p];
      if (!portSpec) {
        err({
          code: 'UNKNOWN_PORT',
          path: portPath(node.index, port),
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
      const count = Array.isArray(ref) ? ref.length : 1;
      if (Array.isArray(ref) && !portSpec.many) {
        if (ref.length !== 1) {
          err({
            code: 'TOO_MANY_INPUTS',
            path: portPath(node.index, port),
            nodeId: spec.id,
            message: `port "${port}" of ${def.id} takes one input, got ${ref.length}`,
            hint: 'use a union node to combine several inputs',
          });
          broken.add(spec.id);
          continue;
        }
      }
      if (portSpec.many && count === 0) {
        broken.add(spec.id);
        err({
          code: 'MISSING_INPUT',
          path: portPath(node.index, port),
          nodeId: spec.id,
          message: `port "${port}" of ${def.id} needs at least one input`,
        });
      }
      const listed = Array.isArray(ref);
      for (let i = 0; i < count; i++) {
        const r = listed ? ref[i]! : ref;
        const dot = r.indexOf('.');
        const edge =
          dot < 0
            ? new Edge(port, i, r, 'out', node.index, listed, spec.id)
            : new Edge(port, i, r.slice(0, dot), r.slice(dot + 1), node.index, listed, spec.id);
        if (resolves(edge, spec.id, nodes, specs, diagnostics)) node.inputs = withEdge(node.inputs, edge);
        else broken.add(spec.id);
      }
    }
    for (const p of def.inputs) {
      if (!Object.hasOwn(given, p.name)) {
        broken.add(spec.id);
        const upstream = readableBefore(spec.id) ?? 'nodeId';
        err({
          code: 'MISSING_INPUT',
          path: `${node.path}.inputs`,
          nodeId: spec.id,
          message: `input "${p.name}" of ${def.id} is not connected`,
          hint: `add "inputs": { "${p.name}": ${p.many ? '["nodeA", "nodeB"]' : `"${upstream}"`} }`,
        });
      }
    }
  }

  // Consumers index and cycle detection (iterative DFS, so 10k-node chains do not overflow the stack).
  // The lists are gathered by document index (see ReadersByIndex). They hold the input edges
  // themselves (each names its consumer), not a second object per edge.
  const readers: Array<InputEdge[] | undefined> = new Array(wf.nodes.length);
  for (let i = 0; i < nodeList.length; i++) {
    const n = nodeList[i]!;
    for (let j = 0; j < n.inputs.length; j++) {
      const e = n.inputs[j]!;
      const up = nodes.get(e.node);
      if (!up) continue;
      const list = readers[up.index];
      if (list) list.push(e);
      else readers[up.index] = [e];
    }
  }
  const consumers = new ReadersByIndex(nodes, readers);

  // Per node, by its index in the document (dense, so no map grows per node): 0 new, 1 on the
  // stack, 2 done. The DFS stack is two parallel arrays rather than an object per frame.
  const state = new Uint8Array(wf.nodes.length);
  const inCycle = new Set<string>();
  const order: string[] = [];
  const stackNodes: GraphNode[] = [];
  const stackNext: number[] = [];
  // nodeList is in document order (firsts was, and nodes were added in its order).
  for (let i = 0; i < nodeList.length; i++) {
    const startNode = nodeList[i]!;
    if (state[startNode.index]) continue;
    stackNodes.push(startNode);
    stackNext.push(0);
    state[startNode.index] = 1;
    while (stackNodes.length) {
      const top = stackNodes.length - 1;
      const topNode = stackNodes[top]!;
      const deps = topNode.inputs;
      if (stackNext[top]! < deps.length) {
        const dep = deps[stackNext[top]!++]!.node;
        const depNode = nodes.get(dep);
        if (!depNode) continue;
        const s = state[depNode.index]!;
        if (s === 0) {
          state[depNode.index] = 1;
          stackNodes.push(depNode);
          stackNext.push(0);
        } else if (s === 1) {
          const from = stackNodes.findIndex((f) => f.spec.id === dep);
          const cycle = stackNodes.slice(from).map((f) => f.spec.id);
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
        stackNodes.pop();
        stackNext.pop();
        state[topNode.index] = 2;
        order.push(topNode.spec.id);
      }
    }
  }
  // A node downstream of a cycle or of a broken input cannot be analysed either.
  const blocked = new Set([...inCycle, ...broken]);
  // Every edge leads to a known node: with nothing blocked, every node in the order is analysable.
  const analysable = !blocked.size
    ? order
    : order.filter((id) => {
        const ok =
          !blocked.has(id) && nodes.get(id)!.inputs.every((e) => !blocked.has(e.node) && nodes.has(e.node));
        if (!ok) blocked.add(id);
        return ok;
      });

  const outputs = nodeList.filter((n) => n.def.category === 'output').map((n) => n.spec.id);
  checkTool(wf, specs, diagnostics);
  reachability(nodeList, specs, outputs, diagnostics, wf);

  return { graph: { nodes, order: analysable, consumers, outputs }, diagnostics };
}

/** Whether an input reference (`node` or `node.port`, as `edge` holds it) leads to an output. */
function resolves(
  edge: InputEdge,
  nodeId: string,
  nodes: Map<string, GraphNode>,
  specs: Map<string, { spec: NodeSpec; index: number }>,
  diagnostics: Diagnostic[],
): boolean {
  const { node: target, outPort } = edge;
  if (!specs.has(target)) {
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_NODE',
      path: edge.path,
      nodeId,
      message: `input refers to node "${target}", which does not exist`,
      hint: didYouMean(
        target,
        [...specs.keys()].filter((k) => k !== nodeId),
        'node ids',
      ),
    });
    return false;
  }
  if (target === nodeId) {
    diagnostics.push({
      severity: 'error',
      code: 'CYCLE',
      path: edge.path,
      nodeId,
      message: `cycle: ${nodeId} → ${nodeId} (node "${nodeId}" reads its own output)`,
      hint: 'a workflow is a DAG',
    });
    return false;
  }
  const up = nodes.get(target);
  // Its component is unknown (already reported): no edge, so every edge leads to a known node.
  if (!up) return false;
  let known = false;
  for (let i = 0; i < up.def.outputs.length && !known; i++) known = up.def.outputs[i]!.name === outPort;
  if (!known) {
    const outs = up.def.outputs.map((p) => p.name);
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_PORT',
      path: edge.path,
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
    return false;
  }
  return true;
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
  /** The graph's nodes, in document order. */
  nodes: readonly GraphNode[],
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
  /** Nodes some other node reads (for the message about an unused node). */
  let read: Set<string> | undefined;
  const isRead = (id: string) => {
    if (!read) {
      const names = new Set<string>();
      for (const [reader, { spec }] of specs) forEachUpstream(spec, (up) => up !== reader && names.add(up));
      read = names;
    }
    return read.has(id);
  };
  // By document index: a flag per node rather than a set of ids and a list of upstream ids each.
  const useful = new Uint8Array(wf.nodes.length);
  // A tool's result is a use of its node and everything upstream of it.
  const queue = [...outputs, ...(toolNode ? [toolNode] : [])];
  const visit = (up: string) => {
    const s = specs.get(up);
    if (s && !useful[s.index]) queue.push(up);
  };
  while (queue.length) {
    const s = specs.get(queue.pop()!);
    if (!s || useful[s.index]) continue;
    useful[s.index] = 1;
    forEachUpstream(s.spec, visit);
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!useful[n.index]) {
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

/** Calls `f` with the node id of each input reference a node's spec writes (its port left off). */
function forEachUpstream(spec: NodeSpec, f: (id: string) => unknown): void {
  if (!spec.inputs) return;
  for (const ref of Object.values(spec.inputs)) {
    if (typeof ref === 'string') f(upstreamId(ref));
    else for (const r of ref) f(upstreamId(r));
  }
}

const upstreamId = (ref: string) => {
  const dot = ref.indexOf('.');
  return dot < 0 ? ref : ref.slice(0, dot);
};

/**
 * `list` with `edge` appended. A few edges (a node's inputs) make a new list at its size: a list
 * grown by push has room for 16 more, and every node's list is kept. (Not `[...list, edge]`: V8
 * builds a spread as it grows a list, with the same spare room.)
 */
function withEdge<E>(list: E[], edge: E): E[] {
  if (list.length < 8) {
    const out = new Array<E>(list.length + 1);
    for (let i = 0; i < list.length; i++) out[i] = list[i]!;
    out[list.length] = edge;
    return out;
  }
  list.push(edge);
  return list;
}
