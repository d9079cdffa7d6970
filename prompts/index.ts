/**
 * Prompt templates (markdown, in this folder) with named `{{variables}}`, and their typed loader.
 * A template may use only the variables its entry below declares: `loadTemplate` refuses one that
 * uses another (a test loads every template), and `renderPrompt` wants every declared variable.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROMPT_TEMPLATES = {
  'mcp/build_workflow': ['request', 'connection'],
  'mcp/explain_workflow': ['name', 'document', 'diagram'],
  'mcp/debug_run': ['run_id', 'run'],
  'assistant/system': ['connection', 'dialect', 'components', 'tables'],
  'assistant/repair': ['round', 'max_rounds', 'diagnostics'],
  'assistant/nudge': ['problem'],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPT_TEMPLATES;
export type PromptVariables<N extends PromptName> = Record<(typeof PROMPT_TEMPLATES)[N][number], string>;

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export class PromptTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptTemplateError';
  }
}

/** The variables a template text uses, in order of first use. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** Fills `{{name}}` with its value; a variable the template uses but `vars` lacks is an error. */
export function renderTemplate(
  text: string,
  vars: Readonly<Record<string, string>>,
  what = 'template',
): string {
  return text.replace(VARIABLE, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new PromptTemplateError(`${what} uses {{${name}}}, which it was not given`);
    return v;
  });
}

/** Checks a template's text against its declared variables: unknown ones are errors. */
export function checkTemplate(text: string, declared: readonly string[], what = 'template'): void {
  const unknown = templateVariables(text).filter((v) => !declared.includes(v));
  if (unknown.length > 0)
    throw new PromptTemplateError(
      `${what} uses unknown variable(s) ${unknown.map((v) => `{{${v}}}`).join(', ')}; declared: ${declared.join(', ') || 'none'}`,
    );
}

let dir: string | undefined;

/**
 * This folder, found by walking up from this module: the same answer from the sources and from
 * the bundle in dist/ (whose chunks sit elsewhere).
 */
function promptsDir(): string {
  if (dir) return dir;
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [d, path.join(d, 'prompts')])
      if (existsSync(path.join(candidate, 'mcp', 'build_workflow.md'))) return (dir = candidate);
    const up = path.dirname(d);
    if (up === d) throw new PromptTemplateError('cannot find the prompts/ folder of the edgeflow package');
    d = up;
  }
}

const cache = new Map<string, string>();

/** A template's text, checked against its declared variables. */
export function loadTemplate(name: PromptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(promptsDir(), `${name}.md`), 'utf8');
    checkTemplate(text, PROMPT_TEMPLATES[name], `prompt ${name}`);
    cache.set(name, text);
  }
  return text;
}

export function renderPrompt<N extends PromptName>(name: N, vars: PromptVariables<N>): string {
  return renderTemplate(loadTemplate(name), vars, `prompt ${name}`);
}

const VERSION_HEADER = /^<!--.*\bversion:\s*([^\s,]+).*-->/;

/**
 * A template's version as a report names it: `name@v<header version>-<hash of the text>`, so an
 * edit shows up even when the header was not bumped.
 */
export function promptVersion(name: PromptName): string {
  const text = loadTemplate(name);
  const declared = VERSION_HEADER.exec(text)?.[1] ?? '0';
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${name}@v${declared}-${hash}`;
}
