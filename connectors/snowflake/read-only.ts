/**
 * Snowflake has no read-only session or transaction (DDL commits on its own, so a transaction
 * that is rolled back would not undo a CREATE or DROP). What decides instead is Snowflake's own
 * compiler: before a read-only statement runs, `SELECT * FROM (<statement>)` is compiled with
 * `describeOnly` (compiled, never executed). Only a query — SELECT, WITH … SELECT, VALUES — is
 * valid as a subquery; INSERT, MERGE, CREATE, DROP, CALL, several statements… fail to compile, and
 * the statement is refused without running. Then the statement itself runs with
 * MULTI_STATEMENT_COUNT = 1, so it cannot smuggle a second statement in.
 *
 * Limits, stated plainly: a query can still have side effects through what it calls — external
 * functions, UDFs/procedures with owner's rights reached from a function, SYSTEM$ functions such as
 * SYSTEM$CANCEL_QUERY, sequences (NEXTVAL). For a guarantee, give the connection a role with
 * SELECT privileges only. SHOW/DESCRIBE statements are refused too (they are not queries).
 */
import type { Connection } from 'snowflake-sdk';
import { classifySnowflake, ownError } from './errors.js';
import type { SnowflakeSession } from './session.js';
import type { StatementOutcome, StatementRun } from './statement.js';

export async function assertQueryOnly(
  session: SnowflakeSession,
  conn: Connection,
  sql: string,
  run: Pick<StatementRun, 'binds' | 'parameters' | 'signal' | 'timeoutMs'>,
): Promise<StatementOutcome> {
  // The newline before `)` keeps a trailing `-- comment` from swallowing the parenthesis.
  const wrapped = `SELECT * FROM (\n${sql.replace(/[\s;]+$/, '')}\n)`;
  try {
    // Compiled, never executed: its outcome is the result's columns (what describeQuery wants).
    return await session.run(conn, wrapped, { ...run, describeOnly: true });
  } catch (e) {
    if (classifySnowflake(e) !== 'permanent') throw e;
    const said = e instanceof Error ? e.message.replace(/^Snowflake /, '') : String(e);
    throw ownError(
      'read-only statement refused: Snowflake does not compile it as a query, and only queries ' +
        '(SELECT, WITH … SELECT) may run read-only. Run it without readOnly, or fix it ' +
        `(Snowflake said, for the statement as a subquery: ${said})`,
      'permanent',
      'READ_ONLY',
      { secrets: session.secrets, sql },
    );
  }
}
