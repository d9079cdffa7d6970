/**
 * Snowflake through snowflake-sdk 3.x, loaded only when a Snowflake connection is opened.
 *
 * - auth: password, or key pair (SNOWFLAKE_JWT: the SDK signs a JWT with the PEM key locally);
 * - every statement is submitted asynchronously (asyncExec), so its query id is reported through
 *   `onQueryId` before the wait; abort, `cancel(id)` and the timeout cancel it in Snowflake with
 *   SYSTEM$CANCEL_QUERY;
 * - statement-level parameters carry QUERY_TAG (the label as JSON), STATEMENT_TIMEOUT_IN_SECONDS
 *   and WEEK_START = 1, which the session also pins, and GEOGRAPHY/GEOMETRY_OUTPUT_FORMAT = 'WKT';
 * - values come back as values.ts documents (the convention of connector.ts);
 * - readOnly: see read-only.ts (Snowflake has no read-only session);
 * - column names are returned as Snowflake reports them: unquoted aliases are upper-case
 *   (`SELECT 1 AS x` → X), quoted ones keep their case (`AS "x"` → x), as the compiler writes them.
 *
 * Not done yet: bytes scanned per executed statement (it lives in QUERY_HISTORY, minutes later);
 * OAuth, SSO, MFA and programmatic-token authentication; PUT/GET file statements; results are
 * collected in memory (maxRows bounds previews, a run's statements return little); the session
 * TIMEZONE is the account's (TIMESTAMP_LTZ arithmetic follows it); proxies are the SDK's defaults.
 */
import type { ColumnInfo, TableInfo } from '../../compiler/catalog.js';
import type { Connector, Estimate, ExecuteOptions, ExecuteResult, TableListing } from '../connector.js';
import { classifySnowflake, ownError } from './errors.js';
import { estimateFromPlan, explainSql } from './estimate.js';
import { describeTable, listTables, tableVersion } from './introspect.js';
import type { SnowflakeOptions } from './options.js';
import { queryTag } from './query-tag.js';
import { assertQueryOnly } from './read-only.js';
import { loadSnowflakeSdk } from './sdk.js';
import { SnowflakeSession, timeoutSeconds } from './session.js';
import { snowflakeNativeToPortable } from './types.js';
import { RESULT_PARAMETERS } from './values.js';

export type { SnowflakeOptions } from './options.js';

export async function openSnowflake(opts: SnowflakeOptions): Promise<Connector> {
  const secrets = secretsOf(opts);
  checkOptions(opts, secrets);
  const sdk = await loadSnowflakeSdk(opts.cacheDir);
  const session = new SnowflakeSession(sdk, opts, secrets);
  await session.connection();

  const execute = async (sql: string, o: ExecuteOptions = {}): Promise<ExecuteResult> => {
    if (o.signal?.aborted) {
      throw ownError('Snowflake statement was cancelled before it started', 'cancelled', '000604', {
        secrets,
        sql,
      });
    }
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
    const parameters: Record<string, string | number> = {
      QUERY_TAG: queryTag(o.label),
      WEEK_START: 1,
      // One statement per request, whatever the account's default: a second statement cannot
      // ride along (https://docs.snowflake.com/en/sql-reference/parameters#multi-statement-count).
      MULTI_STATEMENT_COUNT: 1,
      // Values in the form connector.ts's convention wants (geography as WKT): see values.ts.
      ...RESULT_PARAMETERS,
      // Snowflake stops the statement itself even if this process dies; the client deadline below
      // enforces the millisecond value.
      ...(timeoutMs ? { STATEMENT_TIMEOUT_IN_SECONDS: timeoutSeconds(timeoutMs) } : {}),
    };
    const common = {
      parameters,
      ...(o.params?.length ? { binds: o.params } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    };
    const conn = await session.connection();
    if (o.readOnly) await assertQueryOnly(session, conn, sql, common);
    const out = await session.run(conn, sql, {
      ...common,
      async: true,
      ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
      ...(o.onQueryId ? { onQueryId: o.onQueryId } : {}),
    });
    return {
      rows: out.rows,
      columns: out.shape.columns,
      rowCount: out.updatedRows >= 0 ? out.updatedRows : out.rows.length,
      ...(out.queryId ? { queryId: out.queryId } : {}),
    };
  };

  const rowsOf = async (sql: string, params: unknown[]) =>
    (await execute(sql, { params, label: { origin: 'introspect' } })).rows ?? [];

  return {
    type: 'snowflake',
    dialect: 'snowflake',
    execute,
    cancel: (queryId: string) => session.cancel(queryId),
    async estimate(sql, o = {}): Promise<Estimate> {
      const r = await execute(explainSql(sql), {
        label: { origin: 'estimate' },
        ...(o.params ? { params: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return estimateFromPlan(r.rows ?? []);
    },
    listTables(o = {}): Promise<TableListing[]> {
      return listTables(rowsOf, opts.database, o.schema);
    },
    describeTable(parts): Promise<TableInfo | undefined> {
      return describeTable(rowsOf, opts.database, parts);
    },
    async tableVersions(tables, o = {}) {
      const out = [];
      for (const parts of tables) out.push(await tableVersion(rowsOf, opts.database, parts, !!o.sizeOnly));
      return out;
    },
    /** The read-only check's compile (never executed) gives the result's columns. */
    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
      const conn = await session.connection();
      const common = {
        parameters: {
          QUERY_TAG: queryTag(o.label ?? { origin: 'describe' }),
          WEEK_START: 1,
          MULTI_STATEMENT_COUNT: 1,
          ...RESULT_PARAMETERS,
          ...(timeoutMs ? { STATEMENT_TIMEOUT_IN_SECONDS: timeoutSeconds(timeoutMs) } : {}),
        },
        ...(o.params?.length ? { binds: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      };
      const out = await assertQueryOnly(session, conn, sql, common);
      return out.shape.columns.map((c) => ({ name: c.name, type: snowflakeNativeToPortable(c.nativeType) }));
    },
    classify: classifySnowflake,
    close: () => session.close(),
  };
}

/**
 * Everything that must never appear in an error: the configured secrets, the password, the key,
 * its passphrase — and each line of the key's body, in case a message quotes part of it.
 */
function secretsOf(o: SnowflakeOptions): string[] {
  const key = o.privateKey ?? '';
  const keyLines = key
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith('-----'));
  return [...(o.secrets ?? []), o.password, o.privateKey, o.privateKeyPassphrase, ...keyLines].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}

function checkOptions(o: SnowflakeOptions, secrets: readonly string[]): void {
  const problem = !o.account
    ? '`account` is required (the account identifier, e.g. myorg-myaccount)'
    : !o.username
      ? '`username` is required'
      : o.password === undefined && o.privateKey === undefined
        ? 'give `password` or `privateKey` (key-pair authentication)'
        : o.password !== undefined && o.privateKey !== undefined
          ? 'give either `password` or `privateKey`, not both'
          : undefined;
  if (problem) throw ownError(`Snowflake connection: ${problem}`, 'permanent', 'CONFIG', { secrets });
}
