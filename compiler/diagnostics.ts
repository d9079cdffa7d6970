/**
 * Every problem the compiler finds is a Diagnostic: a stable string code, where it is (JSON path,
 * node, and for expressions the character span), what went wrong, and what to do about it.
 * Diagnostics are collected, never thrown across the public API, so a caller (a person, the CLI, an
 * LLM agent) sees every error of a workflow at once and can fix them in one round.
 */
export const DIAGNOSTIC_CODES = [
  'SYNTAX_ERROR', // the file is not valid JSON/YAML
  'UNSUPPORTED_VERSION',
  'UNKNOWN_KEY',
  'MISSING_FIELD',
  'INVALID_VALUE',
  'INVALID_NAME',
  'DUPLICATE_NODE_ID',
  'UNKNOWN_COMPONENT',
  'UNKNOWN_NODE',
  'UNKNOWN_PORT',
  'MISSING_INPUT',
  'TOO_MANY_INPUTS',
  'CYCLE',
  'UNUSED_NODE',
  'NO_OUTPUT',
  'EXPR_SYNTAX',
  'UNKNOWN_COLUMN',
  'AMBIGUOUS_COLUMN',
  'DUPLICATE_COLUMN',
  'UNKNOWN_FUNCTION',
  'WRONG_ARGUMENTS',
  'UNKNOWN_PARAM',
  'MISSING_PARAM',
  'INVALID_PARAM',
  'TYPE_MISMATCH',
  'AGGREGATE_MISUSE',
  'UNKNOWN_TABLE',
  'SCHEMA_UNKNOWN',
  'SQL_ERROR', // the warehouse refused a raw-SQL node's query when asked to describe it
  'COLUMNS_MISMATCH', // a raw-SQL node's declared columns differ from what the warehouse returns
  'UNSUPPORTED',
  'WRITE_NOT_ALLOWED',
  'DUPLICATE_TARGET',
  'UNKNOWN_NODE_REQUESTED',
  'TOO_MANY_NODES', // more nodes than the caller's limit: refused before it is analysed
  'TOO_MANY_COLUMNS', // the nodes' outputs have more columns in all than the limit allows
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type Severity = 'error' | 'warning';

/** A character span inside an expression or SQL text (0-based offsets, 1-based line/column). */
export interface TextSpan {
  start: number;
  end: number;
  line: number;
  column: number;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** JSON path into the workflow document, e.g. `$.nodes[2].config.where`. */
  path: string;
  nodeId?: string;
  hint?: string;
  /** For expression errors: where in the expression text. */
  span?: TextSpan;
  dialect?: string;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some(isError);
}

/** Appends `[2]` or `.key` to a JSON path, quoting keys that are not plain identifiers. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** One line per diagnostic, for terminals and logs. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.nodeId ? `node "${d.nodeId}"` : undefined, d.path].filter(Boolean).join(' at ');
  const span = d.span ? ` (line ${d.span.line}, column ${d.span.column})` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${d.severity} ${d.code}: ${d.message}${span}\n    ${where}${hint}`;
}

/**
 * Raised inside the compiler when a dialect cannot express something. Caught at the node
 * boundary and turned into an `UNSUPPORTED` diagnostic that names the dialect and the node.
 */
export class UnsupportedError extends Error {
  /** The CTE (relation) whose SQL was being written, set by the writer on the way out. */
  relation?: string;

  constructor(
    readonly dialect: string,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`${dialect} cannot express this: ${reason}`);
    this.name = 'UnsupportedError';
  }
}
