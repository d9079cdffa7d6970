/**
 * TPC-H-like questions, each written twice: as an edgeflow workflow (what a user or the assistant
 * builds from components) and as the SQL a DuckDB expert writes by hand. Both must return the same
 * rows (same columns, in the same order) for the timing comparison to mean anything.
 *
 * The hand-written SQL follows the TPC-H reference queries (implicit joins, EXISTS/IN subqueries,
 * interval arithmetic), with the output columns ordered as the workflow produces them and an
 * ordering made total where a LIMIT would otherwise pick among ties.
 */
import type { BenchNode } from '../workflow-shapes.js';

export interface TpchQuery {
  id: string;
  title: string;
  /** What the question exercises in the compiler. */
  features: string;
  workflow: {
    edgeflow: 1;
    name: string;
    connection: string;
    params?: Record<string, { type: string; default: unknown }>;
    nodes: BenchNode[];
  };
  /** The node whose preview is the answer. */
  node: string;
  handSql: string;
}

const src = (id: string, table: string): BenchNode => ({
  id,
  type: 'source.table',
  config: { table: `main.${table}` },
});
const filter = (id: string, input: string, where: string): BenchNode => ({
  id,
  type: 'filter',
  inputs: { in: input },
  config: { where },
});
const join = (
  id: string,
  left: string,
  right: string,
  config: Record<string, unknown> & { kind?: string },
): BenchNode => ({ id, type: 'join', inputs: { left, right }, config: { kind: 'inner', ...config } });
const on = (left: string, right: string) => [{ left, right }];
const aggregate = (
  id: string,
  input: string,
  groupBy: string[],
  measures: Record<string, string>,
): BenchNode => ({
  id,
  type: 'aggregate',
  inputs: { in: input },
  config: { ...(groupBy.length ? { groupBy } : {}), measures },
});
const sort = (id: string, input: string, by: unknown[]): BenchNode => ({
  id,
  type: 'sort',
  inputs: { in: input },
  config: { by },
});
const desc = (expr: string) => ({ expr, desc: true });

function workflow(
  name: string,
  nodes: BenchNode[],
  params?: TpchQuery['workflow']['params'],
): TpchQuery['workflow'] {
  return { edgeflow: 1, name, connection: 'local', ...(params ? { params } : {}), nodes };
}

const NET = 'l_extendedprice * (1 - l_discount)';

export const TPCH_QUERIES: TpchQuery[] = [
  {
    id: 'q1',
    title: 'Q1 pricing summary report',
    features: 'filter with date_add, aggregate with 8 measures, sort',
    workflow: workflow('tpch_q1', [
      src('lineitem', 'lineitem'),
      filter('shipped', 'lineitem', "l_shipdate <= date_add(date '1998-12-01', -90, 'day')"),
      aggregate('summary', 'shipped', ['l_returnflag', 'l_linestatus'], {
        sum_qty: 'sum(l_quantity)',
        sum_base_price: 'sum(l_extendedprice)',
        sum_disc_price: `sum(${NET})`,
        sum_charge: `sum(${NET} * (1 + l_tax))`,
        avg_qty: 'avg(l_quantity)',
        avg_price: 'avg(l_extendedprice)',
        avg_disc: 'avg(l_discount)',
        count_order: 'count(*)',
      }),
      sort('report', 'summary', ['l_returnflag', 'l_linestatus']),
    ]),
    node: 'report',
    handSql: `
SELECT l_returnflag, l_linestatus,
  sum(l_quantity) AS sum_qty,
  sum(l_extendedprice) AS sum_base_price,
  sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
  sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
  avg(l_quantity) AS avg_qty,
  avg(l_extendedprice) AS avg_price,
  avg(l_discount) AS avg_disc,
  count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus`,
  },
  {
    id: 'q3',
    title: 'Q3 shipping priority',
    features: 'string param, three filtered sources, two inner joins, aggregate, top_n (no groups)',
    workflow: workflow(
      'tpch_q3',
      [
        src('customer', 'customer'),
        src('orders', 'orders'),
        src('lineitem', 'lineitem'),
        filter('segment', 'customer', 'c_mktsegment = :segment'),
        filter('open_orders', 'orders', "o_orderdate < date '1995-03-15'"),
        filter('unshipped', 'lineitem', "l_shipdate > date '1995-03-15'"),
        join('customer_orders', 'segment', 'open_orders', { on: on('c_custkey', 'o_custkey') }),
        join('order_lines', 'customer_orders', 'unshipped', { on: on('o_orderkey', 'l_orderkey') }),
        aggregate('revenue', 'order_lines', ['l_orderkey', 'o_orderdate', 'o_shippriority'], {
          revenue: `sum(${NET})`,
        }),
        {
          id: 'top',
          type: 'top_n',
          inputs: { in: 'revenue' },
          config: { orderBy: [desc('revenue'), 'o_orderdate', 'l_orderkey'], n: 10 },
        },
      ],
      { segment: { type: 'string', default: 'BUILDING' } },
    ),
    node: 'top',
    handSql: `
SELECT l_orderkey, o_orderdate, o_shippriority, sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING'
  AND c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate < DATE '1995-03-15'
  AND l_shipdate > DATE '1995-03-15'
GROUP BY l_orderkey, o_orderdate, o_shippriority
ORDER BY revenue DESC, o_orderdate, l_orderkey
LIMIT 10`,
  },
  {
    id: 'q4',
    title: 'Q4 order priority checking',
    features: 'semi join (EXISTS), column-to-column filter, aggregate, sort',
    workflow: workflow('tpch_q4', [
      src('orders', 'orders'),
      src('lineitem', 'lineitem'),
      filter('quarter', 'orders', "o_orderdate >= date '1993-07-01' AND o_orderdate < date '1993-10-01'"),
      filter('late', 'lineitem', 'l_commitdate < l_receiptdate'),
      join('with_late_lines', 'quarter', 'late', { kind: 'semi', on: on('o_orderkey', 'l_orderkey') }),
      aggregate('counts', 'with_late_lines', ['o_orderpriority'], { order_count: 'count(*)' }),
      sort('by_priority', 'counts', ['o_orderpriority']),
    ]),
    node: 'by_priority',
    handSql: `
SELECT o_orderpriority, count(*) AS order_count
FROM orders
WHERE o_orderdate >= DATE '1993-07-01'
  AND o_orderdate < DATE '1993-07-01' + INTERVAL '3' MONTH
  AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate)
GROUP BY o_orderpriority
ORDER BY o_orderpriority`,
  },
  {
    id: 'q5',
    title: 'Q5 local supplier volume',
    features: 'six-way join chain, a two-column join condition, aggregate, sort',
    workflow: workflow('tpch_q5', [
      src('region', 'region'),
      src('nation', 'nation'),
      src('customer', 'customer'),
      src('orders', 'orders'),
      src('lineitem', 'lineitem'),
      src('supplier', 'supplier'),
      filter('asia', 'region', "r_name = 'ASIA'"),
      filter('year_orders', 'orders', "o_orderdate >= date '1994-01-01' AND o_orderdate < date '1995-01-01'"),
      join('asian_nations', 'nation', 'asia', { on: on('n_regionkey', 'r_regionkey') }),
      join('asian_customers', 'customer', 'asian_nations', { on: on('c_nationkey', 'n_nationkey') }),
      join('customer_orders', 'asian_customers', 'year_orders', { on: on('c_custkey', 'o_custkey') }),
      join('order_lines', 'customer_orders', 'lineitem', { on: on('o_orderkey', 'l_orderkey') }),
      join('local_lines', 'order_lines', 'supplier', {
        condition: 'left.l_suppkey = right.s_suppkey AND left.c_nationkey = right.s_nationkey',
      }),
      aggregate('volume', 'local_lines', ['n_name'], { revenue: `sum(${NET})` }),
      sort('by_revenue', 'volume', [desc('revenue')]),
    ]),
    node: 'by_revenue',
    handSql: `
SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem, supplier, nation, region
WHERE c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND l_suppkey = s_suppkey
  AND c_nationkey = s_nationkey
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'ASIA'
  AND o_orderdate >= DATE '1994-01-01'
  AND o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR
GROUP BY n_name
ORDER BY revenue DESC`,
  },
  {
    id: 'q6',
    title: 'Q6 forecasting revenue change',
    features: 'date and number params, date_add, BETWEEN, global aggregate',
    workflow: workflow(
      'tpch_q6',
      [
        src('lineitem', 'lineitem'),
        filter(
          'candidates',
          'lineitem',
          "l_shipdate >= :start AND l_shipdate < date_add(:start, 1, 'year') AND l_discount BETWEEN :discount - 0.01 AND :discount + 0.01 AND l_quantity < :quantity",
        ),
        aggregate('forecast', 'candidates', [], { revenue: 'sum(l_extendedprice * l_discount)' }),
      ],
      {
        start: { type: 'date', default: '1994-01-01' },
        discount: { type: 'number', default: 0.06 },
        quantity: { type: 'integer', default: 24 },
      },
    ),
    node: 'forecast',
    handSql: `
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1994-01-01'
  AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
  AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01
  AND l_quantity < 24`,
  },
  {
    id: 'q10',
    title: 'Q10 returned item reporting',
    features: 'four-way join, aggregate on 7 keys, sort + limit',
    workflow: workflow('tpch_q10', [
      src('customer', 'customer'),
      src('orders', 'orders'),
      src('lineitem', 'lineitem'),
      src('nation', 'nation'),
      filter('quarter', 'orders', "o_orderdate >= date '1993-10-01' AND o_orderdate < date '1994-01-01'"),
      filter('returned', 'lineitem', "l_returnflag = 'R'"),
      join('customer_orders', 'customer', 'quarter', { on: on('c_custkey', 'o_custkey') }),
      join('order_lines', 'customer_orders', 'returned', { on: on('o_orderkey', 'l_orderkey') }),
      join('with_nation', 'order_lines', 'nation', { on: on('c_nationkey', 'n_nationkey') }),
      aggregate(
        'lost',
        'with_nation',
        ['c_custkey', 'c_name', 'c_acctbal', 'c_phone', 'n_name', 'c_address', 'c_comment'],
        { revenue: `sum(${NET})` },
      ),
      sort('ranked', 'lost', [desc('revenue'), 'c_custkey']),
      { id: 'top20', type: 'limit', inputs: { in: 'ranked' }, config: { count: 20 } },
    ]),
    node: 'top20',
    handSql: `
SELECT c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment,
  sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem, nation
WHERE c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate >= DATE '1993-10-01'
  AND o_orderdate < DATE '1993-10-01' + INTERVAL '3' MONTH
  AND l_returnflag = 'R'
  AND c_nationkey = n_nationkey
GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
ORDER BY revenue DESC, c_custkey
LIMIT 20`,
  },
  {
    id: 'q12',
    title: 'Q12 shipping modes and order priority',
    features: 'IN list, column comparisons, CASE inside sum, sort',
    workflow: workflow('tpch_q12', [
      src('orders', 'orders'),
      src('lineitem', 'lineitem'),
      filter(
        'late_mail_ship',
        'lineitem',
        "l_shipmode IN ('MAIL', 'SHIP') AND l_commitdate < l_receiptdate AND l_shipdate < l_commitdate AND l_receiptdate >= date '1994-01-01' AND l_receiptdate < date '1995-01-01'",
      ),
      join('order_lines', 'orders', 'late_mail_ship', { on: on('o_orderkey', 'l_orderkey') }),
      aggregate('by_mode', 'order_lines', ['l_shipmode'], {
        high_line_count:
          "sum(CASE WHEN o_orderpriority = '1-URGENT' OR o_orderpriority = '2-HIGH' THEN 1 ELSE 0 END)",
        low_line_count:
          "sum(CASE WHEN o_orderpriority <> '1-URGENT' AND o_orderpriority <> '2-HIGH' THEN 1 ELSE 0 END)",
      }),
      sort('sorted', 'by_mode', ['l_shipmode']),
    ]),
    node: 'sorted',
    handSql: `
SELECT l_shipmode,
  sum(CASE WHEN o_orderpriority = '1-URGENT' OR o_orderpriority = '2-HIGH' THEN 1 ELSE 0 END) AS high_line_count,
  sum(CASE WHEN o_orderpriority <> '1-URGENT' AND o_orderpriority <> '2-HIGH' THEN 1 ELSE 0 END) AS low_line_count
FROM orders, lineitem
WHERE o_orderkey = l_orderkey
  AND l_shipmode IN ('MAIL', 'SHIP')
  AND l_commitdate < l_receiptdate
  AND l_shipdate < l_commitdate
  AND l_receiptdate >= DATE '1994-01-01'
  AND l_receiptdate < DATE '1994-01-01' + INTERVAL '1' YEAR
GROUP BY l_shipmode
ORDER BY l_shipmode`,
  },
  {
    id: 'q14',
    title: 'Q14 promotion effect',
    features: 'LIKE inside CASE, ratio of two aggregates (true division)',
    workflow: workflow('tpch_q14', [
      src('lineitem', 'lineitem'),
      src('part', 'part'),
      filter('september', 'lineitem', "l_shipdate >= date '1995-09-01' AND l_shipdate < date '1995-10-01'"),
      join('with_part', 'september', 'part', { on: on('l_partkey', 'p_partkey') }),
      aggregate('promo', 'with_part', [], {
        promo_revenue: `100.00 * sum(CASE WHEN p_type LIKE 'PROMO%' THEN ${NET} ELSE 0 END) / sum(${NET})`,
      }),
    ]),
    node: 'promo',
    handSql: `
SELECT 100.00 * sum(CASE WHEN p_type LIKE 'PROMO%' THEN l_extendedprice * (1 - l_discount) ELSE 0 END)
  / sum(l_extendedprice * (1 - l_discount)) AS promo_revenue
FROM lineitem, part
WHERE l_partkey = p_partkey
  AND l_shipdate >= DATE '1995-09-01'
  AND l_shipdate < DATE '1995-09-01' + INTERVAL '1' MONTH`,
  },
  {
    id: 'q18',
    title: 'Q18 large volume customers',
    features: 'one source read by two branches, aggregate → filter → semi join, top_n',
    workflow: workflow('tpch_q18', [
      src('customer', 'customer'),
      src('orders', 'orders'),
      src('lineitem', 'lineitem'),
      aggregate('order_qty', 'lineitem', ['l_orderkey'], { total_qty: 'sum(l_quantity)' }),
      filter('large', 'order_qty', 'total_qty > 300'),
      join('large_orders', 'orders', 'large', { kind: 'semi', on: on('o_orderkey', 'l_orderkey') }),
      join('customer_orders', 'customer', 'large_orders', { on: on('c_custkey', 'o_custkey') }),
      join('order_lines', 'customer_orders', 'lineitem', { on: on('o_orderkey', 'l_orderkey') }),
      aggregate(
        'per_order',
        'order_lines',
        ['c_name', 'c_custkey', 'o_orderkey', 'o_orderdate', 'o_totalprice'],
        { sum_qty: 'sum(l_quantity)' },
      ),
      {
        id: 'top',
        type: 'top_n',
        inputs: { in: 'per_order' },
        config: { orderBy: [desc('o_totalprice'), 'o_orderdate', 'o_orderkey'], n: 100 },
      },
    ]),
    node: 'top',
    handSql: `
SELECT c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) AS sum_qty
FROM customer, orders, lineitem
WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 300)
  AND c_custkey = o_custkey
  AND o_orderkey = l_orderkey
GROUP BY c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
ORDER BY o_totalprice DESC, o_orderdate, o_orderkey
LIMIT 100`,
  },
  {
    id: 'q22',
    title: 'Q22 global sales opportunity',
    features: 'compute substr, IN list, global avg via cross join, anti join, aggregate, sort',
    workflow: workflow('tpch_q22', [
      src('customer', 'customer'),
      src('orders', 'orders'),
      {
        id: 'with_code',
        type: 'compute',
        inputs: { in: 'customer' },
        config: { columns: { cntrycode: 'substr(c_phone, 1, 2)' } },
      },
      filter('in_countries', 'with_code', "cntrycode IN ('13', '31', '23', '29', '30', '18', '17')"),
      filter('positive', 'in_countries', 'c_acctbal > 0.00'),
      aggregate('average', 'positive', [], { avg_acctbal: 'avg(c_acctbal)' }),
      join('vs_average', 'in_countries', 'average', { kind: 'cross' }),
      filter('above_average', 'vs_average', 'c_acctbal > avg_acctbal'),
      join('no_orders', 'above_average', 'orders', { kind: 'anti', on: on('c_custkey', 'o_custkey') }),
      aggregate('by_country', 'no_orders', ['cntrycode'], {
        numcust: 'count(*)',
        totacctbal: 'sum(c_acctbal)',
      }),
      sort('sorted', 'by_country', ['cntrycode']),
    ]),
    node: 'sorted',
    handSql: `
SELECT cntrycode, count(*) AS numcust, sum(c_acctbal) AS totacctbal
FROM (
  SELECT substring(c_phone, 1, 2) AS cntrycode, c_acctbal
  FROM customer
  WHERE substring(c_phone, 1, 2) IN ('13', '31', '23', '29', '30', '18', '17')
    AND c_acctbal > (
      SELECT avg(c_acctbal) FROM customer
      WHERE c_acctbal > 0.00 AND substring(c_phone, 1, 2) IN ('13', '31', '23', '29', '30', '18', '17')
    )
    AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)
) AS custsale
GROUP BY cntrycode
ORDER BY cntrycode`,
  },
  {
    id: 'qtop',
    title: 'Top 3 customers per nation by 1995 spend',
    features: 'aggregate → joins with select → top_n per group (window/QUALIFY)',
    workflow: workflow('tpch_top_customers', [
      src('orders', 'orders'),
      src('customer', 'customer'),
      src('nation', 'nation'),
      filter('year_1995', 'orders', "o_orderdate >= date '1995-01-01' AND o_orderdate < date '1996-01-01'"),
      aggregate('spend', 'year_1995', ['o_custkey'], { spent: 'sum(o_totalprice)', orders: 'count(*)' }),
      join('customer_spend', 'customer', 'spend', {
        on: on('c_custkey', 'o_custkey'),
        select: ['left.c_custkey', 'left.c_name', 'left.c_nationkey', 'right.spent', 'right.orders'],
      }),
      join('with_nation', 'customer_spend', 'nation', {
        on: on('c_nationkey', 'n_nationkey'),
        select: ['right.n_name', 'left.c_custkey', 'left.c_name', 'left.spent', 'left.orders'],
      }),
      {
        id: 'top3',
        type: 'top_n',
        inputs: { in: 'with_nation' },
        config: { groupBy: ['n_name'], orderBy: [desc('spent'), 'c_custkey'], n: 3 },
      },
    ]),
    node: 'top3',
    handSql: `
SELECT n_name, c_custkey, c_name, spent, orders
FROM (
  SELECT o_custkey, sum(o_totalprice) AS spent, count(*) AS orders
  FROM orders
  WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1995-01-01' + INTERVAL '1' YEAR
  GROUP BY o_custkey
) AS spend
JOIN customer ON c_custkey = o_custkey
JOIN nation ON n_nationkey = c_nationkey
QUALIFY row_number() OVER (PARTITION BY n_name ORDER BY spent DESC, c_custkey) <= 3
ORDER BY n_name, spent DESC, c_custkey`,
  },
  {
    id: 'qlarge',
    title: 'The 10 largest line items shipped since 1995',
    features: 'select, then top_n without groups over millions of rows',
    workflow: workflow('tpch_largest_lines', [
      src('lineitem', 'lineitem'),
      filter('recent', 'lineitem', "l_shipdate >= date '1995-01-01'"),
      {
        id: 'slim',
        type: 'select',
        inputs: { in: 'recent' },
        config: { columns: ['l_orderkey', 'l_linenumber', 'l_extendedprice'] },
      },
      {
        id: 'largest',
        type: 'top_n',
        inputs: { in: 'slim' },
        config: { orderBy: [desc('l_extendedprice'), 'l_orderkey', 'l_linenumber'], n: 10 },
      },
    ]),
    node: 'largest',
    handSql: `
SELECT l_orderkey, l_linenumber, l_extendedprice
FROM lineitem
WHERE l_shipdate >= DATE '1995-01-01'
ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber
LIMIT 10`,
  },
];
