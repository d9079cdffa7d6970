/**
 * Schema propagation: validates each node's config, then analyses the nodes in topological order,
 * so every component sees its inputs' columns and types. Errors are collected per node; a node
 * whose inputs failed is skipped (its problems would only echo the first error).
 */
import type { Catalog } from './catalog.js';
import type {
  AnalyzeContext,
  ComponentDefinition,
  ConfigKey,
  InputRelation,
  NodeAnalysis,
  OrderingSpec,
} from './components/component.js';
import { childPath, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import type { Dialect } from './dialects/dialect.js';
import type { Expr } from './expr/ast.js';
import { ExprSyntaxError, parseExpression } from './expr/parser.js';
import {
  ExprError,
  findColumn,
  resolveExpr,
  type ColumnDep,
  type ParamInfo,
  type ResolveOptions,
  type ScopeRelation,
} from './expr/resolve.js';
import { lowerName, type Column, type ColumnOrigin } from './schema/relation.js';
import { T, type PortableType } from './schema/types.js';
import type { OrderItem } from './sql/ast.js';
import { didYouMean } from './suggest.js';
import type { Graph, GraphNode } from './workflow/graph.js';
import { COLUMNS_PER_NODE, type NodeSpec, type ParamType, type Workflow } from './workflow/model.js';
import { spanAt } from './workflow/parse.js';
import { zodIssuesToDiagnostics } from './workflow/zod-diagnostics.js';

export interface NodeResult {
  id: string;
  node: GraphNode;
  inputs: InputRelation[];
  analysis?: NodeAnalysis;
  /** True when this node or an input has an error: it has no usable schema or SQL. */
  failed: boolean;
}

const PARAM_TYPE: Record<ParamType, PortableType> = {
  number: T.double,
  integer: T.bigint,
  string: T.string,
  boolean: T.bool,
  date: T.date,
  timestamp: T.timestamp,
};

export function paramInfos(wf: Workflow): Map<string, ParamInfo> {
  return new Map(Object.entries(wf.params).map(([k, v]) => [k, { type: PARAM_TYPE[v.type] }]));
}

export function propagate(
  wf: Workflow,
  graph: Graph,
  opts: {
    dialect: Dialect;
    catalog: Catalog;
    /** Stop (TOO_MANY_COLUMNS) once the analysed nodes' outputs have more columns than this in all. */
    maxColumns?: number;
  },
): { results: Map<string, NodeResult>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const results = new Map<string, NodeResult>();
  const params = paramInfos(wf);
  const maxColumns = opts.maxColumns ?? Infinity;
  // Only a workflow of some size repeats configs enough to pay for the keys.
  const configs = graph.order.length >= CACHED_CONFIGS_FROM ? new ConfigCache() : undefined;
  // Expression texts repeat across nodes as configs do; a parsed expression is only read (typing
  // it builds a new tree), so nodes with the same text share it.
  const exprs = new Map<string, Expr>();
  let columns = 0;

  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    if (columns > maxColumns) {
      // Past the budget every node is left unanalysed (failed, without an echo of the error).
      results.set(id, { id, node, inputs: [], failed: true });
      continue;
    }
    // Made at its size: a list grown by push keeps room for 16 more (most nodes have one input,
    // and every node's list is kept).
    const inputs: InputRelation[] = node.inputs.length ? new Array<InputRelation>(node.inputs.length) : [];
    let upstreamFailed = false;
    let found = 0;
    for (const e of node.inputs) {
      const up = results.get(e.node);
      const schema = up?.analysis?.outputs[e.outPort];
      if (!up || up.failed || !schema) upstreamFailed = true;
      else inputs[found++] = { port: e.port, index: e.index, ref: { node: e.node, port: e.outPort }, schema };
    }
    inputs.length = found;
    // Every field from the start (analysis set later would go to a separate property store per node).
    const result: NodeResult = { id, node, inputs, failed: true, analysis: undefined };
    results.set(id, result);
    if (upstreamFailed) continue;

    const def = node.def;
    const rawConfig = node.spec.config ?? {};
    const parsed = configs ? configs.parse(def, rawConfig) : def.config.safeParse(rawConfig);
    if (!parsed.success) {
      diagnostics.push(
        ...zodIssuesToDiagnostics(parsed.error.issues, {
          schema: def.config,
          root: rawConfig,
          basePath: `${node.path}.config`,
          nodeId: id,
          what: `${def.id} config`,
        }),
      );
      continue;
    }
    // Only this node's new diagnostics are looked at (the list grows; rescanning it is quadratic).
    const before = diagnostics.length;
    const ctx = makeContext(
      node,
      def,
      parsed.data,
      inputs,
      opts.dialect,
      opts.catalog,
      params,
      diagnostics,
      exprs,
    );
    let analysis: NodeAnalysis | undefined;
    try {
      analysis = def.analyze(ctx);
      ctx.analysed();
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'INVALID_VALUE',
        path: node.path,
        nodeId: id,
        message: `internal error while analysing ${def.id}: ${(e as Error).message}`,
        hint: 'this is a bug in edgeflow; please report it with the workflow',
      });
    }
    let failed = !analysis;
    for (let i = before; i < diagnostics.length && !failed; i++)
      failed = diagnostics[i]!.severity === 'error';
    if (analysis) result.analysis = analysis;
    result.failed = failed;
    if (analysis) for (const port in analysis.outputs) columns += analysis.outputs[port]!.columns.length;
    if (columns > maxColumns) diagnostics.push(tooManyColumns(node, columns, maxColumns));
  }
  return { results, diagnostics };
}

/**
 * Config validation, once per distinct config of a component: generated and copied workflows
 * repeat the same configs (every module of a workflow built from templates), and zod allocated
 * about a tenth of a 10,000-node compile. Only configs that are plain JSON data (what a parsed
 * document holds) are cached, keyed by their JSON text, so equal keys mean equal input; the parsed
 * value is shared by those nodes, which components only read. Failures are not cached: they are
 * rare, and their diagnostics are per node.
 */
const CACHED_CONFIGS_FROM = 100;

class ConfigCache {
  /** By component, then by JSON text (the text itself is the key: no longer key built per node). */
  private readonly parsed = new Map<
    ComponentDefinition<unknown>,
    Map<string, { success: true; data: unknown }>
  >();

  parse(def: ComponentDefinition<unknown>, raw: unknown) {
    const json = isJsonData(raw, 0) ? JSON.stringify(raw) : undefined;
    let byText = this.parsed.get(def);
    const hit = json === undefined ? undefined : byText?.get(json);
    if (hit) return hit;
    const result = def.config.safeParse(raw);
    if (result.success && json !== undefined) {
      if (!byText) this.parsed.set(def, (byText = new Map()));
      byText.set(json, { success: true, data: result.data });
    }
    return result;
  }
}

/**
 * Whether `v` is JSON data that JSON.stringify writes exactly: strings, booleans, finite numbers
 * (not -0, written as 0), null, dense arrays and plain objects of those (no undefined members,
 * which it leaves out). Anything else (a YAML NaN, an object passed in by code) is not cached.
 */
function isJsonData(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 16) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !isJsonData(v[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k of Object.keys(v))
        if (k === '__proto__' || !isJsonData((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

function tooManyColumns(node: GraphNode, columns: number, maxColumns: number): Diagnostic {
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    severity: 'error',
    code: 'TOO_MANY_COLUMNS',
    path: node.path,
    nodeId: node.spec.id,
    message:
      `up to this node the outputs have ${n(columns)} columns in all, more than the ${n(maxColumns)} analysed for a workflow ` +
      `(each node's output counts, so a long chain over a wide relation adds up); the nodes after it were not analysed`,
    hint: `drop the columns not needed early (a select or drop node), split the workflow, or raise limits.maxNodes in the edgeflow config (each allowed node allows ${COLUMNS_PER_NODE} columns)`,
  };
}

function makeContext<C>(
  node: GraphNode,
  def: ComponentDefinition<unknown>,
  config: C,
  inputList: InputRelation[],
  dialect: Dialect,
  catalog: Catalog,
  params: ReadonlyMap<string, ParamInfo>,
  diagnostics: Diagnostic[],
  exprs: Map<string, Expr>,
): NodeContext<C> {
  const inputs: Record<string, InputRelation[]> = {};
  if (inputList.length === 1) {
    // One input (most nodes): its list is the node's list itself, not a copy.
    inputs[inputList[0]!.port] = inputList;
  } else {
    for (const r of inputList) (inputs[r.port] ??= []).push(r);
    for (const list of Object.values(inputs)) list.sort((a, b) => a.index - b.index);
  }
  return new NodeContext(node, def, config, inputs, dialect, catalog, params, diagnostics, exprs);
}

const label = (rel: InputRelation) =>
  `input "${rel.ref.port === 'out' ? rel.ref.node : `${rel.ref.node}.${rel.ref.port}`}"`;

/** An expression scope over one input, unqualified. Its label is for messages: written when read. */
class InputScope implements ScopeRelation {
  readonly columns: readonly Column[];

  constructor(
    readonly port: string,
    private readonly rel: InputRelation,
  ) {
    this.columns = rel.schema.columns;
  }

  get label(): string {
    return label(this.rel);
  }
}

/** `a ${id} node`, the context messages name, once per component rather than per expression. */
const contextNames = new Map<string, string>();
const contextName = (id: string) => {
  let name = contextNames.get(id);
  if (name === undefined) contextNames.set(id, (name = `a ${id} node`));
  return name;
};

/**
 * What a component sees while it is analysed. A class (methods on the prototype), because a
 * 10,000-node workflow makes 10,000 of these and each one stays reachable from its build step.
 */
class NodeContext<C> implements AnalyzeContext<C> {
  readonly node: NodeSpec;
  private inScope: ScopeRelation[] | undefined;

  constructor(
    private readonly graphNode: GraphNode,
    private readonly def: ComponentDefinition<unknown>,
    readonly config: C,
    readonly inputs: Readonly<Record<string, InputRelation[]>>,
    readonly dialect: Dialect,
    readonly catalog: Catalog,
    readonly params: ReadonlyMap<string, ParamInfo>,
    private readonly diagnostics: Diagnostic[],
    /** Parsed expressions by text, shared by the nodes of one analysis (while this one is analysed). */
    private exprs: Map<string, Expr> | undefined,
  ) {
    this.node = graphNode.spec;
  }

  private pathOf(key: ConfigKey = []): string {
    return key.reduce<string>((p, k) => childPath(p, k), `${this.graphNode.path}.config`);
  }

  private report(
    severity: 'error' | 'warning',
    code: DiagnosticCode,
    message: string,
    at: { key?: ConfigKey; hint?: string } = {},
  ) {
    this.diagnostics.push({
      severity,
      code,
      message,
      path: this.pathOf(at.key),
      nodeId: this.node.id,
      ...(at.hint ? { hint: at.hint } : {}),
    });
  }

  error(code: DiagnosticCode, message: string, at?: { key?: ConfigKey; hint?: string }): void {
    this.report('error', code, message, at);
  }

  warn(code: DiagnosticCode, message: string, at?: { key?: ConfigKey; hint?: string }): void {
    this.report('warning', code, message, at);
  }

  input(port = 'in'): InputRelation {
    const r = this.inputs[port]?.[0];
    if (!r) throw new Error(`internal: ${this.def.id} has no input on port ${port}`);
    return r;
  }

  scope(port = 'in'): ScopeRelation[] {
    // The scope of `in` is asked for by every expression of a node: made once (it is only read).
    if (port === 'in') return (this.inScope ??= [new InputScope(port, this.input(port))]);
    return [new InputScope(port, this.input(port))];
  }

  /** `text` parsed (a syntax error is thrown again each time: it is not kept). */
  private parsed(text: string): Expr {
    let e = this.exprs?.get(text);
    if (!e) {
      e = parseExpression(text);
      this.exprs?.set(text, e);
    }
    return e;
  }

  /**
   * The node is analysed: the shared cache is let go, since the context stays reachable from the
   * node's build for as long as the analysis lives, and the parsed expressions are not needed.
   */
  analysed(): void {
    this.exprs = undefined;
  }

  expr(text: string, key: ConfigKey, scope: ScopeRelation[], opts: Partial<ResolveOptions> = {}) {
    const options: ResolveOptions = {
      params: this.params,
      aggregates: 'forbidden',
      windows: 'forbidden',
      context: contextName(this.def.id),
      ...opts,
    };
    try {
      return resolveExpr(this.parsed(text), scope, options);
    } catch (e) {
      if (e instanceof ExprSyntaxError || e instanceof ExprError) {
        const code: DiagnosticCode = e instanceof ExprError ? e.code : 'EXPR_SYNTAX';
        const span = spanAt(text, e.span.start, Math.max(1, e.span.end - e.span.start));
        const hint =
          e.hint ??
          (e instanceof ExprSyntaxError && /DESC|ASC/i.test(text)
            ? 'to sort descending write {"expr": "amount", "desc": true}'
            : undefined);
        const excerpt = text.length > 80 ? `${text.slice(0, 77)}…` : text;
        this.diagnostics.push({
          severity: 'error',
          code,
          message: `${e.message} in \`${excerpt}\``,
          path: this.pathOf(key),
          nodeId: this.node.id,
          span,
          ...(hint ? { hint } : {}),
        });
        return undefined;
      }
      throw e;
    }
  }

  column(name: string, key: ConfigKey, rel?: InputRelation): Column | undefined {
    const r = rel ?? this.input();
    const c = findColumn(r.schema.columns, name);
    if (c === 'ambiguous') {
      this.error(
        'AMBIGUOUS_COLUMN',
        `"${name}" matches several columns of ${label(r)} that differ only in case`,
        {
          key,
          hint: 'write the exact name',
        },
      );
      return undefined;
    }
    if (!c) {
      this.error('UNKNOWN_COLUMN', `column "${name}" not found in ${label(r)}`, {
        key,
        hint: didYouMean(
          name,
          r.schema.columns.map((x) => x.name),
          'available columns',
        ),
      });
    }
    return c;
  }

  origins(deps: readonly ColumnDep[]): ColumnOrigin[] {
    return deps.map((d) => {
      const r = this.inputs[d.port]?.[0];
      return r ? { node: r.ref.node, port: r.ref.port, column: d.column } : { table: '?', column: d.column };
    });
  }

  newName(name: string): string {
    return this.dialect.newColumnName(name);
  }

  ordering(items: readonly OrderingSpec[], key: ConfigKey, scope: ScopeRelation[]): OrderItem[] | undefined {
    const out: OrderItem[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const spec = typeof item === 'string' ? { expr: item } : item;
      const r = this.expr(spec.expr, typeof item === 'string' ? [...key, i] : [...key, i, 'expr'], scope);
      if (!r) {
        ok = false;
        return;
      }
      if (r.expr.type.kind === 'geography' || r.expr.type.kind === 'other') {
        this.error(
          'TYPE_MISMATCH',
          `cannot order by a ${r.expr.type.kind === 'other' ? r.expr.type.native : 'geography'} value`,
          { key: [...key, i] },
        );
        ok = false;
        return;
      }
      out.push({ expr: r.expr, desc: spec.desc ?? false, nulls: spec.nulls ?? 'last' });
    });
    return ok ? out : undefined;
  }

  checkUnique(columns: readonly Column[], key?: ConfigKey): boolean {
    // A few names (most nodes) are compared with those before them; many go through a map.
    if (columns.length > UNIQUE_BY_SCAN) return this.checkUniqueByMap(columns, key);
    let ok = true;
    for (let j = 1; j < columns.length; j++) {
      const k = lowerName(columns[j]!.name);
      for (let i = 0; i < j; i++) {
        if (lowerName(columns[i]!.name) !== k) continue;
        // The first column of that name is the one named, as the map below keeps the first.
        this.duplicate(columns[j]!.name, columns[i]!.name, key);
        ok = false;
        break;
      }
    }
    return ok;
  }

  private checkUniqueByMap(columns: readonly Column[], key?: ConfigKey): boolean {
    const seen = new Map<string, string>();
    let ok = true;
    for (const c of columns) {
      const k = lowerName(c.name);
      const first = seen.get(k);
      if (first !== undefined) {
        this.duplicate(c.name, first, key);
        ok = false;
      } else seen.set(k, c.name);
    }
    return ok;
  }

  private duplicate(name: string, first: string, key: ConfigKey | undefined): void {
    this.error(
      'DUPLICATE_COLUMN',
      `the output would have two columns named "${name}"${first !== name ? ` and "${first}"` : ''}`,
      {
        ...(key ? { key } : {}),
        hint: 'rename one of them; column names are compared case-insensitively',
      },
    );
  }
}

/** Up to this many names, pairs are compared (at most 120) rather than a map made. */
const UNIQUE_BY_SCAN = 16;
