/**
 * Fuzzing the compiler's front door: random mutations of valid workflows (and of their text) must
 * only ever produce structured diagnostics, never an exception, an "internal error" diagnostic or
 * a polluted Object.prototype. Mutants that still analyse without errors must compile for every
 * dialect, and their DuckDB previews must run. Seeded, so a failure names the case that reproduces it.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  COMPONENTS,
  compilePlan,
  compilePreview,
  createCatalog,
  DIAGNOSTIC_CODES,
  DIALECT_NAMES,
  FUNCTIONS,
  parseTypeName,
  type Diagnostic,
  type DialectName,
} from '../compiler/index.js';

const CASES = 3_000;
const SEED = 0x5eed_ef01;
/** Valid mutants whose DuckDB previews are executed (execution is the slow part). */
const EXECUTED = 250;

/** mulberry32: a tiny, good-enough seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;

const t = (name: string) => parseTypeName(name)!;
const TABLES = {
  orders: [
    ['order_id', 'bigint'],
    ['store_id', 'bigint'],
    ['customer_id', 'bigint'],
    ['status', 'string'],
    ['amount', 'decimal(12,2)'],
    ['discount', 'decimal(12,2)'],
    ['ordered_at', 'timestamp'],
  ],
  customers: [
    ['customer_id', 'bigint'],
    ['name', 'string'],
    ['segment', 'string'],
    ['signup_date', 'date'],
  ],
  stores: [
    ['store_id', 'bigint'],
    ['city', 'string'],
    ['region', 'string'],
  ],
} as const;
const catalog = createCatalog(
  Object.entries(TABLES).map(([name, cols]) => ({
    parts: ['main', name],
    columns: cols.map(([c, ty]) => ({ name: c, type: t(ty) })),
  })),
);
const COLUMNS = [...new Set(Object.values(TABLES).flatMap((cols) => cols.map(([c]) => c)))];

type Doc = Record<string, unknown>;
const src = (id: keyof typeof TABLES) => ({ id, type: 'source.table', config: { table: `main.${id}` } });

/** Valid workflows covering every component; the fuzzer starts from these. */
const BASES: Doc[] = [
  {
    edgeflow: 1,
    name: 'store_revenue',
    params: { min_amount: { type: 'number', default: 0 }, since: { type: 'date', default: '2024-01-01' } },
    nodes: [
      src('orders'),
      src('stores'),
      {
        id: 'paid',
        type: 'filter',
        inputs: { in: 'orders' },
        config: { where: "status = 'paid' AND amount >= :min_amount AND ordered_at >= :since" },
      },
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: {
          groupBy: ['store_id'],
          measures: { revenue: 'sum(amount)', orders: 'count(*)', avg_ticket: 'sum(amount) / count(*)' },
        },
      },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'rev', right: 'stores' },
        config: { kind: 'left', on: [{ left: 'store_id', right: 'store_id' }] },
      },
      {
        id: 'top',
        type: 'top_n',
        inputs: { in: 'j' },
        config: { groupBy: ['region'], orderBy: [{ expr: 'revenue', desc: true }], n: 2 },
      },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'top' },
        config: { table: 'analytics.store_revenue', mode: 'replace' },
      },
      {
        id: 'out2',
        type: 'output.table',
        inputs: { in: 'j' },
        config: { table: 'analytics.all_stores', mode: 'merge', keys: ['store_id'] },
      },
    ],
  },
  {
    edgeflow: 1,
    name: 'reshape',
    nodes: [
      src('orders'),
      {
        id: 'sel',
        type: 'select',
        inputs: { in: 'orders' },
        config: {
          columns: [
            'order_id',
            'customer_id',
            'amount',
            'discount',
            'status',
            'ordered_at',
            { as: 'with_tax', expr: 'amount * 1.21' },
          ],
        },
      },
      { id: 'dr', type: 'drop', inputs: { in: 'sel' }, config: { columns: ['with_tax'] } },
      { id: 'rn', type: 'rename', inputs: { in: 'dr' }, config: { columns: { amount: 'total' } } },
      {
        id: 'cmp',
        type: 'compute',
        inputs: { in: 'rn' },
        config: {
          columns: {
            month: "date_trunc('month', ordered_at)",
            size: "CASE WHEN total >= 100 THEN 'large' ELSE 'small' END",
            label: "upper(status) || ' #' || CAST(order_id AS string)",
          },
        },
      },
      { id: 'cst', type: 'cast', inputs: { in: 'cmp' }, config: { columns: { customer_id: 'string' } } },
      {
        id: 'fill',
        type: 'fill_nulls',
        inputs: { in: 'cst' },
        config: { columns: { discount: 0, status: 'unknown' } },
      },
      {
        id: 'srt',
        type: 'sort',
        inputs: { in: 'fill' },
        config: { by: [{ expr: 'total', desc: true, nulls: 'first' }, 'order_id'] },
      },
      { id: 'lim', type: 'limit', inputs: { in: 'srt' }, config: { count: 10, offset: 1 } },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'lim' },
        config: { table: 'analytics.reshaped', mode: 'append' },
      },
    ],
  },
  {
    edgeflow: 1,
    name: 'rows_and_windows',
    nodes: [
      src('orders'),
      src('customers'),
      {
        id: 'codes',
        type: 'source.values',
        config: {
          columns: [
            { name: 'status', type: 'string' },
            { name: 'label', type: 'string' },
          ],
          rows: [
            ['paid', 'Paid'],
            ['open', "It's open"],
            [null, 'none'],
          ],
        },
      },
      {
        id: 'win',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['store_id'],
          orderBy: ['ordered_at', 'order_id'],
          columns: { running: 'sum(amount)', rnk: 'row_number()', prev: 'lag(amount)' },
        },
      },
      {
        id: 'ded',
        type: 'dedupe',
        inputs: { in: 'win' },
        config: { key: ['customer_id'], orderBy: [{ expr: 'ordered_at', desc: true }] },
      },
      {
        id: 'known',
        type: 'join',
        inputs: { left: 'ded', right: 'customers' },
        config: { kind: 'semi', on: [{ left: 'customer_id', right: 'customer_id' }] },
      },
      {
        id: 'lab',
        type: 'join',
        inputs: { left: 'known', right: 'codes' },
        config: { kind: 'left', condition: 'left.status = right.status' },
      },
      { id: 'dis', type: 'distinct', inputs: { in: 'orders' }, config: { columns: ['store_id', 'status'] } },
      { id: 'u', type: 'union', inputs: { in: ['dis', 'dis'] }, config: { mode: 'distinct', byName: true } },
      { id: 'smp', type: 'sample', inputs: { in: 'orders' }, config: { percent: 50, seed: 7 } },
      { id: 'out', type: 'output.table', inputs: { in: 'lab' }, config: { table: 'analytics.labelled' } },
      {
        id: 'out2',
        type: 'output.table',
        inputs: { in: 'u' },
        config: { table: 'analytics.pairs', mode: 'create' },
      },
      { id: 'out3', type: 'output.table', inputs: { in: 'smp' }, config: { table: 'analytics.sampled' } },
    ],
  },
  {
    edgeflow: 1,
    name: 'escape_hatches',
    params: { who: { type: 'string', default: "o'brien" } },
    nodes: [
      {
        id: 'raw',
        type: 'source.sql',
        config: { sql: 'SELECT 1 AS one', columns: [{ name: 'one', type: 'int' }] },
      },
      src('orders'),
      {
        id: 'q',
        type: 'sql',
        inputs: { in: 'orders' },
        config: {
          sql: 'SELECT store_id, count(*) AS n FROM {{in}} GROUP BY store_id',
          columns: [
            { name: 'store_id', type: 'bigint' },
            { name: 'n', type: 'bigint' },
          ],
        },
      },
      { id: 'x', type: 'join', inputs: { left: 'q', right: 'raw' }, config: { kind: 'cross' } },
      { id: 'f', type: 'filter', inputs: { in: 'x' }, config: { where: "n > 0 OR :who = 'x'" } },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'f.rejected' },
        config: { table: 'analytics.rejected' },
      },
    ],
  },
];

// ------------------------------------------------------------------------------ random values

const WEIRD_STRINGS = [
  '',
  ' ',
  "x'; DROP TABLE t; --",
  '"; DROP TABLE t; --',
  '`',
  '\\',
  '$$',
  '{{in}}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'é😀\u0000\u200b',
  'a'.repeat(70),
  'in',
  'out',
  'orders',
  'paid.rejected',
  'orders.nope',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

function randomString(rng: Rng): string {
  switch (int(rng, 6)) {
    case 0:
      return pick(rng, WEIRD_STRINGS);
    case 1:
      return pick(rng, COLUMNS);
    case 2:
      return Array.from({ length: int(rng, 12) }, () => String.fromCharCode(32 + int(rng, 95))).join('');
    case 3:
      return String.fromCodePoint(
        ...Array.from({ length: 1 + int(rng, 6) }, () => int(rng, 0x2ffff)).filter(
          (c) => c < 0xd800 || c > 0xdfff,
        ),
      );
    case 4:
      return randomExpression(rng);
    default:
      return 'x'.repeat(chance(rng, 0.05) ? 50_000 : 1 + int(rng, 100));
  }
}

function randomValue(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 3 ? 8 : 11)) {
    case 0:
      return null;
    case 1:
      return pick(rng, [0, -1, 1.5, 2 ** 53, -0, 1e308, NaN, Infinity]);
    case 2:
      return chance(rng, 0.5);
    case 3:
    case 4:
    case 5:
      return randomString(rng);
    case 6:
      return undefined;
    case 7:
      return int(rng, 100);
    case 8:
      return Array.from({ length: int(rng, 4) }, () => randomValue(rng, depth + 1));
    case 9: {
      const o: Record<string, unknown> = {};
      for (let i = int(rng, 4); i > 0; i--)
        setOwn(
          o,
          chance(rng, 0.2) ? pick(rng, PROTO_KEYS) : randomString(rng).slice(0, 20),
          randomValue(rng, depth + 1),
        );
      return o;
    }
    default: {
      // Deep nesting.
      let v: unknown = randomValue(rng, depth + 1);
      for (let i = 100 + int(rng, 1_000); i > 0; i--) v = chance(rng, 0.5) ? [v] : { a: v };
      return v;
    }
  }
}

/** Sets an own property, even `__proto__` (which plain assignment would treat as the prototype). */
function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

// ------------------------------------------------------------------------------ random expressions

const SOUP = [
  ...COLUMNS,
  'amount',
  'amout',
  '"Odd Name"',
  '`x`',
  'left.store_id',
  'right.region',
  'foo.bar',
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'IN',
  'BETWEEN',
  'LIKE',
  'ILIKE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'AS',
  'SELECT',
  'FROM',
  'OVER',
  'DISTINCT',
  'EXISTS',
  "'x'",
  "'it''s'",
  "'unterminated",
  '"unterminated',
  '1',
  '1.5',
  '1e3',
  '1abc',
  "date '2024-01-31'",
  "timestamp '2024-13-01'",
  'true',
  'null',
  ':min_amount',
  ':nope',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '(',
  ')',
  ',',
  '.',
  ';',
  '--',
  '/*',
  '*/',
  '::',
  '$1',
  '?',
  '@',
  '[',
  '{',
  'é',
  '\u00a0',
  '\u0000',
  '😀',
  'sum(',
  'count(*)',
  'lower(',
  'lowr(',
  "date_trunc('month',",
  'extract(hour from',
  'row_number()',
  'pg_sleep(',
];

const OPS = ['+', '-', '*', '/', '%', '||', '=', '!=', '<', '<=', '>', '>=', 'AND', 'OR'];
const TYPES = [
  'int',
  'bigint',
  'double',
  'decimal(10,2)',
  'string',
  'bool',
  'date',
  'timestamp',
  'timestamptz',
];
const UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
const FUNCTION_NAMES = [...FUNCTIONS.keys()];

/** A grammatical (not necessarily well-typed) expression over the catalog's columns. */
function grammatical(rng: Rng, depth: number): string {
  const g = () => grammatical(rng, depth - 1);
  if (depth <= 0 || chance(rng, 0.25)) {
    return pick(rng, [
      () => pick(rng, COLUMNS),
      () => String(int(rng, 1000)),
      () => `${int(rng, 100)}.${int(rng, 100)}`,
      () => `'${randomString(rng).slice(0, 30).replaceAll("'", "''")}'`,
      () => pick(rng, ['true', 'false', 'null']),
      () => "date '2024-02-29'",
      () => "timestamp '2024-01-31 10:00:00'",
      () => pick(rng, [':min_amount', ':since', ':who']),
      () => pick(rng, ['current_date', 'current_timestamp()']),
    ])();
  }
  return pick(rng, [
    () => `${g()} ${pick(rng, OPS)} ${g()}`,
    () => `NOT ${g()}`,
    () => `-${g()}`,
    () => `(${g()})`,
    () => `${g()} IS ${chance(rng, 0.5) ? 'NOT ' : ''}NULL`,
    () => `${g()} ${chance(rng, 0.3) ? 'NOT ' : ''}IN (${g()}, ${g()})`,
    () => `${g()} BETWEEN ${g()} AND ${g()}`,
    () => `${g()} ${pick(rng, ['LIKE', 'ILIKE', 'NOT LIKE'])} ${g()}`,
    () => `CASE WHEN ${g()} THEN ${g()} ELSE ${g()} END`,
    () => `CASE ${g()} WHEN ${g()} THEN ${g()} END`,
    () => `CAST(${g()} AS ${pick(rng, TYPES)})`,
    () => `${pick(rng, FUNCTION_NAMES)}(${Array.from({ length: int(rng, 4) }, g).join(', ')})`,
    () => `count(${pick(rng, ['*', `distinct ${g()}`])})`,
    () => `extract(${pick(rng, ['year', 'month', 'dow', 'doy', 'hour', 'week'])} from ${g()})`,
    () => `date_trunc('${pick(rng, UNITS)}', ${g()})`,
    () => `date_add(${g()}, ${int(rng, 10)}, '${pick(rng, UNITS)}')`,
    () => `date_diff('${pick(rng, UNITS)}', ${g()}, ${g()})`,
    () => `round(${g()}, ${int(rng, 4)})`,
    () => `string_agg(${g()}, ', ')`,
  ])();
}

function randomExpression(rng: Rng): string {
  if (chance(rng, 0.6)) return grammatical(rng, 1 + int(rng, 4));
  const n = 1 + int(rng, 15);
  return Array.from({ length: n }, () => pick(rng, SOUP)).join(chance(rng, 0.8) ? ' ' : '');
}

// ------------------------------------------------------------------------------ mutations

interface Slot {
  parent: Record<string | number, unknown>;
  key: string | number;
}

/** Every (parent, key) slot in a document, breadth-first, bounded. */
function slots(doc: unknown, limit = 2_000): Slot[] {
  const out: Slot[] = [];
  const queue: unknown[] = [doc];
  const seen = new Set<unknown>();
  while (queue.length && out.length < limit) {
    const v = queue.shift();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    for (const [k, child] of Object.entries(v)) {
      out.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      queue.push(child);
    }
  }
  return out;
}

const nodesOf = (doc: Doc): Doc[] =>
  Array.isArray(doc['nodes'])
    ? (doc['nodes'] as unknown[]).filter((n): n is Doc => n !== null && typeof n === 'object')
    : [];
const idsOf = (doc: Doc) =>
  nodesOf(doc)
    .map((n) => n['id'])
    .filter((id): id is string => typeof id === 'string');

const MUTATIONS: Array<(doc: Doc, rng: Rng) => void> = [
  // delete a node
  (doc, rng) => {
    const nodes = doc['nodes'];
    if (Array.isArray(nodes) && nodes.length) nodes.splice(int(rng, nodes.length), 1);
  },
  // duplicate a node, same id or a new one
  (doc, rng) => {
    const nodes = doc['nodes'];
    if (!Array.isArray(nodes) || !nodes.length) return;
    const copy = structuredClone(pick(rng, nodes)) as Doc;
    if (copy && typeof copy === 'object' && chance(rng, 0.5))
      copy['id'] = `${String(copy['id'])}_${int(rng, 9)}`;
    nodes.splice(int(rng, nodes.length + 1), 0, copy);
  },
  // rename a node, sometimes fixing its readers
  (doc, rng) => {
    const nodes = nodesOf(doc);
    if (!nodes.length) return;
    const n = pick(rng, nodes);
    const old = n['id'];
    const id = chance(rng, 0.5) ? pick(rng, [...PROTO_KEYS, ...WEIRD_STRINGS]) : `n_${int(rng, 1000)}`;
    n['id'] = id;
    if (chance(rng, 0.5))
      for (const m of nodesOf(doc)) {
        const inputs = m['inputs'];
        if (inputs && typeof inputs === 'object')
          for (const [port, ref] of Object.entries(inputs)) if (ref === old) (inputs as Doc)[port] = id;
      }
  },
  // change a type: another component, a typo, or garbage
  (doc, rng) => {
    const nodes = nodesOf(doc);
    if (!nodes.length) return;
    const n = pick(rng, nodes);
    const c = pick(rng, COMPONENTS).id;
    n['type'] = pick(rng, [c, c.slice(0, -1), `${c}s`, randomString(rng), pick(rng, PROTO_KEYS)]);
  },
  // corrupt a config value with a random JSON value
  (doc, rng) => {
    const nodes = nodesOf(doc);
    if (!nodes.length) return;
    const n = pick(rng, nodes);
    const s = slots(n['config']);
    if (s.length) {
      const slot = pick(rng, s);
      slot.parent[slot.key] = randomValue(rng);
    } else n['config'] = randomValue(rng);
  },
  // replace a string in a config (usually an expression or a column) with a random expression
  (doc, rng) => {
    const strings = nodesOf(doc)
      .flatMap((n) => slots(n['config']))
      .filter((s) => typeof s.parent[s.key] === 'string');
    if (strings.length) {
      const slot = pick(rng, strings);
      slot.parent[slot.key] = randomExpression(rng);
    }
  },
  // random references
  (doc, rng) => {
    const nodes = nodesOf(doc);
    if (!nodes.length) return;
    const n = pick(rng, nodes);
    const ids = idsOf(doc);
    const ref = () =>
      pick(rng, [
        () => pick(rng, ids.length ? ids : ['x']),
        () =>
          `${pick(rng, ids.length ? ids : ['x'])}.${pick(rng, ['out', 'rejected', 'in', 'nope', '__proto__'])}`,
        () => randomString(rng),
      ])();
    const port = pick(rng, ['in', 'left', 'right', 'inn', '__proto__', 'constructor']);
    const inputs = (n['inputs'] && typeof n['inputs'] === 'object' ? n['inputs'] : (n['inputs'] = {})) as Doc;
    setOwn(inputs, port, chance(rng, 0.3) ? Array.from({ length: int(rng, 4) }, ref) : ref());
  },
  // a non-object (or any) value at any path of the document
  (doc, rng) => {
    const s = slots(doc);
    if (s.length) {
      const slot = pick(rng, s);
      slot.parent[slot.key] = randomValue(rng);
    }
  },
  // prototype-pollution keys anywhere
  (doc, rng) => {
    const objects = slots(doc)
      .map((s) => s.parent[s.key])
      .filter((v): v is object => v !== null && typeof v === 'object' && !Array.isArray(v));
    setOwn(
      objects.length ? pick(rng, objects) : doc,
      pick(rng, PROTO_KEYS),
      chance(rng, 0.5) ? { polluted: true } : randomValue(rng),
    );
  },
  // params: random declarations and references
  (doc, rng) => {
    const params = (
      doc['params'] && typeof doc['params'] === 'object' ? doc['params'] : (doc['params'] = {})
    ) as Doc;
    const name = chance(rng, 0.3)
      ? pick(rng, [...PROTO_KEYS, 'a b', ''])
      : pick(rng, ['min_amount', 'since', 'who', 'p1']);
    setOwn(params, name, {
      type: pick(rng, ['number', 'integer', 'string', 'boolean', 'date', 'timestamp', 'numbr']),
      ...(chance(rng, 0.6) ? { default: randomValue(rng) } : {}),
    });
  },
  // a new node of a random component, configured from its documented example
  (doc, rng) => {
    const nodes = doc['nodes'];
    if (!Array.isArray(nodes)) return;
    const def = pick(rng, COMPONENTS);
    const ids = idsOf(doc);
    const inputs: Doc = {};
    for (const p of def.inputs)
      inputs[p.name] = p.many
        ? [pick(rng, ids.length ? ids : ['x']), pick(rng, ids.length ? ids : ['x'])]
        : pick(rng, ids.length ? ids : ['x']);
    nodes.push({
      id: `added_${int(rng, 100)}`,
      type: def.id,
      ...(def.inputs.length ? { inputs } : {}),
      config: structuredClone(def.example.config),
    });
  },
  // huge strings
  (doc, rng) => {
    const strings = slots(doc).filter((s) => typeof s.parent[s.key] === 'string');
    if (strings.length) {
      const slot = pick(rng, strings);
      const text = String(slot.parent[slot.key]) || 'x';
      slot.parent[slot.key] = text.repeat(Math.ceil(100_000 / text.length)).slice(0, 100_000);
    }
  },
];

/** Serialises to JSON or YAML, then flips, inserts or deletes a few characters. */
function corruptText(doc: Doc, rng: Rng): string {
  let text: string;
  try {
    text = chance(rng, 0.7)
      ? JSON.stringify(doc, null, chance(rng, 0.5) ? 2 : undefined)
      : YAML.stringify(doc);
  } catch {
    text = '{';
  }
  for (let i = int(rng, 4); i > 0; i--) {
    const at = int(rng, text.length + 1);
    const ch = pick(rng, [
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      ':',
      ',',
      '\n',
      ' ',
      '-',
      '#',
      '&a',
      '*a',
      '!!js/function',
      '\t',
    ]);
    text = pick(rng, [
      () => text.slice(0, at) + ch + text.slice(at),
      () => text.slice(0, at) + text.slice(at + 1),
      () => text.slice(0, at) + ch + text.slice(at + 1),
    ])();
  }
  return text;
}

// ------------------------------------------------------------------------------ checks

const CODES = new Set<string>(DIAGNOSTIC_CODES);

/** What is wrong with a diagnostic's shape, if anything. */
function malformed(d: Diagnostic): string | undefined {
  if (!CODES.has(d.code)) return `unknown code ${String(d.code)}`;
  if (typeof d.path !== 'string' || !d.path.startsWith('$')) return `path ${String(d.path)}`;
  if (typeof d.message !== 'string' || d.message.length === 0) return 'empty message';
  if (d.severity !== 'error' && d.severity !== 'warning') return `severity ${String(d.severity)}`;
  if (d.nodeId !== undefined && typeof d.nodeId !== 'string') return 'nodeId not a string';
  if (d.hint !== undefined && typeof d.hint !== 'string') return 'hint not a string';
  if (d.span && !(d.span.line >= 1 && d.span.column >= 1 && d.span.end >= d.span.start)) return 'bad span';
  // The compiler turns a caught crash into this message: it is a bug, however well-formed.
  if (/internal error|internal:/.test(d.message)) return `a crash in disguise: ${d.message}`;
  return undefined;
}

/** A problem inside a node with a usable id must name that node. */
function wrongNode(doc: unknown, d: Diagnostic): string | undefined {
  const at = /^\$\.nodes\[(\d+)\]/.exec(d.path);
  if (!at || doc === null || typeof doc !== 'object') return undefined;
  const nodes = (doc as Doc)['nodes'];
  const node: unknown = Array.isArray(nodes) ? nodes[Number(at[1])] : undefined;
  const id = node !== null && typeof node === 'object' ? (node as Doc)['id'] : undefined;
  if (typeof id !== 'string' || id.length === 0 || d.nodeId === id) return undefined;
  return `names node ${JSON.stringify(d.nodeId)} at a path inside node ${JSON.stringify(id)}`;
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

interface Case {
  index: number;
  doc: unknown;
  dialect: DialectName;
}

function makeCase(index: number): Case {
  const rng = prng(SEED + index);
  const doc = structuredClone(pick(rng, BASES));
  for (let i = 1 + int(rng, 3); i > 0; i--) pick(rng, MUTATIONS)(doc, rng);
  return { index, doc: chance(rng, 0.1) ? corruptText(doc, rng) : doc, dialect: pick(rng, DIALECT_NAMES) };
}

function randomParams(rng: Rng): Record<string, unknown> | undefined {
  if (chance(rng, 0.5)) return undefined;
  const out: Record<string, unknown> = {};
  for (let i = int(rng, 3); i >= 0; i--)
    setOwn(out, pick(rng, ['min_amount', 'since', 'who', 'nope', 'constructor']), randomValue(rng, 4));
  return out;
}

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  conn = await db.connect();
  await conn.run('CREATE SCHEMA main_data');
  const sql: string[] = [
    `CREATE TABLE main.orders (order_id BIGINT, store_id BIGINT, customer_id BIGINT, status VARCHAR, amount DECIMAL(12,2), discount DECIMAL(12,2), ordered_at TIMESTAMP)`,
    `INSERT INTO main.orders VALUES (1, 1, 10, 'paid', 120.50, NULL, '2024-01-03 10:00:00'), (2, 1, 11, 'open', 15.00, 1.00, '2024-02-29 23:59:59'), (3, 2, 10, NULL, NULL, 0, NULL), (4, NULL, NULL, 'paid', -3.25, 0.5, '2023-12-31 00:00:00')`,
    `CREATE TABLE main.customers (customer_id BIGINT, name VARCHAR, segment VARCHAR, signup_date DATE)`,
    `INSERT INTO main.customers VALUES (10, 'Ann', 'smb', '2023-05-01'), (11, 'O''Brien', NULL, NULL)`,
    `CREATE TABLE main.stores (store_id BIGINT, city VARCHAR, region VARCHAR)`,
    `INSERT INTO main.stores VALUES (1, 'Madrid', 'south'), (2, NULL, 'north')`,
  ];
  for (const s of sql) await conn.run(s);
});
afterAll(() => {
  conn?.closeSync();
  db?.closeSync();
});

/** DuckDB errors that mean the data did not fit (a bad cast at run time), not that the SQL is wrong. */
const DATA_ERROR = /^(Conversion|Out of Range|Invalid Input) Error/;
/** With raw SQL in the query, its declared columns are trusted: a mismatch is the author's error. */
const RAW_SQL_ERROR = /^(Binder|Parser|Catalog) Error/;

describe('fuzz', () => {
  it('the bases are valid in every dialect', () => {
    for (const base of BASES)
      for (const dialect of DIALECT_NAMES) {
        const a = analyzeWorkflow(base, { dialect, catalog });
        // Redshift has ROWS frames only: a running sum without a frame (RANGE, ties counted
        // together) is refused there, not rendered with another meaning (compiler/dialects/redshift.ts).
        const refused = (d: Diagnostic) =>
          dialect === 'redshift' && d.code === 'UNSUPPORTED' && /ROWS frames only/.test(d.message);
        expect(
          a.diagnostics.filter((d) => d.severity === 'error' && !refused(d)),
          `${String(base['name'])} on ${dialect}`,
        ).toEqual([]);
      }
  });

  it(`${CASES} mutated workflows produce only structured diagnostics, and valid ones compile and run`, async () => {
    const problems: string[] = [];
    const report = (c: Case, stage: string, detail: string) => {
      if (problems.length < 30) problems.push(`case ${c.index} (${c.dialect}) ${stage}: ${detail}`);
    };
    const checkAll = (c: Case, stage: string, ds: readonly Diagnostic[]) => {
      for (const d of ds) {
        const why = malformed(d) ?? wrongNode(c.doc, d);
        if (why) report(c, stage, `${why} — ${JSON.stringify(d).slice(0, 300)}`);
      }
    };
    const valid: Case[] = [];
    // CPU time rather than wall time: the machine may be busy with other work.
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(i);
      const rng = prng(SEED ^ (i * 7919));
      try {
        const a = analyzeWorkflow(c.doc, { dialect: c.dialect, catalog });
        checkAll(c, 'analyze', a.diagnostics);
        const ids = [...(a.graph?.nodes.keys() ?? [])];
        const preview = compilePreview(a, {
          node: chance(rng, 0.9) && ids.length ? pick(rng, ids) : randomString(rng),
          ...(chance(rng, 0.3) ? { port: pick(rng, ['out', 'rejected', 'nope']) } : {}),
          ...(chance(rng, 0.5) ? { limit: int(rng, 100) } : {}),
          ...(randomParams(rng) ? { params: randomParams(rng)! } : {}),
          paramMode: pick(rng, ['bind', 'literal'] as const),
        });
        checkAll(c, 'preview', preview.diagnostics);
        const plan = compilePlan(a, {
          runId: randomString(rng).slice(0, 40),
          ...(chance(rng, 0.3) ? { writeSchemas: [pick(rng, ['analytics', 'main', '"odd"."x"', ''])] } : {}),
          ...(chance(rng, 0.2) ? { stagingSchema: pick(rng, ['tmp', 'a.b.c.d', '"x', '']) } : {}),
          ...(chance(rng, 0.3) ? { params: randomParams(rng) ?? {} } : {}),
        });
        checkAll(c, 'plan', plan.diagnostics);
        if (a.valid) valid.push(c);
      } catch (e) {
        report(c, 'threw', (e as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(e));
      }
    }

    const cpu = process.cpuUsage(cpuBefore);
    const fuzzCpuMs = (cpu.user + cpu.system) / 1000;

    // Valid mutants compile for every dialect; the previews of some run on DuckDB.
    let executed = 0;
    for (const c of valid) {
      for (const dialect of DIALECT_NAMES) {
        try {
          const a = analyzeWorkflow(c.doc, { dialect, catalog });
          const errors = a.diagnostics.filter((d) => d.severity === 'error');
          if (errors.some((d) => d.code !== 'UNSUPPORTED'))
            report(c, `valid on ${c.dialect} but not on ${dialect}`, JSON.stringify(errors[0]).slice(0, 300));
          if (errors.length) continue;
          const nodes = [...a.nodes.keys()].filter((id) => a.graph!.nodes.get(id)!.def.category !== 'output');
          for (const node of nodes) {
            const p = compilePreview(a, { node, limit: 20, paramMode: 'literal' });
            const perr = p.diagnostics.filter((d) => d.severity === 'error');
            if (perr.some((d) => d.code !== 'MISSING_PARAM') || (!p.query && perr.length === 0))
              report(c, `preview of ${node} on ${dialect}`, JSON.stringify(perr[0]).slice(0, 300));
            else if (p.query && dialect === 'duckdb' && executed < EXECUTED) {
              executed++;
              try {
                await conn.run(p.query.sql);
              } catch (e) {
                const message = (e as Error).message;
                const raw = p.query.nodes.some((id) =>
                  ['sql', 'source.sql'].includes(a.graph!.nodes.get(id)!.def.id),
                );
                if (!DATA_ERROR.test(message) && !(raw && RAW_SQL_ERROR.test(message)))
                  report(
                    c,
                    `DuckDB ran the preview of ${node}`,
                    `${message.slice(0, 300)}\n${p.query.sql.slice(0, 2_000)}`,
                  );
              }
            }
          }
          const plan = compilePlan(a, { runId: 'fuzz' });
          const planErrors = plan.diagnostics.filter((d) => d.severity === 'error');
          if (planErrors.some((d) => !['MISSING_PARAM', 'DUPLICATE_TARGET'].includes(d.code)))
            report(c, `plan on ${dialect}`, JSON.stringify(planErrors[0]).slice(0, 300));
        } catch (e) {
          report(
            c,
            `threw compiling for ${dialect}`,
            (e as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(e),
          );
        }
      }
    }

    expect(problems).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(fuzzCpuMs).toBeLessThan(10_000);
    // Enough mutants survive to exercise the compile and execute paths.
    expect(valid.length).toBeGreaterThan(CASES / 20);
    expect(executed).toBeGreaterThan(50);
  }, 120_000);
});
