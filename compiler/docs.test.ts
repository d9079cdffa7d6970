import { describe, expect, it } from 'vitest';
import { describeComponents, expressionReference, expressionsMarkdown } from './docs.js';

const docs = new Map(describeComponents().map((d) => [d.id, d]));
const fields = (id: string) => docs.get(id)?.expressions?.fields;

describe('component docs: expression fields', () => {
  it('name every config field written in the expression language, with the functions it accepts', () => {
    const scalar = ['scalar'];
    expect(fields('filter')).toEqual([{ path: 'where', functions: scalar }]);
    expect(fields('select')).toEqual([{ path: 'columns[].expr', functions: scalar }]);
    expect(fields('compute')).toEqual([{ path: 'columns.<name>', functions: scalar }]);
    expect(fields('aggregate')).toEqual([{ path: 'measures.<name>', functions: ['scalar', 'aggregate'] }]);
    expect(fields('window')).toEqual([
      { path: 'orderBy[]', functions: scalar },
      { path: 'orderBy[].expr', functions: scalar },
      { path: 'columns.<name>', functions: ['scalar', 'aggregate', 'window'] },
    ]);
    expect(fields('join')).toEqual([
      { path: 'condition', functions: scalar },
      { path: 'select[].expr', functions: scalar },
    ]);
    for (const id of ['sort', 'dedupe', 'top_n'])
      expect(fields(id)!.map((f) => f.path)).toEqual([
        `${id === 'sort' ? 'by' : 'orderBy'}[]`,
        `${id === 'sort' ? 'by' : 'orderBy'}[].expr`,
      ]);
    for (const id of ['source.table', 'source.sql', 'limit', 'rename', 'union', 'output.table'])
      expect(docs.get(id)!.expressions, id).toBeUndefined();
  });

  it('point at the language wherever it can be read', () => {
    expect(docs.get('filter')!.expressions!.reference).toEqual({
      mcpResource: 'edgeflow://expressions',
      mcpTool: 'describe_expressions',
      readme: 'README "Portable expressions"',
    });
    // The field itself carries the marker in the JSON Schema an agent reads.
    expect(JSON.stringify(docs.get('aggregate')!.configSchema)).toContain(
      '"x-edgeflow-expression":["scalar","aggregate"]',
    );
  });
});

describe('the expression reference', () => {
  it('adds where expressions go to the language', () => {
    const ref = expressionReference();
    expect(ref.usedIn).toContainEqual({ component: 'filter', path: 'where', functions: ['scalar'] });
    expect(ref.functions.length).toBeGreaterThan(60);
  });

  it('renders as markdown at either heading depth, with every signature (| escaped in tables)', () => {
    const md = expressionsMarkdown(2);
    expect(md).toMatch(/^## Where expressions go/);
    expect(expressionsMarkdown(3)).toMatch(/^### Where expressions go/);
    for (const f of expressionReference().functions)
      expect(md, f.name).toContain(`\`${f.signature.replace(/\|/g, '\\|')}\``);
    expect(md).toContain('| `window` | `columns.<name>` | scalar, aggregate and window functions |');
  });
});
