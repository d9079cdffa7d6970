/**
 * The append ledger: `<stagingSchema>.ef_ledger(run_id, output_node, committed_at)`, one row per
 * append that committed. An append's INSERT and its ledger row commit in one warehouse
 * transaction, and every attempt (a retry, a resume after a crash, a new attempt of the run) looks
 * the row up first: an append that committed is never made twice, one that did not is made once.
 * The primary key closes the last gap (two attempts racing past the lookup): the second commit fails.
 *
 * Only where DDL and DML commit together and the connector can hold a transaction (DuckDB,
 * PostgreSQL, Redshift). BigQuery, Snowflake and Databricks appends run without it (see the
 * executor's README notes). Redshift accepts the primary key but does not enforce it: there the
 * lookup alone keeps an append from being made twice.
 */
import type { Connector } from '../../connectors/connector.js';
import { getDialect } from '../../compiler/dialects/index.js';
import type { DialectName } from '../../compiler/dialects/dialect.js';

export const LEDGER_TABLE = 'ef_ledger';

export interface LedgerSql {
  table: string;
  createSchema: string;
  createTable: string;
  /** $1 run id, $2 output node. */
  lookup: string;
  /** $1 run id, $2 output node. */
  insert: string;
}

export function ledgerSql(dialect: DialectName, stagingSchema: string): LedgerSql {
  const d = getDialect(dialect);
  const parts = d.parseTableName(stagingSchema);
  if (typeof parts === 'string') throw new Error(`staging schema "${stagingSchema}": ${parts}`);
  const schema = parts.map((p) => d.quoteIdent(p)).join('.');
  const table = `${schema}.${d.quoteIdent(d.newColumnName(LEDGER_TABLE))}`;
  if (dialect === 'tsql') return tsqlLedgerSql(d, parts, table);
  return {
    table,
    createSchema: `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    createTable: `CREATE TABLE IF NOT EXISTS ${table} (run_id VARCHAR NOT NULL, output_node VARCHAR NOT NULL, committed_at TIMESTAMP NOT NULL, PRIMARY KEY (run_id, output_node))`,
    lookup: `SELECT 1 AS found FROM ${table} WHERE run_id = $1 AND output_node = $2`,
    // Redshift has no CURRENT_TIMESTAMP on its compute nodes: the dialect says how to write now.
    insert: `INSERT INTO ${table} (run_id, output_node, committed_at) VALUES ($1, $2, ${d.currentTimestampSql})`,
  };
}

/**
 * T-SQL has no IF NOT EXISTS, no VARCHAR without a length (it would be VARCHAR(1)), TIMESTAMP is
 * rowversion, and parameters are `@p1`. (Synapse has no transactional DDL: no ledger there.)
 */
function tsqlLedgerSql(d: ReturnType<typeof getDialect>, schema: string[], table: string): LedgerSql {
  const text = (s: string) => d.stringLiteral(s);
  const last = schema[schema.length - 1]!;
  return {
    table,
    createSchema: `IF SCHEMA_ID(${text(last)}) IS NULL EXEC(${text(`CREATE SCHEMA ${d.quoteIdent(last)}`)})`,
    createTable: `IF OBJECT_ID(${text(table)}, N'U') IS NULL CREATE TABLE ${table} (run_id NVARCHAR(200) NOT NULL, output_node NVARCHAR(200) NOT NULL, committed_at DATETIME2(6) NOT NULL, PRIMARY KEY (run_id, output_node))`,
    lookup: `SELECT 1 AS found FROM ${table} WHERE run_id = @p1 AND output_node = @p2`,
    insert: `INSERT INTO ${table} (run_id, output_node, committed_at) VALUES (@p1, @p2, ${d.currentTimestampSql})`,
  };
}

/** Whether this connector can commit an append and its ledger row together. */
export function supportsLedger(connector: Connector): boolean {
  return typeof connector.transaction === 'function' && getDialect(connector.dialect).caps.transactionalDdl;
}

/** Creates the ledger table once per connector and schema (per process). */
export class Ledgers {
  private readonly ensured = new WeakMap<Connector, Map<string, Promise<void>>>();

  ensure(connector: Connector, sql: LedgerSql, signal?: AbortSignal): Promise<void> {
    let bySchema = this.ensured.get(connector);
    if (!bySchema) this.ensured.set(connector, (bySchema = new Map()));
    let p = bySchema.get(sql.table);
    if (!p) {
      p = (async () => {
        const opts = signal ? { signal } : {};
        try {
          await connector.execute(sql.createTable, opts);
        } catch {
          // Most likely the staging schema does not exist yet (creating it first would need the
          // right to create schemas even when it exists, on PostgreSQL); or a concurrent CREATE.
          await connector.execute(sql.createSchema, opts).catch(() => undefined);
          await connector.execute(sql.createTable, opts);
        }
      })();
      bySchema.set(sql.table, p);
      p.catch(() => bySchema.delete(sql.table));
    }
    return p;
  }

  async has(
    connector: Connector,
    sql: LedgerSql,
    key: { run: string; output: string },
    signal?: AbortSignal,
  ): Promise<boolean> {
    const r = await connector.execute(sql.lookup, {
      params: [key.run, key.output],
      readOnly: true,
      ...(signal ? { signal } : {}),
    });
    return (r.rows?.length ?? 0) > 0;
  }
}
