/**
 * The append ledger's SQL on SQL Server (T-SQL has no IF NOT EXISTS, VARCHAR without a length is
 * VARCHAR(1), TIMESTAMP is rowversion, parameters are @p1): exact text, and each statement parses
 * with the grammars-v4 T-SQL parser. No server runs here. Synapse has no transactional DDL, so its
 * connections get no ledger.
 */
import { describe, expect, it } from 'vitest';
import { openSqlServer } from '../../connectors/sqlserver/index.js';
import type { SqlServerDriver } from '../../connectors/sqlserver/driver.js';
import { tsqlGrammarErrors } from '../../test/support/tsql-grammar.js';
import { ledgerSql, supportsLedger } from './ledger.js';

const driver: SqlServerDriver = { connect: () => Promise.reject(new Error('not used')) };
const open = (synapse: boolean) =>
  openSqlServer({ server: 's', database: 'd', driver, ...(synapse ? { synapse } : {}) });

describe('append ledger on SQL Server', () => {
  it('writes T-SQL the grammar parses', () => {
    const sql = ledgerSql('tsql', 'edgeflow_staging');
    expect(sql).toEqual({
      table: 'edgeflow_staging.ef_ledger',
      createSchema: "IF SCHEMA_ID(N'edgeflow_staging') IS NULL EXEC(N'CREATE SCHEMA edgeflow_staging')",
      createTable:
        "IF OBJECT_ID(N'edgeflow_staging.ef_ledger', N'U') IS NULL CREATE TABLE edgeflow_staging.ef_ledger (run_id NVARCHAR(200) NOT NULL, output_node NVARCHAR(200) NOT NULL, committed_at DATETIME2(6) NOT NULL, PRIMARY KEY (run_id, output_node))",
      lookup: 'SELECT 1 AS found FROM edgeflow_staging.ef_ledger WHERE run_id = @p1 AND output_node = @p2',
      insert:
        'INSERT INTO edgeflow_staging.ef_ledger (run_id, output_node, committed_at) VALUES (@p1, @p2, SYSDATETIME())',
    });
    for (const text of Object.values(sql)) expect(tsqlGrammarErrors(text), text).toEqual([]);
    expect(ledgerSql('tsql', '[odd schema]').table).toBe('[odd schema].ef_ledger');
  });

  it('is used on SQL Server (transactional DDL), not on Synapse (no transactions for its DDL)', () => {
    expect(supportsLedger(open(false))).toBe(true);
    expect(supportsLedger(open(true))).toBe(false);
    expect(open(true).transaction).toBeUndefined();
  });
});
