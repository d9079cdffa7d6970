import { describe, expect, it } from 'vitest';
import { coerceParamText, jsonErrorOffset, parseWorkflow, spanAt } from './parse.js';
import type { Diagnostic } from '../diagnostics.js';

const source = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
const doc = (extra: Record<string, unknown> = {}) => ({ edgeflow: 1, name: 'w', nodes: [source], ...extra });

const JSON_TEXT = `{
  "edgeflow": 1,
  "name": "store_revenue",
  "params": { "min_amount": { "type": "number", "default": 0 } },
  "nodes": [
    { "id": "orders", "type": "source.table", "config": { "table": "main.orders" } },
    { "id": "paid", "type": "filter", "inputs": { "in": "orders" }, "config": { "where": "amount >= :min_amount" } }
  ]
}`;

const YAML_TEXT = `edgeflow: 1
name: store_revenue
params:
  min_amount: { type: number, default: 0 }
nodes:
  - id: orders
    type: source.table
    config: { table: main.orders }
  - id: paid
    type: filter
    inputs: { in: orders }
    config:
      where: "amount >= :min_amount"
`;

/** The only diagnostic of a parse (fails when there are none or several). */
function only(input: unknown): Diagnostic {
  const r = parseWorkflow(input);
  expect(r.diagnostics).toHaveLength(1);
  return r.diagnostics[0]!;
}

describe('parseWorkflow: JSON and YAML', () => {
  it('reads JSON and YAML into the same workflow, with defaults applied', () => {
    const fromJson = parseWorkflow(JSON_TEXT);
    const fromYaml = parseWorkflow(YAML_TEXT);
    expect(fromJson.diagnostics).toEqual([]);
    expect(fromYaml.diagnostics).toEqual([]);
    expect(fromYaml.workflow).toEqual(fromJson.workflow);
    expect(fromJson.workflow).toMatchObject({ name: 'store_revenue', connection: 'local' });
    expect(parseWorkflow(doc()).workflow?.params).toEqual({});
  });

  it('takes an already-parsed object, and honours a forced format', () => {
    expect(parseWorkflow(JSON.parse(JSON_TEXT)).workflow?.nodes).toHaveLength(2);
    expect(parseWorkflow('edgeflow: 1\nname: w\nnodes: []', { format: 'json' }).diagnostics[0]).toMatchObject(
      {
        code: 'SYNTAX_ERROR',
        message: expect.stringMatching(/^the workflow is not valid JSON/),
      },
    );
  });
});

describe('JSON text takes a fast check of its nodes: the same answer as the schema', () => {
  // JSON text without __proto__ is checked node by node by hand (parse.ts parsePlainDocument);
  // an object goes through zod. If nodeSchema changes and the hand check does not, these differ.
  const node = (extra: Record<string, unknown>) => ({ id: 'f', type: 'filter', ...extra });
  const variants: Array<[string, unknown]> = [
    ['a plain node', node({ inputs: { in: 'o' }, config: { where: 'x > 1' }, description: 'd' })],
    ['a list input', node({ inputs: { in: ['o', 'o.rejected'] } })],
    ['an id of 64 characters', node({ id: 'a'.repeat(64) })],
    ['an id of 65 characters', node({ id: 'a'.repeat(65) })],
    ['an empty id', node({ id: '' })],
    ['an empty type', node({ type: '' })],
    ['a numeric id', node({ id: 7 })],
    ['an unknown key', node({ colour: 'red' })],
    ['an empty input reference', node({ inputs: { in: '' } })],
    ['an input list with a number', node({ inputs: { in: ['o', 3] } })],
    ['inputs as a list', node({ inputs: ['o'] })],
    ['config as a list', node({ config: [1] })],
    ['config null', node({ config: null })],
    ['a numeric description', node({ description: 1 })],
    ['a node that is a string', 'f'],
    ['a node that is null', null],
  ];
  it.each(variants)('%s', (_what, n) => {
    const d = {
      edgeflow: 1,
      name: 'w',
      nodes: [{ id: 'o', type: 'source.table', config: { table: 't' } }, n],
    };
    const fromText = parseWorkflow(JSON.stringify(d));
    const fromObject = parseWorkflow(d);
    expect(fromText.workflow).toEqual(fromObject.workflow);
    const plain = (r: typeof fromText) => r.diagnostics.map((x) => [x.code, x.path, x.message]);
    expect(plain(fromText)).toEqual(plain(fromObject));
  });

  it('gives the keys of a node in the schema’s order, however the text orders them', () => {
    const n = { description: 'd', config: { where: 'x > 1' }, inputs: { in: 'o' }, type: 'filter', id: 'f' };
    const d = {
      edgeflow: 1,
      name: 'w',
      nodes: [{ id: 'o', type: 'source.table', config: { table: 't' } }, n],
    };
    const keys = (r: ReturnType<typeof parseWorkflow>) => r.workflow?.nodes.map((x) => Object.keys(x));
    expect(keys(parseWorkflow(JSON.stringify(d)))).toEqual(keys(parseWorkflow(d)));
    expect(keys(parseWorkflow(JSON.stringify(d)))?.[1]).toEqual([
      'id',
      'type',
      'inputs',
      'config',
      'description',
    ]);
  });
});

describe('syntax errors carry line and column', () => {
  it.each([
    // V8 names the position itself for these…
    ['{"edgeflow": 1,\n "name": "w"\n "nodes": []}', 3, 2],
    ['{"edgeflow": 1,', 1, 16],
    ['{"a": "x\ny"}', 1, 9],
    // …and not for these: the scanner finds it.
    ['{"edgeflow": 1, "name": "w", "nodes": [}', 1, 40],
    ['{\n  "edgeflow": 1,\n  "name": \'w\'\n}', 3, 11],
    ['{\n  "a": tru\n}', 2, 8],
    ['[1,]', 1, 4],
    ['{"a": 1}}', 1, 9],
    ['{"a": 01}', 1, 8],
    ['{"a": "\\x"}', 1, 9],
  ])('JSON %j → line %i, column %i', (text, line, column) => {
    const d = only(text);
    expect(d).toMatchObject({ code: 'SYNTAX_ERROR', severity: 'error', path: '$' });
    expect(d.message).toMatch(/^the workflow is not valid JSON: /);
    expect(d.hint).toBe('check for a missing comma or quote near the position shown; YAML is accepted too');
    expect(d.span).toMatchObject({ line, column });
  });

  it.each([
    ['edgeflow: 1\nname: "w\nnodes: []', 'Missing closing "quote', 3, 10],
    ['edgeflow: 1\nedgeflow: 2\nname: w\nnodes: []', 'Map keys must be unique', 2, 1],
    ['edgeflow: 1\nname: w\nnodes:\n  - id: a\n   type: x\n', 'Sequence item without - indicator', 5, 1],
  ])('YAML %j → %s at line %i, column %i', (text, reason, line, column) => {
    const d = only(text);
    expect(d).toMatchObject({ code: 'SYNTAX_ERROR', path: '$' });
    expect(d.message).toBe(`the workflow is not valid YAML: ${reason}`);
    expect(d.hint).toBe('check the indentation and quoting near the line shown');
    expect(d.span).toMatchObject({ line, column });
  });

  it('absurdly nested YAML is a syntax error, not a crash', () => {
    const d = only(`a: ${'['.repeat(50_000)}`);
    expect(d).toMatchObject({
      code: 'SYNTAX_ERROR',
      message: 'the workflow is not valid YAML: it is nested too deeply',
    });
  });

  it('YAML aliases that expand without bound are a syntax error, not a crash', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    const r = parseWorkflow(`edgeflow: 1\nname: laughs\nnodes: []\n${lines.join('\n')}\n`);
    expect(r.workflow).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'SYNTAX_ERROR',
        message: expect.stringContaining('cannot be expanded'),
      }),
    ]);
  });

  it('jsonErrorOffset finds the first error of any malformed JSON, and none in valid JSON', () => {
    expect(jsonErrorOffset(JSON_TEXT)).toBe(-1);
    expect(jsonErrorOffset('  [1, -2.5e3, "a\\u00e9\\n", true, false, null, {}, []]  ')).toBe(-1);
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('{"a": [1 2]}')).toBe(9);
    expect(jsonErrorOffset('{"a": -}')).toBe(6);
    expect(jsonErrorOffset('{"a": "\\u12"}')).toBe(7);
    expect(jsonErrorOffset('{"a": "open')).toBe(11);
    expect(jsonErrorOffset('{1: 2}')).toBe(1);
  });

  it('spanAt counts lines and columns from 1', () => {
    expect(spanAt('ab\ncd\nef', 7)).toEqual({ start: 7, end: 8, line: 3, column: 2 });
    expect(spanAt('abc', 0, 3)).toEqual({ start: 0, end: 3, line: 1, column: 1 });
  });
});

describe('the document shape', () => {
  it.each([null, 42, 'null', '"text"', '- a\n- b', [], '', '   '])('%j is not a workflow', (input) => {
    expect(only(input)).toEqual({
      code: 'INVALID_VALUE',
      severity: 'error',
      path: '$',
      message: 'a workflow is an object with "edgeflow", "name" and "nodes"',
      hint: 'see the workflow format in the README',
    });
  });

  it('a cyclic object is reported, not walked forever', () => {
    const cyclic: Record<string, unknown> = doc();
    cyclic['extra'] = cyclic;
    expect(parseWorkflow(cyclic).diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['UNKNOWN_KEY', '$.extra'],
    ]);
  });

  it('reports every missing field at once', () => {
    expect(parseWorkflow({}).diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      ['MISSING_FIELD', '$.edgeflow', 'missing required field "edgeflow"'],
      ['MISSING_FIELD', '$.name', 'missing required field "name"'],
      ['MISSING_FIELD', '$.nodes', 'missing required field "nodes"'],
    ]);
  });

  it('checks the workflow name with an example of a valid one', () => {
    expect(only(doc({ name: 'Store Revenue!' }))).toMatchObject({
      code: 'INVALID_VALUE',
      path: '$.name',
      message: 'a workflow name is lower-case letters, digits and _ and starts with a letter',
      hint: 'for example "store_revenue_"',
    });
    expect(only(doc({ name: 5 }))).toMatchObject({ path: '$.name', message: 'expected text, got number 5' });
  });

  it('reports wrong value types with what was expected and what was found', () => {
    expect(only(doc({ nodes: 'x' }))).toMatchObject({
      code: 'INVALID_VALUE',
      path: '$.nodes',
      message: 'expected a list, got the text "x"',
    });
    expect(only(doc({ nodes: [null] }))).toMatchObject({
      path: '$.nodes[0]',
      message: 'expected an object, got null',
    });
    expect(only(doc({ nodes: [{ ...source, inputs: { in: 5 } }] }))).toMatchObject({
      path: '$.nodes[0].inputs.in',
      nodeId: 'orders',
      message: 'number 5 does not fit any accepted shape',
      hint: 'expected text or a list',
    });
    expect(only(doc({ nodes: [{ ...source, id: '' }] }))).toMatchObject({
      path: '$.nodes[0].id',
      message: 'must have at least 1 characters',
    });
  });
});

describe('unknown keys, with the nearest valid name', () => {
  it.each([
    [
      doc({ nodez: [] }),
      '$.nodez',
      'unknown key "nodez" in the workflow',
      'did you mean "nodes"?',
      undefined,
    ],
    [
      doc({ nodes: [{ ...source, confg: {} }] }),
      '$.nodes[0].confg',
      'unknown key "confg"',
      'did you mean "config"?',
      'orders',
    ],
    [
      doc({ nodes: [{ ...source, input: {} }] }),
      '$.nodes[0].input',
      'unknown key "input"',
      'did you mean "inputs"?',
      'orders',
    ],
    [
      doc({ params: { p: { type: 'number', dfault: 1 } } }),
      '$.params.p.dfault',
      'unknown key "dfault"',
      'did you mean "default"?',
      undefined,
    ],
    [
      doc({ schedule: { cron: '0 6 * * *', timezon: 'UTC' } }),
      '$.schedule.timezon',
      'unknown key "timezon"',
      'did you mean "timezone"?',
      undefined,
    ],
    [
      doc({ 'odd key': 1 }),
      '$["odd key"]',
      'unknown key "odd key" in the workflow',
      /^valid keys: "edgeflow", "name"/,
      undefined,
    ],
  ])('%#: %s', (input, path, message, hint, nodeId) => {
    const d = only(input);
    expect(d).toMatchObject({ code: 'UNKNOWN_KEY', severity: 'error', path, message });
    expect(d.hint).toEqual(typeof hint === 'string' ? hint : expect.stringMatching(hint));
    expect(d.nodeId).toBe(nodeId);
  });

  it('an unknown value of an enum suggests the nearest allowed value', () => {
    expect(only(doc({ params: { p: { type: 'numbr' } } }))).toMatchObject({
      code: 'INVALID_VALUE',
      path: '$.params.p.type',
      message: 'the text "numbr" is not allowed here',
      hint: 'did you mean "number"?',
    });
    expect(only(doc({ schedule: { cron: '* * * * *', catchup: 'everything' } })).hint).toBe(
      'allowed values: "none", "latest", "all"',
    );
  });

  it('"__proto__" is reported wherever it is, not silently dropped', () => {
    const r = parseWorkflow(
      '{"edgeflow": 1, "name": "w", "params": {"__proto__": {"type": "number"}},' +
        ' "nodes": [{"id": "a", "type": "filter", "config": {"where": "true", "__proto__": {}}}]}',
    );
    expect(r.workflow).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.path, d.nodeId])).toEqual([
      ['UNKNOWN_KEY', '$.nodes[0].config.__proto__', 'a'],
      ['UNKNOWN_KEY', '$.params.__proto__', undefined],
    ]);
    expect(r.diagnostics[0]).toMatchObject({
      message: 'the key "__proto__" is not allowed',
      hint: 'remove it: "__proto__" cannot be used as a name',
    });
    // Other Object.prototype names are ordinary names.
    expect(parseWorkflow(doc({ params: { constructor: { type: 'number' } } })).diagnostics).toEqual([]);
  });

  it('a JSON "__proto__" key spelled with escapes is reported too', () => {
    const r = parseWorkflow(
      '{"edgeflow": 1, "name": "w", "nodes": [], "params": {"\\u005f_proto__": {"type": "number"}}}',
    );
    expect(r.diagnostics.map((d) => d.path)).toEqual(['$.params.__proto__']);
  });

  it('a YAML "__proto__" key is reported too', () => {
    const r = parseWorkflow('edgeflow: 1\nname: w\nnodes: []\nparams:\n  __proto__: { type: number }\n');
    expect(r.diagnostics.map((d) => d.path)).toEqual(['$.params.__proto__']);
  });
});

describe('format version', () => {
  it.each([2, 0, '1', null, 1.5])('%j is refused with the version this edgeflow reads', (version) => {
    expect(only(doc({ edgeflow: version }))).toEqual({
      code: 'UNSUPPORTED_VERSION',
      severity: 'error',
      path: '$.edgeflow',
      message: `format version ${JSON.stringify(version)} is not supported`,
      hint: 'this edgeflow reads format version 1: write "edgeflow": 1',
    });
  });

  it('a missing version is a missing field', () => {
    const { edgeflow: _, ...rest } = doc();
    expect(only(rest)).toMatchObject({ code: 'MISSING_FIELD', path: '$.edgeflow' });
  });
});

describe('params', () => {
  it.each([
    ['number', 1.5],
    ['integer', -3],
    ['string', 'x'],
    ['boolean', false],
    ['date', '2024-02-29'],
    ['timestamp', '2024-01-31 10:00:00'],
    ['timestamp', '2024-01-31T10:00'],
    ['number', null],
  ])('a %s default of %j fits', (type, value) => {
    expect(parseWorkflow(doc({ params: { p: { type, default: value } } })).diagnostics).toEqual([]);
  });

  it.each([
    ['number', 'x', 'must be a number, got "x"'],
    ['integer', 1.5, 'must be an integer, got 1.5'],
    ['integer', 2 ** 60, `must be an integer, got ${2 ** 60}`],
    ['string', 5, 'must be text, got 5'],
    ['string', 'a\u0000b', 'must not contain the NUL character'],
    ['boolean', 'true', 'must be true or false, got "true"'],
    ['date', '2024-02-30', `must be a date 'YYYY-MM-DD', got "2024-02-30"`],
    ['date', '31/01/2024', `must be a date 'YYYY-MM-DD', got "31/01/2024"`],
    [
      'timestamp',
      '2024-01-31 24:00:00',
      `must be a timestamp 'YYYY-MM-DD HH:MM:SS', got "2024-01-31 24:00:00"`,
    ],
  ])('a %s default of %j is INVALID_PARAM: %s', (type, value, problem) => {
    const r = parseWorkflow(doc({ params: { p: { type, default: value } } }));
    // The workflow is still returned: a bad default only matters when the param is used without a value.
    expect(r.workflow).toBeDefined();
    expect(r.diagnostics).toEqual([
      {
        code: 'INVALID_PARAM',
        severity: 'error',
        path: '$.params.p.default',
        message: `default of :p ${problem}`,
      },
    ]);
  });

  it('a default that is not a JSON scalar says what is accepted', () => {
    expect(only(doc({ params: { p: { type: 'string', default: { a: 1 } } } }))).toMatchObject({
      code: 'INVALID_VALUE',
      path: '$.params.p.default',
      message: 'an object does not fit any accepted shape',
      hint: 'expected text, a number, true or false, or null',
    });
  });

  it('param names must be usable as :name', () => {
    expect(parseWorkflow(doc({ params: { 'min amount': { type: 'number' } } })).diagnostics).toEqual([
      {
        code: 'INVALID_NAME',
        severity: 'error',
        path: '$.params["min amount"]',
        message: 'parameter name "min amount" is not valid',
        hint: 'use letters, digits and _ (referenced as :name)',
      },
    ]);
  });

  it('coerceParamText converts command-line text to the param type', () => {
    expect(coerceParamText('number', '2.5')).toBe(2.5);
    expect(coerceParamText('integer', ' ')).toBe(' ');
    expect(coerceParamText('boolean', 'true')).toBe(true);
    expect(coerceParamText('boolean', 'yes')).toBe('yes');
    expect(coerceParamText('date', '2024-01-31')).toBe('2024-01-31');
  });
});

describe('the node limit', () => {
  const nodes = (n: number, node: (i: number) => unknown = () => source) =>
    Array.from({ length: n }, (_, i) => node(i));

  it('refuses more nodes than the limit before the shape is checked: one TOO_MANY_NODES, nothing else', () => {
    // Every node is malformed too, and a __proto__ key is there: none of it is reported.
    const bad = JSON.parse(`{"__proto__": 1}`) as object;
    const r = parseWorkflow(
      { ...doc({ nodes: nodes(11, () => ({ ...bad, wat: 1 })) }), extra: 1 },
      { maxNodes: 10 },
    );
    expect(r.workflow).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        code: 'TOO_MANY_NODES',
        severity: 'error',
        path: '$.nodes',
        message: 'the workflow has 11 nodes; at most 10 are allowed, so it was not analysed',
        hint: expect.stringContaining('limits.maxNodes') as string,
      },
    ]);
  });

  it('takes exactly the limit, defaults to 2,000, and applies to text as to objects', () => {
    const ids = (i: number) => ({ ...source, id: `n${i}` });
    expect(parseWorkflow(doc({ nodes: nodes(10, ids) }), { maxNodes: 10 }).workflow).toBeDefined();
    expect(parseWorkflow(doc({ nodes: nodes(2_000, ids) })).workflow?.nodes).toHaveLength(2_000);
    expect(parseWorkflow(doc({ nodes: nodes(2_001, ids) })).diagnostics.map((d) => d.code)).toEqual([
      'TOO_MANY_NODES',
    ]);
    const text = JSON.stringify(doc({ nodes: nodes(3, ids) }));
    expect(parseWorkflow(text, { maxNodes: 2 }).diagnostics.map((d) => d.code)).toEqual(['TOO_MANY_NODES']);
    // nodes that are not a list are the shape check's to report.
    expect(parseWorkflow(doc({ nodes: { a: 1 } }), { maxNodes: 0 }).diagnostics[0]?.code).not.toBe(
      'TOO_MANY_NODES',
    );
  });
});
