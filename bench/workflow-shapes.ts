/**
 * Generated workflows of a given size for the compile benchmark, in three shapes:
 *
 * - `dag`: 20-node modules as an analyst builds them (filter with its rejected branch, compute,
 *   joins to dimensions, an aggregate, a window, top_n, a byName union, sort, two outputs), each
 *   module reading the orders carried on by the one before, so the graph is both wide and deep.
 *   At 20 nodes it is the "typical 20-node workflow".
 * - `wide`: the same modules side by side, each from its own sources (many small pipelines).
 * - `chain`: one straight line of transforms from a source to an output.
 *
 * Every node uses the real component config shapes and compiles against the TPC-H catalog.
 */
import { TPCH_COLUMNS } from './tpch/schema.js';

export type ShapeName = 'dag' | 'wide' | 'chain';
export const SHAPES: readonly ShapeName[] = ['dag', 'wide', 'chain'];

export interface BenchNode {
  id: string;
  type: string;
  inputs?: Record<string, string | string[]>;
  config: Record<string, unknown>;
}

export interface GeneratedWorkflow {
  shape: ShapeName;
  /** The workflow document (what a file or an API request holds). */
  doc: {
    edgeflow: 1;
    name: string;
    connection: string;
    params: Record<string, { type: string; default: unknown }>;
    nodes: BenchNode[];
  };
  /** The last node: the one previewed. */
  lastNode: string;
}

const ORDER_COLUMNS = TPCH_COLUMNS['orders']!.map(([name]) => name);
const MODULE_SIZE = 19;

/**
 * One module: 19 nodes reading `orders` (a relation with the orders columns). Returns the nodes,
 * the relation the next module may read (orders-shaped rows) and its last node.
 */
function module(p: string, orders: string): { nodes: BenchNode[]; allOrders: string; last: string } {
  const n = (id: string) => `${p}_${id}`;
  const nodes: BenchNode[] = [
    { id: n('customer'), type: 'source.table', config: { table: 'main.customer' } },
    { id: n('nation'), type: 'source.table', config: { table: 'main.nation' } },
    { id: n('lineitem'), type: 'source.table', config: { table: 'main.lineitem' } },
    {
      id: n('recent'),
      type: 'filter',
      inputs: { in: orders },
      config: { where: 'o_orderdate >= :since AND o_totalprice > :min_total' },
    },
    {
      id: n('enriched'),
      type: 'compute',
      inputs: { in: n('recent') },
      config: {
        columns: {
          o_year: 'extract(year from o_orderdate)',
          o_month: "date_trunc('month', o_orderdate)",
          size_class: "CASE WHEN o_totalprice > 200000 THEN 'large' ELSE 'small' END",
        },
      },
    },
    {
      id: n('cust_nation'),
      type: 'join',
      inputs: { left: n('customer'), right: n('nation') },
      config: { kind: 'inner', on: [{ left: 'c_nationkey', right: 'n_nationkey' }] },
    },
    {
      id: n('with_customer'),
      type: 'join',
      inputs: { left: n('enriched'), right: n('cust_nation') },
      config: { kind: 'left', on: [{ left: 'o_custkey', right: 'c_custkey' }] },
    },
    {
      id: n('returns'),
      type: 'filter',
      inputs: { in: n('lineitem') },
      config: { where: "l_returnflag = 'R' OR (l_discount > 0.05 AND l_shipmode IN ('AIR', 'MAIL'))" },
    },
    {
      id: n('with_lines'),
      type: 'join',
      inputs: { left: n('with_customer'), right: n('returns') },
      config: { kind: 'inner', on: [{ left: 'o_orderkey', right: 'l_orderkey' }] },
    },
    {
      id: n('net'),
      type: 'compute',
      inputs: { in: n('with_lines') },
      config: {
        columns: {
          net: 'l_extendedprice * (1 - l_discount)',
          gross: 'l_extendedprice * (1 - l_discount) * (1 + l_tax)',
          late: 'l_receiptdate > l_commitdate',
        },
      },
    },
    {
      id: n('by_nation'),
      type: 'aggregate',
      inputs: { in: n('net') },
      config: {
        groupBy: ['n_name', 'o_year'],
        measures: {
          revenue: 'sum(net)',
          orders: 'count(distinct o_orderkey)',
          avg_discount: 'avg(l_discount)',
          late_share: 'sum(CASE WHEN late THEN 1 ELSE 0 END) / count(*)',
        },
      },
    },
    {
      id: n('ranked'),
      type: 'window',
      inputs: { in: n('by_nation') },
      config: {
        partitionBy: ['o_year'],
        orderBy: [{ expr: 'revenue', desc: true }, 'n_name'],
        columns: { nation_rank: 'rank()', share: 'revenue / sum(revenue)' },
        frame: { unit: 'rows', from: 'unbounded', to: 'unbounded' },
      },
    },
    {
      id: n('top'),
      type: 'top_n',
      inputs: { in: n('ranked') },
      config: { groupBy: ['o_year'], orderBy: [{ expr: 'revenue', desc: true }], n: 5 },
    },
    {
      id: n('top_out'),
      type: 'output.table',
      inputs: { in: n('top') },
      config: { table: `analytics.${p}_top_nations`, mode: 'replace' },
    },
    {
      id: n('older'),
      type: 'compute',
      inputs: { in: `${n('recent')}.rejected` },
      config: {
        columns: {
          o_year: 'extract(year from o_orderdate)',
          o_month: "date_trunc('month', o_orderdate)",
          size_class: "'old'",
        },
      },
    },
    {
      id: n('all_orders'),
      type: 'union',
      inputs: { in: [n('enriched'), n('older')] },
      config: { mode: 'all', byName: true },
    },
    {
      id: n('monthly'),
      type: 'aggregate',
      inputs: { in: n('all_orders') },
      config: {
        groupBy: ['o_month', 'size_class'],
        measures: { orders: 'count(*)', value: 'sum(o_totalprice)', customers: 'count(distinct o_custkey)' },
      },
    },
    {
      id: n('monthly_sorted'),
      type: 'sort',
      inputs: { in: n('monthly') },
      config: { by: ['o_month', { expr: 'value', desc: true, nulls: 'last' }] },
    },
    {
      id: n('monthly_out'),
      type: 'output.table',
      inputs: { in: n('monthly_sorted') },
      config: { table: `analytics.${p}_monthly`, mode: 'merge', keys: ['o_month', 'size_class'] },
    },
  ];
  if (nodes.length !== MODULE_SIZE) throw new Error(`internal: a module has ${nodes.length} nodes`);
  return { nodes, allOrders: n('all_orders'), last: n('monthly_out') };
}

const ordersSource = (id: string): BenchNode => ({
  id,
  type: 'source.table',
  config: { table: 'main.orders' },
});

/** The orders columns of an orders-shaped relation, for the next module. */
const carry = (id: string, from: string): BenchNode => ({
  id,
  type: 'select',
  inputs: { in: from },
  config: { columns: ORDER_COLUMNS },
});

/** Straight-line transforms that keep the column set bounded however long the chain is. */
function chainStep(i: number, prev: string): BenchNode {
  const id = `s${i}`;
  const inputs = { in: prev };
  switch (i % 8) {
    case 0:
      return {
        id,
        type: 'filter',
        inputs,
        config: { where: `o_totalprice > ${i % 1000} OR o_orderkey = ${i}` },
      };
    case 1:
      return { id, type: 'compute', inputs, config: { columns: { score: `o_totalprice * 1.01 + ${i}` } } };
    case 2:
      return {
        id,
        type: 'window',
        inputs,
        config: {
          partitionBy: ['o_custkey'],
          orderBy: ['o_orderdate', 'o_orderkey'],
          columns: { running: 'sum(o_totalprice)', prev_total: 'lag(o_totalprice)' },
        },
      };
    case 3:
      return { id, type: 'select', inputs, config: { columns: [...ORDER_COLUMNS, 'score', 'running'] } };
    case 4:
      return {
        id,
        type: 'compute',
        inputs,
        config: { columns: { o_year: 'extract(year from o_orderdate)' } },
      };
    case 5:
      return { id, type: 'filter', inputs, config: { where: "o_year >= 1992 AND o_orderstatus <> 'X'" } };
    case 6:
      return { id, type: 'drop', inputs, config: { columns: ['o_year'] } };
    default:
      return { id, type: 'fill_nulls', inputs, config: { columns: { o_comment: '', score: 0 } } };
  }
}

function document(shape: ShapeName, size: number, nodes: BenchNode[]): GeneratedWorkflow['doc'] {
  return {
    edgeflow: 1,
    name: `bench_${shape}_${size}`,
    connection: 'local',
    params: {
      since: { type: 'date', default: '1994-01-01' },
      min_total: { type: 'number', default: 1000 },
    },
    nodes,
  };
}

/** A workflow of exactly `size` nodes (at least 3). */
export function generateWorkflow(shape: ShapeName, size: number): GeneratedWorkflow {
  if (size < 3) throw new Error('a benchmark workflow needs at least 3 nodes');
  const nodes: BenchNode[] = [];
  let last = '';
  if (shape === 'chain') {
    nodes.push(ordersSource('orders'));
    let prev = 'orders';
    for (let i = 1; nodes.length < size - 1; i++) {
      const step = chainStep(i, prev);
      nodes.push(step);
      prev = step.id;
    }
    last = 'out';
    nodes.push({
      id: last,
      type: 'output.table',
      inputs: { in: prev },
      config: { table: 'analytics.chain_result', mode: 'replace' },
    });
  } else {
    // dag: orders, module, (carry, module)…; wide: (orders, module)…. Both are 20 nodes per module.
    let orders = 'orders';
    nodes.push(ordersSource(orders));
    for (let m = 0; nodes.length + MODULE_SIZE <= size; m++) {
      if (m > 0) {
        orders = `m${m}_orders`;
        nodes.push(shape === 'dag' ? carry(orders, `m${m - 1}_all_orders`) : ordersSource(orders));
        if (nodes.length + MODULE_SIZE > size) break;
      }
      const mod = module(`m${m}`, orders);
      nodes.push(...mod.nodes);
      last = mod.last;
    }
    // Pad to the exact size with a short tail on the last orders-shaped relation.
    let prev = orders;
    for (let i = 1; nodes.length < size; i++) {
      if (nodes.length === size - 1) {
        last = 'tail_out';
        nodes.push({
          id: last,
          type: 'output.table',
          inputs: { in: prev },
          config: { table: 'analytics.tail', mode: 'append' },
        });
      } else {
        const step = chainStep(i, prev);
        step.id = `tail_${step.id}`;
        nodes.push(step);
        prev = step.id;
      }
    }
  }
  if (nodes.length !== size) throw new Error(`internal: generated ${nodes.length} nodes, wanted ${size}`);
  return { shape, doc: document(shape, size, nodes), lastNode: last };
}
