/**
 * What a node's `build` sees while one statement is assembled: where its inputs are read from and
 * which of its columns the statement needs. A class (methods on the prototype), because a
 * statement over a 10,000-node chain builds 10,000 of these.
 */
import type { BuildContext, NodeAnalysis } from '../components/component.js';
import type { Dialect } from '../dialects/dialect.js';
import type { FromItem } from '../sql/ast.js';
import type { GraphNode } from '../workflow/graph.js';
import { uniqueName, type RelationRef } from './assemble.js';
import type { Demand, RelationDemand } from './demand.js';

export class NodeBuild implements BuildContext {
  /** What the readers want of the `out` port, looked up once. */
  private out: RelationDemand | undefined;

  constructor(
    readonly dialect: Dialect,
    private readonly node: GraphNode,
    private readonly analysis: NodeAnalysis,
    private readonly demand: Demand,
    private readonly read: (r: RelationRef) => FromItem,
  ) {}

  private edge(port: string, index: number): RelationRef {
    const e = this.node.inputs.find((x) => x.port === port && x.index === index);
    if (!e) throw new Error(`internal: node ${this.node.spec.id} has no input ${port}[${index}]`);
    return { node: e.node, port: e.outPort };
  }

  input(port: string, index = 0): FromItem {
    return this.read(this.edge(port, index));
  }

  helperName(base: string, taken: readonly string[]): string {
    return uniqueName(base, new Set(taken.map((t) => t.toLowerCase())));
  }

  wants(column: string, port = 'out'): boolean {
    if (port !== 'out') return this.demand.wants(this.node.spec.id, port, column);
    return (this.out ??= this.demand.of(this.node.spec.id, port, this.analysis.outputs.out?.columns)).wants(
      column,
    );
  }

  inputColumnCount(port: string, index = 0): number | undefined {
    return this.demand.emittedCount(this.edge(port, index));
  }
}
