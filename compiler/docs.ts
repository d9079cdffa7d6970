/**
 * Documentation generated from the component and function definitions themselves: the CLI's
 * `edgeflow components`, the README's reference and (later) MCP's describe_component all read
 * this, so the docs cannot drift from the code.
 */
import { z } from 'zod';
import { analyzeWorkflow } from './analyze.js';
import { COMPONENTS } from './components/index.js';
import type { ComponentDefinition } from './components/component.js';
import { EXAMPLE_CATALOG, exampleWorkflow } from './components/examples.js';
import { DIALECT_NAMES, getDialect, type DialectName } from './dialects/index.js';
import { FUNCTIONS } from './expr/functions.js';

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
}

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
  return {
    id: def.id,
    category: def.category,
    summary: def.summary,
    description: def.description,
    inputs: def.inputs.map((p) => ({ name: p.name, description: p.description, many: !!p.many })),
    outputs: def.outputs.map((p) => ({ name: p.name, description: p.description })),
    configSchema: z.toJSONSchema(def.config as z.ZodType, { io: 'input', unrepresentable: 'any' }),
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
    lines.push('', `Example — ${d.example.title}:`, '', '```json', JSON.stringify(d.example.node), '```');
  }
  return lines.join('\n');
}

export function functionsMarkdown(): string {
  const groups: Record<string, string[]> = { scalar: [], aggregate: [], window: [] };
  for (const f of FUNCTIONS.values()) groups[f.kind]!.push(`| \`${f.signature}\` | ${f.doc} |`);
  const table = (rows: string[]) => ['| function | meaning |', '|---|---|', ...rows].join('\n');
  return [
    `Scalar functions:\n\n${table(groups['scalar']!)}`,
    `Aggregates (in aggregate measures and window columns):\n\n${table(groups['aggregate']!)}`,
    `Window functions (in window columns):\n\n${table(groups['window']!)}`,
  ].join('\n\n');
}
