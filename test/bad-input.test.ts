/**
 * Bad input, table-driven: each row is a malformed workflow or expression and the one precise
 * diagnostic it must produce (code, JSON path, node and, where there is one, the hint). Then
 * injection: hostile strings and names must come out as escaped literals and identifiers in every
 * dialect, and round-trip unchanged through DuckDB, so nothing was spliced into the SQL.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  createCatalog,
  DIALECT_NAMES,
  getDialect,
  parseTypeName,
  type Diagnostic,
  type DiagnosticCode,
  type DialectName,
  type PlanOptions,
  type PreviewOptions,
} from '../compiler/index.js';

const t = (name: string) => parseTypeName(name)!;

const catalog = createCatalog([
  {
    parts: ['main', 'orders'],
    columns: [
      { name: 'order_id', type: t('bigint') },
      { name: 'store_id', type: t('bigint') },
      { name: 'customer_id', type: t('bigint') },
      { name: 'status', type: t('string') },
      { name: 'amount', type: t('decimal(12,2)') },
      { name: 'ordered_at', type: t('timestamp') },
    ],
  },
  {
    parts: ['main', 'stores'],
    columns: [
      { name: 'store_id', type: t('string') },
      { name: 'region', type: t('string') },
    ],
  },
]);
const liveCatalog = createCatalog([], { live: true });

type NodeDoc = Record<string, unknown>;
const orders: NodeDoc = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
const stores: NodeDoc = { id: 'stores', type: 'source.table', config: { table: 'main.stores' } };
const output = (input: string, table = 'analytics.result', extra: object = {}): NodeDoc => ({
  id: 'out',
  type: 'output.table',
  inputs: { in: input },
  config: { table, ...extra },
});
const wf = (nodes: NodeDoc[], extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name: 'bad_input',
  ...extra,
  nodes,
});
/** orders → n (a node of `type` reading orders) → out */
const one = (type: string, config: unknown, extra: Record<string, unknown> = {}) =>
  wf([orders, { id: 'n', type, inputs: { in: 'orders' }, config }, output('n')], extra);
/** A filter whose condition is `where`. */
const where = (text: string, extra: Record<string, unknown> = {}) => one('filter', { where: text }, extra);
/** A compute node adding column x = `text`. */
const computed = (text: string) => one('compute', { columns: { x: text } });

interface Expected {
  code: DiagnosticCode;
  path: string;
  nodeId?: string;
  /** Exact hint, or a pattern it must match. */
  hint?: string | RegExp;
  message?: string | RegExp;
  /** 1-based position inside the expression or file. */
  at?: { line: number; column: number };
}

interface Row {
  name: string;
  input: unknown;
  /** Compile step to run after analysis (its diagnostics include the analysis'). */
  compile?: { preview: PreviewOptions } | { plan: PlanOptions };
  catalog?: 'none' | 'live';
  expected: Expected | Expected[];
}

const P = '$.nodes[1].config';

const rows: Row[] = [
  // ---------------------------------------------------------------- the file
  {
    name: 'JSON with a missing comma',
    input: '{\n  "edgeflow": 1,\n  "name": "x"\n  "nodes": []\n}',
    expected: { code: 'SYNTAX_ERROR', path: '$', at: { line: 4, column: 3 }, hint: /missing comma or quote/ },
  },
  {
    name: 'JSON with a trailing comma (V8 gives no position)',
    input: '{"edgeflow": 1, "name": "x", "nodes": [1,]}',
    expected: { code: 'SYNTAX_ERROR', path: '$', at: { line: 1, column: 42 } },
  },
  {
    name: 'YAML with a bad indentation',
    input: 'edgeflow: 1\nname: x\nnodes:\n  - id: a\n   type: filter\n',
    expected: { code: 'SYNTAX_ERROR', path: '$', at: { line: 5, column: 1 }, hint: /indentation/ },
  },
  {
    name: 'a future format version',
    input: wf([orders], { edgeflow: 2 }),
    expected: { code: 'UNSUPPORTED_VERSION', path: '$.edgeflow', hint: /write "edgeflow": 1/ },
  },
  {
    name: 'typo in a top-level key',
    input: wf([orders], { shedule: { cron: '0 6 * * *' } }),
    expected: { code: 'UNKNOWN_KEY', path: '$.shedule', hint: 'did you mean "schedule"?' },
  },
  {
    name: 'typo in a node key',
    input: wf([{ ...orders, confg: {} }]),
    expected: {
      code: 'UNKNOWN_KEY',
      path: '$.nodes[0].confg',
      nodeId: 'orders',
      hint: 'did you mean "config"?',
    },
  },
  {
    name: 'typo in a schedule key',
    input: wf([orders, output('orders')], { schedule: { cron: '0 6 * * *', timezon: 'UTC' } }),
    expected: { code: 'UNKNOWN_KEY', path: '$.schedule.timezon', hint: 'did you mean "timezone"?' },
  },
  {
    name: 'typo in a param type name',
    input: wf([orders], { params: { n: { type: 'integr' } } }),
    expected: { code: 'INVALID_VALUE', path: '$.params.n.type', hint: 'did you mean "integer"?' },
  },
  {
    name: 'a param default of the wrong type',
    input: wf([orders, output('orders')], { params: { since: { type: 'date', default: '2024-02-30' } } }),
    expected: {
      code: 'INVALID_PARAM',
      path: '$.params.since.default',
      message: /must be a date 'YYYY-MM-DD'/,
    },
  },
  {
    name: 'a workflow name with spaces',
    input: wf([orders], { name: 'Store Revenue' }),
    expected: { code: 'INVALID_VALUE', path: '$.name', hint: 'for example "store_revenue"' },
  },
  {
    name: 'a "__proto__" key in a config (JSON keeps it; it must not vanish)',
    input:
      '{"edgeflow": 1, "name": "x", "nodes": [{"id": "a", "type": "filter", "config": {"where": "true", "__proto__": {}}}]}',
    expected: {
      code: 'UNKNOWN_KEY',
      path: '$.nodes[0].config.__proto__',
      nodeId: 'a',
      hint: /"__proto__" cannot be used as a name/,
    },
  },
  // ---------------------------------------------------------------- the graph
  {
    name: 'duplicate node ids',
    input: wf([orders, orders, output('orders')]),
    expected: {
      code: 'DUPLICATE_NODE_ID',
      path: '$.nodes[1].id',
      nodeId: 'orders',
      hint: 'give every node a unique id',
    },
  },
  {
    name: 'a node id that could break out of a quoted name',
    input: wf([{ ...orders, id: 'x"; DROP TABLE t; --' }]),
    expected: {
      code: 'INVALID_NAME',
      path: '$.nodes[0].id',
      nodeId: 'x"; DROP TABLE t; --',
      hint: /letters, digits and _/,
    },
  },
  {
    name: 'typo in a component type',
    input: one('filtr', { where: 'true' }),
    expected: {
      code: 'UNKNOWN_COMPONENT',
      path: '$.nodes[1].type',
      nodeId: 'n',
      hint: 'did you mean "filter"?',
    },
  },
  {
    name: 'typo in a source component type',
    input: wf([{ ...orders, type: 'source.tabel' }, output('orders')]),
    expected: {
      code: 'UNKNOWN_COMPONENT',
      path: '$.nodes[0].type',
      nodeId: 'orders',
      hint: 'did you mean "source.table"?',
    },
  },
  {
    name: 'typo in a node reference',
    input: wf([
      orders,
      { id: 'n', type: 'filter', inputs: { in: 'ordres' }, config: { where: 'true' } },
      output('n'),
    ]),
    expected: {
      code: 'UNKNOWN_NODE',
      path: '$.nodes[1].inputs.in',
      nodeId: 'n',
      hint: 'did you mean "orders"?',
    },
  },
  {
    name: 'a reference to an Object.prototype name',
    input: wf([
      orders,
      { id: 'n', type: 'filter', inputs: { in: 'constructor' }, config: { where: 'true' } },
      output('n'),
    ]),
    expected: {
      code: 'UNKNOWN_NODE',
      path: '$.nodes[1].inputs.in',
      nodeId: 'n',
      hint: 'node ids: "orders", "out"',
    },
  },
  {
    name: 'an Object.prototype name as a component type',
    input: one('toString', {}),
    expected: { code: 'UNKNOWN_COMPONENT', path: '$.nodes[1].type', nodeId: 'n', hint: /^components: / },
  },
  {
    name: 'typo in an output port name',
    input: wf([
      orders,
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      output('paid.rejectd'),
    ]),
    expected: {
      code: 'UNKNOWN_PORT',
      path: '$.nodes[2].inputs.in',
      nodeId: 'out',
      hint: 'did you mean "rejected"?',
    },
  },
  {
    name: 'typo in an input port name',
    input: wf([
      orders,
      stores,
      { id: 'j', type: 'join', inputs: { left: 'orders', rigth: 'stores' }, config: { kind: 'cross' } },
      output('j'),
    ]),
    expected: [
      { code: 'UNKNOWN_PORT', path: '$.nodes[2].inputs.rigth', nodeId: 'j', hint: 'did you mean "right"?' },
      {
        code: 'MISSING_INPUT',
        path: '$.nodes[2].inputs',
        nodeId: 'j',
        hint: 'add "inputs": { "right": "stores" }',
      },
    ],
  },
  {
    name: 'an output with no input',
    input: wf([orders, { id: 'out', type: 'output.table', config: { table: 'a.b' } }]),
    expected: {
      code: 'MISSING_INPUT',
      path: '$.nodes[1].inputs',
      nodeId: 'out',
      hint: 'add "inputs": { "in": "orders" }',
    },
  },
  {
    name: 'two inputs on a single-input port',
    input: wf([
      orders,
      { id: 'n', type: 'filter', inputs: { in: ['orders', 'orders'] }, config: { where: 'true' } },
      output('n'),
    ]),
    expected: {
      code: 'TOO_MANY_INPUTS',
      path: '$.nodes[1].inputs.in',
      nodeId: 'n',
      hint: /use a union node/,
    },
  },
  {
    name: 'a cycle',
    input: wf([
      orders,
      { id: 'a', type: 'filter', inputs: { in: 'c' }, config: { where: 'true' } },
      { id: 'b', type: 'filter', inputs: { in: 'a' }, config: { where: 'true' } },
      { id: 'c', type: 'filter', inputs: { in: 'b' }, config: { where: 'true' } },
      output('c'),
    ]),
    expected: { code: 'CYCLE', path: '$.nodes[1].inputs', nodeId: 'a', message: 'cycle: a → b → c → a' },
  },
  {
    name: 'a node reading itself',
    input: wf([
      orders,
      { id: 'a', type: 'filter', inputs: { in: 'a' }, config: { where: 'true' } },
      output('a'),
    ]),
    expected: { code: 'CYCLE', path: '$.nodes[1].inputs.in', nodeId: 'a', message: /^cycle: a → a/ },
  },
  // ---------------------------------------------------------------- config keys
  {
    name: 'typo in an aggregate config key',
    input: one('aggregate', { groupby: ['store_id'], measures: { n: 'count(*)' } }),
    expected: { code: 'UNKNOWN_KEY', path: `${P}.groupby`, nodeId: 'n', hint: 'did you mean "groupBy"?' },
  },
  {
    name: 'typo in an output config key',
    input: wf([orders, output('orders', 'a.b', { mdoe: 'append' })]),
    expected: {
      code: 'UNKNOWN_KEY',
      path: '$.nodes[1].config.mdoe',
      nodeId: 'out',
      hint: 'did you mean "mode"?',
    },
  },
  {
    name: 'typo in a nested ordering key',
    input: one('sort', { by: [{ expr: 'amount', dsc: true }] }),
    expected: { code: 'UNKNOWN_KEY', path: `${P}.by[0].dsc`, nodeId: 'n', hint: 'did you mean "desc"?' },
  },
  {
    name: 'typo in a limit key',
    input: one('limit', { count: 5, ofset: 10 }),
    expected: { code: 'UNKNOWN_KEY', path: `${P}.ofset`, nodeId: 'n', hint: 'did you mean "offset"?' },
  },
  {
    name: 'a missing required config field',
    input: one('filter', {}),
    expected: { code: 'MISSING_FIELD', path: `${P}.where`, nodeId: 'n', hint: 'expected text' },
  },
  {
    name: 'a misspelled enum value',
    input: wf([orders, output('orders', 'a.b', { mode: 'replase' })]),
    expected: {
      code: 'INVALID_VALUE',
      path: '$.nodes[1].config.mode',
      nodeId: 'out',
      hint: 'did you mean "replace"?',
    },
  },
  {
    name: 'a config that is not an object',
    input: one('filter', "status = 'paid'"),
    expected: { code: 'INVALID_VALUE', nodeId: 'n', path: P, message: /^expected an object, got the text/ },
  },
  // ---------------------------------------------------------------- columns and params
  {
    name: 'typo in a column of an expression',
    input: where("stauts = 'paid'"),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: `${P}.where`,
      nodeId: 'n',
      hint: 'did you mean "status"?',
      at: { line: 1, column: 1 },
    },
  },
  {
    name: 'typo in a column on the second line of an expression',
    input: where("status = 'paid'\n  AND amout > 10"),
    expected: {
      code: 'UNKNOWN_COLUMN',
      nodeId: 'n',
      path: `${P}.where`,
      hint: 'did you mean "amount"?',
      at: { line: 2, column: 7 },
    },
  },
  {
    name: 'typo in a groupBy column',
    input: one('aggregate', { groupBy: ['stor_id'], measures: { n: 'count(*)' } }),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: `${P}.groupBy[0]`,
      nodeId: 'n',
      hint: 'did you mean "store_id"?',
    },
  },
  {
    name: 'typo in a select column',
    input: one('select', { columns: ['order_id', 'amuont'] }),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: `${P}.columns[1]`,
      nodeId: 'n',
      hint: 'did you mean "amount"?',
    },
  },
  {
    name: 'typo in a rename source column',
    input: one('rename', { columns: { statsu: 'state' } }),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: `${P}.columns.statsu`,
      nodeId: 'n',
      hint: 'did you mean "status"?',
    },
  },
  {
    name: 'typo in a join key',
    input: wf([
      orders,
      stores,
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'orders', right: 'stores' },
        config: { on: [{ left: 'store_di', right: 'store_id' }] },
      },
      output('j'),
    ]),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: '$.nodes[2].config.on[0].left',
      nodeId: 'j',
      hint: 'did you mean "store_id"?',
    },
  },
  {
    name: 'typo in a merge key',
    input: wf([orders, output('orders', 'a.b', { mode: 'merge', keys: ['order_di'] })]),
    expected: {
      code: 'UNKNOWN_COLUMN',
      path: '$.nodes[1].config.keys[0]',
      nodeId: 'out',
      hint: 'did you mean "order_id"?',
    },
  },
  {
    name: 'a column of the wrong join side',
    input: wf([
      orders,
      stores,
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'orders', right: 'stores' },
        config: { condition: 'left.region = right.region' },
      },
      output('j'),
    ]),
    expected: {
      code: 'UNKNOWN_COLUMN',
      nodeId: 'j',
      path: '$.nodes[2].config.condition',
      hint: '"region" is a column of the right input: write right.region',
    },
  },
  {
    name: 'a column in both join inputs, unqualified',
    input: wf([
      orders,
      stores,
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'orders', right: 'stores' },
        config: { condition: "store_id = 'x'" },
      },
      output('j'),
    ]),
    expected: {
      code: 'AMBIGUOUS_COLUMN',
      nodeId: 'j',
      path: '$.nodes[2].config.condition',
      hint: 'write left.store_id or right.store_id',
    },
  },
  {
    name: 'typo in a param name',
    input: where('amount >= :min_amout', { params: { min_amount: { type: 'number', default: 0 } } }),
    expected: {
      code: 'UNKNOWN_PARAM',
      path: `${P}.where`,
      nodeId: 'n',
      hint: /did you mean "min_amount"\?/,
      at: { line: 1, column: 11 },
    },
  },
  {
    name: 'a param compared with a column of another type',
    input: where('status = :n', { params: { n: { type: 'integer' } } }),
    expected: {
      code: 'TYPE_MISMATCH',
      nodeId: 'n',
      path: `${P}.where`,
      message: /cannot compare string with bigint/,
    },
  },
  // ---------------------------------------------------------------- functions and types
  {
    name: 'typo in a function name',
    input: where("lowr(status) = 'paid'"),
    expected: { code: 'UNKNOWN_FUNCTION', path: `${P}.where`, nodeId: 'n', hint: /^did you mean "lower"\?/ },
  },
  {
    name: 'a warehouse function outside the allow-list',
    input: where('pg_sleep(10) IS NULL'),
    expected: {
      code: 'UNKNOWN_FUNCTION',
      nodeId: 'n',
      path: `${P}.where`,
      message: /unknown function pg_sleep\(\)/,
    },
  },
  {
    name: 'typo in a type name inside CAST',
    input: computed('CAST(amount AS doubel)'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.columns.x`,
      hint: /^did you mean double\?/,
      at: { line: 1, column: 16 },
    },
  },
  {
    name: 'an Object.prototype name as a type inside CAST',
    input: computed('CAST(amount AS constructor)'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.columns.x`,
      message: /unknown type 'constructor'/,
    },
  },
  {
    name: 'typo in a type name of a cast node',
    input: one('cast', { columns: { amount: 'dubble' } }),
    expected: {
      code: 'INVALID_VALUE',
      nodeId: 'n',
      path: `${P}.columns.amount`,
      hint: /^did you mean "double"\?/,
    },
  },
  {
    name: 'typo in a declared column type',
    input: wf([
      { id: 'v', type: 'source.values', config: { columns: [{ name: 'a', type: 'strng' }], rows: [] } },
    ]),
    expected: {
      code: 'INVALID_VALUE',
      path: '$.nodes[0].config.columns[0].type',
      nodeId: 'v',
      hint: /^did you mean "string"\?/,
    },
  },
  {
    name: 'sum of a text column',
    input: one('aggregate', { measures: { s: 'sum(status)' } }),
    expected: {
      code: 'TYPE_MISMATCH',
      nodeId: 'n',
      path: `${P}.measures.s`,
      message: /sum expects a number, got string/,
      hint: 'usage: sum(x)',
    },
  },
  {
    name: 'text compared with a number',
    input: where('status = 1'),
    expected: {
      code: 'TYPE_MISMATCH',
      nodeId: 'n',
      path: `${P}.where`,
      hint: /quote text values/,
      at: { line: 1, column: 8 },
    },
  },
  {
    name: 'a filter that is not a condition',
    input: where('amount + 1'),
    expected: { code: 'TYPE_MISMATCH', nodeId: 'n', path: `${P}.where`, hint: /compare it/ },
  },
  {
    name: 'a wrong number of arguments',
    input: computed("substr('x')"),
    expected: {
      code: 'WRONG_ARGUMENTS',
      nodeId: 'n',
      path: `${P}.columns.x`,
      hint: 'usage: substr(text, start [, length])',
    },
  },
  // ---------------------------------------------------------------- outside the expression language
  {
    name: 'a semicolon',
    input: where("status = 'paid'; DROP TABLE orders"),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: 'remove the semicolon and anything after it',
      at: { line: 1, column: 16 },
    },
  },
  {
    name: 'a -- comment',
    input: where("status = 'paid' -- and more"),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: 'remove the comment',
      at: { line: 1, column: 17 },
    },
  },
  {
    name: 'a /* */ comment',
    input: where("status /* x */ = 'paid'"),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: 'remove the comment',
      at: { line: 1, column: 8 },
    },
  },
  {
    name: 'a comment closing a string early (classic injection)',
    input: where("status = 'x' OR 1=1 --'"),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.where`, message: /comments are not allowed/ },
  },
  {
    name: 'an IN subquery',
    input: where('customer_id IN (SELECT id FROM customers)'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: /use a join node \(kind semi or anti/,
      at: { line: 1, column: 17 },
    },
  },
  {
    name: 'a scalar subquery',
    input: computed('(SELECT max(amount) FROM orders)'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.columns.x`,
      message: /subqueries are not allowed/,
    },
  },
  {
    name: 'EXISTS',
    input: where('EXISTS (SELECT 1)'),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.where`, message: /subqueries are not allowed/ },
  },
  {
    name: 'OVER in an expression',
    input: computed('sum(amount) OVER (PARTITION BY store_id)'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.columns.x`,
      hint: /use a window node/,
      at: { line: 1, column: 13 },
    },
  },
  {
    name: 'an unterminated string',
    input: where("status = 'paid"),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: "close it with '",
      at: { line: 1, column: 10 },
    },
  },
  {
    name: 'an unterminated quoted name',
    input: where('"status = 1'),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.where`, hint: 'close it with "' },
  },
  {
    name: 'chained comparisons',
    input: where('0 < amount < 100'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      hint: /combine comparisons with AND/,
      at: { line: 1, column: 12 },
    },
  },
  {
    name: 'a Postgres-style cast',
    input: where('amount::int > 1'),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.where`, at: { line: 1, column: 7 } },
  },
  {
    name: 'a positional placeholder',
    input: where('amount > $1'),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.where`, hint: 'parameters are written :name' },
  },
  {
    name: 'a no-break space pasted from a document',
    input: where('amount\u00a0> 1'),
    expected: {
      code: 'EXPR_SYNTAX',
      nodeId: 'n',
      path: `${P}.where`,
      message: /invisible character U\+00A0/,
      at: { line: 1, column: 7 },
    },
  },
  {
    name: 'an expression nested absurdly deep',
    input: computed(`${'('.repeat(5_000)}1${')'.repeat(5_000)}`),
    expected: { code: 'EXPR_SYNTAX', nodeId: 'n', path: `${P}.columns.x`, message: /nested too deeply/ },
  },
  // ---------------------------------------------------------------- aggregates and windows
  {
    name: 'an aggregate in a filter',
    input: where('sum(amount) > 100'),
    expected: {
      code: 'AGGREGATE_MISUSE',
      nodeId: 'n',
      path: `${P}.where`,
      hint: /aggregate with an aggregate node/,
      at: { line: 1, column: 1 },
    },
  },
  {
    name: 'an aggregate in a computed column',
    input: computed('amount / sum(amount)'),
    expected: {
      code: 'AGGREGATE_MISUSE',
      nodeId: 'n',
      path: `${P}.columns.x`,
      hint: /use a window node for running totals/,
    },
  },
  {
    name: 'a window function outside a window node',
    input: computed('row_number()'),
    expected: {
      code: 'AGGREGATE_MISUSE',
      nodeId: 'n',
      path: `${P}.columns.x`,
      hint: 'use a window node with partitionBy/orderBy',
    },
  },
  {
    name: 'a measure reading a column that is not grouped',
    input: one('aggregate', { groupBy: ['store_id'], measures: { x: 'sum(amount) / order_id' } }),
    expected: { code: 'AGGREGATE_MISUSE', nodeId: 'n', path: `${P}.measures.x`, hint: /add it to groupBy/ },
  },
  // ---------------------------------------------------------------- components
  {
    name: 'join keys of different types',
    input: wf([
      orders,
      stores,
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'orders', right: 'stores' },
        config: { on: [{ left: 'store_id', right: 'store_id' }] },
      },
      output('j'),
    ]),
    expected: {
      code: 'TYPE_MISMATCH',
      path: '$.nodes[2].config.on[0]',
      nodeId: 'j',
      message: 'join key types differ: left.store_id is bigint, right.store_id is string',
      hint: 'cast one side with a cast node so both keys have one type',
    },
  },
  {
    name: 'a join with neither on nor condition',
    input: wf([
      orders,
      stores,
      { id: 'j', type: 'join', inputs: { left: 'orders', right: 'stores' }, config: {} },
      output('j'),
    ]),
    expected: { code: 'MISSING_FIELD', path: '$.nodes[2].config', nodeId: 'j', hint: /"on": \[\{"left"/ },
  },
  {
    name: 'a union of inputs with different column counts',
    input: wf([
      orders,
      stores,
      { id: 'u', type: 'union', inputs: { in: ['orders', 'stores'] }, config: {} },
      output('u'),
    ]),
    expected: {
      code: 'TYPE_MISMATCH',
      path: '$.nodes[2].config',
      nodeId: 'u',
      message: 'input 2 ("stores") has 2 columns but input 1 has 6',
      hint: 'select the same columns in each input, or set "byName": true',
    },
  },
  {
    name: 'a merge without keys',
    input: wf([orders, output('orders', 'analytics.orders', { mode: 'merge' })]),
    expected: {
      code: 'MISSING_FIELD',
      path: '$.nodes[1].config.keys',
      nodeId: 'out',
      hint: 'e.g. "keys": ["order_id"]',
    },
  },
  {
    name: 'a sql node reading a placeholder that is not its input',
    input: one('sql', { sql: 'SELECT * FROM {{inn}}', columns: [{ name: 'a', type: 'int' }] }),
    expected: { code: 'UNKNOWN_PORT', path: `${P}.sql`, nodeId: 'n', hint: 'the input is written {{in}}' },
  },
  {
    name: 'a table name with a statement in it',
    input: wf([{ ...orders, config: { table: 'main.orders; DROP TABLE x' } }]),
    expected: {
      code: 'INVALID_NAME',
      path: '$.nodes[0].config.table',
      nodeId: 'orders',
      message: /is not a valid unquoted name part; quote it as/,
    },
  },
  {
    name: 'a table the live connection does not have',
    input: wf([{ ...orders, config: { table: 'main.ordres' } }, output('orders')]),
    catalog: 'live',
    expected: { code: 'UNKNOWN_TABLE', path: '$.nodes[0].config.table', nodeId: 'orders' },
  },
  {
    name: 'a table whose columns are unknown offline',
    input: wf([orders, output('orders')]),
    catalog: 'none',
    expected: {
      code: 'SCHEMA_UNKNOWN',
      path: '$.nodes[0].config.table',
      nodeId: 'orders',
      hint: /declare them/,
    },
  },
  // ---------------------------------------------------------------- compile time
  {
    name: 'writeSchemas: an output to a schema the connection may not write',
    input: wf([orders, output('orders', 'main.copy')]),
    compile: { plan: { writeSchemas: ['analytics'] } },
    expected: {
      code: 'WRITE_NOT_ALLOWED',
      path: '$.nodes[1].config.table',
      nodeId: 'out',
      message: 'this connection may not write to schema main',
      hint: /write to one of: analytics .*e\.g\. analytics\.copy/,
    },
  },
  {
    name: 'writeSchemas: an output with no schema',
    input: wf([orders, output('orders', 'copy')]),
    compile: { plan: { writeSchemas: ['analytics'] } },
    expected: {
      code: 'WRITE_NOT_ALLOWED',
      path: '$.nodes[1].config.table',
      nodeId: 'out',
      message: /has no schema/,
    },
  },
  {
    name: 'two outputs replacing one table',
    input: wf([orders, output('orders', 'analytics.t'), { ...output('orders', 'Analytics.T'), id: 'out2' }]),
    compile: { plan: {} },
    expected: {
      code: 'DUPLICATE_TARGET',
      path: '$.nodes[2].config.table',
      nodeId: 'out2',
      message: 'Analytics.T is also written by node "out"',
      hint: /several outputs may only append/,
    },
  },
  {
    name: 'a param with no default and no value, at preview',
    input: where('amount >= :min_amount', { params: { min_amount: { type: 'number' } } }),
    compile: { preview: { node: 'n' } },
    expected: { code: 'MISSING_PARAM', path: '$.params.min_amount', hint: /--param min_amount=…/ },
  },
  {
    name: 'a param with no default and no value, in a plan',
    input: where('amount >= :min_amount', { params: { min_amount: { type: 'number' } } }),
    compile: { plan: {} },
    expected: { code: 'MISSING_PARAM', path: '$.params.min_amount', hint: /or give it a "default"/ },
  },
  {
    name: 'a param value of the wrong type',
    input: where('amount >= :min_amount', { params: { min_amount: { type: 'number', default: 0 } } }),
    compile: { preview: { node: 'n', params: { min_amount: '10; DROP TABLE orders' } } },
    expected: {
      code: 'INVALID_PARAM',
      path: '$.params.min_amount',
      message: /must be a number, got "10; DROP TABLE orders"/,
    },
  },
  {
    name: 'a date param value carrying a statement',
    input: where('ordered_at >= :since', { params: { since: { type: 'date' } } }),
    compile: { plan: { params: { since: "2024-01-01'; DROP TABLE orders; --" } } },
    expected: { code: 'INVALID_PARAM', path: '$.params.since', message: /must be a date 'YYYY-MM-DD'/ },
  },
  {
    name: 'an integer param given a fraction',
    input: where('order_id = :id', { params: { id: { type: 'integer' } } }),
    compile: { preview: { node: 'n', params: { id: 1.5 } } },
    expected: { code: 'INVALID_PARAM', path: '$.params.id', message: ':id must be an integer, got 1.5' },
  },
  {
    name: 'a value for a param that is not declared',
    input: where('amount >= :min_amount', { params: { min_amount: { type: 'number', default: 0 } } }),
    compile: { preview: { node: 'n', params: { min_amout: 5 } } },
    expected: { code: 'UNKNOWN_PARAM', path: '$.params', hint: 'did you mean "min_amount"?' },
  },
  {
    name: 'a preview of a node that does not exist',
    input: where('true'),
    compile: { preview: { node: 'zzz' } },
    expected: { code: 'UNKNOWN_NODE_REQUESTED', path: '$.nodes', hint: /node ids: "orders", "n", "out"/ },
  },
];

function run(row: Row): Diagnostic[] {
  const cat = row.catalog === 'none' ? undefined : row.catalog === 'live' ? liveCatalog : catalog;
  const analysis = analyzeWorkflow(row.input, cat ? { catalog: cat } : {});
  if (!row.compile) return analysis.diagnostics;
  if ('preview' in row.compile) return compilePreview(analysis, row.compile.preview).diagnostics;
  return compilePlan(analysis, row.compile.plan).diagnostics;
}

describe('bad input → one precise error', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const errors = run(row).filter((d) => d.severity === 'error');
    const expected = Array.isArray(row.expected) ? row.expected : [row.expected];
    expect(errors.map((d) => ({ code: d.code, path: d.path, nodeId: d.nodeId }))).toEqual(
      expected.map((e) => ({ code: e.code, path: e.path, nodeId: e.nodeId })),
    );
    errors.forEach((d, i) => {
      const e = expected[i]!;
      if (e.hint !== undefined)
        expect(d.hint).toEqual(typeof e.hint === 'string' ? e.hint : expect.stringMatching(e.hint));
      if (e.message !== undefined)
        expect(d.message).toEqual(
          typeof e.message === 'string' ? e.message : expect.stringMatching(e.message),
        );
      if (e.at) expect(d.span).toMatchObject(e.at);
      expect(d.message.length).toBeGreaterThan(0);
    });
  });
});

describe('names inherited by every object are not declarations', () => {
  it('a value for "constructor", which no workflow declares, is UNKNOWN_PARAM', () => {
    const a = analyzeWorkflow(where('true'), { catalog });
    const errors = compilePreview(a, { node: 'n', params: { constructor: 1 } }).diagnostics;
    expect(errors.map((d) => [d.code, d.path])).toContainEqual(['UNKNOWN_PARAM', '$.params']);
  });

  it('a typo in a parametrised type name suggests the type', () => {
    const a = analyzeWorkflow(one('cast', { columns: { amount: 'decimel(10,2)' } }), { catalog });
    expect(a.diagnostics[0]?.hint).toMatch(/^did you mean "decimal"\?/);
  });
});

// ------------------------------------------------------------------------------------- injection

/** Hostile text values: every one must reach the warehouse as exactly these characters. */
const HOSTILE_STRINGS = [
  "x'; DROP TABLE t; --",
  "\\'",
  "'",
  "''",
  '\\',
  'C:\\path\\to\\',
  '\\x27 \\u0027 \\047 \\n',
  '"double" `back`',
  '$$ dollar $$ $tag$',
  '/* not a comment */ -- nor this',
  'tab\tseparated',
  'unicode: é ß 中文 😀 \u200b',
  '%_ like wildcards',
  '{{in}}',
  ':param',
  '?',
  '',
];

/** Text with line breaks: a separate list, see the KNOWN BUG note below. */
const MULTILINE_STRINGS = ['line1\nline2', "x'\n; DROP TABLE t; --", 'crlf\r\nend'];

/** Hostile names: columns, aliases and tables. */
const HOSTILE_NAMES = [
  'we"ird',
  'back`tick',
  "it's",
  'semi;colon',
  'with space',
  'x"; DROP TABLE t; --',
  'select',
  'Mixed Case',
  'ünï cødé',
  '$$',
  'back\\slash',
  '-- dash',
];

/**
 * Reads SQL text the way the dialect's lexer does (vendor docs, written independently of the
 * compiler): the decoded string literals, the decoded quoted identifiers, and the code around them.
 * If anything had been spliced, a value would not decode whole, or `;`/a comment would show in the code.
 */
function lexSql(dialect: DialectName, sql: string): { strings: string[]; idents: string[]; code: string } {
  const strings: string[] = [];
  const idents: string[] = [];
  let code = '';
  let i = 0;
  /** Reads a quoted run from sql[i] (the opening quote). `doubled`: a doubled quote is one quote. */
  const quoted = (q: string, backslash: boolean, doubled: boolean): string => {
    let out = '';
    for (i++; i < sql.length;) {
      const c = sql[i]!;
      if (backslash && c === '\\') {
        const [text, length] = unescape(sql, i);
        out += text;
        i += length;
      } else if (c === q && doubled && sql[i + 1] === q) {
        out += q;
        i += 2;
      } else if (c === q) {
        i++;
        return out;
      } else {
        out += c;
        i++;
      }
    }
    throw new Error(`unterminated ${q} in:\n${sql}`);
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const prev = sql[i - 1] ?? ' ';
    // E'…' escape strings (PostgreSQL, DuckDB): backslash escapes, and '' still means '.
    const escapeString = (c === 'E' || c === 'e') && sql[i + 1] === "'" && !/[\w$]/.test(prev);
    if (escapeString && (dialect === 'postgres' || dialect === 'duckdb')) {
      i++;
      strings.push(quoted("'", true, true));
      code += ' ? ';
    } else if (c === "'") {
      // https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#string_and_bytes_literals
      // https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants
      // https://docs.databricks.com/en/sql/language-manual/data-types/string-type.html (backslash
      // escapes; Spark joins adjacent literals, so '' is two empty strings, never a quote)
      // https://docs.aws.amazon.com/redshift/latest/dg/r_Literals.html: Redshift reads backslash escapes in '…'.
      const backslash =
        dialect === 'bigquery' ||
        dialect === 'snowflake' ||
        dialect === 'databricks' ||
        dialect === 'redshift';
      strings.push(quoted("'", backslash, dialect !== 'bigquery' && dialect !== 'databricks'));
      code += ' ? ';
    } else if (c === '[' && dialect === 'tsql') {
      // https://learn.microsoft.com/sql/relational-databases/databases/database-identifiers: [x]]y] is x]y.
      idents.push(quoted(']', false, true));
      code += ' ? ';
    } else if (c === '"') {
      // Spark (Databricks) reads "…" as a string literal too (spark.sql.ansi.doubleQuotedIdentifiers off).
      if (dialect === 'bigquery' || dialect === 'databricks') strings.push(quoted('"', true, false));
      else idents.push(quoted('"', false, true));
      code += ' ? ';
    } else if (c === '`' && dialect === 'bigquery') {
      // Quoted identifiers take the same escape sequences as strings.
      idents.push(quoted('`', true, false));
      code += ' ? ';
    } else if (c === '`' && dialect === 'databricks') {
      // https://docs.databricks.com/en/sql/language-manual/sql-ref-identifiers.html: `` is one `, no escapes.
      idents.push(quoted('`', false, true));
      code += ' ? ';
    } else {
      code += c;
      i++;
    }
  }
  return { strings, idents, code };
}

/** A backslash escape at sql[i]: its text and its length. */
function unescape(sql: string, i: number): [string, number] {
  const e = sql[i + 1] ?? '';
  const simple: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    b: '\b',
    f: '\f',
    v: '\v',
    a: '\x07',
    '0': '\0',
  };
  const hex = (from: number, n: number) => {
    const h = sql.slice(from, from + n);
    if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Error(`bad escape at ${i}`);
    return String.fromCodePoint(parseInt(h, 16));
  };
  if (/[0-7]/.test(e) && /^[0-7]{3}$/.test(sql.slice(i + 1, i + 4)))
    return [String.fromCharCode(parseInt(sql.slice(i + 1, i + 4), 8)), 4];
  if (e === 'x') return [hex(i + 2, 2), 4];
  if (e === 'u') return [hex(i + 2, 4), 6];
  if (e === 'U') return [hex(i + 2, 8), 10];
  return [simple[e] ?? e, 2];
}

/** How many times each needle occurs in a list. */
const occurrences = (list: readonly string[], needle: string) => list.filter((x) => x === needle).length;

/** The code outside literals and quoted names holds nothing a value could have smuggled in. */
function expectNoSplice(code: string, sql: string) {
  expect(code, sql).not.toMatch(/;|--|\/\*/);
}

const exprLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;
const exprName = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A source.values node with one text column named `column` holding `value`, then a compute. */
function stringWorkflow(value: string, column = 'c') {
  return wf(
    [
      {
        id: 'v',
        type: 'source.values',
        config: { columns: [{ name: column, type: 'string' }], rows: [[value]] },
      },
      {
        id: 'e',
        type: 'compute',
        inputs: { in: 'v' },
        config: {
          columns: { from_expr: exprLiteral(value), from_param: ':p', same: `${exprLiteral(value)} = :p` },
        },
      },
    ],
    { params: { p: { type: 'string' } } },
  );
}

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  conn = await db.connect();
});
afterAll(() => {
  conn?.closeSync();
  db?.closeSync();
});

async function rowsOf(sql: string, values?: unknown[]) {
  const reader = await conn.runAndReadAll(sql, values as never);
  return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Array<Record<string, unknown>> };
}

function previewSql(dialect: DialectName, doc: unknown, opts: PreviewOptions) {
  const a = analyzeWorkflow(doc, { dialect });
  const p = compilePreview(a, opts);
  expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return p.query!;
}

/** Text values through an expression literal, a source.values row and a param: 4 literals of `s`. */
function expectTextEscaped(dialect: DialectName, s: string) {
  const { sql } = previewSql(dialect, stringWorkflow(s), {
    node: 'e',
    paramMode: 'literal',
    params: { p: s },
  });
  const { strings, code } = lexSql(dialect, sql);
  expect(occurrences(strings, s), sql).toBeGreaterThanOrEqual(4);
  expectNoSplice(code, sql);
}

/**
 * The name a warehouse stores: Snowflake upper-cases a plain lower-case name (as written unquoted);
 * Redshift stores every name lower-case, quoted or not, and edgeflow writes them so (README,
 * "Dialect notes"): "Mixed Case" is the column `mixed case` there, still one quoted identifier.
 */
function storedName(dialect: DialectName, name: string): string {
  if (dialect === 'redshift') return name.toLowerCase();
  return (dialect === 'snowflake' || dialect === 'oracle') && /^[a-z_][a-z0-9_]*$/.test(name)
    ? name.toUpperCase()
    : name;
}

/** A name as a source column, a select alias and a rename target: each one quoted identifier. */
function expectNameQuoted(dialect: DialectName, name: string) {
  const stored = storedName(dialect, name);
  const doc = wf([
    { id: 'v', type: 'source.values', config: { columns: [{ name, type: 'int' }], rows: [[1]] } },
    {
      id: 'e',
      type: 'select',
      inputs: { in: 'v' },
      config: { columns: [name, { as: `${name} 2`, expr: exprName(stored) }] },
    },
    { id: 'r', type: 'rename', inputs: { in: 'e' }, config: { columns: { [`${name} 2`]: `${name} 3` } } },
  ]);
  const { sql } = previewSql(dialect, doc, { node: 'r' });
  const { idents, code } = lexSql(dialect, sql);
  for (const n of [`${name} 2`, `${name} 3`])
    expect(occurrences(idents, storedName(dialect, n)), sql).toBeGreaterThanOrEqual(1);
  // A name that needs no quotes may be written bare; one that does must not appear in the code.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(stored))
    expect(occurrences(idents, stored), sql).toBeGreaterThanOrEqual(1);
  expectNoSplice(code, sql);
}

describe('the SQL lexer used to check escaping', () => {
  it('decodes each dialect’s literals and names', () => {
    expect(lexSql('duckdb', `SELECT 'it''s', E'a\\nb', "x""y" FROM t`)).toEqual({
      strings: ["it's", 'a\nb'],
      idents: ['x"y'],
      code: 'SELECT  ? ,  ? ,  ?  FROM t',
    });
    expect(lexSql('postgres', `SELECT E'a\\\\b''c', 'd\\e'`).strings).toEqual(["a\\b'c", 'd\\e']);
    expect(lexSql('bigquery', `SELECT 'a\\'b\\n', "c\\"d", \`e\\\`f\``)).toMatchObject({
      strings: ["a'b\n", 'c"d'],
      idents: ['e`f'],
    });
    expect(lexSql('snowflake', `SELECT 'a''b\\\\c\\t'`).strings).toEqual(["a'b\\c\t"]);
    expect(lexSql('redshift', `SELECT 'a''b\\\\c', "X y"`)).toMatchObject({
      strings: ["a'b\\c"],
      idents: ['X y'],
    });
    // Databricks: '' is two adjacent literals (no quote), "…" is a string, `` is one backtick.
    expect(lexSql('databricks', `SELECT 'a''b', 'c\\'d\\\\', "e\\"f", \`g\`\`h\``)).toMatchObject({
      strings: ['a', 'b', "c'd\\", 'e"f'],
      idents: ['g`h'],
    });
  });

  it('shows a splice: a value that breaks out of its quotes leaves code behind', () => {
    const spliced = `SELECT 'x'; DROP TABLE t; SELECT ''`;
    expect(lexSql('duckdb', spliced).code).toMatch(/;/);
  });
});

describe('hostile text values are escaped literals in every dialect', () => {
  describe.each(DIALECT_NAMES)('%s', (dialect) => {
    it.each(HOSTILE_STRINGS.map((s) => [JSON.stringify(s), s] as const))('%s', (_label, s) => {
      expectTextEscaped(dialect, s);
    });
  });
});

describe('hostile names are quoted identifiers in every dialect', () => {
  describe.each(DIALECT_NAMES)('%s', (dialect) => {
    it.each(HOSTILE_NAMES)('%j', (name) => {
      // An Oracle name cannot hold a double quote: refused (UNSUPPORTED), never spliced.
      if (dialect === 'oracle' && name.includes('"')) {
        const a = analyzeWorkflow(
          wf([{ id: 'v', type: 'source.values', config: { columns: [{ name, type: 'int' }], rows: [[1]] } }]),
          { dialect },
        );
        expect(
          compilePreview(a, { node: 'v' })
            .diagnostics.map((d) => d.message)
            .join('\n'),
        ).toMatch(/Oracle names cannot hold/);
        return;
      }
      expectNameQuoted(dialect, name);
    });

    it('table names with quotes, semicolons and spaces', () => {
      const quoteTable = (parts: string[]) =>
        dialect === 'bigquery'
          ? `\`${parts.join('.')}\``
          : dialect === 'databricks'
            ? parts.map((p) => `\`${p.replaceAll('`', '``')}\``).join('.')
            : parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
      // Oracle names cannot hold a double quote (refused: see above); the rest still applies.
      const schema = dialect === 'oracle' ? 'sch 1' : 'sch "1"';
      const table = "t;x 'y' --";
      const cat = createCatalog([{ parts: [schema, table], columns: [{ name: 'a', type: t('int') }] }]);
      const doc = wf([
        { id: 'src', type: 'source.table', config: { table: quoteTable([schema, table]) } },
        {
          id: 'out',
          type: 'output.table',
          inputs: { in: 'src' },
          config: { table: quoteTable([schema, `${table}_copy`]) },
        },
      ]);
      const a = analyzeWorkflow(doc, { dialect, catalog: cat });
      expect(a.diagnostics).toEqual([]);
      const preview = compilePreview(a, { node: 'src' }).query!.sql;
      const read = lexSql(dialect, preview);
      expect(read.idents).toEqual(expect.arrayContaining([schema, table]));
      expectNoSplice(read.code, preview);
      for (const step of compilePlan(a, {}).plan!.steps)
        for (const statement of step.statements) {
          const { idents, strings, code } = lexSql(dialect, statement);
          // sp_rename takes the object's name as text: the name inside it must be quoted as well.
          // Oracle's DROP/CREATE … IF [NOT] EXISTS is a PL/SQL block running the statement as text.
          const renamed =
            (dialect === 'tsql' && statement.startsWith('EXEC sp_rename')) ||
            (dialect === 'oracle' && statement.startsWith('BEGIN'));
          expect(renamed ? lexSql(dialect, strings[0]!).idents : idents).toContain(schema);
          if (dialect === 'oracle' && renamed) {
            // The block's own code is a fixed template; the statement it runs is its one literal.
            expect(code.replace(/-9(42|55)/, 'N')).toBe(
              'BEGIN\n  EXECUTE IMMEDIATE  ? ;\nEXCEPTION\n  WHEN OTHERS THEN\n    IF SQLCODE != N THEN\n      RAISE;\n    END IF;\nEND;',
            );
            expectNoSplice(lexSql(dialect, strings[0]!).code, strings[0]!);
          } else expectNoSplice(code, statement);
        }
    });
  });
});

describe('bound parameters stay out of the SQL text', () => {
  describe.each(DIALECT_NAMES)('%s', (dialect) => {
    it.each(HOSTILE_STRINGS.filter(Boolean).map((s) => [JSON.stringify(s), s] as const))(
      '%s',
      (_label, s) => {
        const q = previewSql(dialect, stringWorkflow(s), { node: 'e', paramMode: 'bind', params: { p: s } });
        const { strings, code } = lexSql(dialect, q.sql);
        // The expression literal, the row value and the comparison's literal; the param is a placeholder.
        // Without boolean values (T-SQL) the comparison is written twice: CASE WHEN p … WHEN NOT (p) ….
        expect(occurrences(strings, s), q.sql).toBe(getDialect(dialect).booleanValues ? 3 : 4);
        expect(q.bindings).toEqual([{ name: 'p', value: s, type: { kind: 'string' } }]);
        expectNoSplice(code, q.sql);
      },
    );
  });
});

/** Node ids that are SQL keywords: every dialect must quote them as CTE names. */
const KEYWORD_IDS = ['select', 'order', 'from', 'group', 'table', 'limit', 'window', 'qualify', 'Select'];

describe('node ids that are keywords are quoted CTE names', () => {
  describe.each(DIALECT_NAMES)('%s', (dialect) => {
    it.each(KEYWORD_IDS)('%s', (id) => {
      const doc = wf([
        { id, type: 'source.values', config: { columns: [{ name: 'a', type: 'int' }], rows: [[1]] } },
        { id: 'next', type: 'filter', inputs: { in: id }, config: { where: 'a > 0' } },
      ]);
      const { sql } = previewSql(dialect, doc, { node: 'next' });
      const { idents, code } = lexSql(dialect, sql);
      const stored = storedName(dialect, id);
      expect(occurrences(idents, stored), sql).toBeGreaterThanOrEqual(2); // its CTE, and the FROM that reads it
      expect(code.toLowerCase()).not.toMatch(new RegExp(`\\b${id.toLowerCase()}\\s+as\\s+\\(`));
    });
  });

  it.each(KEYWORD_IDS)('DuckDB runs a workflow whose node is called %s', async (id) => {
    const doc = wf([
      { id, type: 'source.values', config: { columns: [{ name: 'a', type: 'int' }], rows: [[1]] } },
      { id: 'next', type: 'filter', inputs: { in: id }, config: { where: 'a > 0' } },
    ]);
    expect((await rowsOf(previewSql('duckdb', doc, { node: 'next' }).sql)).rows).toEqual([{ a: 1 }]);
  });

  // DuckDB keywords that are not SQL keywords elsewhere must be quoted too (duckdb_keywords()).
  it.each(['semi', 'anti', 'asof', 'positional', 'show', 'describe', 'summarize', 'lambda'])(
    'DuckDB runs a workflow whose node is called %s',
    async (id) => {
      const doc = wf([
        { id, type: 'source.values', config: { columns: [{ name: 'a', type: 'int' }], rows: [[1]] } },
        { id: 'next', type: 'filter', inputs: { in: id }, config: { where: 'a > 0' } },
      ]);
      expect((await rowsOf(previewSql('duckdb', doc, { node: 'next' }).sql)).rows).toEqual([{ a: 1 }]);
    },
  );
});

describe('DuckDB returns exactly the original strings: nothing was spliced', () => {
  it.each(HOSTILE_STRINGS.map((s) => [JSON.stringify(s), s] as const))('%s', async (_label, s) => {
    for (const paramMode of ['literal', 'bind'] as const) {
      const q = previewSql('duckdb', stringWorkflow(s, s || 'c'), { node: 'e', paramMode, params: { p: s } });
      const values = paramMode === 'bind' ? q.bindings.map((b) => b.value) : undefined;
      const { columns, rows } = await rowsOf(q.sql, values);
      expect(columns).toEqual([s || 'c', 'from_expr', 'from_param', 'same']);
      expect(rows).toEqual([{ [s || 'c']: s, from_expr: s, from_param: s, same: true }]);
    }
  });

  it.each(HOSTILE_NAMES)('the name %j', async (name) => {
    const doc = wf([
      { id: 'v', type: 'source.values', config: { columns: [{ name, type: 'string' }], rows: [[name]] } },
      {
        id: 'e',
        type: 'compute',
        inputs: { in: 'v' },
        config: { columns: { [`${name}!`]: `${exprName(name)} || '!'` } },
      },
    ]);
    const { sql } = previewSql('duckdb', doc, { node: 'e' });
    const { columns, rows } = await rowsOf(sql);
    expect(columns).toEqual([name, `${name}!`]);
    expect(rows).toEqual([{ [name]: name, [`${name}!`]: `${name}!` }]);
  });

  it('a run plan writes to and reads from hostile table names', async () => {
    const schema = 'sch "1";';
    const source = "src 'x'";
    const target = 'dst`;--';
    const q = (p: string) => `"${p.replaceAll('"', '""')}"`;
    await conn.run(`CREATE SCHEMA ${q(schema)}`);
    await conn.run(`CREATE TABLE ${q(schema)}.${q(source)} (${q('a"b')} VARCHAR)`);
    await conn.run(`INSERT INTO ${q(schema)}.${q(source)} VALUES ($1), ('other')`, [HOSTILE_STRINGS[0]!]);
    const cat = createCatalog([{ parts: [schema, source], columns: [{ name: 'a"b', type: t('string') }] }]);
    const doc = wf([
      { id: 'src', type: 'source.table', config: { table: `${q(schema)}.${q(source)}` } },
      {
        id: 'f',
        type: 'filter',
        inputs: { in: 'src' },
        config: { where: `"a""b" = ${exprLiteral(HOSTILE_STRINGS[0]!)}` },
      },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'f' },
        config: { table: `${q(schema)}.${q(target)}` },
      },
    ]);
    const plan = compilePlan(analyzeWorkflow(doc, { catalog: cat }), { runId: 'r1' });
    expect(plan.diagnostics).toEqual([]);
    for (const step of plan.plan!.steps) for (const s of step.statements) await conn.run(s);
    const { rows } = await rowsOf(`SELECT * FROM ${q(schema)}.${q(target)}`);
    expect(rows).toEqual([{ 'a"b': HOSTILE_STRINGS[0] }]);
  });
});

/*
 * A text value or a name containing a line break sits inside an indented CTE: it must reach the
 * warehouse byte for byte (not re-indented with the SQL around it).
 */

describe('text and names with line breaks', () => {
  describe.each(DIALECT_NAMES)('%s', (dialect) => {
    const texts = MULTILINE_STRINGS.map((s) => [JSON.stringify(s), s] as const);
    it.each(texts)('the text %s is one escaped literal', (_label, s) => {
      expectTextEscaped(dialect, s);
    });
    it('a name with a line break is one quoted identifier', () => {
      expectNameQuoted(dialect, 'two\nlines');
    });
  });

  it.each(MULTILINE_STRINGS.map((s) => [JSON.stringify(s), s] as const))(
    'DuckDB returns %s unchanged',
    async (_label, s) => {
      const q = previewSql('duckdb', stringWorkflow(s), {
        node: 'e',
        paramMode: 'literal',
        params: { p: s },
      });
      const { rows } = await rowsOf(q.sql);
      expect(rows).toEqual([{ c: s, from_expr: s, from_param: s, same: true }]);
    },
  );
});
