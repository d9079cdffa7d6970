/**
 * The shapes the service answers, declared once (DESIGN.md Part 2): the HTTP API answers them and
 * documents them in /v1/openapi.json, the MCP tools declare them as their output schemas, and the
 * CLI prints them with --json. A face may add a field of its own (MCP's data note on rows), never
 * reshape one. Column types are the workflow format's strings (`decimal(12,2)`) everywhere.
 */
export { Column, TypeName, columnOf } from './column.js';
export { ConnectionList, ConnectionSummary, Dialect } from './connection.js';
export { Diagnostic, TextSpan } from './diagnostic.js';
export { CompileResult, PlanStep, RunPlan } from './compile.js';
export { Estimate, EstimateResult, StatementEstimate } from './estimate.js';
export { IdempotencyKey, MAX_IDEMPOTENCY_KEY } from './idempotency-key.js';
export { ColumnOrigin, NodeLineage, OutputLineage } from './lineage.js';
export { PREVIEW_COUNT_BOUND, PreviewResult, type PreviewTotal } from './preview.js';
export {
  CancelResult,
  FailureInfo,
  LogRecord,
  RunList,
  RunLogs,
  RunRecord,
  RunStep,
  RunView,
  StartRunResult,
} from './run.js';
export { Schedule } from './schedule.js';
export { SCOPES, ScopeName, scopeAllows, type Scope } from './scope.js';
export { UiSessionInfo } from './session.js';
export {
  TableColumn,
  TableDescription,
  TableEntry,
  TableList,
  tableDescription,
  tableEntry,
} from './table.js';
export { CatalogKind, ValidateResult } from './validate.js';
export { SaveWorkflowResult, SavedWorkflow, WorkflowList, WorkflowSummary } from './workflow.js';
