/**
 * Regenerates the README sections generated from code (component reference, the expression
 * language with every function, the MCP tool list).
 * `npm run docs` writes them; test/readme.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { componentsMarkdown, expressionsMarkdown } from '../compiler/docs.js';
import { toolsMarkdown } from '../mcp/docs.js';

export const README = path.join(import.meta.dirname, '..', 'README.md');

const SECTIONS: Record<string, () => string> = {
  components: componentsMarkdown,
  expressions: () => expressionsMarkdown(3),
  'mcp-tools': toolsMarkdown,
};

export function renderReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- generated:${name} begin (npm run docs) -->`;
    const end = `<!-- generated:${name} end -->`;
    const a = out.indexOf(begin);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md lacks the markers for ${name}`);
    out = `${out.slice(0, a + begin.length)}\n${render()}\n${out.slice(b)}`;
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
  console.log('README.md regenerated');
}
