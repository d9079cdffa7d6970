/**
 * Column lineage when a node passes an input's column objects on rather than copies of them: each
 * node's lineage must still name its own inputs (never a node further up), and a relation's columns
 * read through a node must still be asked of that node's input. Expected values are written out by
 * hand from the workflow, not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, compilePlan, COMPONENTS, nodeLineage, outputLineage } from './index.js';
import { createCatalog } from './catalog.js';
import { exampleWorkflow, EXAMPLE_CATALOG } from './components/examples.js';
import { columnLineage, PassedColumn, PassedColumns, TableColumn } from './schema/relation.js';
import { T } from './schema/types.js';

type Node = { id: string; type: string; inputs?: Record<string, string | string[]>; config?: object };
const wf = (nodes: Node[]) => JSON.stringify({ edgeflow: 1, name: 't', connection: 'local', nodes });

/** Each column's immediate origins, as `node.column` (or `table.column`), by node and port. */
function origins(analysisText: string, catalog = EXAMPLE_CATALOG) {
  const a = analyzeWorkflow(analysisText, { catalog });
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const out: Record<string, Record<string, string[]>> = {};
  for (const l of nodeLineage(a))
    out[`${l.node}.${l.port}`] = Object.fromEntries(
      l.columns.map((c) => [
        c.name,
        c.from.map((o) => ('table' in o ? `${o.table}.${o.column}` : `${o.node}.${o.column}`)),
      ]),
    );
  return out;
}

const src: Node = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
/** An output node replacing `table` with what `input` gives. */
const output = (id: string, input: string, table: string): Node => ({
  id,
  type: 'output.table',
  inputs: { in: input },
  config: { table, mode: 'replace' },
});

describe('lineage through passed-on columns', () => {
  it('names the node read, never one further up, for filters, computes, renames, selects and joins', () => {
    const o = origins(
      wf([
        src,
        { id: 'stores', type: 'source.table', config: { table: 'main.stores' } },
        { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
        {
          id: 'net',
          type: 'compute',
          inputs: { in: 'paid' },
          config: { columns: { net: 'amount - discount' } },
        },
        { id: 'named', type: 'rename', inputs: { in: 'net' }, config: { columns: { amount: 'gross' } } },
        {
          id: 'picked',
          type: 'select',
          inputs: { in: 'named' },
          config: { columns: ['net', 'store_id', 'gross'] },
        },
        {
          id: 'j',
          type: 'join',
          inputs: { left: 'picked', right: 'stores' },
          config: { kind: 'left', on: [{ left: 'store_id', right: 'store_id' }] },
        },
        output('o', 'j', 'analytics.t'),
      ]),
    );
    expect(o['paid.out']).toMatchObject({ status: ['orders.status'], amount: ['orders.amount'] });
    expect(o['paid.rejected']).toMatchObject({ status: ['orders.status'] });
    expect(o['net.out']).toMatchObject({
      amount: ['paid.amount'],
      net: ['paid.amount', 'paid.discount'],
    });
    expect(o['named.out']).toMatchObject({
      gross: ['net.amount'],
      net: ['net.net'],
      store_id: ['net.store_id'],
    });
    expect(o['picked.out']).toEqual({
      net: ['named.net'],
      store_id: ['named.store_id'],
      gross: ['named.gross'],
    });
    expect(o['j.out']).toEqual({
      net: ['picked.net'],
      store_id: ['picked.store_id'],
      gross: ['picked.gross'],
      right_store_id: ['stores.store_id'],
      city: ['stores.city'],
      region: ['stores.region'],
    });
    expect(o['o.write']).toEqual({
      net: ['j.net'],
      store_id: ['j.store_id'],
      gross: ['j.gross'],
      right_store_id: ['j.right_store_id'],
      city: ['j.city'],
      region: ['j.region'],
    });
    const a = analyzeWorkflow(
      wf([
        src,
        { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
        { id: 'named', type: 'rename', inputs: { in: 'paid' }, config: { columns: { amount: 'gross' } } },
        output('o', 'named', 'analytics.t'),
      ]),
      { catalog: EXAMPLE_CATALOG },
    );
    expect(outputLineage(a).find((l) => l.column === 'gross')?.sources).toEqual([
      { table: 'main.orders', column: 'amount' },
    ]);
  });

  it('keeps every node of every component example pointing at its own inputs', () => {
    let checked = 0;
    for (const def of COMPONENTS) {
      const a = analyzeWorkflow(exampleWorkflow(def), { catalog: EXAMPLE_CATALOG });
      if (a.diagnostics.some((d) => d.severity === 'error')) continue;
      for (const l of nodeLineage(a)) {
        const inputs = a.graph!.nodes.get(l.node)!.inputs;
        for (const c of l.columns)
          for (const f of c.from) {
            if ('table' in f) continue;
            // An origin is one of this node's inputs, and a column that input has.
            expect(inputs.some((e) => e.node === f.node && e.outPort === f.port)).toBe(true);
            const names = a.nodes.get(f.node)!.analysis!.outputs[f.port]!.columns.map((x) => x.name);
            expect(names).toContain(f.column);
            checked++;
          }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe('PassedColumns', () => {
  const ref = { node: 'up', port: 'out' };
  const wide = Array.from({ length: 40 }, (_, i) => new TableColumn(`c${i}`, T.bigint, 'main.t'));
  const inputs = [{ ref, schema: { columns: wide } }];

  it('finds a column of a wide input wherever it is, and a rename by its input name', () => {
    const walk = new PassedColumns().reset(inputs);
    // Reversed: neither the next position nor the same one; a map past 32 columns.
    for (let i = 39; i >= 0; i--) {
      expect(walk.find(wide[i]!, 39 - i)).toBe(0);
      expect(walk.inputName).toBe(`c${i}`);
    }
    const renamed = new PassedColumn('x', T.bigint, ref, 'c7');
    expect(walk.find(renamed, 0)).toBe(0);
    expect(walk.inputName).toBe('c7');
    expect(columnLineage(renamed, 0, inputs)).toEqual([{ node: 'up', port: 'out', column: 'c7' }]);
  });

  it('says a column made by the node is not passed on, and leaves its lineage to the column', () => {
    const made = { name: 'n', type: T.bigint, from: [{ node: 'up', port: 'out', column: 'c1' }] };
    // A rename made by another node (its source is that node's input) is not this node's rename.
    const elsewhere = new PassedColumn('y', T.bigint, { node: 'up', port: 'out' }, 'c2');
    const walk = new PassedColumns().reset(inputs);
    expect(walk.find(made, 0)).toBe(-1);
    expect(walk.find(elsewhere, 1)).toBe(-1);
    expect(columnLineage(made, 0, inputs)).toBe(made.from);
  });
});

describe('column demand through passed-on columns', () => {
  /** The plan's SQL, every statement. */
  const planSql = (a: ReturnType<typeof analyzeWorkflow>) =>
    compilePlan(a, { runId: 'r' })
      .plan!.steps.flatMap((s) => s.statements)
      .join('\n');
  /** What the CTE named `cte` selects (its first line). */
  const selectsIn = (sql: string) => (cte: string) =>
    new RegExp(`\\b${cte} AS \\(\\s*SELECT ([^\\n]*)\\n`).exec(sql)?.[1];

  it('asks each node for what its readers read, through a filter, a compute and a join', () => {
    const columns = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, type: T.bigint }));
    const catalog = createCatalog([
      { parts: ['main', 'wide'], columns },
      {
        parts: ['main', 'dim'],
        columns: [
          { name: 'k', type: T.bigint },
          { name: 'label', type: T.string },
        ],
      },
    ]);
    const a = analyzeWorkflow(
      wf([
        { id: 'w', type: 'source.table', config: { table: 'main.wide' } },
        { id: 'd', type: 'source.table', config: { table: 'main.dim' } },
        { id: 'f', type: 'filter', inputs: { in: 'w' }, config: { where: 'c5 > 0' } },
        { id: 'n', type: 'compute', inputs: { in: 'f' }, config: { columns: { net: 'c1 + c2' } } },
        {
          id: 'j',
          type: 'join',
          inputs: { left: 'n', right: 'd' },
          config: { kind: 'left', on: [{ left: 'c7', right: 'k' }] },
        },
        {
          id: 'g',
          type: 'aggregate',
          inputs: { in: 'j' },
          config: { groupBy: ['label', 'c39'], measures: { s: 'sum(net)' } },
        },
        output('o', 'g', 'analytics.t'),
      ]),
      { catalog, dialect: 'postgres' },
    );
    const sql = planSql(a);
    // The columns each CTE selects: what the nodes after it read (the filter's c5 stays in WHERE).
    const selects = selectsIn(sql);
    expect(selects('d')).toBe('k, label');
    expect(selects('f')).toBe('c1, c2, c7, c39');
    expect(sql).toContain('FROM main.wide\n    WHERE c5 > 0');
    expect(selects('n')).toBe('c7, c39, c1 + c2 AS net');
    expect(selects('j')).toBe('_l.c39, _l.net, _r.label');
  });

  it('asks a wide input (70 columns: looked up by name in a map) for a renamed column by its input name, and for one column when only rows are read', () => {
    const columns = Array.from({ length: 70 }, (_, i) => ({ name: `c${i}`, type: T.bigint }));
    const catalog = createCatalog([{ parts: ['main', 'wide'], columns }]);
    const a = analyzeWorkflow(
      wf([
        { id: 'w', type: 'source.table', config: { table: 'main.wide' } },
        { id: 'r', type: 'rename', inputs: { in: 'w' }, config: { columns: { c3: 'x3' } } },
        { id: 's', type: 'select', inputs: { in: 'r' }, config: { columns: ['c10', 'x3', 'c1'] } },
        output('o1', 's', 'analytics.a'),
        { id: 'w2', type: 'source.table', config: { table: 'main.wide' } },
        { id: 'f', type: 'filter', inputs: { in: 'w2' }, config: { where: 'c5 > 0' } },
        { id: 'n', type: 'aggregate', inputs: { in: 'f' }, config: { measures: { n: 'count(*)' } } },
        output('o2', 'n', 'analytics.b'),
      ]),
      { catalog, dialect: 'postgres' },
    );
    const sql = planSql(a);
    const selects = selectsIn(sql);
    // The rename reads the source table directly, in the rename's column order.
    expect(selects('r')).toBe('c1, c3 AS x3, c10');
    expect(selects('s')).toBe('c10, x3, c1');
    // count(*) reads no column: the filter still selects one (SQL has no empty select list).
    expect(selects('f')).toBe('c0');
    expect(sql).toContain('SELECT c0\n    FROM main.wide\n    WHERE c5 > 0');
  });

  it('keeps asking for just the read columns along a chain whose relations have more than 4,096 columns in all (the flags outgrow a plain list)', () => {
    const columns = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, type: T.bigint }));
    const catalog = createCatalog([{ parts: ['main', 'wide'], columns }]);
    // 120 computes, each adding a column: 40 + 41 + … + 160 columns ≈ 12,000 flags.
    const steps = Array.from({ length: 120 }, (_, i) => ({
      id: `k${i}`,
      type: 'compute',
      inputs: { in: i === 0 ? 'w' : `k${i - 1}` },
      config: { columns: { [`m${i}`]: i === 0 ? 'c39 + 1' : `m${i - 1} + 1` } },
    }));
    const a = analyzeWorkflow(
      wf([
        { id: 'w', type: 'source.table', config: { table: 'main.wide' } },
        ...steps,
        {
          id: 'g',
          type: 'aggregate',
          inputs: { in: 'k119' },
          config: { groupBy: ['c3'], measures: { s: 'sum(m119)' } },
        },
        output('o', 'g', 'analytics.t'),
      ]),
      { catalog, dialect: 'postgres' },
    );
    const sql = planSql(a);
    // The source is read for the grouping key and the first compute's input only, and each compute
    // passes on the key and the one column the next one reads.
    const selects = selectsIn(sql);
    expect(selects('k0')).toBe('c3, c39 + 1 AS m0');
    expect(sql).toContain('SELECT c3, c39 + 1 AS m0\n    FROM main.wide\n');
    for (let i = 1; i < 120; i++) expect(selects(`k${i}`)).toBe(`c3, m${i - 1} + 1 AS m${i}`);
  });
});
