/**
 * The corpus of workflows the grammar tests compile for a warehouse that cannot run here: every
 * component's example, every write mode and hint, multi-node workflows, every portable function
 * and operator, every date unit on date, timestamp and timestamptz columns, awkward string
 * literals and identifiers, reserved words. BigQuery's texts go to ZetaSQL
 * (compiler/dialects/bigquery-grammar.test.ts), Databricks' to Spark's grammar
 * (databricks-grammar.test.ts), Redshift's to node-sql-parser's Redshift grammar
 * (redshift-grammar.test.ts). What differs per warehouse — the raw SQL of `source.sql` and `sql`
 * nodes, how an odd table is named, which uses are UNSUPPORTED — is passed in.
 */
import {
  COMPONENTS,
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  createCatalog,
  formatDiagnostic,
  parseTypeName,
  type Catalog,
  type DialectName,
  type DialectOptions,
  type PortableType,
  type TableInfo,
  type WorkflowAnalysis,
} from '../../compiler/index.js';
import { DATE_UNITS } from '../../compiler/expr/functions.js';

/** The warehouses whose SQL is checked by a grammar. */
export type GrammarDialect = 'bigquery' | 'databricks' | 'redshift' | 'oracle' | 'tsql';

export interface CorpusOptions {
  dialect: GrammarDialect;
  /** The raw SELECT of the source.sql example (reads main.orders), in the warehouse's SQL. */
  sourceSql: string;
  /** The raw SELECT of the sql example (reads {{in}}; gives store_id, median_amount). */
  sqlNodeSql: string;
  /** The odd table: its stored parts, the ways to write it, and where odd outputs go. */
  oddTable: { parts: string[]; refs: string[]; outputs: { replace: string; merge: string; append: string } };
  /** Where the partitionBy cases write. */
  partitionedTable: string;
  /** Reserved words used as node ids and column names. */
  reserved: readonly string[];
}

export const t = (s: string): PortableType => {
  const type = parseTypeName(s);
  if (!type) throw new Error(`not a portable type: ${s}`);
  return type;
};
export const cols = (spec: Record<string, string>) =>
  Object.entries(spec).map(([name, type]) => ({ name, type: t(type) }));

/** BigQuery's reserved keywords (GoogleSQL lexical structure). */
export const BIGQUERY_RESERVED: readonly string[] =
  `all and any array as asc assert_rows_modified at between by case cast collate contains
  create cross cube current default define desc distinct else end enum escape except exclude exists extract false
  fetch following for from full group grouping groups hash having if ignore in inner intersect interval into is join
  lateral left like limit lookup merge natural new no not null nulls of on or order outer over partition preceding
  proto qualify range recursive respect right rollup rows select set some struct tablesample then to treat true
  unbounded union unnest using when where window with within`
    .split(/\s+/)
    .filter(Boolean);

export const ODD_COLUMNS = [
  'Odd Name',
  "it's",
  'back`tick',
  'quo"te',
  'back\\slash',
  'new\nline',
  'ünïcödé',
  '1st',
  'x-y',
  'a.b',
  '_ok',
  'MiXeD',
];

export function corpusTables(o: CorpusOptions): TableInfo[] {
  return [
    {
      parts: ['main', 'orders'],
      columns: cols({
        order_id: 'bigint',
        store_id: 'bigint',
        customer_id: 'bigint',
        status: 'string',
        amount: 'decimal(12,2)',
        discount: 'decimal(12,2)',
        ordered_at: 'timestamp',
      }),
    },
    {
      parts: ['main', 'customers'],
      columns: cols({ customer_id: 'bigint', name: 'string', segment: 'string', signup_date: 'date' }),
    },
    { parts: ['main', 'stores'], columns: cols({ store_id: 'bigint', city: 'string', region: 'string' }) },
    {
      parts: ['main', 'shops'],
      columns: cols({
        store_id: 'bigint',
        city: 'string',
        lon: 'double',
        lat: 'double',
        location: 'geography',
        catchment: 'geography',
      }),
    },
    {
      parts: ['main', 'homes'],
      columns: cols({ customer_id: 'bigint', lon: 'double', lat: 'double', home: 'geography' }),
    },
    {
      parts: ['main', 'types'],
      columns: cols({
        i: 'int',
        b: 'bigint',
        d: 'double',
        n: 'decimal(12,2)',
        big: 'decimal(38,10)',
        s: 'string',
        s2: 'string',
        flag: 'bool',
        dt: 'date',
        dt2: 'date',
        ts: 'timestamp',
        ts2: 'timestamp',
        tz: 'timestamptz',
        tz2: 'timestamptz',
        g: 'geography',
      }),
    },
    {
      parts: o.oddTable.parts,
      columns: [
        { name: 'id', type: t('bigint') },
        { name: 'day', type: t('date') },
        ...ODD_COLUMNS.map((name) => ({ name, type: t('string') })),
      ],
    },
    {
      parts: ['main', 'clash'],
      columns: cols({ clash: 'bigint', amount: 'decimal(12,2)', orders: 'bigint' }),
    },
    {
      parts: ['main', 'reserved'],
      columns: o.reserved.map((name) => ({ name, type: t('bigint') })),
    },
  ];
}

export function corpusCatalog(o: CorpusOptions): Catalog {
  return createCatalog(corpusTables(o));
}

export interface Case {
  name: string;
  workflow: Record<string, unknown>;
  /** Nodes (or node.port) to preview; default: every output port of every non-output node. */
  previews?: string[];
  /** Run-time parameter values. */
  params?: Record<string, unknown>;
  /** The workflow must be refused, per warehouse, with an UNSUPPORTED diagnostic matching this. */
  unsupported?: Partial<Record<GrammarDialect, RegExp>>;
  /** Compile without the connection's CARTO Analytics Toolbox location. */
  noToolbox?: boolean;
}

type Node = Record<string, unknown>;
const wf = (name: string, nodes: Node[], extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name,
  nodes,
  ...extra,
});
const source = (id: string, table: string): Node => ({ id, type: 'source.table', config: { table } });
const sink = (input: string, config: Record<string, unknown> = {}, id = 'sink'): Node => ({
  id,
  type: 'output.table',
  inputs: { in: input },
  config: { table: 'analytics.result', ...config },
});
const safeName = (s: string) => s.replace(/[^a-z0-9]+/gi, '_').toLowerCase();

// ------------------------------------------------------------------ components' examples
function componentCases(o: CorpusOptions): Case[] {
  const out: Case[] = [];
  const known = new Set(['orders', 'customers', 'stores', 'shops', 'homes']);
  for (const def of COMPONENTS) {
    const refs = Object.values(def.example.inputs ?? {}).flatMap((r) => (Array.isArray(r) ? r : [r]));
    const sources = [...new Set(refs)].map((id) => source(id, `main.${known.has(id) ? id : 'orders'}`));
    let config = def.example.config;
    // The raw-SQL examples are written in DuckDB's SQL; a user of the warehouse writes its own.
    if (def.id === 'source.sql')
      config = {
        sql: o.sourceSql,
        columns: corpusTables(o)[0]!.columns.map((c) => ({ name: c.name, type: formatTypeName(c.type) })),
      };
    if (def.id === 'sql') config = { ...config, sql: o.sqlNodeSql };
    const node: Node = { id: 'example', type: def.id, config };
    if (def.example.inputs) node['inputs'] = def.example.inputs;
    if (def.category === 'output') {
      const modes = ['replace', 'append', 'merge', 'create'] as const;
      for (const mode of modes) {
        const hints = [
          {},
          { partitionBy: 'ordered_at', clusterBy: ['store_id', 'status'] },
          { clusterBy: ['order_id'] },
        ];
        hints.forEach((h, i) =>
          out.push({
            name: `output.table mode ${mode} hints ${JSON.stringify(h)}`,
            workflow: wf(`example_output_${mode}_${i}`, [
              ...sources,
              {
                ...node,
                config: { ...config, mode, ...(mode === 'merge' ? { keys: ['order_id'] } : {}), ...h },
              },
            ]),
          }),
        );
      }
      // Partitioning on each temporal type, on a table in a project whose id has a '-'.
      for (const col of ['dt', 'ts', 'tz'])
        out.push({
          name: `output.table partitionBy ${col}`,
          workflow: wf(`example_partition_${col}`, [
            source('types', 'main.types'),
            sink('types', {
              table: o.partitionedTable,
              partitionBy: col,
              clusterBy: ['s', 'b', 'dt', 'flag'],
            }),
          ]),
        });
      continue;
    }
    out.push({
      name: `component ${def.id}`,
      workflow: wf(`example_${safeName(def.id)}`, [...sources, node, sink('example')]),
    });
  }
  return out;
}

function formatTypeName(type: PortableType): string {
  return type.kind === 'decimal' ? `decimal(${type.precision},${type.scale})` : type.kind;
}

// ------------------------------------------------------------------ multi-node workflows
function workflowCases(o: CorpusOptions): Case[] {
  const cases: Case[] = [];
  cases.push({
    name: 'store revenue with a shared join, replace + merge (materialised staging table)',
    params: { min_amount: 5 },
    workflow: wf(
      'store_revenue',
      [
        source('orders', 'main.orders'),
        {
          id: 'paid',
          type: 'filter',
          inputs: { in: 'orders' },
          config: { where: "status = 'paid' AND amount >= :min_amount" },
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
        source('stores', 'main.stores'),
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
        sink('top', { table: 'analytics.store_revenue', mode: 'replace' }, 'out'),
        sink('j', { table: 'analytics.all_stores', mode: 'merge', keys: ['store_id'] }, 'out2'),
        sink('j', { table: 'analytics.all_stores_log', mode: 'append' }, 'out3'),
      ],
      { params: { min_amount: { type: 'number', default: 0 } } },
    ),
  });
  cases.push({
    name: 'filter with both ports written, sort, limit with offset, distinct, dedupe',
    workflow: wf('filter_ports', [
      source('orders', 'main.orders'),
      {
        id: 'f',
        type: 'filter',
        inputs: { in: 'orders' },
        config: { where: "status IN ('paid', 'shipped') OR amount IS NULL" },
      },
      {
        id: 'sorted',
        type: 'sort',
        inputs: { in: 'f' },
        config: { by: [{ expr: 'amount', desc: true, nulls: 'first' }, 'order_id'] },
      },
      { id: 'lim', type: 'limit', inputs: { in: 'sorted' }, config: { count: 5, offset: 10 } },
      { id: 'dist', type: 'distinct', inputs: { in: 'f.rejected' }, config: {} },
      {
        id: 'dd',
        type: 'dedupe',
        inputs: { in: 'dist' },
        config: {
          key: ['customer_id', 'store_id'],
          orderBy: [{ expr: 'ordered_at', desc: true, nulls: 'first' }],
        },
      },
      sink('lim', { table: 'analytics.kept' }, 'o1'),
      sink('dd', { table: 'analytics.rejected', mode: 'append' }, 'o2'),
    ]),
  });
  cases.push({
    name: 'an aggregate joined on its group keys with a filtered set (the keys pushed into it), then ordered and limited',
    workflow: wf('pushed_keys', [
      source('orders', 'main.orders'),
      source('stores', 'main.stores'),
      {
        id: 'per_pair',
        type: 'aggregate',
        inputs: { in: 'orders' },
        config: { groupBy: ['store_id', 'customer_id'], measures: { total: 'sum(amount)' } },
      },
      { id: 'north', type: 'filter', inputs: { in: 'stores' }, config: { where: "region = 'north'" } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'north', right: 'per_pair' },
        config: {
          on: [{ left: 'store_id', right: 'store_id' }],
          select: ['left.store_id', 'right.customer_id', 'right.total'],
        },
      },
      {
        id: 'per_store',
        type: 'aggregate',
        inputs: { in: 'j' },
        config: { groupBy: ['store_id', 'customer_id'], measures: { total: 'sum(total)' } },
      },
      {
        id: 'top',
        type: 'top_n',
        inputs: { in: 'per_store' },
        config: { orderBy: [{ expr: 'store_id', desc: true }, 'customer_id'], n: 10 },
      },
      {
        id: 'sorted',
        type: 'sort',
        inputs: { in: 'per_pair' },
        config: { by: ['customer_id', { expr: 'store_id', desc: true }] },
      },
      sink('top', { table: 'analytics.top_pairs' }, 'o1'),
    ]),
  });
  const joinKinds = ['inner', 'left', 'right', 'full', 'cross', 'semi', 'anti'];
  for (const kind of joinKinds) {
    const on = kind === 'cross' ? {} : { on: [{ left: 'customer_id', right: 'customer_id' }] };
    cases.push({
      name: `join ${kind} on keys`,
      workflow: wf(`join_${kind}`, [
        source('orders', 'main.orders'),
        source('customers', 'main.customers'),
        { id: 'j', type: 'join', inputs: { left: 'orders', right: 'customers' }, config: { kind, ...on } },
        sink('j'),
      ]),
    });
    if (kind === 'cross') continue;
    cases.push({
      name: `join ${kind} on a condition with select`,
      workflow: wf(`join_${kind}_cond`, [
        source('orders', 'main.orders'),
        source('customers', 'main.customers'),
        {
          id: 'j',
          type: 'join',
          inputs: { left: 'orders', right: 'customers' },
          config: {
            kind,
            condition:
              "left.customer_id = right.customer_id AND CAST(left.ordered_at AS date) >= right.signup_date AND right.segment <> 'x'",
            ...(kind === 'semi' || kind === 'anti'
              ? {}
              : {
                  select: [
                    'left.order_id',
                    'right.name',
                    { as: 'seg', expr: "coalesce(right.segment, '?')" },
                  ],
                }),
          },
        },
        sink('j'),
      ]),
    });
  }
  for (const mode of ['all', 'distinct'])
    for (const byName of [false, true])
      cases.push({
        name: `union ${mode} byName=${byName}`,
        workflow: wf(`union_${mode}_${byName}`, [
          source('orders', 'main.orders'),
          {
            id: 'a',
            type: 'select',
            inputs: { in: 'orders' },
            config: { columns: ['order_id', 'status', { as: 'x', expr: 'amount * 2' }] },
          },
          {
            id: 'b',
            type: 'select',
            inputs: { in: 'orders' },
            config: {
              columns: byName ? ['status', 'order_id'] : ['order_id', 'status', { as: 'x', expr: 'amount' }],
            },
          },
          { id: 'sorted', type: 'sort', inputs: { in: 'orders' }, config: { by: ['order_id'] } },
          { id: 'lim', type: 'limit', inputs: { in: 'sorted' }, config: { count: 3 } },
          {
            id: 'c',
            type: 'select',
            inputs: { in: 'lim' },
            config: { columns: ['order_id', 'status', { as: 'x', expr: 'discount' }] },
          },
          { id: 'smp', type: 'sample', inputs: { in: 'c' }, config: { rows: 2 } },
          { id: 'u', type: 'union', inputs: { in: ['a', 'b', 'c', 'smp'] }, config: { mode, byName } },
          sink('u'),
        ]),
      });
  const samples = [
    { percent: 10 },
    { percent: 10, seed: 42 },
    { rows: 5 },
    { rows: 5, seed: 7 },
    { percent: 100, seed: 1 },
  ];
  samples.forEach((config, i) =>
    cases.push({
      name: `sample ${JSON.stringify(config)}`,
      workflow: wf(`sample_${i}`, [
        source('orders', 'main.orders'),
        { id: 's', type: 'sample', inputs: { in: 'orders' }, config },
        sink('s'),
      ]),
    }),
  );
  const frames = [
    undefined,
    { unit: 'rows', from: -6, to: 0 },
    { unit: 'rows', from: 'unbounded', to: 'unbounded' },
    { unit: 'rows', from: 1, to: 3 },
    { unit: 'range', from: -7, to: 0 },
    { unit: 'range', from: 'unbounded', to: 0 },
  ];
  frames.forEach((frame, i) =>
    cases.push({
      name: `window frame ${JSON.stringify(frame)}`,
      workflow: wf(`window_${i}`, [
        source('orders', 'main.orders'),
        {
          id: 'w',
          type: 'window',
          inputs: { in: 'orders' },
          config: {
            partitionBy: ['store_id'],
            orderBy:
              frame?.unit === 'range' ? ['order_id'] : [{ expr: 'ordered_at', desc: true }, 'order_id'],
            columns: {
              total: 'sum(amount)',
              share: 'amount / sum(amount)',
              n: 'count(*)',
              first_status: 'first_value(status)',
              last_status: 'last_value(status)',
              rn: 'row_number()',
              prev: 'lag(amount, 1, 0)',
            },
            ...(frame ? { frame } : {}),
          },
        },
        sink('w'),
      ]),
    }),
  );
  cases.push({
    name: 'top_n without groups, aggregate without groups, rename/drop/cast/fill_nulls chain',
    workflow: wf('chain', [
      source('orders', 'main.orders'),
      { id: 'top', type: 'top_n', inputs: { in: 'orders' }, config: { orderBy: ['amount'], n: 1 } },
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'orders' },
        config: { measures: { n: 'count(*)', s: 'sum(amount)' } },
      },
      {
        id: 'ren',
        type: 'rename',
        inputs: { in: 'top' },
        config: { columns: { amount: 'Amount Due', status: 'order' } },
      },
      { id: 'drp', type: 'drop', inputs: { in: 'ren' }, config: { columns: ['discount'] } },
      {
        id: 'cst',
        type: 'cast',
        inputs: { in: 'drp' },
        config: { columns: { order_id: 'string', 'Amount Due': 'double' } },
      },
      {
        id: 'fil',
        type: 'fill_nulls',
        inputs: { in: 'cst' },
        config: { columns: { order: 'it\'s \\ "odd"\n', order_id: 'none', 'Amount Due': -1.5 } },
      },
      sink('fil', {}, 'o1'),
      sink('agg', { table: 'analytics.totals' }, 'o2'),
    ]),
  });
  cases.push({
    name: 'parameters of every type, bound and literal',
    params: {
      n: 2.5,
      k: -3,
      s: 'it\'s a \\ "test"\n',
      yes: true,
      day: '2024-02-29',
      at: '2024-02-29T10:11:12',
    },
    workflow: wf(
      'params',
      [
        source('types', 'main.types'),
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'types' },
          config: { where: 'd > :n AND i <> :k AND s = :s AND flag = :yes AND dt >= :day AND ts < :at' },
        },
        {
          id: 'c',
          type: 'compute',
          inputs: { in: 'f' },
          config: { columns: { p: ':s || s', q: "date_add(:day, :k, 'day')" } },
        },
        sink('c'),
      ],
      {
        params: {
          n: { type: 'number' },
          k: { type: 'integer' },
          s: { type: 'string' },
          yes: { type: 'boolean' },
          day: { type: 'date' },
          at: { type: 'timestamp' },
        },
      },
    ),
  });
  cases.push({
    name: 'source.values with awkward text, numbers, dates and nulls',
    workflow: wf('values', [
      {
        id: 'v',
        type: 'source.values',
        config: {
          columns: [
            { name: 'txt', type: 'string' },
            { name: 'n', type: 'decimal(10,2)' },
            { name: 'i', type: 'bigint' },
            { name: 'd', type: 'double' },
            { name: 'ok', type: 'bool' },
            { name: 'day', type: 'date' },
            { name: 'at', type: 'timestamp' },
            { name: 'Odd Name', type: 'string' },
          ],
          rows: [
            ["it's", 1.5, -2, 1e-7, true, '2024-01-31', '2024-01-31 10:00:00', 'x'],
            [
              'back\\slash "dq" `bt`',
              -0.25,
              9007199254740991,
              -3.5,
              false,
              '1999-12-31',
              '2000-01-01T00:00:00',
              null,
            ],
            ['new\nline\ttab\rcr', null, null, null, null, null, null, '--not a comment'],
            ['/* c */ ; @p ?', 0, 0, 0, true, '2024-02-29', '2024-02-29 23:59:59', 'ünï 😀'],
          ],
        },
      },
      sink('v'),
    ]),
  });
  cases.push({
    name: 'empty source.values',
    workflow: wf('values_empty', [
      { id: 'v', type: 'source.values', config: { columns: [{ name: 'a', type: 'int' }], rows: [] } },
      sink('v'),
    ]),
  });
  // Odd identifiers: a project id with '-', a table name with a space, columns of every odd kind.
  const oddTables = o.oddTable.refs;
  oddTables.forEach((table, i) =>
    cases.push({
      name: `odd identifiers via ${table}`,
      workflow: wf(`odd_${i}`, [
        source('odd', table),
        {
          id: 'c',
          type: 'compute',
          inputs: { in: 'odd' },
          config: {
            columns: {
              'Odd Out': '"Odd Name" || "it\'s"',
              'back`out': '"back`tick" || "quo""te" || "back\\slash"',
              'new\nout': '"new\nline" || "ünïcödé" || "1st" || "x-y" || "a.b" || "MiXeD"',
            },
          },
        },
        {
          id: 'agg',
          type: 'aggregate',
          inputs: { in: 'c' },
          config: { groupBy: ['Odd Name', 'back`tick', 'day'], measures: { 'the count': 'count(*)' } },
        },
        sink(
          'c',
          { table: o.oddTable.outputs.replace, partitionBy: 'day', clusterBy: ['Odd Name', 'back`tick'] },
          'o1',
        ),
        sink('agg', { table: o.oddTable.outputs.merge, mode: 'merge', keys: ['Odd Name', 'day'] }, 'o2'),
        sink('c', { table: o.oddTable.outputs.append, mode: 'append' }, 'o3'),
      ]),
    }),
  );
  // Reserved words as node ids (CTE names) and as column names.
  cases.push({
    name: 'reserved words as node ids and column names',
    workflow: wf('reserved', [
      source('source', 'main.reserved'),
      ...o.reserved.map((id, i) => ({
        id,
        type: 'compute',
        inputs: { in: i === 0 ? 'source' : o.reserved[i - 1]! },
        config: { columns: { [id]: `"${id}" + 1` } },
      })),
      sink(o.reserved[o.reserved.length - 1]!, { table: 'analytics.order' }),
    ]),
    previews: [o.reserved[o.reserved.length - 1]!],
  });
  // A node (CTE) or table named like one of its own columns: BigQuery would read the name as the row.
  cases.push({
    name: 'node ids and tables named like their columns',
    workflow: wf('clash', [
      source('clash', 'main.clash'),
      {
        id: 'revenue',
        type: 'aggregate',
        inputs: { in: 'clash' },
        config: { groupBy: ['clash'], measures: { revenue: 'sum(amount)' } },
      },
      {
        id: 'big',
        type: 'filter',
        inputs: { in: 'revenue' },
        config: { where: 'revenue > 100 AND clash IS NOT NULL' },
      },
      {
        id: 'amount',
        type: 'compute',
        inputs: { in: 'clash' },
        config: { columns: { amount: 'amount * 2', x: 'clash + amount' } },
      },
      { id: 'srt', type: 'sort', inputs: { in: 'amount' }, config: { by: ['amount'] } },
      sink('big', {}, 'o1'),
      sink('srt', { table: 'analytics.result2', mode: 'merge', keys: ['clash'] }, 'o2'),
    ]),
  });
  // GEOGRAPHY cannot be grouped, compared or made distinct in BigQuery.
  cases.push({
    name: 'geography columns pass through distinct-free components',
    workflow: wf('geo', [
      source('types', 'main.types'),
      { id: 'f', type: 'filter', inputs: { in: 'types' }, config: { where: 'g IS NOT NULL' } },
      { id: 's', type: 'sort', inputs: { in: 'f' }, config: { by: ['i'] } },
      { id: 'd', type: 'dedupe', inputs: { in: 's' }, config: { key: ['s'], orderBy: ['ts'] } },
      sink('d'),
    ]),
  });
  cases.push({
    name: 'a window expression filtered and sorted downstream; sql node over a join',
    workflow: wf('mixed', [
      source('orders', 'main.orders'),
      source('stores', 'main.stores'),
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'orders' },
        config: {
          partitionBy: ['store_id'],
          orderBy: ['ordered_at'],
          columns: { rk: 'dense_rank()', q: 'ntile(4)' },
        },
      },
      { id: 'f', type: 'filter', inputs: { in: 'w' }, config: { where: 'rk <= 3 AND NOT (q = 4)' } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'f', right: 'stores' },
        config: { on: [{ left: 'store_id', right: 'store_id' }] },
      },
      {
        id: 'raw',
        type: 'sql',
        inputs: { in: 'j' },
        config: {
          sql: 'SELECT region, COUNT(*) AS n FROM {{in}} GROUP BY region',
          columns: [
            { name: 'region', type: 'string' },
            { name: 'n', type: 'bigint' },
          ],
        },
      },
      sink('raw'),
    ]),
  });
  return cases;
}

// ------------------------------------------------------------------ expressions
const TEMPORAL = { date: 'dt', timestamp: 'ts', timestamptz: 'tz' } as const;
const TIME_UNITS = new Set(['hour', 'minute', 'second']);

/** Scalar expressions over main.types, each compiled in its own compute node. */
export function scalarExpressions(): string[] {
  const e: string[] = [
    // text
    'lower(s)',
    'upper(s)',
    'trim(s)',
    'ltrim(s)',
    'rtrim(s)',
    'length(s)',
    'substr(s, 2)',
    'substr(s, i, 3)',
    "replace(s, 'a', 'b')",
    'concat(s, s2)',
    'concat(s, i, d, n, flag, dt, ts, tz)',
    "concat('x', null)",
    // null handling
    "coalesce(s, s2, 'none')",
    'coalesce(i, b, 0)',
    'coalesce(d, n)',
    'coalesce(dt, dt2)',
    'nullif(i, 0)',
    "nullif(s, '')",
    // numbers
    'abs(i)',
    'abs(d)',
    'abs(n)',
    'sign(i)',
    'sign(d)',
    'sign(n)',
    'round(d)',
    'round(n, 1)',
    'round(d, 2)',
    'round(big, 0)',
    'floor(n)',
    'floor(d)',
    'ceil(d)',
    'ceil(n)',
    'sqrt(d)',
    'sqrt(i)',
    'power(d, 2)',
    'power(i, b)',
    'power(n, 0.5)',
    'ln(d)',
    'ln(n)',
    'log10(d)',
    'log10(i)',
    'exp(d)',
    'exp(n)',
    'mod(i, 3)',
    'mod(b, i)',
    'mod(n, 2)',
    'mod(d, 2.5)',
    'mod(d, i)',
    'div(i, b)',
    'div(b, 2)',
    'div(d, 2)',
    'div(n, i)',
    'div(n, n)',
    'greatest(i, b)',
    'greatest(d, i, n)',
    'greatest(dt, dt2)',
    'least(s, s2)',
    'least(ts, ts2)',
    'least(n, 1)',
    // dates without a unit
    'current_date()',
    'current_date',
    'current_timestamp()',
    'current_timestamp',
    // operators
    'i + b',
    'i - b - (b - i)',
    'i * d',
    'n * 1.21',
    'i / b',
    'd / 2',
    'n / n',
    'n / 3',
    'i % 3',
    'd % 2',
    'n % i',
    '-i',
    '-(-d)',
    '- -n',
    '-(i + b)',
    "s || s2 || 'x'",
    's || i',
    's || (s2 || s)',
    "s || ' ' || dt || ' ' || ts",
    'i = b',
    'i != b',
    'i <> b',
    'd < n',
    'dt <= dt2',
    'ts > ts2',
    'tz >= tz2',
    "s = 'x' AND (flag OR NOT flag)",
    'NOT (i = 1 OR b = 2) AND NOT flag',
    'flag = true',
    'flag IS NULL',
    's IS NOT NULL',
    '(i = 1) IS NULL',
    'i IN (1, 2, 3)',
    "s NOT IN ('a', 'b')",
    "dt IN (date '2024-01-01', dt2)",
    'i BETWEEN 1 AND 10',
    'd NOT BETWEEN -1 AND i + 1',
    "dt BETWEEN date '2024-01-01' AND date '2024-12-31'",
    "s LIKE 'a%'",
    "s NOT LIKE '%\\_%'",
    "s ILIKE 'A%'",
    "s NOT ILIKE '%x%'",
    "CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END",
    'CASE WHEN flag THEN d END',
    "CASE s WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END",
    'CASE WHEN i IS NULL THEN NULL ELSE i * 2 END',
    // casts
    'CAST(s AS int)',
    'CAST(s AS bigint)',
    'CAST(i AS double)',
    'CAST(d AS decimal(10,2))',
    'CAST(big AS decimal(38,10))',
    'CAST(i AS string)',
    'CAST(n AS string)',
    'CAST(s AS bool)',
    'CAST(flag AS string)',
    'CAST(s AS date)',
    'CAST(ts AS date)',
    'CAST(dt AS timestamp)',
    'CAST(s AS timestamp)',
    'CAST(ts AS timestamptz)',
    'CAST(tz AS timestamp)',
    'CAST(s AS timestamptz)',
    'CAST(null AS int)',
    'CAST(g AS string)',
    'CAST(s AS geography)',
    'substr(s, 2, i)',
    'substr(s, -3, 2)',
    // text functions
    "starts_with(s, 'a')",
    'ends_with(s, s2)',
    'left(s, 3)',
    'left(s, i)',
    'right(s, b)',
    "split_part(s, ',', 1)",
    "split_part(s, '::', 3)",
    // regular expressions (literal patterns are re-written; others passed as they are)
    "regexp_like(s, '^a\\d+\\.(?:x|y)\\b')",
    "regexp_like(s, '(?i)[]a-z\\-]{2,5}\\s$')",
    'regexp_like(s, s2)',
    "regexp_replace(s, '(\\w+)@(\\w+)', '\\2 at \\1 (\\0) \\\\')",
    'regexp_replace(s, s2, s)',
    "regexp_extract(s, 'a.c')",
    "regexp_extract(s, '(a)|(b)', 2)",
    "regexp_extract(s, '(?i)k=(\\w+)', 1)",
    'regexp_extract(s, s2)',
    // trigonometry
    'sin(d)',
    'cos(n)',
    'tan(i)',
    'asin(d)',
    'acos(n)',
    'atan(d)',
    'atan2(d, i)',
    'radians(n)',
    'degrees(d)',
    'pi()',
    // spatial (H3 through the CARTO Analytics Toolbox)
    'st_astext(st_point(d, n))',
    'st_astext(st_point(i, null))',
    "st_geogfromtext('POINT(1 2)')",
    'st_geogfromgeojson(\'{"type": "Point", "coordinates": [1, 2]}\')',
    'st_x(g) + st_y(g)',
    'st_asgeojson(g)',
    'st_distance(g, st_point(d, d)) + st_area(g) + st_length(g)',
    'st_intersects(g, g) AND st_contains(g, g) AND st_within(g, g) AND st_dwithin(g, g, n)',
    'st_buffer(g, 500)',
    'st_centroid(g)',
    'h3_from_point(g, 8)',
    'h3_from_point(st_point(d, n), i)',
    'h3_boundary(s)',
    'h3_center(s)',
    'h3_resolution(s)',
    'h3_parent(s, 5)',
    'CAST(g AS string)',
    "CAST('POINT(1 2)' AS geography)",
    // formatting
    "format_date(dt, 'YYYY-MM-DD Dy Mon Month')",
    'format_date(ts, \'DD/MM/YYYY "at %" HH24:MI:SS\')',
    // untyped nulls
    "format_date(null, 'YYYY')",
    "regexp_extract(null, '(a)', 1)",
    "split_part(null, ',', 2)",
    "starts_with(null, s) AND regexp_like(null, 'a')",
    'left(null, 1) || right(s, null)',
    'asin(null) + atan2(null, d) + radians(null)',
    // literals
    "date '2024-01-31'",
    "timestamp '2024-01-31 10:00:00'",
    "timestamp '2024-01-31T10:00:00'",
    'true',
    'false',
    'null',
    '1.5',
    '-5',
    '0.000001',
    '9007199254740993',
    '123456789.123456789',
    "'it''s'",
    "'back\\slash'",
    "'two\\\\backslashes'",
    "'new\nline'",
    "'tab\tand\rcr'",
    '\'"double" `back` quotes\'',
    "'--not a comment'",
    "'/* not a comment */'",
    "'ünïcödé 😀'",
    "'@notparam ?'",
    "''",
    "'\\'",
    "'\\n is not a newline'",
    "s = 'it''s' OR s = '\\' OR s = '\\\\'",
  ];
  // every date unit on date, timestamp and timestamptz columns
  for (const [kind, c] of Object.entries(TEMPORAL)) {
    const other = `${c}2`;
    for (const unit of DATE_UNITS) {
      const timeUnitOnDate = kind === 'date' && TIME_UNITS.has(unit);
      if (!timeUnitOnDate) e.push(`date_trunc('${unit}', ${c})`);
      e.push(`date_add(${c}, 3, '${unit}')`, `date_add(${c}, -i, '${unit}')`);
      e.push(`date_diff('${unit}', ${c}, ${other})`);
    }
    for (const part of [
      ...DATE_UNITS.filter((u) => u !== 'week'),
      'week',
      'dow',
      'doy',
      'isodow',
      'isoyear',
    ]) {
      if (kind === 'date' && TIME_UNITS.has(part)) continue;
      e.push(`extract(${part} from ${c})`);
    }
  }
  return e;
}

export const AGGREGATES = [
  'count(*)',
  'count(s)',
  'count(distinct s)',
  'sum(i)',
  'sum(distinct b)',
  'sum(d)',
  'sum(n)',
  'avg(i)',
  'avg(distinct n)',
  'avg(d)',
  'min(s)',
  'min(dt)',
  'max(ts)',
  'max(tz)',
  'min(flag)',
  'stddev(d)',
  'stddev(n)',
  'any_value(s)',
  'any_value(g)',
  "string_agg(s, ', ')",
  "string_agg(s, 'it''s \\ ')",
  'sum(n) / count(*)',
  'round(avg(d), 2) + max(i)',
  'count_if(flag)',
  "count_if(s LIKE 'a%')",
  'median(d)',
  'median(i)',
  'percentile_cont(n, 0.9)',
  'percentile_cont(d, 0) + percentile_cont(d, 1)',
  'st_area(st_union_agg(g))',
];

export const WINDOWS = [
  'row_number()',
  'rank()',
  'dense_rank()',
  'ntile(4)',
  'lag(d)',
  'lag(d, 2)',
  'lag(d, 2, 0)',
  "lead(s, 1, 'none')",
  'lead(dt)',
  'first_value(s)',
  'last_value(ts)',
  'sum(n)',
  'avg(d)',
  'count(*)',
  'min(dt)',
  'max(tz)',
  'stddev(d)',
  'd / sum(d)',
  'row_number() + rank()',
];

function expressionCases(_o: CorpusOptions): Case[] {
  const cases: Case[] = [];
  scalarExpressions().forEach((expr, i) =>
    cases.push({
      name: `expression ${expr}`,
      workflow: wf(`expr_${i}`, [
        source('types', 'main.types'),
        { id: 'c', type: 'compute', inputs: { in: 'types' }, config: { columns: { v: expr } } },
        sink('c'),
      ]),
      previews: ['c'],
    }),
  );
  // Filters take boolean expressions (the rejected port wraps them).
  cases.push({
    name: 'filter with every comparison, and its rejected rows',
    workflow: wf('expr_filter', [
      source('types', 'main.types'),
      {
        id: 'f',
        type: 'filter',
        inputs: { in: 'types' },
        config: {
          where:
            "s LIKE 'a%' AND NOT s ILIKE '%b' AND i BETWEEN 1 AND 3 AND b NOT IN (4, 5) AND dt > date '2020-01-01' AND ts <= timestamp '2030-01-01 00:00:00' AND d IS NOT NULL AND flag",
        },
      },
      sink('f.rejected'),
    ]),
    previews: ['f', 'f.rejected'],
  });
  AGGREGATES.forEach((expr, i) =>
    cases.push({
      name: `aggregate ${expr}`,
      workflow: wf(`agg_${i}`, [
        source('types', 'main.types'),
        {
          id: 'a',
          type: 'aggregate',
          inputs: { in: 'types' },
          config: { groupBy: ['s2', 'dt'], measures: { v: expr } },
        },
        sink('a'),
      ]),
      previews: ['a'],
    }),
  );
  type Refusals = Partial<Record<GrammarDialect, RegExp>>;
  const distinctWindow = (name: string, orderBy: string[], unsupported?: Refusals): Case => ({
    name,
    workflow: wf(`win_distinct_${orderBy.length}`, [
      source('types', 'main.types'),
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'types' },
        config: {
          partitionBy: ['s2'],
          ...(orderBy.length ? { orderBy } : {}),
          columns: { v: 'count(distinct s)', w: 'sum(distinct i)' },
        },
      },
      sink('w'),
    ]),
    previews: ['w'],
    ...(unsupported ? { unsupported } : {}),
  });
  // Spark and Redshift have no DISTINCT in window aggregates; BigQuery none over an ordered window.
  cases.push(
    distinctWindow('window count(distinct) over a partition', [], {
      databricks: /DISTINCT/,
      redshift: /DISTINCT/,
    }),
  );
  cases.push(
    distinctWindow('window count(distinct) over an ordered window is UNSUPPORTED', ['ts'], {
      bigquery: /DISTINCT/,
      databricks: /DISTINCT/,
      redshift: /DISTINCT/,
    }),
  );
  // percentile_cont is analytic in BigQuery: a whole partition only.
  const partitionWindow = (name: string, config: Record<string, unknown>, unsupported?: Refusals): Case => ({
    name,
    workflow: wf(`win_percentile_${config['orderBy'] ? 'ordered' : 'partition'}`, [
      source('types', 'main.types'),
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'types' },
        config: {
          partitionBy: ['s2'],
          columns: { v: 'median(n)', p: 'percentile_cont(d, 0.25)', c: 'count_if(flag)' },
          ...config,
        },
      },
      sink('w'),
    ]),
    previews: ['w'],
    ...(unsupported ? { unsupported } : {}),
  });
  cases.push(partitionWindow('window median and percentile_cont over a partition', {}));
  cases.push(
    partitionWindow(
      'window median over an ordered window is UNSUPPORTED',
      { orderBy: ['ts'] },
      { bigquery: /ordered window/, redshift: /ordered window/ },
    ),
  );
  cases.push({
    name: 'regexp_extract of a group with a pattern that is not a literal is UNSUPPORTED',
    workflow: wf('regex_group_param', [
      source('types', 'main.types'),
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'types' },
        config: { columns: { v: 'regexp_extract(s, s2, 1)' } },
      },
      sink('c'),
    ]),
    unsupported: { bigquery: /pattern written as a literal/, redshift: /pattern written as a literal/ },
  });
  // H3 needs the toolbox's location; the error says which connection key to set.
  cases.push({
    name: 'h3 functions without cartoToolbox are UNSUPPORTED',
    workflow: wf('h3_no_toolbox', [
      source('types', 'main.types'),
      {
        id: 'c',
        type: 'compute',
        inputs: { in: 'types' },
        config: { columns: { v: 'h3_from_point(g, 8)' } },
      },
      sink('c'),
    ]),
    noToolbox: true,
    unsupported: { bigquery: /needs the CARTO Analytics Toolbox/ },
  });
  cases.push({
    name: 'st_union_agg over a window is UNSUPPORTED',
    workflow: wf('union_window', [
      source('types', 'main.types'),
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'types' },
        config: { partitionBy: ['s2'], columns: { v: 'st_union_agg(g)' } },
      },
      sink('w'),
    ]),
    unsupported: {
      bigquery: /st_union_agg\(\) over a window/,
      databricks: /st_union_agg\(\) over a window/,
      redshift: /no union aggregate/,
    },
  });
  WINDOWS.forEach((expr, i) =>
    cases.push({
      name: `window ${expr}`,
      workflow: wf(`win_${i}`, [
        source('types', 'main.types'),
        {
          id: 'w',
          type: 'window',
          inputs: { in: 'types' },
          config: { partitionBy: ['s2'], orderBy: [{ expr: 'ts', desc: true }, 'i'], columns: { v: expr } },
        },
        sink('w'),
      ]),
      previews: ['w'],
    }),
  );
  return cases;
}

/** Every case of the corpus for one warehouse. */
export function corpusCases(o: CorpusOptions): Case[] {
  return [...componentCases(o), ...workflowCases(o), ...expressionCases(o)];
}

// ------------------------------------------------------------------ compiling a case
export interface CorpusText {
  label: string;
  sql: string;
  kind: 'preview' | 'plan';
}

export interface CompiledCase {
  texts: CorpusText[];
  /** What went wrong compiling (an expected refusal is not an error). */
  errors: string[];
  /** The UNSUPPORTED message, when the workflow was refused. */
  refusal?: string;
  analysis?: WorkflowAnalysis;
  plan?: NonNullable<ReturnType<typeof compilePlan>['plan']>;
}

function errorsOf(a: WorkflowAnalysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

/**
 * Every SQL text the warehouse would receive for a case: each preview (literal and bound
 * parameters) and each statement of each plan step. A case the warehouse refuses must be refused
 * with the UNSUPPORTED reason it expects (`expected`), and is refused nowhere else.
 */
export function compileCorpusCase(
  c: Case,
  dialect: DialectName,
  catalog: Catalog,
  opts: { dialectOptions?: DialectOptions; expected?: RegExp } = {},
): CompiledCase {
  const analysis = analyzeWorkflow(c.workflow, {
    dialect,
    catalog,
    ...(c.noToolbox || !opts.dialectOptions ? {} : { dialectOptions: opts.dialectOptions }),
  });
  const errors = errorsOf(analysis);
  const refusal = analysis.diagnostics.find((d) => d.code === 'UNSUPPORTED')?.message;
  if (opts.expected) {
    const refused = refusal !== undefined && opts.expected.test(refusal);
    return {
      texts: [],
      errors: refused ? [] : [`expected UNSUPPORTED ${opts.expected}, got: ${errors.join('; ') || 'none'}`],
      ...(refusal ? { refusal } : {}),
    };
  }
  if (errors.length) return { texts: [], errors, ...(refusal ? { refusal } : {}) };
  const graph = analysis.graph!;
  const texts: CorpusText[] = [];
  const previews =
    c.previews ??
    [...graph.nodes.values()]
      .filter((n) => n.def.category !== 'output')
      .flatMap((n) => n.def.outputs.map((p) => `${n.spec.id}.${p.name}`));
  for (const target of previews) {
    const [node, port] = target.split('.') as [string, string | undefined];
    for (const paramMode of ['literal', 'bind'] as const) {
      const { query, diagnostics } = compilePreview(analysis, {
        node,
        ...(port ? { port } : {}),
        limit: 20,
        paramMode,
        ...(c.params ? { params: c.params } : {}),
      });
      if (!query) return { texts, errors: diagnostics.map(formatDiagnostic), analysis };
      texts.push({ label: `preview ${target} (${paramMode})`, sql: query.sql, kind: 'preview' });
      if (query.bindings.length === 0) break; // the bound form is the same text
    }
  }
  const { plan, diagnostics } = compilePlan(analysis, {
    runId: 'r1',
    ...(c.params ? { params: c.params } : {}),
  });
  if (!plan) return { texts, errors: diagnostics.map(formatDiagnostic), analysis };
  for (const step of plan.steps)
    step.statements.forEach((sql, i) =>
      texts.push({ label: `plan ${step.id} #${i + 1}`, sql, kind: 'plan' }),
    );
  return { texts, errors: [], analysis, plan };
}
