/**
 * A component's config JSON Schema (GET /v1/components/:id → configSchema) read as the fields of a
 * form: pure functions, so the form is tested without a browser and any component the daemon
 * adds gets its form for free. What JSON Schema the components use is what is read: objects with
 * properties, maps (additionalProperties), lists, strings (enum, expressions marked
 * `x-edgeflow-expression`), numbers, booleans, constants, literals of several types, and anyOf;
 * anything else is edited as JSON.
 */

export type JsonSchema = Record<string, unknown>;

/** The schema keyword that marks a field written in the expression language (compiler/docs.ts). */
export const EXPRESSION_KEY = 'x-edgeflow-expression';

interface Common {
  description?: string;
  default?: unknown;
}

export type Field = Common &
  (
    | { kind: 'text'; expression?: string[]; column?: boolean; minLength?: number }
    | { kind: 'enum'; options: string[] }
    | { kind: 'number'; integer: boolean; minimum?: number; maximum?: number }
    | { kind: 'boolean' }
    | { kind: 'const'; value: unknown }
    | { kind: 'literal'; types: string[] }
    | { kind: 'list'; item: Field; minItems?: number }
    | { kind: 'object'; props: Array<{ name: string; field: Field; required: boolean }> }
    | { kind: 'map'; value: Field }
    | { kind: 'union'; variants: Array<{ label: string; field: Field }> }
    | { kind: 'json' }
  );

const obj = (v: unknown): v is JsonSchema => !!v && typeof v === 'object' && !Array.isArray(v);

export function fieldOf(schema: unknown): Field {
  if (!obj(schema)) return { kind: 'json' };
  const common: Common = {
    ...(typeof schema['description'] === 'string' ? { description: schema['description'] } : {}),
    ...('default' in schema ? { default: schema['default'] } : {}),
  };
  const anyOf = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(anyOf)) {
    const variants = anyOf.map((v) => {
      const field = fieldOf(v);
      return { label: variantLabel(field), field };
    });
    return variants.length === 1
      ? { ...variants[0]!.field, ...common }
      : { kind: 'union', variants, ...common };
  }
  if ('const' in schema) return { kind: 'const', value: schema['const'], ...common };
  const type = schema['type'];
  if (Array.isArray(type)) return { kind: 'literal', types: type.map(String), ...common };
  switch (type) {
    case 'string':
      if (Array.isArray(schema['enum']))
        return { kind: 'enum', options: schema['enum'].map(String), ...common };
      return {
        kind: 'text',
        ...(Array.isArray(schema[EXPRESSION_KEY])
          ? { expression: (schema[EXPRESSION_KEY] as unknown[]).map(String) }
          : {}),
        ...(/column name/i.test(common.description ?? '') ? { column: true } : {}),
        ...(typeof schema['minLength'] === 'number' ? { minLength: schema['minLength'] } : {}),
        ...common,
      };
    case 'integer':
    case 'number':
      return {
        kind: 'number',
        integer: type === 'integer',
        ...(typeof schema['minimum'] === 'number' ? { minimum: schema['minimum'] } : {}),
        ...(typeof schema['maximum'] === 'number' ? { maximum: schema['maximum'] } : {}),
        ...common,
      };
    case 'boolean':
      return { kind: 'boolean', ...common };
    case 'array':
      return {
        kind: 'list',
        item: fieldOf(schema['items']),
        ...(typeof schema['minItems'] === 'number' ? { minItems: schema['minItems'] } : {}),
        ...common,
      };
    case 'object': {
      const props = obj(schema['properties']) ? schema['properties'] : undefined;
      if (props) {
        const required = new Set(Array.isArray(schema['required']) ? schema['required'].map(String) : []);
        return {
          kind: 'object',
          props: Object.entries(props).map(([name, s]) => ({
            name,
            field: fieldOf(s),
            required: required.has(name),
          })),
          ...common,
        };
      }
      if (obj(schema['additionalProperties']))
        return { kind: 'map', value: fieldOf(schema['additionalProperties']), ...common };
      return { kind: 'json', ...common };
    }
    default:
      return { kind: 'json', ...common };
  }
}

function variantLabel(f: Field): string {
  switch (f.kind) {
    case 'text':
      return f.expression ? 'expression' : f.column ? 'column' : 'text';
    case 'object':
      return f.props.some((p) => p.field.kind === 'text' && p.field.expression)
        ? `{${f.props.map((p) => p.name).join(', ')}}`
        : 'object';
    case 'const':
      return JSON.stringify(f.value);
    case 'number':
      return f.integer ? 'integer' : 'number';
    default:
      return f.kind;
  }
}

/** The value a new, empty field starts with (a list item or map entry being added). */
export function emptyValue(f: Field): unknown {
  if (f.default !== undefined) return f.default;
  switch (f.kind) {
    case 'text':
      return '';
    case 'enum':
      return f.options[0] ?? '';
    case 'number':
      return f.minimum !== undefined && f.minimum > 0 ? f.minimum : 0;
    case 'boolean':
      return false;
    case 'const':
      return f.value;
    case 'literal':
      return '';
    case 'list':
      return [];
    case 'map':
      return {};
    case 'object':
      return Object.fromEntries(f.props.filter((p) => p.required).map((p) => [p.name, emptyValue(p.field)]));
    case 'union':
      return emptyValue(f.variants[0]!.field);
    case 'json':
      return null;
  }
}

/** Whether a value has the shape of a field (to pick the variant of a union that holds it). */
export function matches(f: Field, v: unknown): boolean {
  switch (f.kind) {
    case 'text':
    case 'enum':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && (!f.integer || Number.isInteger(v));
    case 'boolean':
      return typeof v === 'boolean';
    case 'const':
      return JSON.stringify(v) === JSON.stringify(f.value);
    case 'literal':
      return v === null || f.types.includes(typeof v);
    case 'list':
      return Array.isArray(v);
    case 'object':
      return obj(v) && f.props.filter((p) => p.required).every((p) => p.name in v);
    case 'map':
      return obj(v);
    case 'union':
      return f.variants.some((x) => matches(x.field, v));
    case 'json':
      return true;
  }
}

/** The union variant that holds a value (the first when none does). */
export function variantIndex(f: Extract<Field, { kind: 'union' }>, v: unknown): number {
  const i = f.variants.findIndex((x) => matches(x.field, v));
  return i < 0 ? 0 : i;
}

/**
 * Switching a union's variant keeps what can be kept: a column name becomes the `expr` of an
 * ordering object, an ordering object's `expr` becomes the name again.
 */
export function convertVariant(from: unknown, to: Field): unknown {
  if (matches(to, from)) return from;
  if (to.kind === 'object' && typeof from === 'string') {
    const target = to.props.find((p) => p.field.kind === 'text' && p.required);
    const base = emptyValue(to) as Record<string, unknown>;
    return target ? { ...base, [target.name]: from } : base;
  }
  if ((to.kind === 'text' || to.kind === 'enum') && obj(from)) {
    const text = Object.values(from).find((x) => typeof x === 'string');
    return typeof text === 'string' ? text : emptyValue(to);
  }
  return emptyValue(to);
}

/** A literal as typed in a text box: a number, true/false, null, or else the text itself. */
export function parseLiteral(text: string, types: readonly string[]): unknown {
  const t = text.trim();
  if (types.includes('null') && t === 'null') return null;
  if (types.includes('boolean') && (t === 'true' || t === 'false')) return t === 'true';
  if (types.includes('number') && t !== '' && Number.isFinite(Number(t))) return Number(t);
  return text;
}

export function formatLiteral(v: unknown): string {
  return v === null ? 'null' : v === undefined ? '' : String(v);
}

/** A number input's text as the value: undefined when empty or not a number of the right kind. */
export function parseNumber(text: string, integer: boolean): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return undefined;
  return n;
}

/** `measures` + `revenue` → `measures.revenue`; `columns` + 1 → `columns[1]` (the compiler's paths). */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** An object with one property set, or removed when `value` is undefined (an optional left empty). */
export function withProp(o: unknown, key: string, value: unknown): Record<string, unknown> {
  const base = obj(o) ? { ...o } : {};
  if (value === undefined) delete base[key];
  else base[key] = value;
  return base;
}

/** Renames a map key in place (keeping the order of entries, which is the order of columns). */
export function renameKey(o: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  if (from === to || to in o) return o;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k === from ? to : k, v]));
}

/** A new key for a map entry: `column_1`, `column_2`… */
export function newKey(o: Record<string, unknown>, base = 'column'): string {
  for (let i = 1; ; i++) if (!(`${base}_${i}` in o)) return `${base}_${i}`;
}

/** Diagnostics of node `index` by config path: `$.nodes[2].config.measures.m` → `measures.m`. */
export function diagnosticsByConfigPath<D extends { path: string }>(
  diagnostics: readonly D[],
  index: number,
): Map<string, D[]> {
  const prefix = `$.nodes[${index}].config`;
  const out = new Map<string, D[]>();
  for (const d of diagnostics) {
    if (!d.path.startsWith(prefix)) continue;
    const rest = d.path.slice(prefix.length).replace(/^\./, '');
    out.set(rest, [...(out.get(rest) ?? []), d]);
  }
  return out;
}
