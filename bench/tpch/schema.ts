/**
 * The TPC-H-like tables as the compiler sees them: the Catalog the benchmark workflows compile
 * against. bench/tpch/generate.ts creates exactly these columns and types; the SQL benchmark
 * checks that against DuckDB's information_schema before it trusts a comparison.
 */
import { createCatalog, parseTypeName, type Catalog, type TableInfo } from '../../compiler/index.js';

const COLUMNS: Record<string, ReadonlyArray<[string, string]>> = {
  region: [
    ['r_regionkey', 'bigint'],
    ['r_name', 'varchar'],
    ['r_comment', 'varchar'],
  ],
  nation: [
    ['n_nationkey', 'bigint'],
    ['n_name', 'varchar'],
    ['n_regionkey', 'bigint'],
    ['n_comment', 'varchar'],
  ],
  supplier: [
    ['s_suppkey', 'bigint'],
    ['s_name', 'varchar'],
    ['s_address', 'varchar'],
    ['s_nationkey', 'bigint'],
    ['s_phone', 'varchar'],
    ['s_acctbal', 'decimal(15,2)'],
    ['s_comment', 'varchar'],
  ],
  customer: [
    ['c_custkey', 'bigint'],
    ['c_name', 'varchar'],
    ['c_address', 'varchar'],
    ['c_nationkey', 'bigint'],
    ['c_phone', 'varchar'],
    ['c_acctbal', 'decimal(15,2)'],
    ['c_mktsegment', 'varchar'],
    ['c_comment', 'varchar'],
  ],
  part: [
    ['p_partkey', 'bigint'],
    ['p_name', 'varchar'],
    ['p_mfgr', 'varchar'],
    ['p_brand', 'varchar'],
    ['p_type', 'varchar'],
    ['p_size', 'integer'],
    ['p_container', 'varchar'],
    ['p_retailprice', 'decimal(15,2)'],
    ['p_comment', 'varchar'],
  ],
  partsupp: [
    ['ps_partkey', 'bigint'],
    ['ps_suppkey', 'bigint'],
    ['ps_availqty', 'integer'],
    ['ps_supplycost', 'decimal(15,2)'],
    ['ps_comment', 'varchar'],
  ],
  orders: [
    ['o_orderkey', 'bigint'],
    ['o_custkey', 'bigint'],
    ['o_orderstatus', 'varchar'],
    ['o_totalprice', 'decimal(15,2)'],
    ['o_orderdate', 'date'],
    ['o_orderpriority', 'varchar'],
    ['o_clerk', 'varchar'],
    ['o_shippriority', 'integer'],
    ['o_comment', 'varchar'],
  ],
  lineitem: [
    ['l_orderkey', 'bigint'],
    ['l_partkey', 'bigint'],
    ['l_suppkey', 'bigint'],
    ['l_linenumber', 'integer'],
    ['l_quantity', 'decimal(15,2)'],
    ['l_extendedprice', 'decimal(15,2)'],
    ['l_discount', 'decimal(15,2)'],
    ['l_tax', 'decimal(15,2)'],
    ['l_returnflag', 'varchar'],
    ['l_linestatus', 'varchar'],
    ['l_shipdate', 'date'],
    ['l_commitdate', 'date'],
    ['l_receiptdate', 'date'],
    ['l_shipinstruct', 'varchar'],
    ['l_shipmode', 'varchar'],
    ['l_comment', 'varchar'],
  ],
};

/** Column names and DuckDB type names per table, in table order. */
export const TPCH_COLUMNS: Readonly<Record<string, ReadonlyArray<[string, string]>>> = COLUMNS;

export function tpchTables(schema = 'main'): TableInfo[] {
  return Object.entries(COLUMNS).map(([table, cols]) => ({
    parts: [schema, table],
    columns: cols.map(([name, type]) => {
      const t = parseTypeName(type);
      if (!t) throw new Error(`bench schema: ${table}.${name} has no portable type for ${type}`);
      return { name, type: t, nullable: false };
    }),
  }));
}

/** The catalog the benchmark workflows compile against (as a live DuckDB connection would report it). */
export function tpchCatalog(): Catalog {
  return createCatalog(tpchTables(), { live: true });
}
