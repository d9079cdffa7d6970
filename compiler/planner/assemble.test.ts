/**
 * The assembler writes a statement's CTEs out as soon as each is final (when given the writer that
 * writes the statement): the text, the bindings and the errors must be those of the statement
 * assembled whole, and only the last few CTEs may stay syntax.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, compilePlan, compilePreview, type WorkflowAnalysis } from '../index.js';
import { EXAMPLE_CATALOG } from '../components/examples.js';
import type { DialectName } from '../dialects/index.js';
import type { FromItem, Query } from '../sql/ast.js';
import { SqlWriter, type ParamValue } from '../sql/writer.js';
import { Assembler, WRITE_EARLY_FROM } from './assemble.js';

type Node = Record<string, unknown>;
const wf = (nodes: Node[]) => ({
  edgeflow: 1,
  name: 'assemble_test',
  params: {
    status: { type: 'string', default: 'paid' },
    min: { type: 'number', default: 10 },
  },
  nodes,
});
const node = (id: string, type: string, inputs: Record<string, string>, config: Record<string, unknown>) => ({
  id,
  type,
  inputs,
  config,
});

const ORDERS: Node = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
/** Past the size from which a statement's CTEs are written as they are assembled. */
const LONG = WRITE_EARLY_FROM + 10;
/** `count` filters in a line after `from`: f1 … f{count}. */
const filters = (from: string, count: number): Node[] =>
  Array.from({ length: count }, (_, i) =>
    node(`f${i + 1}`, 'filter', { in: i === 0 ? from : `f${i}` }, { where: `amount > ${i + 1}` }),
  );

/**
 * Shaped as users build them: parameters read in several nodes, a text literal over two lines,
 * a chain of joins (taken into one FROM), a source read once (read directly), an aggregate joined
 * on its keys (its keys pushed down), a window, and a sort of an aggregate (folded into it).
 */
const NODES: Node[] = [
  { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
  { id: 'stores', type: 'source.table', config: { table: 'main.stores' } },
  { id: 'customers', type: 'source.table', config: { table: 'main.customers' } },
  node('paid', 'filter', { in: 'orders' }, { where: 'status = :status AND amount > :min' }),
  node(
    'noted',
    'compute',
    { in: 'paid' },
    { columns: { note: "'first line\nsecond line'", net: 'amount - discount' } },
  ),
  node(
    'with_store',
    'join',
    { left: 'noted', right: 'stores' },
    { kind: 'inner', on: [{ left: 'store_id', right: 'store_id' }] },
  ),
  // Read once by a filter that comes after other final CTEs: read directly there, not written.
  node('vip', 'filter', { in: 'customers' }, { where: "segment = 'vip'" }),
  node(
    'with_customer',
    'join',
    { left: 'with_store', right: 'vip' },
    { kind: 'left', on: [{ left: 'customer_id', right: 'customer_id' }] },
  ),
  node('big', 'filter', { in: 'with_customer' }, { where: 'net > :min' }),
  node(
    'ranked',
    'window',
    { in: 'big' },
    { partitionBy: ['store_id'], orderBy: ['amount'], columns: { running: 'sum(net)' } },
  ),
  node(
    'per_store',
    'aggregate',
    { in: 'ranked' },
    { groupBy: ['store_id'], measures: { revenue: 'sum(net)', n: 'count(*)' } },
  ),
  node(
    'store_rows',
    'join',
    { left: 'per_store', right: 'stores' },
    { kind: 'inner', on: [{ left: 'store_id', right: 'store_id' }] },
  ),
  node('by_revenue', 'sort', { in: 'per_store' }, { by: [{ expr: 'revenue', desc: true }] }),
  node('top', 'limit', { in: 'by_revenue' }, { count: 3 }),
  node('still_top', 'sort', { in: 'top' }, { by: [{ expr: 'revenue', desc: true }] }),
  // Reads `vip` a second time: `vip` is then final at its own turn, while `with_store`, before
  // it, waits to be taken into `with_customer`'s FROM.
  node('per_segment', 'aggregate', { in: 'vip' }, { groupBy: ['segment'], measures: { vips: 'count(*)' } }),
  node(
    'with_segment',
    'join',
    { left: 'big', right: 'per_segment' },
    { kind: 'left', on: [{ left: 'segment', right: 'segment' }] },
  ),
];

const VALUES = new Map<string, ParamValue>([
  ['status', 'paid'],
  ['min', 10],
]);

/** What a preview asks for: every column, in the node's order, at most 5 rows. */
function body(analysis: WorkflowAnalysis, id: string) {
  const ordering = analysis.nodes.get(id)!.analysis!.outputs['out']!.ordering;
  return (from: FromItem): Query => ({
    kind: 'select',
    items: [{ kind: 'star' }],
    from,
    ...(ordering?.length ? { orderBy: ordering } : {}),
    limit: 5,
  });
}

function written(analysis: WorkflowAnalysis, id: string, params: 'bind' | 'literal', stream: boolean) {
  // Written early from the first relation on (by default only in statements of WRITE_EARLY_FROM).
  const asm = new Assembler(analysis, new Map(), new Map(), 0);
  const writer = new SqlWriter(analysis.dialect, { params, values: VALUES });
  const { query } = asm.withQuery(
    { node: id, port: 'out' },
    body(analysis, id),
    false,
    'all',
    undefined,
    stream ? writer : undefined,
  );
  const sql = writer.withQuery(query);
  return { sql, bindings: writer.bindings, ctes: query.ctes };
}

describe('CTEs written as they are assembled', () => {
  const dialects: DialectName[] = [
    'duckdb',
    'postgres',
    'snowflake',
    'bigquery',
    'tsql',
    'oracle',
    'databricks',
  ];

  it.each(dialects)('give the text and bindings of the statement assembled whole (%s)', (dialect) => {
    const analysis = analyzeWorkflow(wf(NODES), { dialect, catalog: EXAMPLE_CATALOG });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    let streamed = 0;
    for (const { id } of NODES as Array<{ id: string }>)
      for (const params of ['bind', 'literal'] as const) {
        const whole = written(analysis, id, params, false);
        const asBuilt = written(analysis, id, params, true);
        expect(asBuilt.sql, `${id} ${params}`).toBe(whole.sql);
        expect(asBuilt.bindings, `${id} ${params}`).toEqual(whole.bindings);
        // Without a writer, nothing is written early.
        expect(whole.ctes.every((c) => 'query' in c)).toBe(true);
        streamed += asBuilt.ctes.filter((c) => 'written' in c).length;
      }
    // The text over two lines kept its line break as it was (some dialects escape it), not
    // indented with the CTE around it.
    const noted = written(analysis, 'big', 'literal', true).sql;
    expect(noted).toContain('second line');
    expect(noted).not.toMatch(/first line\n +second line/);
    expect(streamed).toBeGreaterThan(20);
  });

  it('keeps as syntax only the last CTE that does more than pass rows on, and those after it', () => {
    const analysis = analyzeWorkflow(wf(NODES), { catalog: EXAMPLE_CATALOG });
    const { ctes } = written(analysis, 'still_top', 'bind', true);
    const kept = ctes.filter((c) => 'query' in c).map((c) => c.name);
    // `top` limits the sorted aggregate; `still_top` only passes its rows on.
    expect(kept).toEqual(['top', 'still_top']);
    expect(ctes.slice(0, -2).every((c) => 'written' in c)).toBe(true);
  });

  it('only in a statement of WRITE_EARLY_FROM relations or more, by default', () => {
    const analysis = analyzeWorkflow(wf([ORDERS, ...filters('orders', LONG)]), {
      catalog: EXAMPLE_CATALOG,
    });
    const writtenOf = (id: string) => {
      const writer = new SqlWriter(analysis.dialect, { params: 'literal', values: VALUES });
      const { query } = new Assembler(analysis).withQuery(
        { node: id, port: 'out' },
        body(analysis, id),
        false,
        'all',
        undefined,
        writer,
      );
      return query.ctes.filter((c) => 'written' in c).length;
    };
    // The relations are the source and the filters up to the one asked for. The source is read
    // directly by f1, the last filter is the last CTE: the filters before it are written.
    expect(writtenOf(`f${WRITE_EARLY_FROM - 2}`)).toBe(0);
    expect(writtenOf(`f${WRITE_EARLY_FROM - 1}`)).toBe(WRITE_EARLY_FROM - 2);
    expect(writtenOf(`f${LONG}`)).toBe(LONG - 1);
  });

  it('still lets a preview fold a sort into the aggregate it orders, after a long chain', () => {
    const chain: Node[] = [ORDERS, ...filters('orders', LONG)];
    chain.push(
      node(
        'per_store',
        'aggregate',
        { in: `f${LONG}` },
        { groupBy: ['store_id'], measures: { revenue: 'sum(amount)' } },
      ),
    );
    chain.push(node('best', 'sort', { in: 'per_store' }, { by: [{ expr: 'store_id' }] }));
    const analysis = analyzeWorkflow(wf(chain), { catalog: EXAMPLE_CATALOG });
    const sql = compilePreview(analysis, { node: 'best', limit: 5 }).query!.sql;
    // The aggregate's own SELECT is the statement's last: grouped, ordered and limited at once.
    expect(sql).toMatch(
      new RegExp(`\\nFROM f${LONG}\\nGROUP BY store_id\\nORDER BY store_id NULLS LAST\\nLIMIT 5$`),
    );
    expect(sql).not.toMatch(/\bbest AS\b/);
    expect(sql.match(/ AS \(/g)).toHaveLength(LONG);
  });
});

describe('text over several lines in a CTE written early', () => {
  it('keeps its line breaks as they are inside a MERGE, which indents the query', () => {
    const nodes: Node[] = [
      ORDERS,
      node('noted', 'compute', { in: 'orders' }, { columns: { note: "'first line\nsecond line'" } }),
      ...filters('noted', LONG),
      node('net', 'compute', { in: `f${LONG}` }, { columns: { net: 'amount - discount' } }),
      {
        id: 'o1',
        type: 'output.table',
        inputs: { in: 'net' },
        config: { table: 'analytics.noted', mode: 'merge', keys: ['order_id'] },
      },
    ];
    for (const dialect of ['duckdb', 'postgres', 'oracle'] as const) {
      const analysis = analyzeWorkflow(wf(nodes), { dialect, catalog: EXAMPLE_CATALOG });
      const plan = compilePlan(analysis).plan!;
      const sql = plan.steps.flatMap((s) => s.statements).join(';\n');
      expect(sql, dialect).toMatch(/USING \(\n {2}WITH\n/);
      expect(sql, dialect).toContain("'first line\nsecond line'");
    }
  });
});

describe('errors in a CTE written early', () => {
  // A window frame Snowflake cannot run, early in a chain: its CTE is written long before the end.
  const chain: Node[] = [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    node(
      'w',
      'window',
      { in: 'orders' },
      { orderBy: ['amount'], frame: { unit: 'range', from: -10, to: 0 }, columns: { near: 'count(*)' } },
    ),
    ...filters('w', LONG),
    node('b', 'compute', { in: `f${LONG}` }, { columns: { twice: 'near * 2' } }),
    node('c', 'filter', { in: 'b' }, { where: 'twice > :min' }),
    {
      id: 'o1',
      type: 'output.table',
      inputs: { in: 'c' },
      config: { table: 'analytics.w', mode: 'replace' },
    },
  ];

  it('name the node whose SQL could not be written, in a plan and in a preview', () => {
    const analysis = analyzeWorkflow(wf(chain), {
      dialect: 'snowflake',
      catalog: EXAMPLE_CATALOG,
      checkDialect: false,
    });
    expect(analysis.valid).toBe(true);
    const unsupported = (ds: Array<{ code: string }>) => ds.filter((d) => d.code === 'UNSUPPORTED');
    const expected = [expect.objectContaining({ nodeId: 'w', path: '$.nodes[1]', dialect: 'snowflake' })];
    expect(unsupported(compilePlan(analysis).diagnostics)).toEqual(expected);
    expect(unsupported(compilePreview(analysis, { node: 'c' }).diagnostics)).toEqual(expected);
    expect(unsupported(compilePreview(analysis, { node: 'c', count: { bound: 10 } }).diagnostics)).toEqual(
      expected,
    );
  });

  it('report a parameter with no value as MISSING_PARAM, not as a crash', () => {
    const doc = { ...wf(chain.slice(0, 1)), params: { min: { type: 'number' } } };
    doc.nodes = [
      chain[0]!,
      node('early', 'filter', { in: 'orders' }, { where: 'amount > :min' }),
      ...filters('early', LONG),
      node('later', 'compute', { in: `f${LONG}` }, { columns: { twice: 'amount * 2' } }),
      node('last', 'filter', { in: 'later' }, { where: 'twice > 1' }),
    ];
    const analysis = analyzeWorkflow(doc, { catalog: EXAMPLE_CATALOG });
    const r = compilePreview(analysis, { node: 'last' });
    expect(r.query).toBeUndefined();
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'MISSING_PARAM', path: '$.params.min' }),
    );
  });
});
