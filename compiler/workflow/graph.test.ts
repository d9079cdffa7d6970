import { describe, expect, it } from 'vitest';
import { analyzeWorkflow } from '../analyze.js';
import { createCatalog } from '../catalog.js';
import { COMPONENT_IDS, getComponent } from '../components/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { T } from '../schema/types.js';
import { buildGraph } from './graph.js';
import { parseWorkflow } from './parse.js';

type NodeDoc = { id: string; type: string; inputs?: Record<string, string | string[]>; config?: object };

const src = (id = 'orders'): NodeDoc => ({ id, type: 'source.table', config: { table: 'main.orders' } });
const filter = (id: string, input: string | string[]): NodeDoc => ({
  id,
  type: 'filter',
  inputs: { in: input },
  config: { where: 'amount > 0' },
});
const out = (id: string, input: string, table = `analytics.${id}`): NodeDoc => ({
  id,
  type: 'output.table',
  inputs: { in: input },
  config: { table },
});

/** The scale tests go past the default node limit on purpose. */
const maxNodes = 20_000;

function graphOf(nodes: NodeDoc[]) {
  const parsed = parseWorkflow({ edgeflow: 1, name: 'g', nodes }, { maxNodes });
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics));
  return buildGraph(parsed.workflow, getComponent, COMPONENT_IDS);
}

/** code, path, nodeId and message of each diagnostic: what a reader of the error sees. */
const brief = (ds: Diagnostic[]) =>
  ds.map((d) => ({ code: d.code, path: d.path, nodeId: d.nodeId, message: d.message }));

const catalog = createCatalog([
  {
    parts: ['main', 'orders'],
    columns: [
      { name: 'order_id', type: T.bigint },
      { name: 'amount', type: T.double },
    ],
  },
]);

describe('node ids', () => {
  it('a duplicate id is reported at the second node, naming the first', () => {
    const { diagnostics, graph } = graphOf([src(), src(), out('o', 'orders')]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'DUPLICATE_NODE_ID',
        path: '$.nodes[1].id',
        nodeId: 'orders',
        message: 'node id "orders" is used twice (first at $.nodes[0])',
        hint: 'give every node a unique id',
      },
    ]);
    expect(graph.nodes.get('orders')?.index).toBe(0);
  });

  it.each(['a b', 'a"b', "a'b", 'a;b', '1abc', 'a-b', 'é'])('%j is not a valid id', (id) => {
    const { diagnostics } = graphOf([src(id)]);
    expect(diagnostics[0]).toMatchObject({
      code: 'INVALID_NAME',
      path: '$.nodes[0].id',
      nodeId: id,
      message: `node id ${JSON.stringify(id)} is not valid`,
      hint: 'use letters, digits and _ , starting with a letter (it becomes a CTE name)',
    });
  });
});

describe('components', () => {
  it('an unknown component suggests the nearest one, and its readers are not analysed', () => {
    const { diagnostics, graph } = graphOf([
      src(),
      { id: 'a', type: 'filtr', inputs: { in: 'orders' }, config: {} },
      filter('b', 'a'),
      out('o', 'b'),
    ]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'UNKNOWN_COMPONENT',
        path: '$.nodes[1].type',
        nodeId: 'a',
        message: 'unknown component "filtr"',
        hint: 'did you mean "filter"?',
      },
    ]);
    expect(graph.order).toEqual(['orders']);
  });

  it('a name far from every component lists them; the workflow still has its node', () => {
    const { diagnostics } = graphOf([{ id: 'a', type: 'xyzzy' }]);
    expect(brief(diagnostics)).toEqual([
      {
        code: 'UNKNOWN_COMPONENT',
        path: '$.nodes[0].type',
        nodeId: 'a',
        message: 'unknown component "xyzzy"',
      },
      {
        code: 'NO_OUTPUT',
        path: '$.nodes',
        nodeId: undefined,
        message: expect.stringMatching(/has no output node/),
      },
    ]);
    expect(diagnostics[0]?.hint).toMatch(/^components: "source.table", "source.sql", "source.values"/);
  });
});

describe('inputs: references and ports', () => {
  it('a dangling reference suggests the nearest node id (never the node itself)', () => {
    const { diagnostics, graph } = graphOf([src(), filter('paid', 'ordrs'), out('o', 'paid')]);
    expect(diagnostics[0]).toEqual({
      severity: 'error',
      code: 'UNKNOWN_NODE',
      path: '$.nodes[1].inputs.in',
      nodeId: 'paid',
      message: 'input refers to node "ordrs", which does not exist',
      hint: 'did you mean "orders"?',
    });
    expect(graphOf([src(), filter('paid', 'pai'), out('o', 'paid')]).diagnostics[0]?.hint).toBe(
      'node ids: "orders", "o"',
    );
    expect(graphOf([src(), filter('paid', 'zzz')]).diagnostics[0]?.hint).toBe('node ids: "orders"');
    // The node with a broken input, and what reads it, are not analysed.
    expect(graph.order).toEqual(['orders']);
  });

  it('a reference inside a list port points at its position', () => {
    const { diagnostics } = graphOf([
      src(),
      { id: 'u', type: 'union', inputs: { in: ['orders', 'ordrs'] } },
      out('o', 'u'),
    ]);
    expect(brief(diagnostics)).toEqual([
      {
        code: 'UNKNOWN_NODE',
        path: '$.nodes[1].inputs.in[1]',
        nodeId: 'u',
        message: 'input refers to node "ordrs", which does not exist',
      },
    ]);
  });

  it('an unknown output port of the upstream node suggests the right one', () => {
    const { diagnostics } = graphOf([
      src(),
      filter('paid', 'orders'),
      filter('bad', 'paid.rejectd'),
      out('o', 'bad'),
    ]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'UNKNOWN_PORT',
        path: '$.nodes[2].inputs.in',
        nodeId: 'bad',
        message: 'node "paid" (filter) has no output port "rejectd"',
        hint: 'did you mean "rejected"?',
      },
    ]);
    const ok = graphOf([src(), filter('paid', 'orders'), filter('bad', 'paid.rejected'), out('o', 'bad')]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.graph.nodes.get('bad')?.inputs[0]).toMatchObject({ node: 'paid', outPort: 'rejected' });
  });

  it('an unknown input port suggests the right one, and the real port is then missing', () => {
    const { diagnostics } = graphOf([
      src(),
      { id: 'paid', type: 'filter', inputs: { inn: 'orders' }, config: { where: 'true' } },
      out('o', 'paid'),
    ]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'UNKNOWN_PORT',
        path: '$.nodes[1].inputs.inn',
        nodeId: 'paid',
        message: 'filter has no input port "inn"',
        hint: 'did you mean "in"?',
      },
      {
        severity: 'error',
        code: 'MISSING_INPUT',
        path: '$.nodes[1].inputs',
        nodeId: 'paid',
        message: 'input "in" of filter is not connected',
        hint: 'add "inputs": { "in": "orders" }',
      },
    ]);
  });

  it('a source takes no inputs; an output has nothing to read', () => {
    expect(graphOf([{ ...src(), inputs: { in: 'x' } }, out('o', 'orders')]).diagnostics[0]).toMatchObject({
      code: 'UNKNOWN_PORT',
      path: '$.nodes[0].inputs.in',
      message: 'source.table takes no inputs',
      hint: 'remove "inputs": a source reads from the warehouse',
    });
    expect(graphOf([src(), out('o', 'orders'), out('o2', 'o')]).diagnostics[0]).toMatchObject({
      code: 'UNKNOWN_PORT',
      path: '$.nodes[2].inputs.in',
      nodeId: 'o2',
      message: 'node "o" (output.table) has no outputs to read',
      hint: 'an output node ends a branch; read its input instead',
    });
  });

  it('missing inputs: a join side, an output with no input, an empty union', () => {
    const join = graphOf([
      src(),
      src('stores'),
      { id: 'j', type: 'join', inputs: { left: 'orders' }, config: { on: [{ left: 'a', right: 'a' }] } },
      out('o', 'j'),
    ]);
    expect(brief(join.diagnostics)).toEqual([
      {
        code: 'MISSING_INPUT',
        path: '$.nodes[2].inputs',
        nodeId: 'j',
        message: 'input "right" of join is not connected',
      },
      {
        code: 'UNUSED_NODE',
        path: '$.nodes[1]',
        nodeId: 'stores',
        message: 'node "stores" feeds no output (nothing reads it)',
      },
    ]);
    expect(join.diagnostics[0]?.hint).toBe('add "inputs": { "right": "stores" }');

    const output = graphOf([src(), { id: 'o', type: 'output.table', config: { table: 'a.b' } }]);
    expect(output.diagnostics[0]).toMatchObject({
      code: 'MISSING_INPUT',
      nodeId: 'o',
      message: 'input "in" of output.table is not connected',
      hint: 'add "inputs": { "in": "orders" }',
    });

    const union = graphOf([src(), { id: 'u', type: 'union', inputs: { in: [] } }, out('o', 'u')]);
    expect(union.diagnostics[0]).toMatchObject({
      code: 'MISSING_INPUT',
      path: '$.nodes[1].inputs.in',
      message: 'port "in" of union needs at least one input',
    });
    expect(union.graph.order).toEqual(['orders']);
  });

  it('a single-input port takes a one-item list but not two', () => {
    expect(graphOf([src(), filter('paid', ['orders']), out('o', 'paid')]).diagnostics).toEqual([]);
    const two = graphOf([src(), filter('paid', ['orders', 'orders']), out('o', 'paid')]);
    expect(two.diagnostics[0]).toEqual({
      severity: 'error',
      code: 'TOO_MANY_INPUTS',
      path: '$.nodes[1].inputs.in',
      nodeId: 'paid',
      message: 'port "in" of filter takes one input, got 2',
      hint: 'use a union node to combine several inputs',
    });
  });

  it('a node with a broken input is reported once, not again as an internal error', () => {
    for (const broken of [
      filter('paid', 'ordrs'),
      filter('paid', 'orders.nope'),
      { id: 'paid', type: 'filter', config: { where: 'true' } },
      filter('paid', 'paid'),
      filter('paid', ['orders', 'orders']),
    ]) {
      const a = analyzeWorkflow(
        { edgeflow: 1, name: 'g', nodes: [src(), broken, out('o', 'paid')] },
        { catalog },
      );
      const errors = a.diagnostics.filter((d) => d.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).not.toMatch(/internal/);
    }
  });
});

describe('cycles', () => {
  it('reports the path as the data flows, from the node written first', () => {
    const { diagnostics, graph } = graphOf([
      src(),
      filter('a', 'c'),
      filter('b', 'a'),
      filter('c', 'b'),
      out('o', 'c'),
    ]);
    expect(diagnostics.filter((d) => d.code === 'CYCLE')).toEqual([
      {
        severity: 'error',
        code: 'CYCLE',
        path: '$.nodes[1].inputs',
        nodeId: 'a',
        message: 'cycle: a → b → c → a',
        hint: 'a workflow is a DAG: remove one of these inputs',
      },
    ]);
    // Nothing in or after the cycle can be analysed.
    expect(graph.order).toEqual(['orders']);
  });

  it('the same cycle reads the same whichever node the search starts from', () => {
    const { diagnostics } = graphOf([filter('c', 'b'), filter('a', 'c'), filter('b', 'a')]);
    expect(diagnostics.find((d) => d.code === 'CYCLE')?.message).toBe('cycle: c → a → b → c');
  });

  it('two nodes reading each other, and a node reading itself', () => {
    expect(
      graphOf([src(), filter('a', 'b'), filter('b', 'a'), out('o', 'b')]).diagnostics.find(
        (d) => d.code === 'CYCLE',
      )?.message,
    ).toBe('cycle: a → b → a');
    expect(graphOf([src(), filter('a', 'a'), out('o', 'a')]).diagnostics[0]).toEqual({
      severity: 'error',
      code: 'CYCLE',
      path: '$.nodes[1].inputs.in',
      nodeId: 'a',
      message: 'cycle: a → a (node "a" reads its own output)',
      hint: 'a workflow is a DAG',
    });
  });

  it('a cycle through a join reports its path', () => {
    const { diagnostics } = graphOf([
      src(),
      { id: 'j', type: 'join', inputs: { left: 'orders', right: 'f' }, config: { kind: 'cross' } },
      filter('f', 'j'),
      out('o', 'f'),
    ]);
    expect(diagnostics.find((d) => d.code === 'CYCLE')?.message).toBe('cycle: j → f → j');
  });
});

describe('reachability warnings', () => {
  it('UNUSED_NODE for a node that feeds no output, saying when nothing reads it', () => {
    const { diagnostics } = graphOf([
      src(),
      filter('a', 'orders'),
      filter('b', 'orders'),
      filter('c', 'b'),
      out('o', 'a'),
    ]);
    expect(diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'UNUSED_NODE',
        path: '$.nodes[2]',
        nodeId: 'b',
        message: 'node "b" feeds no output',
        hint: 'connect it to an output.table, or remove it',
      },
      {
        severity: 'warning',
        code: 'UNUSED_NODE',
        path: '$.nodes[3]',
        nodeId: 'c',
        message: 'node "c" feeds no output (nothing reads it)',
        hint: 'connect it to an output.table, or remove it',
      },
    ]);
  });

  it('NO_OUTPUT (a warning: previews still work) when there is no output node', () => {
    expect(graphOf([src(), filter('a', 'orders')]).diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'NO_OUTPUT',
        path: '$.nodes',
        message: 'workflow "g" has no output node: it can be previewed but a run writes nothing',
        hint: 'add an output.table node to write a result',
      },
    ]);
  });

  it('no nodes at all is an error', () => {
    expect(graphOf([]).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'MISSING_FIELD',
        path: '$.nodes',
        message: 'the workflow has no nodes',
        hint: 'start with a source.table node',
      },
    ]);
  });
});

describe('order and scale', () => {
  it('orders nodes so that every node comes after its inputs, outputs listed in file order', () => {
    const { graph, diagnostics } = graphOf([
      out('o2', 'f2'),
      filter('f2', 'f1'),
      out('o1', 'f1'),
      filter('f1', 'orders'),
      src(),
    ]);
    expect(diagnostics).toEqual([]);
    expect(graph.order).toEqual(['orders', 'f1', 'f2', 'o2', 'o1']);
    expect(graph.outputs).toEqual(['o2', 'o1']);
    expect(graph.consumers.get('f1')?.map((c) => c.consumer)).toEqual(['f2', 'o1']);
    expect(graph.consumers.get('orders')?.map((c) => [c.consumer, c.port])).toEqual([['f1', 'in']]);
    // An output is read by nobody; an id that is not a node has no entry.
    expect(graph.consumers.get('o2')).toEqual([]);
    expect(graph.consumers.get('nope')).toBeUndefined();
  });

  const chain = (n: number, closeLoop = false): NodeDoc[] => [
    src('n0'),
    ...Array.from({ length: n - 2 }, (_, i) => filter(`n${i + 1}`, `n${i}`)),
    closeLoop ? filter(`n${n - 1}`, `n${n - 2}`) : out(`n${n - 1}`, `n${n - 2}`),
  ];

  it('a 10,000-node chain does not overflow the stack, and analyses in order', () => {
    const nodes = chain(10_000);
    const { graph, diagnostics } = graphOf(nodes);
    expect(diagnostics).toEqual([]);
    expect(graph.order).toHaveLength(10_000);
    expect(graph.order[0]).toBe('n0');
    expect(graph.order[9_999]).toBe('n9999');
    const a = analyzeWorkflow({ edgeflow: 1, name: 'g', nodes }, { catalog, maxNodes });
    expect(a.diagnostics).toEqual([]);
    expect(a.nodes.get('n9998')?.analysis?.outputs['out']?.columns.map((c) => c.name)).toEqual([
      'order_id',
      'amount',
    ]);
  });

  it('a 10,000-node cycle is one CYCLE error with the whole path', () => {
    const nodes = chain(10_000, true);
    nodes[0] = filter('n0', 'n9999');
    const { diagnostics, graph } = graphOf(nodes);
    const cycles = diagnostics.filter((d) => d.code === 'CYCLE');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message.startsWith('cycle: n0 → n1 → n2 → ')).toBe(true);
    expect(cycles[0]!.message.endsWith(' → n9998 → n9999 → n0')).toBe(true);
    expect(graph.order).toEqual([]);
  });

  it('10,000 nodes each missing their input are reported quickly', () => {
    const nodes = [src(), ...Array.from({ length: 10_000 }, (_, i) => ({ id: `f${i}`, type: 'filter' }))];
    const started = performance.now();
    const { diagnostics } = graphOf(nodes);
    expect(diagnostics.filter((d) => d.code === 'MISSING_INPUT')).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('the tool block', () => {
  function toolGraph(tool: object, params: object = { since: { type: 'date' } }, nodes?: NodeDoc[]) {
    const parsed = parseWorkflow({
      edgeflow: 1,
      name: 'g',
      params,
      nodes: nodes ?? [src(), filter('recent', 'orders'), out('saved', 'recent')],
      tool,
    });
    if (!parsed.workflow) return { diagnostics: parsed.diagnostics };
    return buildGraph(parsed.workflow, getComponent, COMPONENT_IDS);
  }

  it('is accepted when it names declared params and an existing node', () => {
    const { diagnostics } = toolGraph({
      name: 'recent_orders',
      description: 'd',
      params: ['since'],
      returns: 'recent',
    });
    expect(diagnostics).toEqual([]);
  });

  it('names an unknown param, an unknown node and an output node, with hints', () => {
    const { diagnostics } = toolGraph({ name: 'x', description: 'd', params: ['sinse'], returns: 'recnt' });
    expect(brief(diagnostics)).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_PARAM', path: '$.tool.params[0]' }),
      expect.objectContaining({ code: 'UNKNOWN_NODE', path: '$.tool.returns' }),
    ]);
    expect(diagnostics.map((d) => d.hint)).toEqual([
      expect.stringContaining('since'),
      expect.stringContaining('recent'),
    ]);
    const output = toolGraph({ name: 'x', description: 'd', returns: 'saved' });
    expect(output.diagnostics).toEqual([
      expect.objectContaining({
        code: 'INVALID_VALUE',
        path: '$.tool.returns',
        hint: expect.stringContaining('recent'),
      }),
    ]);
  });

  it('refuses a bad name, an unknown key and a row cap over 1000 at parse time', () => {
    const { diagnostics } = toolGraph({
      name: 'Bad-Name',
      description: 'd',
      returns: 'recent',
      maxRows: 5000,
      mod: 'sync',
    });
    expect(diagnostics.map((d) => d.path).sort()).toEqual(['$.tool.maxRows', '$.tool.mod', '$.tool.name']);
  });

  it("counts the tool's node as a use: no NO_OUTPUT or UNUSED_NODE warning for a tool-only workflow", () => {
    const { diagnostics } = toolGraph({ name: 'x', description: 'd', returns: 'recent' }, {}, [
      src(),
      filter('recent', 'orders'),
    ]);
    expect(diagnostics).toEqual([]);
    const unused = toolGraph({ name: 'x', description: 'd', returns: 'recent' }, {}, [
      src(),
      filter('recent', 'orders'),
      filter('other', 'orders'),
    ]);
    expect(brief(unused.diagnostics)).toEqual([
      expect.objectContaining({ code: 'UNUSED_NODE', nodeId: 'other' }),
    ]);
  });
});
