import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, renderReadme } from '../tools/docs.js';

describe('README', () => {
  it('has its generated reference sections up to date (run `npm run docs`)', () => {
    const text = readFileSync(README, 'utf8');
    expect(renderReadme(text)).toBe(text);
  });
  it('keeps the two quick-start commands', () => {
    const text = readFileSync(README, 'utf8');
    expect(text).toContain('npm install && npm start');
    expect(text).toContain('npm test');
  });
});
