/**
 * TPC-H-like questions, each written twice: as an edgeflow workflow (what a user or the assistant
 * builds from components) and as the SQL a DuckDB expert writes by hand. Both must return the same
 * rows (same columns, in the same order) for the timing comparison to mean anything.
 *
 * The hand-written SQL follows the TPC-H reference queries (implicit joins, EXISTS/IN subqueries,
 * interval arithmetic), with the output columns ordered as the workflow produces them and an
 * ordering made total where a LIMIT would otherwise pick among ties. The same text runs on DuckDB
 * and PostgreSQL, except where a PostgreSQL expert writes it otherwise (`handSqlPostgres`):
 * PostgreSQL runs a correlated scalar subquery once per outer row (Q2, Q17, Q20), so there it is
 * a derived table grouped once, and it cannot hash-join on a key repeated inside each OR branch
 * (Q19), so there the key is written once.
 *
 * The workflows are written as a user builds them on a canvas: sources, a filter after a source,
 * joins in a chain (clashing names get `right_`), computed columns, an aggregate, sort and limit;
 * a subquery becomes a join to an aggregate, a semi or an anti join. Nothing is shaped to help the
 * compiler: no column is dropped early, no filter is pushed by hand into a join.
 */
import type { BenchNode } from '../workflow-shapes.js';

export interface TpchQuery {
  id: string;
  /** One of the 22 TPC-H questions, or an extra question of ours (not in the TPC-H mean). */
  kind: 'tpch' | 'extra';
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
  /** The hand-written SQL for PostgreSQL when it differs (see above); else handSql runs there too. */
  handSqlPostgres?: string;
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
const compute = (id: string, input: string, columns: Record<string, string>): BenchNode => ({
  id,
  type: 'compute',
  inputs: { in: input },
  config: { columns },
});
const select = (id: string, input: string, columns: unknown[]): BenchNode => ({
  id,
  type: 'select',
  inputs: { in: input },
  config: { columns },
});
const limit = (id: string, input: string, count: number): BenchNode => ({
  id,
  type: 'limit',
  inputs: { in: input },
  config: { count },
});

function workflow(
  name: string,
  nodes: BenchNode[],
  params?: TpchQuery['workflow']['params'],
): TpchQuery['workflow'] {
  return { edgeflow: 1, name, connection: 'local', ...(params ? { params } : {}), nodes };
}

const NET = 'l_extendedprice * (1 - l_discount)';

const Q19_CONDITION = [
  "(p_brand = 'Brand#12' AND p_container IN ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG') AND l_quantity >= 1 AND l_quantity <= 1 + 10 AND p_size BETWEEN 1 AND 5)",
  "(p_brand = 'Brand#23' AND p_container IN ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK') AND l_quantity >= 10 AND l_quantity <= 10 + 10 AND p_size BETWEEN 1 AND 10)",
  "(p_brand = 'Brand#34' AND p_container IN ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG') AND l_quantity >= 20 AND l_quantity <= 20 + 10 AND p_size BETWEEN 1 AND 15)",
].join(' OR ');

export const TPCH_QUERIES: TpchQuery[] = [
  {
    id: 'q1',
    kind: 'tpch',
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
    id: 'q2',
    kind: 'tpch',
    title: 'Q2 minimum cost supplier',
    features: 'join chain to a region, the cheapest offer per part joined back on two keys, sort + limit',
    workflow: workflow('tpch_q2', [
      src('part', 'part'),
      src('supplier', 'supplier'),
      src('partsupp', 'partsupp'),
      src('nation', 'nation'),
      src('region', 'region'),
      filter('brass_15', 'part', "p_size = 15 AND p_type LIKE '%BRASS'"),
      filter('europe', 'region', "r_name = 'EUROPE'"),
      join('european_nations', 'nation', 'europe', { on: on('n_regionkey', 'r_regionkey') }),
      join('european_suppliers', 'supplier', 'european_nations', { on: on('s_nationkey', 'n_nationkey') }),
      join('european_offers', 'partsupp', 'european_suppliers', { on: on('ps_suppkey', 's_suppkey') }),
      join('part_offers', 'brass_15', 'european_offers', { on: on('p_partkey', 'ps_partkey') }),
      aggregate('cheapest', 'part_offers', ['p_partkey'], { min_cost: 'min(ps_supplycost)' }),
      join('best_offers', 'part_offers', 'cheapest', {
        condition: 'left.p_partkey = right.p_partkey AND left.ps_supplycost = right.min_cost',
      }),
      select('report', 'best_offers', [
        's_acctbal',
        's_name',
        'n_name',
        'p_partkey',
        'p_mfgr',
        's_address',
        's_phone',
        's_comment',
      ]),
      sort('ranked', 'report', [desc('s_acctbal'), 'n_name', 's_name', 'p_partkey']),
      limit('top100', 'ranked', 100),
    ]),
    node: 'top100',
    handSql: `
SELECT s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment
FROM part, supplier, partsupp, nation, region
WHERE p_partkey = ps_partkey
  AND s_suppkey = ps_suppkey
  AND p_size = 15
  AND p_type LIKE '%BRASS'
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'EUROPE'
  AND ps_supplycost = (
    SELECT min(ps_supplycost)
    FROM partsupp, supplier, nation, region
    WHERE p_partkey = ps_partkey
      AND s_suppkey = ps_suppkey
      AND s_nationkey = n_nationkey
      AND n_regionkey = r_regionkey
      AND r_name = 'EUROPE'
  )
ORDER BY s_acctbal DESC, n_name, s_name, p_partkey
LIMIT 100`,
    handSqlPostgres: `
SELECT s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment
FROM part, supplier, partsupp, nation, region, (
  SELECT ps_partkey AS min_partkey, min(ps_supplycost) AS min_cost
  FROM partsupp, supplier, nation, region
  WHERE s_suppkey = ps_suppkey
    AND s_nationkey = n_nationkey
    AND n_regionkey = r_regionkey
    AND r_name = 'EUROPE'
  GROUP BY ps_partkey
) AS cheapest
WHERE p_partkey = ps_partkey
  AND s_suppkey = ps_suppkey
  AND p_size = 15
  AND p_type LIKE '%BRASS'
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'EUROPE'
  AND min_partkey = p_partkey
  AND ps_supplycost = min_cost
ORDER BY s_acctbal DESC, n_name, s_name, p_partkey
LIMIT 100`,
  },
  {
    id: 'q3',
    kind: 'tpch',
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
    kind: 'tpch',
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
    kind: 'tpch',
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
    kind: 'tpch',
    title: 'Q6 forecasting revenue change',
    // The discount band is written as decimals: a `number` param is a double, and 0.06 + 0.01 in
    // doubles is below 0.07 (PostgreSQL then leaves out the lines with a 0.07 discount).
    features: 'date and integer params, date_add, BETWEEN, global aggregate',
    workflow: workflow(
      'tpch_q6',
      [
        src('lineitem', 'lineitem'),
        filter(
          'candidates',
          'lineitem',
          "l_shipdate >= :start AND l_shipdate < date_add(:start, 1, 'year') AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < :quantity",
        ),
        aggregate('forecast', 'candidates', [], { revenue: 'sum(l_extendedprice * l_discount)' }),
      ],
      {
        start: { type: 'date', default: '1994-01-01' },
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
    id: 'q7',
    kind: 'tpch',
    title: 'Q7 volume shipping',
    features: 'one nation source as two renamed branches, five joins, OR of pairs, extract(year), aggregate',
    workflow: workflow('tpch_q7', [
      src('supplier', 'supplier'),
      src('lineitem', 'lineitem'),
      src('orders', 'orders'),
      src('customer', 'customer'),
      src('nation', 'nation'),
      filter('two_nations', 'nation', "n_name IN ('FRANCE', 'GERMANY')"),
      select('supp_nations', 'two_nations', [
        { as: 'supp_nationkey', expr: 'n_nationkey' },
        { as: 'supp_nation', expr: 'n_name' },
      ]),
      select('cust_nations', 'two_nations', [
        { as: 'cust_nationkey', expr: 'n_nationkey' },
        { as: 'cust_nation', expr: 'n_name' },
      ]),
      filter('shipped', 'lineitem', "l_shipdate BETWEEN date '1995-01-01' AND date '1996-12-31'"),
      join('supplier_lines', 'supplier', 'shipped', { on: on('s_suppkey', 'l_suppkey') }),
      join('with_order', 'supplier_lines', 'orders', { on: on('l_orderkey', 'o_orderkey') }),
      join('with_customer', 'with_order', 'customer', { on: on('o_custkey', 'c_custkey') }),
      join('with_supp_nation', 'with_customer', 'supp_nations', { on: on('s_nationkey', 'supp_nationkey') }),
      join('with_cust_nation', 'with_supp_nation', 'cust_nations', {
        on: on('c_nationkey', 'cust_nationkey'),
      }),
      filter(
        'cross_border',
        'with_cust_nation',
        "(supp_nation = 'FRANCE' AND cust_nation = 'GERMANY') OR (supp_nation = 'GERMANY' AND cust_nation = 'FRANCE')",
      ),
      compute('shipping', 'cross_border', { l_year: 'extract(year from l_shipdate)', volume: NET }),
      aggregate('revenue', 'shipping', ['supp_nation', 'cust_nation', 'l_year'], { revenue: 'sum(volume)' }),
      sort('sorted', 'revenue', ['supp_nation', 'cust_nation', 'l_year']),
    ]),
    node: 'sorted',
    handSql: `
SELECT supp_nation, cust_nation, l_year, sum(volume) AS revenue
FROM (
  SELECT n1.n_name AS supp_nation, n2.n_name AS cust_nation,
    extract(year FROM l_shipdate) AS l_year, l_extendedprice * (1 - l_discount) AS volume
  FROM supplier, lineitem, orders, customer, nation n1, nation n2
  WHERE s_suppkey = l_suppkey
    AND o_orderkey = l_orderkey
    AND c_custkey = o_custkey
    AND s_nationkey = n1.n_nationkey
    AND c_nationkey = n2.n_nationkey
    AND ((n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE'))
    AND l_shipdate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'
) AS shipping
GROUP BY supp_nation, cust_nation, l_year
ORDER BY supp_nation, cust_nation, l_year`,
  },
  {
    id: 'q8',
    kind: 'tpch',
    title: 'Q8 national market share',
    features: 'eight sources, seven joins (nation twice), CASE inside a ratio of sums',
    workflow: workflow('tpch_q8', [
      src('part', 'part'),
      src('supplier', 'supplier'),
      src('lineitem', 'lineitem'),
      src('orders', 'orders'),
      src('customer', 'customer'),
      src('nation', 'nation'),
      src('region', 'region'),
      filter('steel', 'part', "p_type = 'ECONOMY ANODIZED STEEL'"),
      filter('two_years', 'orders', "o_orderdate BETWEEN date '1995-01-01' AND date '1996-12-31'"),
      filter('america', 'region', "r_name = 'AMERICA'"),
      join('american_nations', 'nation', 'america', { on: on('n_regionkey', 'r_regionkey') }),
      join('american_customers', 'customer', 'american_nations', { on: on('c_nationkey', 'n_nationkey') }),
      select('supplier_nations', 'nation', [
        { as: 'supp_nationkey', expr: 'n_nationkey' },
        { as: 'nation', expr: 'n_name' },
      ]),
      join('steel_lines', 'lineitem', 'steel', { on: on('l_partkey', 'p_partkey') }),
      join('with_supplier', 'steel_lines', 'supplier', { on: on('l_suppkey', 's_suppkey') }),
      join('with_order', 'with_supplier', 'two_years', { on: on('l_orderkey', 'o_orderkey') }),
      join('with_customer', 'with_order', 'american_customers', { on: on('o_custkey', 'c_custkey') }),
      join('with_supp_nation', 'with_customer', 'supplier_nations', {
        on: on('s_nationkey', 'supp_nationkey'),
      }),
      compute('volumes', 'with_supp_nation', { o_year: 'extract(year from o_orderdate)', volume: NET }),
      aggregate('share', 'volumes', ['o_year'], {
        mkt_share: "sum(CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END) / sum(volume)",
      }),
      sort('sorted', 'share', ['o_year']),
    ]),
    node: 'sorted',
    handSql: `
SELECT o_year, sum(CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END) / sum(volume) AS mkt_share
FROM (
  SELECT extract(year FROM o_orderdate) AS o_year, l_extendedprice * (1 - l_discount) AS volume,
    n2.n_name AS nation
  FROM part, supplier, lineitem, orders, customer, nation n1, nation n2, region
  WHERE p_partkey = l_partkey
    AND s_suppkey = l_suppkey
    AND l_orderkey = o_orderkey
    AND o_custkey = c_custkey
    AND c_nationkey = n1.n_nationkey
    AND n1.n_regionkey = r_regionkey
    AND r_name = 'AMERICA'
    AND s_nationkey = n2.n_nationkey
    AND o_orderdate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'
    AND p_type = 'ECONOMY ANODIZED STEEL'
) AS all_nations
GROUP BY o_year
ORDER BY o_year`,
  },
  {
    id: 'q9',
    kind: 'tpch',
    title: 'Q9 product type profit measure',
    features: 'LIKE on a part name, a two-key join, a profit expression, extract(year), sort desc',
    workflow: workflow('tpch_q9', [
      src('part', 'part'),
      src('supplier', 'supplier'),
      src('lineitem', 'lineitem'),
      src('partsupp', 'partsupp'),
      src('orders', 'orders'),
      src('nation', 'nation'),
      filter('green', 'part', "p_name LIKE '%green%'"),
      join('green_lines', 'lineitem', 'green', { on: on('l_partkey', 'p_partkey') }),
      join('with_supplier', 'green_lines', 'supplier', { on: on('l_suppkey', 's_suppkey') }),
      join('with_cost', 'with_supplier', 'partsupp', {
        on: [
          { left: 'l_suppkey', right: 'ps_suppkey' },
          { left: 'l_partkey', right: 'ps_partkey' },
        ],
      }),
      join('with_order', 'with_cost', 'orders', { on: on('l_orderkey', 'o_orderkey') }),
      join('with_nation', 'with_order', 'nation', { on: on('s_nationkey', 'n_nationkey') }),
      compute('profit', 'with_nation', {
        o_year: 'extract(year from o_orderdate)',
        amount: `${NET} - ps_supplycost * l_quantity`,
      }),
      aggregate('by_nation_year', 'profit', ['n_name', 'o_year'], { sum_profit: 'sum(amount)' }),
      sort('sorted', 'by_nation_year', ['n_name', desc('o_year')]),
    ]),
    node: 'sorted',
    handSql: `
SELECT nation, o_year, sum(amount) AS sum_profit
FROM (
  SELECT n_name AS nation, extract(year FROM o_orderdate) AS o_year,
    l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity AS amount
  FROM part, supplier, lineitem, partsupp, orders, nation
  WHERE s_suppkey = l_suppkey
    AND ps_suppkey = l_suppkey
    AND ps_partkey = l_partkey
    AND p_partkey = l_partkey
    AND o_orderkey = l_orderkey
    AND s_nationkey = n_nationkey
    AND p_name LIKE '%green%'
) AS profit
GROUP BY nation, o_year
ORDER BY nation, o_year DESC`,
  },
  {
    id: 'q10',
    kind: 'tpch',
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
    id: 'q11',
    kind: 'tpch',
    title: 'Q11 important stock identification',
    features: 'aggregate read twice (per part, and its total), cross join, filter against the total',
    workflow: workflow('tpch_q11', [
      src('partsupp', 'partsupp'),
      src('supplier', 'supplier'),
      src('nation', 'nation'),
      filter('germany', 'nation', "n_name = 'GERMANY'"),
      join('german_suppliers', 'supplier', 'germany', { on: on('s_nationkey', 'n_nationkey') }),
      join('german_stock', 'partsupp', 'german_suppliers', { on: on('ps_suppkey', 's_suppkey') }),
      aggregate('per_part', 'german_stock', ['ps_partkey'], { value: 'sum(ps_supplycost * ps_availqty)' }),
      aggregate('total', 'per_part', [], { threshold: 'sum(value) * 0.0001' }),
      join('vs_total', 'per_part', 'total', { kind: 'cross' }),
      filter('important', 'vs_total', 'value > threshold'),
      select('report', 'important', ['ps_partkey', 'value']),
      sort('sorted', 'report', [desc('value')]),
    ]),
    node: 'sorted',
    handSql: `
SELECT ps_partkey, sum(ps_supplycost * ps_availqty) AS value
FROM partsupp, supplier, nation
WHERE ps_suppkey = s_suppkey
  AND s_nationkey = n_nationkey
  AND n_name = 'GERMANY'
GROUP BY ps_partkey
HAVING sum(ps_supplycost * ps_availqty) > (
  SELECT sum(ps_supplycost * ps_availqty) * 0.0001
  FROM partsupp, supplier, nation
  WHERE ps_suppkey = s_suppkey
    AND s_nationkey = n_nationkey
    AND n_name = 'GERMANY'
)
ORDER BY value DESC`,
  },
  {
    id: 'q12',
    kind: 'tpch',
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
    id: 'q13',
    kind: 'tpch',
    title: 'Q13 customer distribution',
    features: 'NOT LIKE, left join, count of a right column, an aggregate of an aggregate',
    workflow: workflow('tpch_q13', [
      src('customer', 'customer'),
      src('orders', 'orders'),
      filter('ordinary', 'orders', "o_comment NOT LIKE '%special%requests%'"),
      join('customer_orders', 'customer', 'ordinary', { kind: 'left', on: on('c_custkey', 'o_custkey') }),
      aggregate('per_customer', 'customer_orders', ['c_custkey'], { c_count: 'count(o_orderkey)' }),
      aggregate('distribution', 'per_customer', ['c_count'], { custdist: 'count(*)' }),
      sort('sorted', 'distribution', [desc('custdist'), desc('c_count')]),
    ]),
    node: 'sorted',
    handSql: `
SELECT c_count, count(*) AS custdist
FROM (
  SELECT c_custkey, count(o_orderkey) AS c_count
  FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey AND o_comment NOT LIKE '%special%requests%'
  GROUP BY c_custkey
) AS c_orders
GROUP BY c_count
ORDER BY custdist DESC, c_count DESC`,
  },
  {
    id: 'q14',
    kind: 'tpch',
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
    id: 'q15',
    kind: 'tpch',
    title: 'Q15 top supplier',
    features: 'aggregate read twice (per supplier, and its max), join on equality with the max',
    workflow: workflow('tpch_q15', [
      src('lineitem', 'lineitem'),
      src('supplier', 'supplier'),
      filter('quarter', 'lineitem', "l_shipdate >= date '1996-01-01' AND l_shipdate < date '1996-04-01'"),
      aggregate('revenue', 'quarter', ['l_suppkey'], { total_revenue: `sum(${NET})` }),
      aggregate('top_revenue', 'revenue', [], { max_revenue: 'max(total_revenue)' }),
      join('best', 'revenue', 'top_revenue', { condition: 'left.total_revenue = right.max_revenue' }),
      join('with_supplier', 'supplier', 'best', { on: on('s_suppkey', 'l_suppkey') }),
      select('report', 'with_supplier', ['s_suppkey', 's_name', 's_address', 's_phone', 'total_revenue']),
      sort('sorted', 'report', ['s_suppkey']),
    ]),
    node: 'sorted',
    handSql: `
WITH revenue AS (
  SELECT l_suppkey AS supplier_no, sum(l_extendedprice * (1 - l_discount)) AS total_revenue
  FROM lineitem
  WHERE l_shipdate >= DATE '1996-01-01'
    AND l_shipdate < DATE '1996-01-01' + INTERVAL '3' MONTH
  GROUP BY l_suppkey
)
SELECT s_suppkey, s_name, s_address, s_phone, total_revenue
FROM supplier, revenue
WHERE s_suppkey = supplier_no
  AND total_revenue = (SELECT max(total_revenue) FROM revenue)
ORDER BY s_suppkey`,
  },
  {
    id: 'q16',
    kind: 'tpch',
    title: 'Q16 parts/supplier relationship',
    features: 'NOT LIKE, IN list of numbers, anti join (NOT IN), count(distinct)',
    workflow: workflow('tpch_q16', [
      src('partsupp', 'partsupp'),
      src('part', 'part'),
      src('supplier', 'supplier'),
      filter(
        'wanted_parts',
        'part',
        "p_brand <> 'Brand#45' AND p_type NOT LIKE 'MEDIUM POLISHED%' AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9)",
      ),
      filter('complaints', 'supplier', "s_comment LIKE '%Customer%Complaints%'"),
      join('wanted_stock', 'partsupp', 'wanted_parts', { on: on('ps_partkey', 'p_partkey') }),
      join('no_complaints', 'wanted_stock', 'complaints', {
        kind: 'anti',
        on: on('ps_suppkey', 's_suppkey'),
      }),
      aggregate('counts', 'no_complaints', ['p_brand', 'p_type', 'p_size'], {
        supplier_cnt: 'count(distinct ps_suppkey)',
      }),
      sort('sorted', 'counts', [desc('supplier_cnt'), 'p_brand', 'p_type', 'p_size']),
    ]),
    node: 'sorted',
    handSql: `
SELECT p_brand, p_type, p_size, count(DISTINCT ps_suppkey) AS supplier_cnt
FROM partsupp, part
WHERE p_partkey = ps_partkey
  AND p_brand <> 'Brand#45'
  AND p_type NOT LIKE 'MEDIUM POLISHED%'
  AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9)
  AND ps_suppkey NOT IN (SELECT s_suppkey FROM supplier WHERE s_comment LIKE '%Customer%Complaints%')
GROUP BY p_brand, p_type, p_size
ORDER BY supplier_cnt DESC, p_brand, p_type, p_size`,
  },
  {
    id: 'q17',
    kind: 'tpch',
    title: 'Q17 small-quantity-order revenue',
    features: 'a join read twice (per-part average joined back), filter against it, global aggregate',
    workflow: workflow('tpch_q17', [
      src('lineitem', 'lineitem'),
      src('part', 'part'),
      filter('wanted', 'part', "p_brand = 'Brand#23' AND p_container = 'MED BOX'"),
      join('part_lines', 'lineitem', 'wanted', { on: on('l_partkey', 'p_partkey') }),
      aggregate('avg_qty', 'part_lines', ['l_partkey'], { avg_quantity: 'avg(l_quantity)' }),
      join('with_avg', 'part_lines', 'avg_qty', { on: on('l_partkey', 'l_partkey') }),
      filter('small', 'with_avg', 'l_quantity < 0.2 * avg_quantity'),
      aggregate('yearly', 'small', [], { avg_yearly: 'sum(l_extendedprice) / 7.0' }),
    ]),
    node: 'yearly',
    handSql: `
SELECT sum(l_extendedprice) / 7.0 AS avg_yearly
FROM lineitem, part
WHERE p_partkey = l_partkey
  AND p_brand = 'Brand#23'
  AND p_container = 'MED BOX'
  AND l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey)`,
    handSqlPostgres: `
SELECT sum(l_extendedprice) / 7.0 AS avg_yearly
FROM lineitem, part, (
  SELECT l_partkey AS agg_partkey, 0.2 * avg(l_quantity) AS avg_quantity
  FROM lineitem
  WHERE l_partkey IN (SELECT p_partkey FROM part WHERE p_brand = 'Brand#23' AND p_container = 'MED BOX')
  GROUP BY l_partkey
) AS part_avg
WHERE p_partkey = l_partkey
  AND agg_partkey = l_partkey
  AND p_brand = 'Brand#23'
  AND p_container = 'MED BOX'
  AND l_quantity < avg_quantity`,
  },
  {
    id: 'q18',
    kind: 'tpch',
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
    id: 'q19',
    kind: 'tpch',
    title: 'Q19 discounted revenue',
    features: 'filter after a join: an OR of three conjunctions over both sides, IN lists, BETWEEN',
    workflow: workflow('tpch_q19', [
      src('lineitem', 'lineitem'),
      src('part', 'part'),
      filter(
        'in_person_air',
        'lineitem',
        "l_shipmode IN ('AIR', 'AIR REG') AND l_shipinstruct = 'DELIVER IN PERSON'",
      ),
      join('with_part', 'in_person_air', 'part', { on: on('l_partkey', 'p_partkey') }),
      filter('wanted', 'with_part', Q19_CONDITION),
      aggregate('revenue', 'wanted', [], { revenue: `sum(${NET})` }),
    ]),
    node: 'revenue',
    handSql: `
SELECT sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem, part
WHERE (
    p_partkey = l_partkey
    AND p_brand = 'Brand#12'
    AND p_container IN ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
    AND l_quantity >= 1 AND l_quantity <= 1 + 10
    AND p_size BETWEEN 1 AND 5
    AND l_shipmode IN ('AIR', 'AIR REG')
    AND l_shipinstruct = 'DELIVER IN PERSON'
  ) OR (
    p_partkey = l_partkey
    AND p_brand = 'Brand#23'
    AND p_container IN ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
    AND l_quantity >= 10 AND l_quantity <= 10 + 10
    AND p_size BETWEEN 1 AND 10
    AND l_shipmode IN ('AIR', 'AIR REG')
    AND l_shipinstruct = 'DELIVER IN PERSON'
  ) OR (
    p_partkey = l_partkey
    AND p_brand = 'Brand#34'
    AND p_container IN ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
    AND l_quantity >= 20 AND l_quantity <= 20 + 10
    AND p_size BETWEEN 1 AND 15
    AND l_shipmode IN ('AIR', 'AIR REG')
    AND l_shipinstruct = 'DELIVER IN PERSON'
  )`,
    handSqlPostgres: `
SELECT sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem, part
WHERE p_partkey = l_partkey
  AND l_shipmode IN ('AIR', 'AIR REG')
  AND l_shipinstruct = 'DELIVER IN PERSON'
  AND ((
    p_brand = 'Brand#12'
    AND p_container IN ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
    AND l_quantity >= 1 AND l_quantity <= 1 + 10
    AND p_size BETWEEN 1 AND 5
  ) OR (
    p_brand = 'Brand#23'
    AND p_container IN ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
    AND l_quantity >= 10 AND l_quantity <= 10 + 10
    AND p_size BETWEEN 1 AND 10
  ) OR (
    p_brand = 'Brand#34'
    AND p_container IN ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
    AND l_quantity >= 20 AND l_quantity <= 20 + 10
    AND p_size BETWEEN 1 AND 15
  ))`,
  },
  {
    id: 'q20',
    kind: 'tpch',
    title: 'Q20 potential part promotion',
    features: 'aggregate on two keys joined to a semi-joined branch, filter, semi join, sort',
    workflow: workflow('tpch_q20', [
      src('supplier', 'supplier'),
      src('nation', 'nation'),
      src('partsupp', 'partsupp'),
      src('part', 'part'),
      src('lineitem', 'lineitem'),
      filter('forest', 'part', "p_name LIKE 'forest%'"),
      filter('canada', 'nation', "n_name = 'CANADA'"),
      filter('year_1994', 'lineitem', "l_shipdate >= date '1994-01-01' AND l_shipdate < date '1995-01-01'"),
      aggregate('shipped', 'year_1994', ['l_partkey', 'l_suppkey'], { sum_qty: 'sum(l_quantity)' }),
      join('forest_stock', 'partsupp', 'forest', { kind: 'semi', on: on('ps_partkey', 'p_partkey') }),
      join('stock_vs_shipped', 'forest_stock', 'shipped', {
        on: [
          { left: 'ps_partkey', right: 'l_partkey' },
          { left: 'ps_suppkey', right: 'l_suppkey' },
        ],
      }),
      filter('excess', 'stock_vs_shipped', 'ps_availqty > 0.5 * sum_qty'),
      join('excess_suppliers', 'supplier', 'excess', { kind: 'semi', on: on('s_suppkey', 'ps_suppkey') }),
      join('canadian', 'excess_suppliers', 'canada', { on: on('s_nationkey', 'n_nationkey') }),
      select('report', 'canadian', ['s_name', 's_address']),
      sort('sorted', 'report', ['s_name']),
    ]),
    node: 'sorted',
    handSql: `
SELECT s_name, s_address
FROM supplier, nation
WHERE s_suppkey IN (
    SELECT ps_suppkey
    FROM partsupp
    WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%')
      AND ps_availqty > (
        SELECT 0.5 * sum(l_quantity)
        FROM lineitem
        WHERE l_partkey = ps_partkey
          AND l_suppkey = ps_suppkey
          AND l_shipdate >= DATE '1994-01-01'
          AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
      )
  )
  AND s_nationkey = n_nationkey
  AND n_name = 'CANADA'
ORDER BY s_name`,
    handSqlPostgres: `
SELECT s_name, s_address
FROM supplier, nation
WHERE s_suppkey IN (
    SELECT ps_suppkey
    FROM partsupp, (
      SELECT l_partkey AS agg_partkey, l_suppkey AS agg_suppkey, 0.5 * sum(l_quantity) AS agg_quantity
      FROM lineitem
      WHERE l_shipdate >= DATE '1994-01-01'
        AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
      GROUP BY l_partkey, l_suppkey
    ) AS shipped
    WHERE agg_partkey = ps_partkey
      AND agg_suppkey = ps_suppkey
      AND ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%')
      AND ps_availqty > agg_quantity
  )
  AND s_nationkey = n_nationkey
  AND n_name = 'CANADA'
ORDER BY s_name`,
  },
  {
    id: 'q21',
    kind: 'tpch',
    title: 'Q21 suppliers who kept orders waiting',
    features: 'a filtered source read twice, semi and anti joins on a condition with <>, sort + limit',
    workflow: workflow('tpch_q21', [
      src('supplier', 'supplier'),
      src('lineitem', 'lineitem'),
      src('orders', 'orders'),
      src('nation', 'nation'),
      filter('late', 'lineitem', 'l_receiptdate > l_commitdate'),
      filter('failed', 'orders', "o_orderstatus = 'F'"),
      filter('saudi', 'nation', "n_name = 'SAUDI ARABIA'"),
      join('saudi_suppliers', 'supplier', 'saudi', { on: on('s_nationkey', 'n_nationkey') }),
      join('supplier_late_lines', 'late', 'saudi_suppliers', { on: on('l_suppkey', 's_suppkey') }),
      join('failed_lines', 'supplier_late_lines', 'failed', { on: on('l_orderkey', 'o_orderkey') }),
      join('shared_orders', 'failed_lines', 'lineitem', {
        kind: 'semi',
        condition: 'left.l_orderkey = right.l_orderkey AND left.l_suppkey <> right.l_suppkey',
      }),
      join('only_late', 'shared_orders', 'late', {
        kind: 'anti',
        condition: 'left.l_orderkey = right.l_orderkey AND left.l_suppkey <> right.l_suppkey',
      }),
      aggregate('waiting', 'only_late', ['s_name'], { numwait: 'count(*)' }),
      sort('ranked', 'waiting', [desc('numwait'), 's_name']),
      limit('top100', 'ranked', 100),
    ]),
    node: 'top100',
    handSql: `
SELECT s_name, count(*) AS numwait
FROM supplier, lineitem l1, orders, nation
WHERE s_suppkey = l1.l_suppkey
  AND o_orderkey = l1.l_orderkey
  AND o_orderstatus = 'F'
  AND l1.l_receiptdate > l1.l_commitdate
  AND EXISTS (
    SELECT * FROM lineitem l2
    WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey
  )
  AND NOT EXISTS (
    SELECT * FROM lineitem l3
    WHERE l3.l_orderkey = l1.l_orderkey AND l3.l_suppkey <> l1.l_suppkey AND l3.l_receiptdate > l3.l_commitdate
  )
  AND s_nationkey = n_nationkey
  AND n_name = 'SAUDI ARABIA'
GROUP BY s_name
ORDER BY numwait DESC, s_name
LIMIT 100`,
  },
  {
    id: 'q22',
    kind: 'tpch',
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
    kind: 'extra',
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
    handSqlPostgres: `
SELECT n_name, c_custkey, c_name, spent, orders
FROM (
  SELECT n_name, c_custkey, c_name, spent, orders,
    row_number() OVER (PARTITION BY n_name ORDER BY spent DESC, c_custkey) AS rn
  FROM (
    SELECT o_custkey, sum(o_totalprice) AS spent, count(*) AS orders
    FROM orders
    WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1995-01-01' + INTERVAL '1' YEAR
    GROUP BY o_custkey
  ) AS spend
  JOIN customer ON c_custkey = o_custkey
  JOIN nation ON n_nationkey = c_nationkey
) AS ranked
WHERE rn <= 3
ORDER BY n_name, spent DESC, c_custkey`,
  },
  {
    id: 'qlarge',
    kind: 'extra',
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
