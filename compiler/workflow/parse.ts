import YAML from 'yaml';
import { childPath, type Diagnostic, type TextSpan } from '../diagnostics.js';
import {
  DEFAULT_CONNECTION,
  NAME_PATTERN,
  type PARAM_TYPES,
  workflowSchema,
  type Workflow,
} from './model.js';
import { zodIssuesToDiagnostics } from './zod-diagnostics.js';
import { isValidDate, isValidTimestamp } from '../expr/parser.js';

export interface ParseResult {
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

export const SUPPORTED_FORMAT_VERSION = 1;

/**
 * Parses a workflow from JSON or YAML text, or from an already-parsed object. JSON is tried first
 * when the text looks like JSON; YAML (a superset) otherwise.
 */
export function parseWorkflow(input: string | unknown, opts: { format?: 'json' | 'yaml' } = {}): ParseResult {
  let doc: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseText(input, opts.format);
    if ('error' in parsed) return { diagnostics: [parsed.error] };
    doc = parsed.value;
  }
  return validateDocument(doc);
}

function parseText(text: string, format?: 'json' | 'yaml'): { value: unknown } | { error: Diagnostic } {
  const looksJson = /^\s*[{[]/.test(text);
  if (format === 'json' || (format === undefined && looksJson)) {
    try {
      return { value: JSON.parse(text) };
    } catch (e) {
      const message = (e as Error).message;
      const pos = /position (\d+)/.exec(message);
      const span = pos ? spanAt(text, Number(pos[1])) : undefined;
      return {
        error: {
          code: 'SYNTAX_ERROR',
          severity: 'error',
          path: '$',
          message: `the workflow is not valid JSON: ${message}`,
          hint: 'check for a missing comma or quote near the position shown; YAML is accepted too',
          ...(span ? { span } : {}),
        },
      };
    }
  }
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const span = spanAt(text, err.pos[0]);
    return {
      error: {
        code: 'SYNTAX_ERROR',
        severity: 'error',
        path: '$',
        message: `the workflow is not valid YAML: ${err.message.split('\n')[0]}`,
        hint: 'check the indentation and quoting near the line shown',
        span,
      },
    };
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

export function spanAt(text: string, offset: number, length = 1): TextSpan {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { start: offset, end: offset + length, line, column };
}

function validateDocument(doc: unknown): ParseResult {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return {
      diagnostics: [
        {
          code: 'INVALID_VALUE',
          severity: 'error',
          path: '$',
          message: 'a workflow is an object with "edgeflow", "name" and "nodes"',
          hint: 'see the workflow format in the README',
        },
      ],
    };
  }
  const version = (doc as Record<string, unknown>)['edgeflow'];
  if (version !== undefined && version !== SUPPORTED_FORMAT_VERSION) {
    return {
      diagnostics: [
        {
          code: 'UNSUPPORTED_VERSION',
          severity: 'error',
          path: '$.edgeflow',
          message: `format version ${JSON.stringify(version)} is not supported`,
          hint: `this edgeflow reads format version ${SUPPORTED_FORMAT_VERSION}: write "edgeflow": 1`,
        },
      ],
    };
  }
  const result = workflowSchema.safeParse(doc);
  if (!result.success) {
    const diagnostics = zodIssuesToDiagnostics(result.error.issues, {
      schema: workflowSchema,
      root: doc,
      basePath: '$',
      what: 'the workflow',
    });
    for (const d of diagnostics) {
      if (d.path === '$.name' && d.code === 'INVALID_VALUE')
        d.hint = `for example "${suggestName(String((doc as Record<string, unknown>)['name']))}"`;
    }
    return { diagnostics };
  }
  const wf: Workflow = {
    ...result.data,
    connection: result.data.connection ?? DEFAULT_CONNECTION,
    params: result.data.params ?? {},
  };
  return { workflow: wf, diagnostics: checkParams(wf) };
}

function suggestName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '');
  return NAME_PATTERN.test(s) ? s : 'my_workflow';
}

/** Checks param names and that defaults fit their declared types. */
function checkParams(wf: Workflow): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, decl] of Object.entries(wf.params)) {
    const path = childPath('$.params', name);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      out.push({
        code: 'INVALID_NAME',
        severity: 'error',
        path,
        message: `parameter name "${name}" is not valid`,
        hint: 'use letters, digits and _ (referenced as :name)',
      });
    }
    if (decl.default !== undefined && decl.default !== null) {
      const problem = checkParamValue(decl.type, decl.default);
      if (problem)
        out.push({
          code: 'INVALID_PARAM',
          severity: 'error',
          path: `${path}.default`,
          message: `default of :${name} ${problem}`,
        });
    }
  }
  return out;
}

/** Undefined when `value` fits `type`, else what is wrong with it. */
export function checkParamValue(type: (typeof PARAM_TYPES)[number], value: unknown): string | undefined {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `must be a number, got ${JSON.stringify(value)}`;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? undefined
        : `must be an integer, got ${JSON.stringify(value)}`;
    case 'string':
      return typeof value === 'string'
        ? value.includes('\u0000')
          ? 'must not contain the NUL character'
          : undefined
        : `must be text, got ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
    case 'date':
      return typeof value === 'string' && isValidDate(value)
        ? undefined
        : `must be a date 'YYYY-MM-DD', got ${JSON.stringify(value)}`;
    case 'timestamp':
      return typeof value === 'string' && isValidTimestamp(value)
        ? undefined
        : `must be a timestamp 'YYYY-MM-DD HH:MM:SS', got ${JSON.stringify(value)}`;
  }
}

/** Converts a command-line text value (`--param k=v`) to the param's type. */
export function coerceParamText(type: (typeof PARAM_TYPES)[number], text: string): unknown {
  switch (type) {
    case 'number':
    case 'integer':
      return text.trim() === '' ? text : Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}
