import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, createCatalog } from '../index.js';
import { T } from '../schema/types.js';

const catalog = createCatalog([
  {
    parts: ['main', 'places'],
    columns: [
      { name: 'id', type: T.bigint },
      { name: 'kind', type: T.string },
      { name: 'geom', type: T.geography },
    ],
  },
]);
const src = { id: 'p', type: 'source.table', config: { table: 'main.places' } };

function codesOf(node: Record<string, unknown>, extra: Array<Record<string, unknown>> = []) {
  const a = analyzeWorkflow({ edgeflow: 1, name: 'k', nodes: [src, ...extra, node] }, { catalog });
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`);
}

describe('geography values are never keys (no portable equality)', () => {
  it.each([
    [
      {
        id: 'n',
        type: 'aggregate',
        inputs: { in: 'p' },
        config: { groupBy: ['geom'], measures: { n: 'count(*)' } },
      },
      'TYPE_MISMATCH $.nodes[1].config.groupBy',
    ],
    [
      { id: 'n', type: 'distinct', inputs: { in: 'p' }, config: { columns: ['geom'] } },
      'TYPE_MISMATCH $.nodes[1].config.columns',
    ],
    [
      { id: 'n', type: 'dedupe', inputs: { in: 'p' }, config: { key: ['geom'] } },
      'TYPE_MISMATCH $.nodes[1].config.key',
    ],
    [
      { id: 'n', type: 'top_n', inputs: { in: 'p' }, config: { groupBy: ['geom'], orderBy: ['id'], n: 1 } },
      'TYPE_MISMATCH $.nodes[1].config.groupBy',
    ],
    [
      {
        id: 'n',
        type: 'window',
        inputs: { in: 'p' },
        config: { partitionBy: ['geom'], orderBy: ['id'], columns: { r: 'row_number()' } },
      },
      'TYPE_MISMATCH $.nodes[1].config.partitionBy',
    ],
    [
      { id: 'n', type: 'union', inputs: { in: ['p', 'p'] }, config: { mode: 'distinct' } },
      'TYPE_MISMATCH $.nodes[1].config.mode',
    ],
  ])('%o', (node, expected) => {
    expect(codesOf(node)).toEqual([expected]);
  });

  it('still lets geography flow through where no key is needed', () => {
    expect(codesOf({ id: 'n', type: 'union', inputs: { in: ['p', 'p'] }, config: { mode: 'all' } })).toEqual(
      [],
    );
    expect(
      codesOf({
        id: 'n',
        type: 'aggregate',
        inputs: { in: 'p' },
        config: { groupBy: ['kind'], measures: { n: 'count(geom)' } },
      }),
    ).toEqual([]);
  });
});
