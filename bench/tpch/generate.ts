/**
 * A deterministic TPC-H-like dataset, generated inside DuckDB with SQL (range() and hash-based
 * pseudo-random values), so a scale factor of 1 takes seconds rather than minutes in JavaScript.
 *
 * It follows the TPC-H specification's shapes where the benchmark questions depend on them: row
 * counts per scale factor, key relations (4 suppliers per part, partsupp pairs used by lineitem, a
 * third of the customers without orders), date ranges, the returnflag/linestatus rules, the
 * order status and total price derived from the lines, and the value domains the questions filter on
 * (segments, priorities, ship modes, part types and containers). Text columns are short word salads.
 * Same scale factor and DuckDB version → same data (DuckDB's `hash` may change between versions).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface TableCount {
  table: string;
  rows: number;
}

export interface GeneratedDataset {
  scaleFactor: number;
  tables: TableCount[];
  totalRows: number;
  seconds: number;
}

export const TPCH_TABLES = [
  'region',
  'nation',
  'supplier',
  'customer',
  'part',
  'partsupp',
  'orders',
  'lineitem',
] as const;

const NATIONS: ReadonlyArray<[number, string, number]> = [
  [0, 'ALGERIA', 0],
  [1, 'ARGENTINA', 1],
  [2, 'BRAZIL', 1],
  [3, 'CANADA', 1],
  [4, 'EGYPT', 4],
  [5, 'ETHIOPIA', 0],
  [6, 'FRANCE', 3],
  [7, 'GERMANY', 3],
  [8, 'INDIA', 2],
  [9, 'INDONESIA', 2],
  [10, 'IRAN', 4],
  [11, 'IRAQ', 4],
  [12, 'JAPAN', 2],
  [13, 'JORDAN', 4],
  [14, 'KENYA', 0],
  [15, 'MOROCCO', 0],
  [16, 'MOZAMBIQUE', 0],
  [17, 'PERU', 1],
  [18, 'CHINA', 2],
  [19, 'ROMANIA', 3],
  [20, 'SAUDI ARABIA', 4],
  [21, 'VIETNAM', 2],
  [22, 'RUSSIA', 3],
  [23, 'UNITED KINGDOM', 3],
  [24, 'UNITED STATES', 1],
];
const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'];

const WORDS = [
  'furiously', 'carefully', 'quickly', 'slyly', 'blithely', 'ironic', 'final', 'regular', 'express',
  'pending', 'special', 'requests', 'deposits', 'accounts', 'packages', 'theodolites', 'instructions',
  'foxes', 'pinto', 'beans', 'dependencies', 'platelets', 'asymptotes', 'courts', 'dolphins', 'ideas',
  'excuses', 'warhorses', 'sheaves', 'frets', 'unusual', 'bold',
]; // prettier-ignore
const COLORS = [
  'almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush',
  'brown', 'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower',
  'cornsilk', 'cream', 'cyan', 'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest',
  'frosted', 'gainsboro', 'ghost', 'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory',
  'khaki', 'lace', 'lavender', 'lawn', 'lemon', 'light', 'lime', 'linen', 'magenta', 'maroon', 'medium',
  'metallic', 'midnight', 'mint', 'misty', 'moccasin', 'navajo', 'navy', 'olive', 'orange', 'orchid',
  'pale', 'papaya', 'peach', 'peru', 'pink', 'plum', 'powder', 'puff', 'purple', 'red', 'rose', 'rosy',
  'royal', 'saddle', 'salmon', 'sandy', 'seashell', 'sienna', 'sky', 'slate', 'smoke', 'snow', 'spring',
  'steel', 'tan', 'thistle', 'tomato', 'turquoise', 'violet', 'wheat', 'white', 'yellow',
]; // prettier-ignore
const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'];
const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'];
const SHIP_INSTRUCT = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'];
const SHIP_MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'];
const TYPE_1 = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'];
const TYPE_2 = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'];
const TYPE_3 = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'];
const CONTAINER_1 = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'];
const CONTAINER_2 = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'];

const str = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (xs: readonly string[]) => `[${xs.map(str).join(', ')}]`;

/** Rows per table at scale factor `sf`, as TPC-H sizes them (lineitem is about 4 × orders). */
export function tableSizes(sf: number) {
  const n = (base: number) => Math.max(1, Math.round(base * sf));
  return { supplier: n(10_000), part: n(200_000), customer: n(150_000), orders: n(1_500_000) };
}

/**
 * The statements that build the dataset. `h(k, salt)` is a 64-bit hash of a row key and a column
 * salt; `pick(list, k, salt)` a uniform element; `ri(k, salt, lo, hi)` a uniform integer.
 */
export function generationStatements(sf: number): string[] {
  const { supplier: S, part: P, customer: C, orders: O } = tableSizes(sf);
  const text = (key: string, salt: number, words: number) =>
    Array.from({ length: words }, (_, i) => `pick(${list(WORDS)}, ${key}, ${salt * 10 + i})`).join(
      " || ' ' || ",
    );
  const money = (key: string, salt: number, lo: number, hi: number) =>
    `CAST(ri(${key}, ${salt}, ${Math.round(lo * 100)}, ${Math.round(hi * 100)}) / 100 AS DECIMAL(15,2))`;
  const digits = (key: string, salt: number, lo: number, hi: number) =>
    `CAST(ri(${key}, ${salt}, ${lo}, ${hi}) AS VARCHAR)`;
  const phone = (key: string, nation: string, salt: number) =>
    `CAST(${nation} + 10 AS VARCHAR) || '-' || ${digits(key, salt, 100, 999)} || '-' || ${digits(key, salt + 1, 100, 999)} || '-' || ${digits(key, salt + 2, 1000, 9999)}`;
  // TPC-H's supplier of the i-th (0..3) supply pair of a part (spec 4.2.3).
  const suppOf = (part: string, i: string) =>
    `(${part} + ${i} * (${S} // 4 + (${part} - 1) // ${S})) % ${S} + 1`;
  const retailPrice = (p: string) =>
    `CAST((90000 + (${p} // 10) % 20001 + 100 * (${p} % 1000)) / 100 AS DECIMAL(15,2))`;

  return [
    'CREATE OR REPLACE TEMP MACRO h(k, salt) AS hash(k, salt)',
    'CREATE OR REPLACE TEMP MACRO ri(k, salt, lo, hi) AS CAST(h(k, salt) % CAST(hi - lo + 1 AS UBIGINT) AS BIGINT) + lo',
    'CREATE OR REPLACE TEMP MACRO pick(xs, k, salt) AS xs[1 + CAST(h(k, salt) % CAST(len(xs) AS UBIGINT) AS BIGINT)]',

    `CREATE OR REPLACE TABLE region AS
     SELECT CAST(i AS BIGINT) AS r_regionkey, ${list(REGIONS)}[i + 1] AS r_name, ${text('i', 1, 6)} AS r_comment
     FROM range(0, 5) t(i)`,

    `CREATE OR REPLACE TABLE nation AS
     SELECT CAST(k AS BIGINT) AS n_nationkey, name AS n_name, CAST(r AS BIGINT) AS n_regionkey, ${text('k', 2, 6)} AS n_comment
     FROM (VALUES ${NATIONS.map(([k, n, r]) => `(${k}, ${str(n)}, ${r})`).join(', ')}) v(k, name, r)`,

    `CREATE OR REPLACE TABLE supplier AS
     SELECT s_suppkey, 'Supplier#' || lpad(CAST(s_suppkey AS VARCHAR), 9, '0') AS s_name,
       ${text('s_suppkey', 3, 3)} AS s_address, s_nationkey,
       ${phone('s_suppkey', 's_nationkey', 4)} AS s_phone,
       ${money('s_suppkey', 5, -999.99, 9999.99)} AS s_acctbal,
       -- TPC-H puts 'Customer … Complaints' into a few supplier comments (Q16 looks for them).
       CASE WHEN s_suppkey % 2000 = 7 THEN 'slyly Customer bold Complaints' ELSE ${text('s_suppkey', 6, 5)} END AS s_comment
     FROM (SELECT CAST(i AS BIGINT) AS s_suppkey, ri(i, 7, 0, 24) AS s_nationkey FROM range(1, ${S + 1}) t(i))`,

    `CREATE OR REPLACE TABLE part AS
     SELECT p_partkey,
       ${Array.from({ length: 5 }, (_, i) => `pick(${list(COLORS)}, p_partkey, ${80 + i})`).join(" || ' ' || ")} AS p_name,
       'Manufacturer#' || CAST(m AS VARCHAR) AS p_mfgr,
       'Brand#' || CAST(m AS VARCHAR) || CAST(ri(p_partkey, 9, 1, 5) AS VARCHAR) AS p_brand,
       pick(${list(TYPE_1)}, p_partkey, 10) || ' ' || pick(${list(TYPE_2)}, p_partkey, 11) || ' ' || pick(${list(TYPE_3)}, p_partkey, 12) AS p_type,
       CAST(ri(p_partkey, 13, 1, 50) AS INTEGER) AS p_size,
       pick(${list(CONTAINER_1)}, p_partkey, 14) || ' ' || pick(${list(CONTAINER_2)}, p_partkey, 15) AS p_container,
       ${retailPrice('p_partkey')} AS p_retailprice,
       ${text('p_partkey', 16, 3)} AS p_comment
     FROM (SELECT CAST(i AS BIGINT) AS p_partkey, ri(i, 8, 1, 5) AS m FROM range(1, ${P + 1}) t(i))`,

    `CREATE OR REPLACE TABLE partsupp AS
     SELECT p AS ps_partkey, ${suppOf('p', 'j')} AS ps_suppkey,
       CAST(ri(p * 4 + j, 17, 1, 9999) AS INTEGER) AS ps_availqty,
       ${money('p * 4 + j', 18, 1, 1000)} AS ps_supplycost,
       ${text('p * 4 + j', 19, 6)} AS ps_comment
     FROM (SELECT CAST(i AS BIGINT) AS p FROM range(1, ${P + 1}) t(i)) parts, (SELECT CAST(i AS BIGINT) AS j FROM range(0, 4) t(i)) pairs`,

    `CREATE OR REPLACE TABLE customer AS
     SELECT c_custkey, 'Customer#' || lpad(CAST(c_custkey AS VARCHAR), 9, '0') AS c_name,
       ${text('c_custkey', 20, 3)} AS c_address, c_nationkey,
       ${phone('c_custkey', 'c_nationkey', 21)} AS c_phone,
       ${money('c_custkey', 24, -999.99, 9999.99)} AS c_acctbal,
       pick(${list(SEGMENTS)}, c_custkey, 25) AS c_mktsegment,
       ${text('c_custkey', 26, 6)} AS c_comment
     FROM (SELECT CAST(i AS BIGINT) AS c_custkey, ri(i, 27, 0, 24) AS c_nationkey FROM range(1, ${C + 1}) t(i))`,

    // Orders go to customers whose key is not a multiple of 3, so a third have none (spec 4.2.3).
    `CREATE OR REPLACE TEMP TABLE orders_base AS
     SELECT o_orderkey,
       CASE WHEN ck % 3 = 0 THEN ck - 1 ELSE ck END AS o_custkey,
       DATE '1992-01-01' + CAST(ri(o_orderkey, 29, 0, 2405) AS INTEGER) AS o_orderdate,
       pick(${list(PRIORITIES)}, o_orderkey, 30) AS o_orderpriority,
       'Clerk#' || lpad(CAST(ri(o_orderkey, 31, 1, ${Math.max(1, Math.round(1000 * sf))}) AS VARCHAR), 9, '0') AS o_clerk,
       ${text('o_orderkey', 32, 4)} AS o_comment,
       ri(o_orderkey, 33, 1, 7) AS lines
     FROM (SELECT CAST(i AS BIGINT) AS o_orderkey, ri(i, 28, 1, ${C}) AS ck FROM range(1, ${O + 1}) t(i))`,

    `CREATE OR REPLACE TABLE lineitem AS
     WITH l AS (
       SELECT o_orderkey AS l_orderkey, o_orderdate, CAST(n AS INTEGER) AS l_linenumber, o_orderkey * 8 + n AS k
       FROM (SELECT o_orderkey, o_orderdate, unnest(range(1, lines + 1)) AS n FROM orders_base)
     ), v AS (
       SELECT *, ri(k, 34, 1, ${P}) AS l_partkey,
         ri(k, 35, 0, 3) AS supp_i,
         CAST(ri(k, 36, 1, 50) AS DECIMAL(15,2)) AS l_quantity,
         o_orderdate + CAST(ri(k, 37, 1, 121) AS INTEGER) AS l_shipdate,
         o_orderdate + CAST(ri(k, 38, 30, 90) AS INTEGER) AS l_commitdate
       FROM l
     ), w AS (
       SELECT *, l_shipdate + CAST(ri(k, 39, 1, 30) AS INTEGER) AS l_receiptdate FROM v
     )
     SELECT l_orderkey, l_partkey, ${suppOf('l_partkey', 'supp_i')} AS l_suppkey, l_linenumber, l_quantity,
       CAST(l_quantity * ${retailPrice('l_partkey')} AS DECIMAL(15,2)) AS l_extendedprice,
       CAST(ri(k, 40, 0, 10) / 100 AS DECIMAL(15,2)) AS l_discount,
       CAST(ri(k, 41, 0, 8) / 100 AS DECIMAL(15,2)) AS l_tax,
       CASE WHEN l_receiptdate <= DATE '1995-06-17' THEN (CASE WHEN h(k, 42) % 2 = 0 THEN 'R' ELSE 'A' END) ELSE 'N' END AS l_returnflag,
       CASE WHEN l_shipdate > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
       l_shipdate, l_commitdate, l_receiptdate,
       pick(${list(SHIP_INSTRUCT)}, k, 43) AS l_shipinstruct,
       pick(${list(SHIP_MODES)}, k, 44) AS l_shipmode,
       ${text('k', 45, 3)} AS l_comment
     FROM w
     ORDER BY l_orderkey, l_linenumber`,

    `CREATE OR REPLACE TABLE orders AS
     SELECT o.o_orderkey, o.o_custkey,
       CASE WHEN t.open = 0 THEN 'F' WHEN t.open = t.lines THEN 'O' ELSE 'P' END AS o_orderstatus,
       t.total AS o_totalprice, o.o_orderdate, o.o_orderpriority, o.o_clerk,
       CAST(0 AS INTEGER) AS o_shippriority, o.o_comment
     FROM orders_base o
     JOIN (
       SELECT l_orderkey, count(*) AS lines, count(*) FILTER (WHERE l_linestatus = 'O') AS open,
         CAST(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) AS DECIMAL(15,2)) AS total
       FROM lineitem GROUP BY l_orderkey
     ) t ON t.l_orderkey = o.o_orderkey
     ORDER BY o.o_orderkey`,

    'DROP TABLE orders_base',
  ];
}

/** Builds every table (replacing what is there) and reports row counts and the time it took. */
export async function generateTpch(conn: DuckDBConnection, sf: number): Promise<GeneratedDataset> {
  const started = performance.now();
  for (const sql of generationStatements(sf)) await conn.run(sql);
  const seconds = (performance.now() - started) / 1000;
  const tables: TableCount[] = [];
  for (const table of TPCH_TABLES) {
    const rows = (await conn.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0]![0];
    tables.push({ table, rows: Number(rows) });
  }
  return { scaleFactor: sf, tables, totalRows: tables.reduce((s, t) => s + t.rows, 0), seconds };
}
