/**
 * The workflow's DAG on a React Flow canvas, drawn from the document: nodes laid out by dagre
 * (./layout.ts) whenever the graph's shape changes, kept where the user drags them otherwise.
 * Connecting two ports, deleting nodes or edges and renaming all go back as a new document.
 *
 * Keyboard: Tab moves through the nodes, Enter or Space selects one, the arrow keys move the
 * selection along the edges (→ downstream, ← upstream, ↑ ↓ to the neighbours in the same column),
 * Delete removes the selected node or edge.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { connect, disconnect, edgeLabel, edgesOf, removeNodes } from '../editor/document.js';
import type { ComponentDoc, Diagnostic, WorkflowDoc } from '../types.js';
import { categoryColor, guessCategory } from './colors.js';
import { layoutDag } from './layout.js';
import { NODE_WIDTH, nodeHeight, WorkflowNodeView, type FlowNode, type FlowNodeData } from './node.js';

const nodeTypes = { edgeflow: WorkflowNodeView };

export interface CanvasProps {
  doc: WorkflowDoc;
  components: ReadonlyMap<string, ComponentDoc>;
  diagnostics: readonly Diagnostic[];
  selected: string | undefined;
  onSelect: (id: string | undefined) => void;
  onChange: (doc: WorkflowDoc) => void;
  readOnly: boolean;
  /** Called once the first layout is drawn (the bench times it). */
  onDrawn?: (nodes: number) => void;
}

export function WorkflowCanvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}

/** The ports of a node: the component's, or whatever the document uses for an unknown type. */
function portsOf(type: string, component: ComponentDoc | undefined, doc: WorkflowDoc, id: string) {
  if (component)
    return {
      inputs: component.inputs.map((p) => ({ name: p.name, many: p.many })),
      outputs: component.outputs.map((p) => ({ name: p.name })),
    };
  const node = doc.nodes.find((n) => n.id === id);
  const used = new Set<string>();
  for (const e of edgesOf(doc)) if (e.source === id) used.add(e.sourcePort);
  return {
    inputs: Object.keys(node?.inputs ?? {}).map((name) => ({ name })),
    outputs: [...(used.size ? used : new Set(type.startsWith('output.') ? [] : ['out']))].map((name) => ({
      name,
    })),
  };
}

function sameData(a: FlowNodeData, b: FlowNodeData): boolean {
  return (
    a.id === b.id &&
    a.type === b.type &&
    a.category === b.category &&
    a.errors === b.errors &&
    a.warnings === b.warnings &&
    a.firstMessage === b.firstMessage &&
    JSON.stringify([a.inputs, a.outputs]) === JSON.stringify([b.inputs, b.outputs])
  );
}

function CanvasInner(props: CanvasProps) {
  const { doc, components, diagnostics, selected, onSelect, onChange, readOnly } = props;
  const flow = useReactFlow();
  // Marks for the bench (`npm run bench -- --only ui`): first render → laid out → drawn.
  useState(() => performance.mark('edgeflow:canvas-start'));
  const positions = useRef(new Map<string, { x: number; y: number }>());
  const docEdges = useMemo(() => edgesOf(doc), [doc]);
  const known = useMemo(() => new Set(doc.nodes.map((n) => n.id)), [doc]);

  // The graph's shape: a new layout when it changes (a node or an edge added or removed).
  const shape = useMemo(
    () =>
      JSON.stringify([
        doc.nodes.map((n) => [n.id, n.type]),
        docEdges.filter((e) => known.has(e.source)).map((e) => [e.source, e.target]),
      ]),
    [doc, docEdges, known],
  );

  const byNode = useMemo(() => {
    const m = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) if (d.nodeId) m.set(d.nodeId, [...(m.get(d.nodeId) ?? []), d]);
    return m;
  }, [diagnostics]);

  const dataOf = useCallback(
    (id: string, type: string): FlowNodeData => {
      const component = components.get(type);
      const diags = byNode.get(id) ?? [];
      const errors = diags.filter((d) => d.severity === 'error');
      const first = errors[0] ?? diags[0];
      return {
        id,
        type,
        category: component?.category ?? guessCategory(type),
        ...portsOf(type, component, doc, id),
        errors: errors.length,
        warnings: diags.length - errors.length,
        ...(first ? { firstMessage: first.message } : {}),
      };
    },
    [components, byNode, doc],
  );

  /**
   * The nodes for the current document: laid out again when the graph's shape changed, and each
   * node object kept as it was when nothing of it changed, so that React Flow redraws only what
   * an edit touched (a 500-node canvas stays quick to select and edit in).
   */
  const lastShape = useRef<string | undefined>(undefined);
  const build = (prev: readonly FlowNode[]): FlowNode[] => {
    const data = doc.nodes.map((n) => dataOf(n.id, n.type));
    if (lastShape.current !== shape) {
      positions.current = layoutDag(
        data.map((d) => ({ id: d.id, width: NODE_WIDTH, height: nodeHeight(d) })),
        docEdges,
        { fast: data.length > 200 },
      );
      if (lastShape.current === undefined) performance.mark('edgeflow:canvas-laid-out');
    }
    const was = new Map(prev.map((n) => [n.id, n]));
    return data.map((d) => {
      const old = was.get(d.id);
      const position = positions.current.get(d.id) ?? old?.position ?? { x: 0, y: 0 };
      const isSelected = d.id === selected;
      if (old && old.selected === isSelected && old.position === position && sameData(old.data, d))
        return old;
      const errorText = d.errors
        ? `, ${d.errors} error${d.errors > 1 ? 's' : ''}: ${d.firstMessage ?? ''}`
        : '';
      return {
        id: d.id,
        type: 'edgeflow' as const,
        position,
        data: d,
        selected: isSelected,
        width: NODE_WIDTH,
        height: nodeHeight(d),
        ariaLabel: `node ${d.id}, ${d.type}${errorText}${d.warnings && !d.errors ? `, ${d.warnings} warning(s)` : ''}`,
      };
    });
  };
  // The first nodes are built with the first render (no empty canvas drawn first).
  const [nodes, setNodes] = useState<FlowNode[]>(() => build([]));
  const built = useRef(false);
  useEffect(() => {
    if (!built.current) {
      built.current = true;
      lastShape.current = shape;
      return;
    }
    const reshaped = lastShape.current !== shape;
    setNodes((prev) => build(prev));
    if (reshaped) {
      lastShape.current = shape;
      requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1.1, duration: 200 }));
    }
    // `build` reads these: a new document, a new layout, new diagnostics or another selection.
  }, [doc, shape, dataOf, selected]);

  // Drawn: React Flow has measured every node; the view is fitted to them once, then.
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    void flow.fitView({ padding: 0.15, maxZoom: 1.1 });
    requestAnimationFrame(() => {
      performance.mark('edgeflow:canvas-drawn');
      props.onDrawn?.(nodes.length);
    });
  }, [initialized, flow, nodes.length, props]);

  const typeOf = useMemo(() => new Map(doc.nodes.map((n) => [n.id, n.type])), [doc]);
  const edges: Edge[] = useMemo(
    () =>
      docEdges
        .filter((e) => known.has(e.source))
        .map((e) => {
          const label = edgeLabel(e);
          const sourceType = typeOf.get(e.source);
          return {
            id: e.id,
            source: e.source,
            target: e.target,
            sourceHandle: e.sourcePort,
            targetHandle: e.targetPort,
            ...(label ? { label } : {}),
            ariaLabel: `edge from ${e.source}${e.sourcePort !== 'out' ? ` (${e.sourcePort})` : ''} to ${e.target}${e.targetPort !== 'in' ? ` (${e.targetPort})` : ''}`,
            style: {
              stroke: categoryColor(
                sourceType ? (components.get(sourceType)?.category ?? guessCategory(sourceType)) : undefined,
              ),
            },
            data: { index: e.index },
          };
        }),
    [docEdges, known, typeOf, components],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const c of changes) {
        if (c.type === 'position' && c.position) positions.current.set(c.id, c.position);
        if (c.type === 'select' && c.selected) onSelect(c.id);
      }
      setNodes((ns) =>
        applyNodeChanges(
          changes.filter((c) => c.type !== 'remove' && c.type !== 'select'),
          ns,
        ),
      );
    },
    [onSelect],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (readOnly) return;
      const target = doc.nodes.find((n) => n.id === c.target);
      const port = components
        .get(target?.type ?? '')
        ?.inputs.find((p) => p.name === (c.targetHandle ?? 'in'));
      onChange(
        connect(
          doc,
          { node: c.source, port: c.sourceHandle ?? 'out' },
          { node: c.target, port: c.targetHandle ?? 'in', many: port?.many ?? false },
        ),
      );
    },
    [doc, components, onChange, readOnly],
  );

  const onDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: FlowNode[]; edges: Edge[] }) => {
      if (readOnly) return;
      let next = doc;
      // Edges first, by position from the end, so removing one does not shift the next one's index.
      const own = edgesOf(doc);
      const removed = cut
        .map((e) => own.find((x) => x.id === e.id))
        .filter((e) => e !== undefined)
        .sort((a, b) => (b.index ?? 0) - (a.index ?? 0));
      for (const e of removed) next = disconnect(next, e);
      if (gone.length)
        next = removeNodes(
          next,
          gone.map((n) => n.id),
        );
      if (gone.some((n) => n.id === selected)) onSelect(undefined);
      onChange(next);
    },
    [doc, onChange, onSelect, readOnly, selected],
  );

  /** The node to move to from `id` with an arrow key. */
  const neighbour = useCallback(
    (id: string, key: string): string | undefined => {
      if (key === 'ArrowRight') return docEdges.find((e) => e.source === id && known.has(e.target))?.target;
      if (key === 'ArrowLeft') return docEdges.find((e) => e.target === id && known.has(e.source))?.source;
      const here = positions.current.get(id);
      if (!here) return undefined;
      const column = doc.nodes
        .map((n) => ({ id: n.id, p: positions.current.get(n.id) }))
        .filter((n) => n.p && Math.abs(n.p.x - here.x) < NODE_WIDTH / 2)
        .sort((a, b) => a.p!.y - b.p!.y);
      const i = column.findIndex((n) => n.id === id);
      return column[key === 'ArrowDown' ? i + 1 : i - 1]?.id;
    },
    [doc, docEdges, known],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
      const id = el?.dataset['id'];
      if (!id || (e.target as HTMLElement).closest('input, textarea, select')) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(id);
      } else if (e.key.startsWith('Arrow')) {
        e.preventDefault();
        const next = neighbour(id, e.key);
        if (next) {
          onSelect(next);
          document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(next)}"]`)?.focus();
        }
      }
    },
    [neighbour, onSelect],
  );

  const large = doc.nodes.length > 150;
  return (
    <div className="canvas" onKeyDown={onKeyDown}>
      <ReactFlow<FlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onPaneClick={() => onSelect(undefined)}
        onNodeClick={(_, n) => onSelect(n.id)}
        nodesConnectable={!readOnly}
        nodesDraggable
        elementsSelectable
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        disableKeyboardA11y
        onlyRenderVisibleElements={large}
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        aria-label={`workflow ${doc.name}: ${doc.nodes.length} nodes, ${docEdges.length} edges. Tab moves between nodes, Enter selects, arrow keys follow the edges, Delete removes.`}
        ariaLabelConfig={{
          'node.a11yDescription.keyboardDisabled':
            'Press Enter to select this node, arrow keys to move to a neighbour, Delete to remove it.',
        }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        {!large ? (
          <MiniMap pannable zoomable nodeColor={(n) => categoryColor((n.data as FlowNodeData).category)} />
        ) : null}
      </ReactFlow>
    </div>
  );
}
