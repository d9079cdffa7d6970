/**
 * One Snowflake session (snowflake-sdk Connection), opened on demand and reopened when Snowflake
 * has ended it (master token expired after hours idle, session dropped): statements run
 * concurrently on it, each with its own QUERY_TAG and timeout as statement-level parameters.
 */
import type { Connection, ConnectionOptions } from 'snowflake-sdk';
import type { SnowflakeSdk } from './sdk.js';
import type { SnowflakeOptions } from './options.js';
import { ownError, toConnectorError } from './errors.js';
import { isRunningStatus, runStatement, type StatementOutcome, type StatementRun } from './statement.js';

/** What a query id looks like (the SDK refuses anything else for status requests). */
export const QUERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Housekeeping statements (session setup, cancels) get this long at most. */
const HOUSEKEEPING_TIMEOUT_MS = 30_000;

export class SnowflakeSession {
  private conn: Connection | undefined;
  private opening: Promise<Connection> | undefined;
  private closed = false;

  constructor(
    private readonly sdk: SnowflakeSdk,
    private readonly opts: SnowflakeOptions,
    readonly secrets: readonly string[],
  ) {}

  /** The open connection, logging in (again) when there is none. */
  async connection(): Promise<Connection> {
    if (this.closed) {
      throw ownError('this Snowflake connection is closed; open a new one', 'permanent', 'CLOSED', {
        secrets: this.secrets,
      });
    }
    if (this.conn?.isUp()) return this.conn;
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  run(conn: Connection, sql: string, run: StatementRun): Promise<StatementOutcome> {
    return runStatement(conn, sql, run, {
      secrets: this.secrets,
      pollMaxMs: this.opts.pollMaxMs ?? 1000,
      cancelInWarehouse: (id) => this.cancel(id),
    });
  }

  /**
   * Cancels a statement by id with SYSTEM$CANCEL_QUERY, which works from any session of the same
   * user — also for a statement started before a restart:
   * https://docs.snowflake.com/en/sql-reference/functions/system_cancel_query
   * A statement that has already finished is not an error.
   */
  async cancel(queryId: string): Promise<void> {
    const ctx = { secrets: this.secrets, queryId };
    if (!QUERY_ID.test(queryId)) {
      throw ownError(
        `not a Snowflake query id: ${JSON.stringify(queryId)}`,
        'permanent',
        'INVALID_QUERY_ID',
        ctx,
      );
    }
    const conn = await this.connection();
    try {
      await this.run(conn, `SELECT SYSTEM$CANCEL_QUERY('${queryId}')`, {
        parameters: housekeeping('cancel'),
        timeoutMs: HOUSEKEEPING_TIMEOUT_MS,
      });
    } catch (e) {
      const status = await conn.getQueryStatus(queryId).catch(() => undefined);
      if (status !== undefined && !isRunningStatus(status)) return;
      throw toConnectorError(e, ctx);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn ?? (await this.opening?.catch(() => undefined));
    this.conn = undefined;
    if (!conn?.isUp()) return;
    // POST /session?delete=true: Snowflake ends the session (its running statements are not
    // waited for; the executor cancels what it still cares about before closing).
    await new Promise<void>((resolve) => conn.destroy(() => resolve()));
  }

  private async open(): Promise<Connection> {
    const ctx = { secrets: this.secrets };
    let conn: Connection;
    try {
      conn = this.sdk.createConnection(connectionOptions(this.opts));
      await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      throw toConnectorError(e, ctx);
    }
    // Session-wide settings: WEEK_START = 1 makes weeks start on Monday, which the compiler's ISO
    // week and day-of-week rely on (compiler/dialects/snowflake.ts); the statement timeout is the
    // connection's default, each statement may set its own.
    // https://docs.snowflake.com/en/sql-reference/parameters#week-start
    const settings = ['WEEK_START = 1'];
    if (this.opts.timeoutMs)
      settings.push(`STATEMENT_TIMEOUT_IN_SECONDS = ${timeoutSeconds(this.opts.timeoutMs)}`);
    for (const s of settings) {
      await this.run(conn, `ALTER SESSION SET ${s}`, {
        parameters: housekeeping('session'),
        timeoutMs: HOUSEKEEPING_TIMEOUT_MS,
      });
    }
    if (this.closed) {
      conn.destroy(() => undefined);
      throw ownError('the Snowflake connection was closed while it opened', 'permanent', 'CLOSED', ctx);
    }
    this.conn = conn;
    return conn;
  }
}

/** STATEMENT_TIMEOUT_IN_SECONDS counts whole seconds; a sub-second timeout still gets one. */
export function timeoutSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function housekeeping(origin: string): Record<string, string | number> {
  return { QUERY_TAG: JSON.stringify({ app: 'edgeflow', origin }) };
}

function connectionOptions(o: SnowflakeOptions): ConnectionOptions {
  const keyPair = o.privateKey !== undefined;
  return {
    account: o.account,
    username: o.username,
    ...(keyPair
      ? {
          // Key-pair auth: the SDK signs a short-lived JWT locally; the key never leaves the host.
          // https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-authenticate#using-key-pair-authentication-and-key-pair-rotation
          authenticator: 'SNOWFLAKE_JWT',
          privateKey: o.privateKey,
          ...(o.privateKeyPassphrase !== undefined ? { privateKeyPass: o.privateKeyPassphrase } : {}),
        }
      : { password: o.password ?? '' }),
    ...(o.warehouse ? { warehouse: o.warehouse } : {}),
    ...(o.database ? { database: o.database } : {}),
    ...(o.schema ? { schema: o.schema } : {}),
    ...(o.role ? { role: o.role } : {}),
    ...(o.accessUrl ? { accessUrl: o.accessUrl } : {}),
    application: 'edgeflow',
    // A NULL in a column fetched as text (our NUMBER columns) is null, not the SDK's default 'NULL'.
    representNullAsStringNull: false,
  };
}
