/**
 * The front half of the compiler: parse → graph checks → schema propagation → dialect check.
 * `validateWorkflow` is exactly this; compiling a preview or a plan starts from its result.
 */
import { EMPTY_CATALOG, type Catalog } from './catalog.js';
import { COMPONENT_IDS, getComponent } from './components/index.js';
import type { BuildContext } from './components/component.js';
import { UnsupportedError, hasErrors, type Diagnostic } from './diagnostics.js';
import { getDialect, type Dialect, type DialectName, type DialectOptions } from './dialects/index.js';
import { propagate, type NodeResult } from './propagate.js';
import type { FromItem } from './sql/ast.js';
import { SqlWriter } from './sql/writer.js';
import { buildGraph, type Graph } from './workflow/graph.js';
import { parseWorkflow, type ParseResult } from './workflow/parse.js';
import { COLUMNS_PER_NODE, DEFAULT_MAX_NODES, type Workflow } from './workflow/model.js';

export interface AnalyzeOptions {
  dialect?: DialectName;
  /** The connection's capabilities for its dialect (a toolbox location, an extension). */
  dialectOptions?: DialectOptions;
  catalog?: Catalog;
  /**
   * Render every node once to report what the dialect cannot express (default true). A caller
   * that compiles a plan or preview right after may skip it: writing that SQL reports the same
   * UNSUPPORTED errors, with their nodes, without rendering everything twice.
   */
  checkDialect?: boolean;
  /**
   * A document with more nodes is refused (TOO_MANY_NODES) before it is analysed, and analysis
   * stops (TOO_MANY_COLUMNS) once the nodes' outputs have more than COLUMNS_PER_NODE times this
   * many columns in all. Default DEFAULT_MAX_NODES.
   */
  maxNodes?: number;
}

export interface WorkflowAnalysis {
  workflow?: Workflow;
  dialect: Dialect;
  graph?: Graph;
  nodes: Map<string, NodeResult>;
  diagnostics: Diagnostic[];
  /** No errors (warnings allowed). */
  valid: boolean;
}

export function analyzeWorkflow(input: string | unknown, opts: AnalyzeOptions = {}): WorkflowAnalysis {
  // Always validated, even an object that looks parsed: a workflow document may well have
  // "connection" and "params", and anything unchecked reaching the graph code could crash it.
  return analyzeParsed(parseWorkflow(input, maxNodesOption(opts)), opts);
}

/**
 * analyzeWorkflow for a caller that already holds parseWorkflow's result (the daemon parses first
 * to find the connection and the tables to describe), so the document is not validated twice.
 */
export function analyzeParsed(parsed: ParseResult, opts: AnalyzeOptions = {}): WorkflowAnalysis {
  const dialect = getDialect(opts.dialect ?? 'duckdb', opts.dialectOptions);
  const diagnostics = [...parsed.diagnostics];
  const empty = { dialect, nodes: new Map<string, NodeResult>() };
  if (!parsed.workflow) return { ...empty, diagnostics, valid: false };
  const wf = parsed.workflow;
  const { graph, diagnostics: graphDiags } = buildGraph(wf, getComponent, COMPONENT_IDS);
  diagnostics.push(...graphDiags);
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const { results, diagnostics: nodeDiags } = propagate(wf, graph, {
    dialect,
    catalog: opts.catalog ?? EMPTY_CATALOG,
    maxColumns: maxNodes * COLUMNS_PER_NODE,
  });
  diagnostics.push(...nodeDiags);
  if (opts.checkDialect !== false) diagnostics.push(...checkDialectSupport(results, dialect));
  return { workflow: wf, dialect, graph, nodes: results, diagnostics, valid: !hasErrors(diagnostics) };
}

const maxNodesOption = (opts: AnalyzeOptions) =>
  opts.maxNodes !== undefined ? { maxNodes: opts.maxNodes } : {};

/**
 * Renders every analysed node once for the target dialect, so what the dialect cannot express
 * (a function, a frame, a hint) is reported as UNSUPPORTED with the node, before anything runs.
 */
function checkDialectSupport(results: Map<string, NodeResult>, dialect: Dialect): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stub: BuildContext = {
    dialect,
    input: (port, index = 0): FromItem => ({ kind: 'ref', name: `${port}_${index}` }),
    helperName: (base) => base,
    wants: () => true,
    inputColumnCount: () => undefined,
  };
  for (const r of results.values()) {
    if (r.failed || !r.analysis?.build) continue;
    try {
      const w = new SqlWriter(dialect, { params: 'placeholder', values: new Map() });
      for (const q of Object.values(r.analysis.build(stub))) w.query(q);
    } catch (e) {
      if (e instanceof UnsupportedError) {
        r.failed = true;
        out.push(unsupportedDiagnostic(e, dialect, r));
      } else throw e;
    }
  }
  return out;
}

/** An UNSUPPORTED diagnostic for a node (or for the workflow, when no node is known). */
export function unsupportedDiagnostic(
  e: UnsupportedError,
  dialect: Dialect,
  r: NodeResult | undefined,
): Diagnostic {
  return {
    severity: 'error',
    code: 'UNSUPPORTED',
    path: r?.node.path ?? '$',
    ...(r ? { nodeId: r.id } : {}),
    dialect: dialect.name,
    message: r
      ? `${dialect.title} cannot run this ${r.node.def.id} node: ${e.reason}`
      : `${dialect.title} cannot run this: ${e.reason}`,
    hint: e.hint ?? 'rewrite it with other components, or use a sql node in this dialect',
  };
}
