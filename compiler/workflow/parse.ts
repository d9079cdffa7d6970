import YAML from 'yaml';
import { childPath, type Diagnostic, type TextSpan } from '../diagnostics.js';
import {
  DEFAULT_CONNECTION,
  DEFAULT_MAX_NODES,
  NAME_PATTERN,
  type PARAM_TYPES,
  workflowSchema,
  type NodeSpec,
  type Workflow,
  type WorkflowDoc,
} from './model.js';
import { zodIssuesToDiagnostics } from './zod-diagnostics.js';
import { isValidDate, isValidTimestamp } from '../expr/parser.js';

export interface ParseResult {
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

export const SUPPORTED_FORMAT_VERSION = 1;

export interface ParseOptions {
  format?: 'json' | 'yaml';
  /** More nodes than this: TOO_MANY_NODES, and nothing else is checked (default DEFAULT_MAX_NODES). */
  maxNodes?: number;
}

/**
 * Parses a workflow from JSON or YAML text, or from an already-parsed object. JSON is tried first
 * when the text looks like JSON; YAML (a superset) otherwise.
 */
export function parseWorkflow(input: string | unknown, opts: ParseOptions = {}): ParseResult {
  let doc: unknown = input;
  let mayHaveProtoKeys = true;
  if (typeof input === 'string') {
    const parsed = parseText(input, opts.format);
    if ('error' in parsed) return { diagnostics: [parsed.error] };
    doc = parsed.value;
    // JSON can write the key only as itself or with \u escapes: without either, no walk is needed.
    mayHaveProtoKeys = !parsed.json || input.includes('__proto__') || input.includes('\\u');
  }
  return validateDocument(doc, opts.maxNodes ?? DEFAULT_MAX_NODES, mayHaveProtoKeys);
}

/**
 * The node limit, checked before the document's shape: zod (and the proto-key walk) on a
 * 50,000-node document is itself half a second and tens of MB, and `nodes` has to be an array
 * anyway, so its length is all there is to look at.
 */
function tooManyNodes(doc: object, maxNodes: number): Diagnostic | undefined {
  const nodes = (doc as Record<string, unknown>)['nodes'];
  if (!Array.isArray(nodes) || nodes.length <= maxNodes) return undefined;
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    code: 'TOO_MANY_NODES',
    severity: 'error',
    path: '$.nodes',
    message: `the workflow has ${n(nodes.length)} nodes; at most ${n(maxNodes)} are allowed, so it was not analysed`,
    hint: 'split it into smaller workflows (one can read the tables another writes), or raise limits.maxNodes in the edgeflow config',
  };
}

function parseText(
  text: string,
  format?: 'json' | 'yaml',
): { value: unknown; json: boolean } | { error: Diagnostic } {
  const looksJson = /^\s*[{[]/.test(text);
  if (format === 'json' || (format === undefined && looksJson)) {
    try {
      return { value: JSON.parse(text), json: true };
    } catch (e) {
      const message = (e as Error).message;
      // V8 names the position for some errors only ("Unexpected token '}', … is not valid JSON").
      const pos = /position (\d+)/.exec(message);
      const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
      const span = offset >= 0 ? spanAt(text, offset) : undefined;
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
    // The YAML parser recurses; a stack overflow means absurd nesting, not a typo.
    const reason = /call stack/i.test(err.message) ? 'it is nested too deeply' : err.message.split('\n')[0];
    return {
      error: {
        code: 'SYNTAX_ERROR',
        severity: 'error',
        path: '$',
        message: `the workflow is not valid YAML: ${reason}`,
        hint: 'check the indentation and quoting near the line shown',
        span,
      },
    };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), json: false };
  } catch (e) {
    // Aliases expanding past the bound (a "billion laughs" document), or a cycle of them.
    return {
      error: {
        code: 'SYNTAX_ERROR',
        severity: 'error',
        path: '$',
        message: `the workflow's YAML cannot be expanded: ${(e as Error).message.split('\n')[0]}`,
        hint: 'write the nodes out instead of through YAML aliases (&a / *a); at most 100 alias uses',
      },
    };
  }
}

/**
 * The offset of the first JSON syntax error in `text` (-1 when there is none). A small iterative
 * scanner, because V8's messages do not always give a position.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const scalar = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const stack: Array<'{' | '['> = [];
  let i = 0;
  let expect: 'value' | 'value_or_close' | 'key' | 'key_or_close' | 'next' = 'value';
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** At a '"': moves past the string; false (at the offending character) when it is malformed. */
  const string = (): boolean => {
    for (i++; i < n;) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c !== 92) i++;
      else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if ('"\\/bfnrt'.includes(text[i + 1] ?? 'x')) i += 2;
      else return false;
    }
    return false;
  };
  for (;;) {
    skipSpace();
    if (i >= n) return expect === 'next' && stack.length === 0 ? -1 : n;
    const c = text[i]!;
    if (expect === 'next') {
      const top = stack[stack.length - 1];
      if (c === ',' && top) {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++;
        stack.pop();
      } else return i;
    } else if (expect === 'key' || expect === 'key_or_close') {
      if (c === '}' && expect === 'key_or_close') {
        i++;
        stack.pop();
        expect = 'next';
        continue;
      }
      if (c !== '"' || !string()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
    } else if (c === ']' && expect === 'value_or_close') {
      i++;
      stack.pop();
      expect = 'next';
    } else if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      expect = c === '{' ? 'key_or_close' : 'value_or_close';
    } else if (c === '"') {
      if (!string()) return i;
      expect = 'next';
    } else {
      scalar.lastIndex = i;
      if (!scalar.test(text)) return i;
      i = scalar.lastIndex;
      expect = 'next';
    }
  }
}

export function spanAt(text: string, offset: number, length = 1): TextSpan {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { start: offset, end: offset + length, line, column };
}

function validateDocument(doc: unknown, maxNodes: number, mayHaveProtoKeys: boolean): ParseResult {
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
  const tooMany = tooManyNodes(doc, maxNodes);
  if (tooMany) return { diagnostics: [tooMany] };
  const protoKeys = mayHaveProtoKeys ? findProtoKeys(doc) : [];
  // JSON text without __proto__ keys holds plain data only: its nodes may take the fast check.
  const result = (!mayHaveProtoKeys && parsePlainDocument(doc)) || workflowSchema.safeParse(doc);
  if (!result.success || protoKeys.length > 0) {
    const reported = new Set(protoKeys.map((d) => d.path));
    const diagnostics = [
      ...protoKeys,
      ...(result.success
        ? []
        : zodIssuesToDiagnostics(result.error.issues, {
            schema: workflowSchema,
            root: doc,
            basePath: '$',
            what: 'the workflow',
          }).filter((d) => !reported.has(d.path))),
    ];
    const nodes = (doc as Record<string, unknown>)['nodes'];
    for (const d of diagnostics) {
      if (d.path === '$.name' && d.code === 'INVALID_VALUE')
        d.hint = `for example "${suggestName(String((doc as Record<string, unknown>)['name']))}"`;
      // A problem inside a node names the node, when it has a usable id.
      const at = /^\$\.nodes\[(\d+)\]/.exec(d.path);
      const id =
        at && Array.isArray(nodes) ? (nodes[Number(at[1])] as { id?: unknown } | null)?.id : undefined;
      if (typeof id === 'string' && id.length > 0) d.nodeId = id;
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

/**
 * A document parsed from JSON, with its nodes checked by hand and given as nodeSchema would give
 * them (keys in the schema's order; see plainNode for when a node is copied) and the rest
 * by zod; undefined when a node or the rest has anything zod must look at and report (the whole
 * document is then parsed by zod, for the same diagnostics). zod on the nodes was about a tenth
 * of compiling a 10,000-node workflow.
 */
function parsePlainDocument(doc: object): { success: true; data: WorkflowDoc } | undefined {
  const nodes = (doc as Record<string, unknown>)['nodes'];
  if (!Array.isArray(nodes)) return undefined;
  const specs: NodeSpec[] = [];
  for (const n of nodes) {
    const spec = plainNode(n);
    if (!spec) return undefined;
    specs.push(spec);
  }
  const rest = workflowSchema.safeParse({ ...doc, nodes: [] });
  if (!rest.success) return undefined;
  return { success: true, data: { ...rest.data, nodes: specs } };
}

/** nodeSchema's keys, in its order (the order zod writes a parsed node's keys in). */
const NODE_KEYS = ['id', 'type', 'inputs', 'config', 'description'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * One node as nodeSchema parses it, when it is plainly valid; undefined otherwise. A node whose
 * keys are already in the schema's order is returned itself, not copied: it comes from JSON.parse
 * of the caller's text, so nothing else holds it, and zod's copy would hold the same values in the
 * same order. A 10,000-node document then keeps one set of node objects, not two.
 */
function plainNode(n: unknown): NodeSpec | undefined {
  if (!isRecord(n)) return undefined;
  let last = -1;
  let inOrder = true;
  for (const k in n) {
    const at = NODE_KEYS.indexOf(k);
    if (at < 0) return undefined;
    if (at < last) inOrder = false;
    last = at;
  }
  const { id, type } = n;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) return undefined;
  if (typeof type !== 'string' || type.length < 1) return undefined;
  if ('inputs' in n) {
    const given = n['inputs'];
    if (!isRecord(given)) return undefined;
    for (const port in given) {
      const ref = given[port];
      if (!isInputRef(ref) && !(Array.isArray(ref) && ref.every(isInputRef))) return undefined;
    }
  }
  if ('config' in n && !isRecord(n['config'])) return undefined;
  if ('description' in n && typeof n['description'] !== 'string') return undefined;
  if (inOrder) return n as NodeSpec;
  const spec: NodeSpec = { id, type };
  if ('inputs' in n) {
    const inputs: Record<string, string | string[]> = {};
    for (const [port, ref] of Object.entries(n['inputs'] as Record<string, string | string[]>))
      inputs[port] = typeof ref === 'string' ? ref : [...ref];
    spec.inputs = inputs;
  }
  if ('config' in n) spec.config = { ...(n['config'] as Record<string, unknown>) };
  if ('description' in n) spec.description = n['description'] as string;
  return spec;
}

const isInputRef = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * `__proto__` keys: JSON.parse keeps them, but zod drops them from records without a word, so a
 * `__proto__` in a config or the params would be silently ignored. Reported like any unknown key.
 */
function findProtoKeys(doc: object): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<object>();
  // Paths are built only for a hit: walking a 10,000-node document must stay cheap.
  interface At {
    parent: At | undefined;
    key: string | number;
  }
  const pathOf = (at: At | undefined): string => (at ? childPath(pathOf(at.parent), at.key) : '$');
  const values: object[] = [doc];
  const places: Array<At | undefined> = [undefined];
  while (values.length) {
    const value = values.pop()!;
    const at = places.pop();
    if (seen.has(value)) continue;
    seen.add(value);
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (key === '__proto__') {
        out.push({
          code: 'UNKNOWN_KEY',
          severity: 'error',
          path: pathOf({ parent: at, key }),
          message: 'the key "__proto__" is not allowed',
          hint: 'remove it: "__proto__" cannot be used as a name',
        });
      }
      if (child !== null && typeof child === 'object') {
        values.push(child);
        places.push({ parent: at, key: isArray ? Number(key) : key });
      }
    }
  }
  return out;
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

/** A value as a message quotes it: JSON where possible, never throwing, never huge. */
function showValue(value: unknown): string {
  if (typeof value === 'bigint') return `the bigint ${value}`;
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch {
    text = 'an object that cannot be written as JSON';
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** Undefined when `value` fits `type`, else what is wrong with it. */
export function checkParamValue(type: (typeof PARAM_TYPES)[number], value: unknown): string | undefined {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `must be a number, got ${showValue(value)}`;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? undefined
        : `must be an integer, got ${showValue(value)}`;
    case 'string':
      return typeof value === 'string'
        ? value.includes('\u0000')
          ? 'must not contain the NUL character'
          : undefined
        : `must be text, got ${showValue(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${showValue(value)}`;
    case 'date':
      return typeof value === 'string' && isValidDate(value)
        ? undefined
        : `must be a date 'YYYY-MM-DD', got ${showValue(value)}`;
    case 'timestamp':
      return typeof value === 'string' && isValidTimestamp(value)
        ? undefined
        : `must be a timestamp 'YYYY-MM-DD HH:MM:SS', got ${showValue(value)}`;
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
