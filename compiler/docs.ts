/**
 * Documentation generated from the component and function definitions themselves: the CLI's
 * `edgeflow components`, the README's reference, MCP's describe_component and the expression
 * language's reference (edgeflow://expressions, describe_expressions) all read this, so the docs
 * cannot drift from the code.
 */
import { z } from 'zod';
import { analyzeWorkflow } from './analyze.js';
import { COMPONENTS } from './components/index.js';
import type { ComponentDefinition } from './components/component.js';
import { EXAMPLE_CATALOG, exampleWorkflow } from './components/examples.js';
import { EXPRESSION_SCHEMA_KEY } from './components/shapes.js';
import { DIALECT_NAMES, getDialect, type DialectName } from './dialects/index.js';
import { EXPRESSIONS_README, EXPRESSIONS_TOOL, EXPRESSIONS_URI } from './expr/reference-links.js';
import {
  languageReference,
  type FunctionReference,
  type LanguageReference,
  type Unsupported,
} from './expr/reference.js';
import type { FunctionKind } from './sql/ast.js';

export interface DialectSupport {
  dialect: DialectName;
  supported: boolean;
  /** How it is expressed or what differs; the reason when unsupported. */
  note?: string;
}

export interface ComponentDoc {
  id: string;
  category: string;
  summary: string;
  description: string;
  inputs: Array<{ name: string; description: string; many: boolean }>;
  outputs: Array<{ name: string; description: string }>;
  configSchema: unknown;
  example: { title: string; node: Record<string, unknown> };
  dialects: DialectSupport[];
  /** Config fields written in the expression language (absent when none), and where it is described. */
  expressions?: ComponentExpressions;
}

export interface ComponentExpressions {
  /** Where the language (operators, every function, per-dialect support) is described. */
  reference: { mcpResource: string; mcpTool: string; readme: string };
  /**
   * Each field, as a path into the config (`columns[].expr`; `<name>` stands for any key), and the
   * kinds of function it accepts: `scalar` everywhere, `aggregate` in measures and window columns,
   * `window` in window columns only.
   */
  fields: Array<{ path: string; functions: FunctionKind[] }>;
}

/** The fields of a config JSON Schema marked as expressions (see EXPRESSION_SCHEMA_KEY). */
function expressionFields(schema: unknown, path = '', out: ComponentExpressions['fields'] = []) {
  if (!schema || typeof schema !== 'object') return out;
  const s = schema as Record<string, unknown>;
  const kinds = s[EXPRESSION_SCHEMA_KEY];
  if (Array.isArray(kinds) && !out.some((f) => f.path === path))
    out.push({ path, functions: kinds as FunctionKind[] });
  const props = s['properties'];
  if (props && typeof props === 'object')
    for (const [k, v] of Object.entries(props)) expressionFields(v, path ? `${path}.${k}` : k, out);
  expressionFields(s['additionalProperties'], `${path}.<name>`, out);
  expressionFields(s['items'], `${path}[]`, out);
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(s[k])) for (const v of s[k]) expressionFields(v, path, out);
  return out;
}

const EXPRESSION_REFERENCE: ComponentExpressions['reference'] = {
  mcpResource: EXPRESSIONS_URI,
  mcpTool: EXPRESSIONS_TOOL,
  readme: EXPRESSIONS_README,
};

const supportCache = new Map<string, DialectSupport[]>();

/** Which dialects run the component's example, found by compiling it for each. */
export function dialectSupport(def: ComponentDefinition<unknown>): DialectSupport[] {
  const hit = supportCache.get(def.id);
  if (hit) return hit;
  const wf = exampleWorkflow(def);
  const out = DIALECT_NAMES.map((dialect): DialectSupport => {
    const a = analyzeWorkflow(wf, { dialect, catalog: EXAMPLE_CATALOG });
    const unsupported = a.diagnostics.find((d) => d.code === 'UNSUPPORTED' && d.severity === 'error');
    const note = unsupported?.message ?? def.dialectNotes?.[dialect];
    return { dialect, supported: !unsupported, ...(note ? { note } : {}) };
  });
  supportCache.set(def.id, out);
  return out;
}

export function describeComponent(def: ComponentDefinition<unknown>): ComponentDoc {
  const configSchema = z.toJSONSchema(def.config as z.ZodType, { io: 'input', unrepresentable: 'any' });
  const fields = expressionFields(configSchema);
  return {
    id: def.id,
    category: def.category,
    summary: def.summary,
    description: def.description,
    inputs: def.inputs.map((p) => ({ name: p.name, description: p.description, many: !!p.many })),
    outputs: def.outputs.map((p) => ({ name: p.name, description: p.description })),
    configSchema,
    example: {
      title: def.example.title,
      node: {
        id: 'example',
        type: def.id,
        ...(def.example.inputs ? { inputs: def.example.inputs } : {}),
        config: def.example.config,
      },
    },
    dialects: dialectSupport(def),
    ...(fields.length ? { expressions: { reference: EXPRESSION_REFERENCE, fields } } : {}),
  };
}

export function describeComponents(): ComponentDoc[] {
  return COMPONENTS.map(describeComponent);
}

/** One line per config key: `name` (type, required) description. */
function configLines(schema: unknown): string[] {
  const s = schema as {
    properties?: Record<
      string,
      { description?: string; type?: unknown; enum?: unknown[]; default?: unknown }
    >;
    required?: string[];
  };
  if (!s.properties) return [];
  return Object.entries(s.properties).map(([k, v]) => {
    const req = s.required?.includes(k) && v.default === undefined ? 'required' : 'optional';
    const values = v.enum ? `: ${v.enum.map((x) => `\`${String(x)}\``).join(' \\| ')}` : '';
    const dflt = v.default !== undefined ? `, default \`${JSON.stringify(v.default)}\`` : '';
    return `- \`${k}\` (${req}${dflt})${values}${v.description ? ` — ${v.description}` : ''}`;
  });
}

export function componentsMarkdown(): string {
  const docs = describeComponents();
  const lines: string[] = [];
  lines.push(
    '| component | inputs → outputs | what it does | ' +
      DIALECT_NAMES.map((d) => getDialect(d).title).join(' | ') +
      ' |',
  );
  lines.push('|---|---|---|' + DIALECT_NAMES.map(() => '---').join('|') + '|');
  for (const d of docs) {
    const ports = `${d.inputs.map((p) => (p.many ? `${p.name}[]` : p.name)).join(', ') || '—'} → ${d.outputs.map((p) => p.name).join(', ') || '—'}`;
    lines.push(
      `| [\`${d.id}\`](#${d.id.replace(/\./g, '')}) | ${ports} | ${d.summary} | ${d.dialects.map((x) => (x.supported ? '✓' : '✗')).join(' | ')} |`,
    );
  }
  for (const d of docs) {
    lines.push('', `#### ${d.id}`, '', d.description, '', ...configLines(d.configSchema));
    const notes = d.dialects.filter((x) => x.note).map((x) => `${getDialect(x.dialect).title}: ${x.note}`);
    if (notes.length) lines.push('', `Per dialect: ${notes.join('; ')}.`);
    if (d.expressions)
      lines.push(
        '',
        `Expressions ([the language](#portable-expressions)): ${groupBy(d.expressions.fields, (f) =>
          f.functions.join(),
        )
          .map((g) => `${g.map((f) => `\`${f.path}\``).join(', ')} (${kindsText(g[0]!.functions)})`)
          .join('; ')}.`,
      );
    lines.push('', `Example — ${d.example.title}:`, '', '```json', JSON.stringify(d.example.node), '```');
  }
  return lines.join('\n');
}

/** `scalar`, `scalar and aggregate`, `scalar, aggregate and window` functions. */
function kindsText(kinds: readonly FunctionKind[]): string {
  const k = [...kinds];
  const last = k.pop();
  return `${k.length ? `${k.join(', ')} and ` : ''}${last ?? ''} functions`;
}

/** The expression language with where it is used: MCP's edgeflow://expressions as JSON. */
export interface ExpressionReference extends LanguageReference {
  /** Every config field written in the language, by component. */
  usedIn: Array<{ component: string; path: string; functions: FunctionKind[] }>;
}

let reference: ExpressionReference | undefined;

export function expressionReference(): ExpressionReference {
  reference ??= {
    ...languageReference(),
    usedIn: describeComponents().flatMap((d) =>
      (d.expressions?.fields ?? []).map((f) => ({ component: d.id, ...f })),
    ),
  };
  return reference;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => `\`${cell(text)}\``;
const title = (d: DialectName) => getDialect(d).title;

function groupBy<T>(items: readonly T[], key: (x: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const x of items) groups.set(key(x), [...(groups.get(key(x)) ?? []), x]);
  return [...groups.values()];
}

/** `PostgreSQL: reason; BigQuery: reason` for one function's UNSUPPORTED uses (each reason names its use). */
function unsupportedText(f: FunctionReference): string {
  return DIALECT_NAMES.flatMap((d) => {
    const reasons = new Set(f.unsupported.filter((u) => u.dialect === d).map((u) => u.reason));
    return reasons.size ? [`${title(d)}: ${[...reasons].join('; ')}`] : [];
  }).join('; ');
}

/** The reasons, without the `regular expression "…": ` the example already shows. */
function unsupportedBy(list: readonly Unsupported[]): string {
  return list
    .map((u) => `${title(u.dialect)}: ${u.reason.replace(/^(?:regular expression|replacement) ".*?": /, '')}`)
    .join('; ');
}

/**
 * The language reference as markdown: the README's "Portable expressions" (headings at `depth`
 * 3) and MCP's edgeflow://expressions (a document of its own, `depth` 2).
 */
export function expressionsMarkdown(depth = 3): string {
  const ref = expressionReference();
  const h = (text: string) => `${'#'.repeat(depth)} ${text}`;
  const table = (head: string[], rows: string[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const kindTitle: Record<FunctionKind, string> = {
    scalar: 'Scalar functions',
    aggregate: 'Aggregates',
    window: 'Window functions',
  };
  const out: string[] = [];
  out.push(
    h('Where expressions go'),
    table(
      ['component', 'config fields', 'accepts'],
      groupBy(ref.usedIn, (u) => `${u.component} ${u.functions.join()}`).map((g) => [
        code(g[0]!.component),
        g.map((u) => code(u.path)).join(', '),
        kindsText(g[0]!.functions),
      ]),
    ),
    ref.kinds.map((k) => `${kindTitle[k.kind]}: ${k.allowed}.`).join(' '),
  );
  out.push(
    h('Syntax'),
    table(
      ['values and names', 'meaning'],
      ref.values.map((v) => [code(v.syntax), cell(v.meaning)]),
    ),
    table(
      ['operators', 'meaning'],
      ref.operators.map((o) => [code(o.syntax), cell(o.meaning)]),
    ),
    `Precedence, ${ref.precedence}. ${ref.notInTheLanguage}`,
    `Portable types (\`CAST(x AS type)\`): ${ref.types.map((t) => `\`${t.name}\` (${t.meaning})`).join(', ')}.`,
  );
  out.push(h('One meaning in every dialect'), ref.rules.map((r) => `- ${r}`).join('\n'));
  out.push(
    h('Functions'),
    `Each example reads a table of orders: ${ref.exampleColumns.map((c) => `\`${c.name}\` ${c.type}`).join(', ')}.`,
  );
  for (const kind of ['scalar', 'aggregate', 'window'] as const) {
    const allowed = ref.kinds.find((k) => k.kind === kind)!.allowed;
    out.push(
      `${kindTitle[kind]} (${allowed}):`,
      table(
        ['function', 'meaning', 'example'],
        ref.functions
          .filter((f) => f.kind === kind)
          .map((f) => [code(f.signature), cell(f.meaning), code(f.example)]),
      ),
    );
  }
  const partial = ref.functions.filter(
    (f) => f.unsupported.length || f.dialects.length < DIALECT_NAMES.length,
  );
  out.push(
    `Every function is available in ${DIALECT_NAMES.map(title).join(', ')}, except these uses, which are \`UNSUPPORTED\` ` +
      '(found by writing each example for each dialect):',
    partial.map((f) => `- \`${f.name}\`: ${unsupportedText(f)}`).join('\n'),
  );
  out.push(
    h('Dates'),
    `Units of ${ref.dateUnits.usedBy.map((n) => `\`${n}\``).join(', ')}: ${ref.dateUnits.units.map((u) => `\`${u}\``).join(' ')}.`,
    ref.dateUnits.notes.map((n) => `- ${n}`).join('\n'),
    table(
      ['extract(part from x)', 'value'],
      ref.dateParts.map((p) => [code(p.part), cell(p.meaning)]),
    ),
    `${ref.dateFormat}.`,
  );
  out.push(
    h('Regular expressions'),
    `\`regexp_like\`, \`regexp_replace\` and \`regexp_extract\` read one syntax, the part of RE2 that every warehouse can be made to read alike:`,
    ref.regex.syntax.map((x) => `- ${x}`).join('\n'),
    `${ref.regex.notSupported[0]!.toUpperCase()}${ref.regex.notSupported.slice(1)}.`,
    ref.regex.notes.join(' '),
    table(
      ['construct', 'example', 'UNSUPPORTED'],
      ref.regex.constructs.map((c) => [
        cell(c.construct),
        code(c.example),
        cell(unsupportedBy(c.unsupported) || 'available everywhere'),
      ]),
    ),
  );
  return out.join('\n\n');
}

/** The reference as a document of its own: MCP's edgeflow://expressions and describe_expressions. */
export function expressionsDocument(): string {
  return `# The edgeflow expression language\n\n${expressionReference().summary}\n\n${expressionsMarkdown(2)}\n`;
}
