import { describe, expect, it } from 'vitest';
import { mermaidDiagram, mermaidText } from './diagram.js';

describe('mermaidDiagram', () => {
  it('draws nodes with their type, and edges labelled only with non-default ports', () => {
    const text = mermaidDiagram({
      nodes: [
        { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
        { id: 'stores', type: 'source.table' },
        { id: 'paid', type: 'filter', inputs: { in: 'orders' } },
        { id: 'j', type: 'join', inputs: { left: 'paid.rejected', right: 'stores' } },
        { id: 'u', type: 'union', inputs: { in: ['paid', 'orders'] } },
        { id: 'end', type: 'output.table', inputs: { in: 'j' } },
      ],
    });
    expect(text).toBe(
      [
        'flowchart LR',
        '  n_orders(["orders: source.table"])',
        '  n_stores(["stores: source.table"])',
        '  n_paid["paid: filter"]',
        '  n_j["j: join"]',
        '  n_u["u: union"]',
        '  n_end[("end: output.table")]',
        '  n_orders --> n_paid',
        '  n_paid -->|"rejected → left"| n_j',
        '  n_stores -->|"right"| n_j',
        '  n_paid --> n_u',
        '  n_orders --> n_u',
        '  n_j --> n_end',
        '',
      ].join('\n'),
    );
  });

  it('escapes what would break a label, and skips edges to unknown nodes', () => {
    expect(mermaidText('a "quoted" <b>|x|</b> #1\nnext')).toBe(
      'a #34;quoted#34; #60;b#62;#124;x#124;#60;/b#62; #35;1 next',
    );
    const text = mermaidDiagram({
      nodes: [{ id: 'x', type: 'filter"]; click x call alert(1) %%', inputs: { in: 'ghost' } }],
    });
    expect(text).toBe('flowchart LR\n  n_x["x: filter#34;#93;#59; click x call alert#40;1#41; %%"]\n');
  });
});
