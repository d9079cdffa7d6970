/**
 * Oracle failures as ConnectorErrors: classified by the ORA- or NJS- code node-oracledb gives
 * (`errorNum` 942 and `code` 'ORA-00942'; thin-mode driver errors 'NJS-500'…), with every secret
 * redacted and a hint that says what to do.
 * https://docs.oracle.com/en/database/oracle/oracle-database/19/errmg/
 * https://node-oracledb.readthedocs.io/en/latest/user_guide/exception_handling.html
 */
import { ConnectorError, type ErrorClass } from '../connector.js';
import { redact } from '../secrets.js';

interface DriverError {
  name?: string;
  code?: string;
  errorNum?: number;
  message?: string;
}

/** ORA-01013: user requested cancel of current operation (break(), or callTimeout). */
const CANCELLED = new Set(['ORA-01013']);
/** The session or the network failed, the instance is starting or stopping, or a lock was busy. */
const TRANSIENT = new Set([
  'ORA-00060', // deadlock detected while waiting for resource
  'ORA-00054', // resource busy and acquire with NOWAIT specified or timeout expired
  'ORA-30006', // resource busy; acquire with WAIT timeout expired
  'ORA-01033', // initialization or shutdown in progress
  'ORA-01034', // ORACLE not available
  'ORA-01089', // immediate shutdown or close in progress
  'ORA-03113', // end-of-file on communication channel
  'ORA-03114', // not connected to ORACLE
  'ORA-03135', // connection lost contact
  'ORA-12170', // TNS: connect timeout occurred
  'ORA-12514', // TNS: listener does not currently know of service (a restarting instance)
  'ORA-12516', // TNS: listener could not find available handler
  'ORA-12519', // TNS: no appropriate service handler found
  'ORA-12520', // TNS: listener could not find available handler for requested type of server
  'ORA-12528', // TNS: listener: all appropriate instances are blocking new connections
  'ORA-12537', // TNS: connection closed
  'ORA-12541', // TNS: no listener
  'ORA-12547', // TNS: lost contact
  'ORA-12571', // TNS: packet writer failure
  'ORA-25408', // can not safely replay call
  'ORA-04068', // existing state of packages has been discarded
  'NJS-500', // connection to the Oracle Database was broken
  'NJS-501', // connection to the Oracle Database was broken (network)
  'NJS-503', // connection to host could not be established
  'NJS-510', // connect timeout occurred while trying to establish connection
  'NJS-521', // connection to host was established but it closed while establishing the connection
]);
/** The driver's call timeout (callTimeout): thin mode NJS-123, thick mode DPI-1067. */
const TIMEOUT = new Set(['NJS-123', 'DPI-1067']);

const HINTS: Record<string, string> = {
  'ORA-01017': 'check the connection’s user and password',
  'ORA-28000': 'the account is locked: ask a DBA to unlock it',
  'ORA-28001': 'the password has expired: set a new one',
  'ORA-00942': 'check the name (unquoted names are upper-case in Oracle), and that the user may SELECT it',
  'ORA-00904': 'a column name is wrong: unquoted names are upper-case in Oracle',
  'ORA-01031': 'grant the user the privilege, or connect as a user that has it',
  'ORA-01456': 'a preview runs in a READ ONLY transaction: it may only read',
  'ORA-12541': 'check host and port in connectString, and that the listener runs',
  'ORA-12514': 'check the service name in connectString (host:port/service_name)',
  'ORA-13226':
    'SDO_RELATE/SDO_WITHIN_DISTANCE need a spatial index; edgeflow writes SDO_GEOM functions instead',
  'ORA-01704': 'a text literal is longer than 4,000 bytes: pass it as a parameter',
};

/** The ORA-/NJS-/DPI- code of an error, from `code` or the start of the message. */
export function oracleCode(error: unknown): string | undefined {
  const e = (error ?? {}) as DriverError;
  if (typeof e.code === 'string' && /^(ORA|NJS|DPI)-\d+$/.test(e.code)) return e.code;
  if (typeof e.errorNum === 'number' && e.errorNum > 0) return `ORA-${String(e.errorNum).padStart(5, '0')}`;
  return /^((?:ORA|NJS|DPI)-\d+):/.exec(e.message ?? '')?.[1];
}

export function isTimeout(error: unknown): boolean {
  const code = oracleCode(error);
  return code !== undefined && TIMEOUT.has(code);
}

/** The class of any error an oracledb call can raise. */
export function classifyOracle(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  const e = (error ?? {}) as DriverError;
  if (e.name === 'AbortError') return 'cancelled';
  const code = oracleCode(error);
  if (code && CANCELLED.has(code)) return 'cancelled';
  // A timeout would time out again.
  if (code && TIMEOUT.has(code)) return 'permanent';
  if (code && TRANSIENT.has(code)) return 'transient';
  if (/ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up/i.test(e.message ?? '')) return 'transient';
  return 'permanent';
}

export interface ErrorContext {
  secrets: readonly string[];
  sql?: string;
  queryId?: string;
}

/** Wraps a driver (or any) error; a ConnectorError passes through unchanged. */
export function toConnectorError(error: unknown, ctx: ErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as DriverError;
  const code = oracleCode(error);
  const cls = classifyOracle(error);
  const hint =
    (code && HINTS[code]) ??
    (cls === 'transient' ? 'a temporary condition: retrying may succeed' : undefined);
  const message = e.message ?? String(error);
  const head = code && !message.startsWith(code) ? `Oracle ${code}: ` : 'Oracle ';
  const text = `${head}${message}${hint ? ` — ${hint}` : ''}${ctx.queryId ? ` [query id ${ctx.queryId}]` : ''}`;
  return new ConnectorError(redact(text, ctx.secrets), cls, {
    connector: 'oracle',
    ...(code ? { code } : {}),
    ...(hint ? { hint } : {}),
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}

/** An error of our own (cancel, timeout, read-only refusal, config), with the same redaction. */
export function ownError(message: string, cls: ErrorClass, code: string, ctx: ErrorContext): ConnectorError {
  return new ConnectorError(redact(message, ctx.secrets), cls, {
    connector: 'oracle',
    code,
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}
