import { describe, expect, it } from 'vitest';
import { mermaidDiagram } from '../../compiler/diagram.js';
import { parseMermaid, stepsDag } from './dag.js';

describe('the MCP app reads the DAG back from compile_workflow', () => {
  it("parses the compiler's Mermaid flowchart: nodes with their types, edges with port labels", () => {
    const nodes = [
      { id: 'orders', type: 'source.table', config: {} },
      { id: 'end', type: 'filter', inputs: { in: 'orders' }, config: {} },
      { id: 'both', type: 'union', inputs: { in: ['end', 'end.rejected'] }, config: {} },
      { id: 'j', type: 'join', inputs: { left: 'both', right: 'orders' }, config: {} },
    ];
    const dag = parseMermaid(mermaidDiagram({ nodes } as never));
    expect(dag.nodes).toEqual([
      { id: 'orders', type: 'source.table' },
      { id: 'end', type: 'filter' },
      { id: 'both', type: 'union' },
      { id: 'j', type: 'join' },
    ]);
    expect(dag.edges).toEqual([
      { from: 'orders', to: 'end' },
      { from: 'end', to: 'both' },
      { from: 'end', to: 'both', label: 'rejected' },
      { from: 'both', to: 'j', label: 'left' },
      { from: 'orders', to: 'j', label: 'right' },
    ]);
  });

  it("draws a run's steps by their dependencies, with their status", () => {
    const dag = stepsDag([
      { stepId: 'prepare', kind: 'prepare', status: 'succeeded', dependsOn: [] },
      { stepId: 'write_out', kind: 'write', status: 'running', dependsOn: ['prepare'] },
    ]);
    expect(dag.edges).toEqual([{ from: 'prepare', to: 'write_out' }]);
    expect(dag.nodes[1]).toEqual({ id: 'write_out', type: 'write', status: 'running' });
  });
});
