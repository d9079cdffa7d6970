/** A preview: one readable `WITH … SELECT` for any node's output, in the order a sort gave it. */
import { unsupportedDiagnostic, type WorkflowAnalysis } from '../analyze.js';
import { UnsupportedError, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { Column } from '../schema/relation.js';
import type { Query, SqlExpr, WithQuery } from '../sql/ast.js';
import { T } from '../schema/types.js';
import { MissingParamError, SqlWriter, type Binding } from '../sql/writer.js';
import { didYouMean } from '../suggest.js';
import { Assembler, orderAggregate, uniqueName, type RelationRef } from './assemble.js';
import { passesRowsOn } from './early-ctes.js';
import { missingParam, resolveParams } from './params.js';

export interface PreviewOptions {
  node: string;
  /** Output port; default `out` (or, for an output node, its input). */
  port?: string;
  limit?: number;
  params?: Readonly<Record<string, unknown>>;
  /** `bind` (default) returns placeholders and `bindings`; `literal` inlines escaped values. */
  paramMode?: 'bind' | 'literal';
  /**
   * Also count the node's rows. `{ bound }`: a second statement, `countQuery`, counts at most
   * bound + 1 of them (an engine stops reading there). `window`: the query itself carries
   * `count(*) OVER ()` in an extra column (`totalColumn`), so one statement answers both.
   */
  count?: { bound: number } | 'window';
}

export interface CompiledQuery {
  sql: string;
  bindings: Binding[];
  columns: Column[];
  /** Nodes whose SQL is part of this query. */
  nodes: string[];
  /** With `count: 'window'`: the extra column holding the node's row count (not in `columns`). */
  totalColumn?: string;
}

/** With `count: { bound }`: a one-row, one-column (`total_rows`) statement. */
export interface CountQuery {
  sql: string;
  bindings: Binding[];
}

export function compilePreview(
  analysis: WorkflowAnalysis,
  opts: PreviewOptions,
): { query?: CompiledQuery; countQuery?: CountQuery; diagnostics: Diagnostic[] } {
  // A preview reads a node: a workflow without outputs is how one is built, so NO_OUTPUT (which
  // says a run would write nothing) is for validate and save, not here.
  const diagnostics = analysis.diagnostics.filter((d) => d.code !== 'NO_OUTPUT');
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
  const blocked = rels.some((r) => {
    const result = analysis.nodes.get(r.node);
    return !result || result.failed;
  });
  if (blocked || hasErrors(ownErrors(diagnostics, rels))) return { diagnostics };
  const schema = analysis.nodes.get(target.node)!.analysis!.outputs[target.port]!;

  const { values, diagnostics: paramDiags } = resolveParams(wf, opts.params);
  diagnostics.push(...paramDiags);
  if (hasErrors(paramDiags)) return { diagnostics };
  const totalColumn =
    opts.count === 'window'
      ? uniqueName('edgeflow_total_rows', new Set(schema.columns.map((c) => c.name.toLowerCase())))
      : undefined;
  const writer = () => new SqlWriter(analysis.dialect, { params: opts.paramMode ?? 'bind', values });
  try {
    // The CTEs are written as they are assembled (by the writer that writes the statement).
    const rows = writer();
    const { query: assembled, nodes } = asm.withQuery(
      target,
      (from): Query => ({
        kind: 'select',
        items: [
          { kind: 'star' },
          ...(totalColumn ? [{ kind: 'expr' as const, expr: countRows(true), alias: totalColumn }] : []),
        ],
        from,
        ...(schema.ordering?.length ? { orderBy: schema.ordering } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      }),
      false,
      'all',
      undefined,
      rows,
    );
    const query = foldIntoAggregate(foldOrderedTarget(assembled, asm.cteName(target)));
    const sql = rows.withQuery(query);
    const compiled: CompiledQuery = {
      sql,
      bindings: rows.bindings,
      columns: schema.columns,
      nodes,
      ...(totalColumn ? { totalColumn } : {}),
    };
    if (typeof opts.count !== 'object') return { query: compiled, diagnostics };
    const bound = opts.count.bound;
    // The node's rows without their order (a count needs none), at most bound + 1 of them.
    const count = writer();
    const counting = asm.withQuery(
      target,
      (from): Query => ({
        kind: 'select',
        items: [{ kind: 'expr', expr: countRows(false), alias: 'total_rows' }],
        from: {
          kind: 'subquery',
          alias: 'bounded',
          query: {
            kind: 'select',
            items: [{ kind: 'expr', expr: { k: 'lit', type: T.int, value: 1 }, alias: 'one' }],
            from,
            limit: bound + 1,
          },
        },
        // A count reads rows, not columns.
      }),
      false,
      new Set(),
      undefined,
      count,
    ).query;
    const countSql = count.withQuery(counting);
    return { query: compiled, countQuery: { sql: countSql, bindings: count.bindings }, diagnostics };
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

/**
 * The errors about the nodes of `rels` or about the whole workflow. The set of those nodes is
 * only made when some error names a node (a preview of a 10,000-node chain has as many).
 */
function ownErrors(diagnostics: Diagnostic[], rels: readonly RelationRef[]): Diagnostic[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!errors.some((d) => d.nodeId)) return errors;
  const relevant = new Set(rels.map((r) => r.node));
  return errors.filter((d) => !d.nodeId || relevant.has(d.nodeId));
}

/** `count(*)`, or `count(*) OVER ()` (every row of the result, before its LIMIT). */
function countRows(overAll: boolean): SqlExpr {
  return {
    k: 'fn',
    type: T.bigint,
    name: 'count',
    fnKind: 'aggregate',
    args: [],
    star: true,
    ...(overAll ? { over: { partitionBy: [], orderBy: [] } } : {}),
  };
}

/**
 * A preview of a node that orders its own rows (a limit or top_n after a sort) is that node's
 * query itself, not `SELECT * FROM it ORDER BY` the same order again: the engine sorts once.
 */
function foldOrderedTarget(w: WithQuery, targetCte: string): WithQuery {
  const body = w.body;
  const last = w.ctes[w.ctes.length - 1];
  if (body.kind !== 'select' || !body.orderBy?.length || last?.name !== targetCte) return w;
  if (body.from?.kind !== 'ref' || body.from.name !== targetCte || body.from.alias) return w;
  if (body.items.length !== 1 || body.items[0]!.kind !== 'star' || body.items[0]!.table || body.where)
    return w;
  const q = 'query' in last ? last.query : undefined;
  if (q?.kind !== 'select' || JSON.stringify(q.orderBy) !== JSON.stringify(body.orderBy)) return w;
  const limit =
    body.limit === undefined ? q.limit : q.limit === undefined ? body.limit : Math.min(q.limit, body.limit);
  return {
    ctes: w.ctes.slice(0, -1),
    body: { ...q, ...(limit !== undefined ? { limit } : {}) },
  };
}

/**
 * A preview ordering an aggregate's rows, through nodes that pass them on unchanged (a sort node
 * is `SELECT * FROM` its input), is the aggregate's own SELECT with the ORDER BY and LIMIT: the
 * engine groups in that order and sorts once (see orderAggregate). Only the last CTEs are
 * folded, which nothing but the final SELECT reads.
 */
function foldIntoAggregate(w: WithQuery): WithQuery {
  let { ctes, body } = w;
  if (body.kind !== 'select' || (!body.orderBy?.length && body.limit === undefined)) return w;
  for (;;) {
    const last = ctes[ctes.length - 1];
    if (!last || !('query' in last) || last.materialize) return w;
    if (body.from?.kind !== 'ref' || body.from.name !== last.name) return w;
    const q = last.query;
    if (!passesRowsOn(q)) break;
    ctes = ctes.slice(0, -1);
    body = { ...body, from: q.from };
  }
  const last = ctes[ctes.length - 1]!;
  const merged = 'query' in last ? orderAggregate(last.query, body, last.name) : undefined;
  return merged ? { ctes: ctes.slice(0, -1), body: merged } : w;
}
