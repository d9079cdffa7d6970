/** A workflow node on the canvas: its category's colour, id and type, its ports, its diagnostics. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { categoryColor } from './colors.js';

export interface PortView {
  name: string;
  many?: boolean;
}

export type FlowNodeData = {
  id: string;
  type: string;
  category: string;
  inputs: PortView[];
  outputs: PortView[];
  errors: number;
  warnings: number;
  /** The first diagnostic's message (shown as the badge's title). */
  firstMessage?: string;
};

export type FlowNode = Node<FlowNodeData, 'edgeflow'>;

export const NODE_WIDTH = 184;
const HEADER = 44;
const PORT_ROW = 20;

export function nodeHeight(d: Pick<FlowNodeData, 'inputs' | 'outputs'>): number {
  return HEADER + Math.max(1, d.inputs.length, d.outputs.length) * PORT_ROW + 8;
}

function portTop(i: number): number {
  return HEADER + i * PORT_ROW + PORT_ROW / 2;
}

export const WorkflowNodeView = memo(function WorkflowNodeView({ data, selected }: NodeProps<FlowNode>) {
  const color = categoryColor(data.category);
  return (
    <div
      className={`wf-node${selected ? ' selected' : ''}${data.errors ? ' has-errors' : data.warnings ? ' has-warnings' : ''}`}
      style={{ borderColor: selected ? undefined : color, height: nodeHeight(data) }}
      data-node-id={data.id}
    >
      <div className="wf-node-header" style={{ background: color }}>
        <span className="wf-node-id">{data.id}</span>
        {data.errors || data.warnings ? (
          <span className={`wf-node-badge ${data.errors ? 'error' : 'warning'}`} title={data.firstMessage}>
            {data.errors
              ? `${data.errors} error${data.errors > 1 ? 's' : ''}`
              : `${data.warnings} warning${data.warnings > 1 ? 's' : ''}`}
          </span>
        ) : null}
        <div className="wf-node-type">{data.type}</div>
      </div>
      {data.inputs.map((p, i) => (
        <div key={`in-${p.name}`}>
          <Handle
            type="target"
            position={Position.Left}
            id={p.name}
            style={{ top: portTop(i) }}
            aria-label={`${data.id} input ${p.name}${p.many ? ' (takes many)' : ''}`}
          />
          <span className="wf-port in" style={{ top: portTop(i) - 8 }}>
            {p.name}
            {p.many ? '[]' : ''}
          </span>
        </div>
      ))}
      {data.outputs.map((p, i) => (
        <div key={`out-${p.name}`}>
          <Handle
            type="source"
            position={Position.Right}
            id={p.name}
            style={{ top: portTop(i) }}
            aria-label={`${data.id} output ${p.name}`}
          />
          <span className="wf-port out" style={{ top: portTop(i) - 8 }}>
            {p.name}
          </span>
        </div>
      ))}
    </div>
  );
});
