/**
 * Turns zod issues into edgeflow diagnostics: a code, a JSON path, a plain message and, for typos,
 * the nearest valid key or value.
 */
import type { z } from 'zod';
import { childPath, type Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  valueType?: AnySchema;
}

function defOf(s: AnySchema): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object keys a schema accepts at `path` (through arrays, optionals, unions, records). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const out = new Set<string>();
  const visit = (s: AnySchema, i: number, depth: number) => {
    if (depth > 50) return;
    const d = defOf(s);
    switch (d.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
        return visit(d.innerType!, i, depth + 1);
      case 'pipe':
        return visit(d.in!, i, depth + 1);
      case 'union':
        for (const o of d.options ?? []) visit(o, i, depth + 1);
        return;
      case 'lazy':
        return visit((s as unknown as { _zod: { innerType: AnySchema } })._zod.innerType, i, depth + 1);
    }
    if (i === path.length) {
      if (d.type === 'object') Object.keys(d.shape ?? {}).forEach((k) => out.add(k));
      return;
    }
    const key = path[i]!;
    if (d.type === 'object' && typeof key === 'string' && d.shape?.[key])
      visit(d.shape[key], i + 1, depth + 1);
    else if (d.type === 'array' && typeof key === 'number') visit(d.element!, i + 1, depth + 1);
    else if (d.type === 'record') visit(d.valueType!, i + 1, depth + 1);
  };
  visit(schema, 0, 0);
  return [...out];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** Flattens union issues to the branch that got furthest (the one with the deepest issue). */
function flatten(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branches = issue.errors.map((b) => flatten(b));
      const score = (b: Issue[]) => Math.max(...b.map((x) => x.path.length)) - b.length / 100;
      const best = branches.reduce((a, b) => (score(b) > score(a) ? b : a));
      if (best.length > 0 && best.some((x) => x.path.length > 0 || x.code === 'unrecognized_keys')) {
        out.push(...best.map((x) => ({ ...x, path: [...issue.path, ...x.path] }) as Issue));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

export function zodIssuesToDiagnostics(
  issues: readonly Issue[],
  opts: { schema: AnySchema; root: unknown; basePath: string; nodeId?: string; what?: string },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const base = (path: readonly PropertyKey[]) =>
    path.reduce<string>((p, k) => childPath(p, typeof k === 'number' ? k : String(k)), opts.basePath);
  const push = (d: Omit<Diagnostic, 'severity' | 'nodeId'>) => {
    const key = `${d.code}|${d.path}|${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ severity: 'error', ...(opts.nodeId ? { nodeId: opts.nodeId } : {}), ...d });
  };
  for (const issue of flatten(issues)) {
    const path = issue.path;
    const value = valueAt(opts.root, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(opts.schema, path);
        for (const key of issue.keys) {
          push({
            code: 'UNKNOWN_KEY',
            path: childPath(base(path), key),
            message: `unknown key "${key}"${opts.what && path.length === 0 ? ` in ${opts.what}` : ''}`,
            hint: didYouMean(key, known, 'valid keys'),
          });
        }
        break;
      }
      case 'invalid_type': {
        if (value === undefined) {
          const field = path.length ? String(path[path.length - 1]) : 'value';
          push({
            code: 'MISSING_FIELD',
            path: base(path),
            message: `missing required field "${field}"`,
            hint: `expected ${EXPECTED[issue.expected] ?? issue.expected}`,
          });
        } else {
          push({
            code: 'INVALID_VALUE',
            path: base(path),
            message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`,
          });
        }
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map((v) => String(v));
        push({
          code: 'INVALID_VALUE',
          path: base(path),
          message: `${describeValue(value)} is not allowed here`,
          hint:
            typeof value === 'string'
              ? didYouMean(value, options, 'allowed values')
              : `allowed values: ${options.join(', ')}`,
        });
        break;
      }
      case 'invalid_format':
        push({
          code: 'INVALID_VALUE',
          path: base(path),
          message: issue.message.replace(/^Invalid string: /, ''),
          hint: formatHint(issue),
        });
        break;
      case 'too_small':
      case 'too_big':
        push({ code: 'INVALID_VALUE', path: base(path), message: sizeMessage(issue, value) });
        break;
      case 'invalid_union': {
        const shapes = [...new Set(issue.errors.flatMap((branch) => branch.flatMap(shapeOf)))];
        push({
          code: 'INVALID_VALUE',
          path: base(path),
          message: `${describeValue(value)} does not fit any accepted shape`,
          hint: shapes.length ? `expected ${orList(shapes)}` : issue.message,
        });
        break;
      }
      default:
        push({ code: 'INVALID_VALUE', path: base(path), message: issue.message });
    }
  }
  return out;
}

/** `a or b`, `a, b, or c` */
function orList(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' or ') : `${items.slice(0, -1).join(', ')}, or ${items.at(-1)}`;
}

/** What one branch of a union accepts, read from its issue at the union's own level. */
function shapeOf(issue: Issue): string[] {
  if (issue.path.length > 0) return [];
  if (issue.code === 'invalid_type') return [EXPECTED[issue.expected] ?? issue.expected];
  if (issue.code === 'too_small' && issue.origin === 'string') return ['non-empty text'];
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v));
  return [];
}

function formatHint(issue: Issue & { code: 'invalid_format' }): string | undefined {
  return 'pattern' in issue && issue.pattern ? `must match ${String(issue.pattern)}` : undefined;
}

function sizeMessage(issue: Issue & { code: 'too_small' | 'too_big' }, value: unknown): string {
  const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const what = Array.isArray(value) ? 'items' : typeof value === 'string' ? 'characters' : '';
  const cmp =
    issue.code === 'too_small' ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  if (what) return `must have ${cmp} ${bound} ${what}`;
  return `must be ${cmp} ${bound}, got ${describeValue(value)}`;
}
