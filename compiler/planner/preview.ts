/** A preview: one readable `WITH … SELECT` for any node's output, in the order a sort gave it. */
import { unsupportedDiagnostic, type WorkflowAnalysis } from '../analyze.js';
import { UnsupportedError, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { Column } from '../schema/relation.js';
import type { Query } from '../sql/ast.js';
import { MissingParamError, SqlWriter, type Binding } from '../sql/writer.js';
import { didYouMean } from '../suggest.js';
import { Assembler, type RelationRef } from './assemble.js';
import { missingParam, resolveParams } from './params.js';

export interface PreviewOptions {
  node: string;
  /** Output port; default `out` (or, for an output node, its input). */
  port?: string;
  limit?: number;
  params?: Readonly<Record<string, unknown>>;
  /** `bind` (default) returns placeholders and `bindings`; `literal` inlines escaped values. */
  paramMode?: 'bind' | 'literal';
}

export interface CompiledQuery {
  sql: string;
  bindings: Binding[];
  columns: Column[];
  /** Nodes whose SQL is part of this query. */
  nodes: string[];
}

export function compilePreview(
  analysis: WorkflowAnalysis,
  opts: PreviewOptions,
): { query?: CompiledQuery; diagnostics: Diagnostic[] } {
  const diagnostics = [...analysis.diagnostics];
  const wf = analysis.workflow;
  const graph = analysis.graph;
  if (!wf || !graph) return { diagnostics };
  const node = graph.nodes.get(opts.node);
  if (!node) {
    diagnostics.push({
      severity: 'error',
      code: 'UNKNOWN_NODE_REQUESTED',
      path: '$.nodes',
      message: `there is no node "${opts.node}"`,
      hint: didYouMean(opts.node, [...graph.nodes.keys()], 'node ids'),
    });
    return { diagnostics };
  }
  let target: RelationRef;
  if (node.def.category === 'output') {
    const e = node.inputs[0];
    if (!e) return { diagnostics };
    target = { node: e.node, port: e.outPort };
  } else {
    const port = opts.port ?? 'out';
    if (!node.def.outputs.some((p) => p.name === port)) {
      diagnostics.push({
        severity: 'error',
        code: 'UNKNOWN_PORT',
        path: node.path,
        nodeId: node.spec.id,
        message: `node "${node.spec.id}" has no output port "${port}"`,
        hint: didYouMean(
          port,
          node.def.outputs.map((p) => p.name),
          'output ports',
        ),
      });
      return { diagnostics };
    }
    target = { node: opts.node, port };
  }
  if (opts.limit !== undefined && !(Number.isSafeInteger(opts.limit) && opts.limit >= 0)) {
    diagnostics.push({
      severity: 'error',
      code: 'INVALID_VALUE',
      path: '$',
      message: `a preview limit must be a whole number of rows, got ${String(opts.limit)}`,
    });
    return { diagnostics };
  }
  const asm = new Assembler(analysis);
  const rels = asm.needed(target);
  // Only the target's own ancestors must be valid: a broken branch elsewhere does not block a preview.
  const blocked = asm.results(rels).some((r) => !r || r.failed);
  const relevant = new Set(rels.map((r) => r.node));
  const own = diagnostics.filter((d) => d.severity === 'error' && (!d.nodeId || relevant.has(d.nodeId)));
  if (blocked || hasErrors(own)) return { diagnostics };
  const schema = analysis.nodes.get(target.node)!.analysis!.outputs[target.port]!;

  const { values, diagnostics: paramDiags } = resolveParams(wf, opts.params);
  diagnostics.push(...paramDiags);
  if (hasErrors(paramDiags)) return { diagnostics };
  const { query, nodes } = asm.withQuery(target, (from): Query => ({
    kind: 'select',
    items: [{ kind: 'star' }],
    from,
    ...(schema.ordering?.length ? { orderBy: schema.ordering } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  }));
  const writer = new SqlWriter(analysis.dialect, { params: opts.paramMode ?? 'bind', values });
  try {
    const sql = writer.withQuery(query);
    return { query: { sql, bindings: writer.bindings, columns: schema.columns, nodes }, diagnostics };
  } catch (e) {
    if (e instanceof MissingParamError) {
      diagnostics.push(missingParam(wf, e.param));
      return { diagnostics };
    }
    if (e instanceof UnsupportedError) {
      const node = e.relation ? asm.nodeOfCte(e.relation) : undefined;
      diagnostics.push(
        unsupportedDiagnostic(e, analysis.dialect, node ? analysis.nodes.get(node) : undefined),
      );
      return { diagnostics };
    }
    throw e;
  }
}
