/**
 * SQL Server failures as ConnectorErrors, classified by the error number the server sends
 * (https://learn.microsoft.com/sql/relational-databases/errors-events/database-engine-events-and-errors,
 * Azure SQL's transient list: https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-errors-issues)
 * and the driver's codes (mssql/tedious: ECANCEL, ETIMEOUT, ESOCKET, ECONNCLOSED, ELOGIN…). Every
 * secret is redacted.
 */
import { ConnectorError, type ErrorClass } from '../connector.js';
import { redact } from '../secrets.js';

/** Worth retrying: deadlock victim, lock and resource waits, Azure throttling and failovers, lost connections. */
const TRANSIENT_NUMBERS = new Set([
  1205, // chosen as the deadlock victim
  1222, // lock request time out
  8628, // timed out waiting for query resources
  8645, // timed out waiting for a memory grant
  4221, // login to a read-secondary failed: the replica is not ready
  40143, // the service failed the request
  40197, // the service had an error processing the request (reconfiguration, failover)
  40501, // the service is busy
  40540, // the service failed the request
  40613, // the database is not currently available
  49918, // not enough resources to process the request
  49919, // too many create/update operations
  49920, // too many operations in progress
  10928, // resource limit reached (workers, sessions)
  10929, // minimum guarantee not available
  10053, // transport-level error: connection aborted
  10054, // transport-level error: connection reset
  10060, // network-related error: timed out
  233, // no process on the other end of the pipe
  64, // the specified network name is no longer available
]);
/** The batch was stopped by the client (an attention) or killed. */
const CANCELLED_NUMBERS = new Set([
  3980, // the request failed to run because the batch is aborted (abort signal from the client)
  3617, // the query was cancelled (attention)
]);
/** Driver codes of a lost or unreachable connection. */
const TRANSIENT_CODES = new Set([
  'ESOCKET',
  'ECONNCLOSED',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEOUT',
  'EPIPE',
]);

const HINTS: Record<number, string> = {
  208: 'check the name (schema.table, or database.schema.table) and that the login may read it',
  207: 'a column name the table does not have',
  102: 'a syntax error in the statement',
  229: 'the login lacks a permission: GRANT it, or use a login that has it',
  262: 'the login lacks a permission (CREATE TABLE, CREATE SCHEMA…): GRANT it on the database',
  2714: 'the table already exists (mode create): drop it, or use mode replace',
  18456: 'login failed: check user and password, and that SQL authentication is enabled',
};

interface DriverError {
  name?: string;
  code?: string;
  number?: number;
  message?: string;
  originalError?: { code?: string; number?: number; info?: { number?: number } };
}

/** The server's error number, wherever mssql put it. */
export function errorNumber(e: DriverError): number | undefined {
  return e.number ?? e.originalError?.number ?? e.originalError?.info?.number;
}

export function classifySqlServer(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  const e = (error ?? {}) as DriverError;
  if (e.name === 'AbortError' || e.code === 'ECANCEL') return 'cancelled';
  const n = errorNumber(e);
  if (n !== undefined && CANCELLED_NUMBERS.has(n)) return 'cancelled';
  if (n !== undefined && TRANSIENT_NUMBERS.has(n)) return 'transient';
  const code = e.code ?? e.originalError?.code;
  if (code && TRANSIENT_CODES.has(code)) return 'transient';
  if (/\b(ECONNRESET|ECONNREFUSED|socket hang up|Connection lost)\b/i.test(e.message ?? ''))
    return 'transient';
  return 'permanent';
}

export interface ErrorContext {
  secrets: readonly string[];
  sql?: string;
  queryId?: string;
}

export function toConnectorError(error: unknown, ctx: ErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as DriverError;
  const n = errorNumber(e);
  const message = redact(`SQL Server: ${e.message ?? String(error)}`, ctx.secrets);
  const hint = n !== undefined ? HINTS[n] : undefined;
  return new ConnectorError(message, classifySqlServer(error), {
    connector: 'sqlserver',
    ...(n !== undefined ? { code: String(n) } : e.code ? { code: e.code } : {}),
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
    ...(hint ? { hint } : {}),
  });
}
