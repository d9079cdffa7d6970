import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  loadTemplate,
  PROMPT_TEMPLATES,
  PromptTemplateError,
  promptVersion,
  renderPrompt,
  renderTemplate,
  templateVariables,
  type PromptName,
} from './index.js';

describe('prompt templates', () => {
  it('every template on disk is declared, and uses exactly its declared variables', () => {
    const onDisk = ['mcp', 'assistant']
      .flatMap((dir) =>
        readdirSync(path.join(import.meta.dirname, dir))
          .filter((f) => f.endsWith('.md'))
          .map((f) => `${dir}/${f.slice(0, -3)}`),
      )
      .sort();
    expect(onDisk).toEqual(Object.keys(PROMPT_TEMPLATES).sort());
    for (const name of Object.keys(PROMPT_TEMPLATES) as PromptName[]) {
      const text = loadTemplate(name);
      expect(templateVariables(text).sort(), name).toEqual([...PROMPT_TEMPLATES[name]].sort());
    }
  });

  it('a template that uses an unknown variable fails', () => {
    expect(() => checkTemplate('Explain {{name}} for {{audience}}', ['name'], 't')).toThrow(
      /t uses unknown variable\(s\) \{\{audience\}\}/,
    );
    expect(() => checkTemplate('Explain {{ name }}', ['name'])).not.toThrow();
  });

  it('renders every variable, and refuses a missing one', () => {
    const text = renderPrompt('mcp/debug_run', { run_id: 'r_1', run: '{"status":"failed"}' });
    expect(text).toContain('run r_1');
    expect(text).toContain('{"status":"failed"}');
    expect(text).not.toMatch(/\{\{/);
    expect(() => renderTemplate('Hi {{who}}', {})).toThrow(PromptTemplateError);
  });

  it('names a version: the header version and a hash of the text', () => {
    expect(promptVersion('assistant/system')).toMatch(/^assistant\/system@v1-[0-9a-f]{8}$/);
    expect(promptVersion('assistant/repair')).toMatch(/^assistant\/repair@v1-[0-9a-f]{8}$/);
  });

  it('a value is inserted as is, never re-expanded', () => {
    expect(renderTemplate('{{a}}|{{b}}', { a: '{{b}}', b: 'x' })).toBe('{{b}}|x');
  });
});
