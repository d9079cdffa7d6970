/**
 * edgeflow's compiler: workflow model, validation, portable expressions, components, dialects and
 * the planner. Pure: no network, no files, no clock.
 */
export { analyzeParsed, analyzeWorkflow, type AnalyzeOptions, type WorkflowAnalysis } from './analyze.js';
export { compilePreview, type CompiledQuery, type PreviewOptions } from './planner/preview.js';
export { compilePlan, type PlanOptions, type PlanStep, type RunPlan, type StepKind } from './planner/plan.js';
export { createCatalog, EMPTY_CATALOG, type Catalog, type ColumnInfo, type TableInfo } from './catalog.js';
export { COMPONENTS, COMPONENT_IDS, getComponent } from './components/index.js';
export type { ComponentDefinition, PortSpec, WriteMode } from './components/component.js';
export {
  DIAGNOSTIC_CODES,
  formatDiagnostic,
  hasErrors,
  type Diagnostic,
  type DiagnosticCode,
} from './diagnostics.js';
export {
  DIALECT_NAMES,
  getDialect,
  isDialectName,
  type Dialect,
  type DialectName,
  type DialectOptions,
} from './dialects/index.js';
export { FUNCTIONS, type FunctionSig } from './expr/functions.js';
export { parseExpression } from './expr/parser.js';
export { nodeLineage, outputLineage } from './lineage.js';
export { formatType, parseTypeName, PORTABLE_TYPE_NAMES, type PortableType } from './schema/types.js';
export type { Column, ColumnOrigin, RelationSchema } from './schema/relation.js';
export type { Binding, ParamValue } from './sql/writer.js';
export { parseWorkflow, coerceParamText, type ParseOptions, type ParseResult } from './workflow/parse.js';
export {
  COLUMNS_PER_NODE,
  DEFAULT_MAX_NODES,
  workflowSchema,
  PARAM_TYPES,
  type Workflow,
  type NodeSpec,
  type ParamDecl,
} from './workflow/model.js';
export { tablesToDescribe } from './catalog-requests.js';
