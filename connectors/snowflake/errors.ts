/**
 * Snowflake failures as ConnectorErrors: classified by Snowflake's error code (SQLSTATE alone is
 * not enough — cancel 000604, timeout 000630 and the lock-waiters limit 000625 all share 57014),
 * with every secret redacted and a hint that says what to do.
 *
 * Codes come from two places: the service (`000604`, `001003`… strings, with a SQLSTATE) and the
 * SDK itself (numbers: 401001 network, 401002 HTTP failure, 407002 terminated connection…):
 * https://github.com/snowflakedb/snowflake-connector-nodejs/blob/master/lib/error_code.ts
 */
import { ConnectorError, type ErrorClass } from '../connector.js';
import { redact } from '../secrets.js';

interface SdkError {
  name?: string;
  code?: string | number;
  sqlState?: string;
  message?: string;
  data?: { queryId?: string } | null;
  response?: { statusCode?: number; status?: number } | null;
}

const CANCELLED = new Set(['000604']); // SQL execution canceled
const TRANSIENT = new Set([
  '000625', // the number of waiters for this lock exceeds the 20 statements limit
  '000603', // SQL execution internal error (an incident on Snowflake's side)
  '390111', // session no longer exists (gone)
  '390112', // session token expired
  '390114', // authentication (master) token expired: log in again
  '401001', // SDK: network error, could not reach Snowflake
  '401003', // SDK: a non-JSON answer (a proxy's or load balancer's error page)
  '402001', // SDK: network error fetching a result chunk
  '402002', // SDK: a result chunk request failed
  '407002', // SDK: the connection was terminated (it is reopened on the next statement)
]);
/** SQLSTATE classes worth retrying: connection exceptions, serialization failures, deadlocks. */
const TRANSIENT_SQLSTATE = /^(08|40001|40P01)/;
/** Transient conditions Snowflake reports without a dedicated code. */
const TRANSIENT_MESSAGE =
  /deadlock|lock wait|waiters for this lock|warehouse [^.]*\bis (being resumed|resuming|starting)|too many (concurrent|requests)|concurrency limit|service (is )?(temporarily )?unavailable|try again later/i;

const HINTS: Record<string, string> = {
  '390100': 'check the connection’s username and password',
  '390144': 'check that privateKey matches the public key registered on the user (RSA_PUBLIC_KEY)',
  '002003': 'check the name, and that the role has USAGE on its database and schema',
  '003001': 'grant the role the privilege, or use a role that has it',
  '000606': 'set `warehouse` on the connection, or grant the role USAGE on one',
  '000630':
    'raise timeoutMs (or the STATEMENT_TIMEOUT_IN_SECONDS of the user/warehouse), or make the statement cheaper',
  '401001': 'check `account`/`accessUrl` and that Snowflake is reachable from this host',
  '404026': 'privateKey must be the PEM text of a PKCS#8 (or PKCS#1) private key',
  // Node's crypto, decrypting the key for key-pair authentication:
  ERR_OSSL_BAD_DECRYPT: 'the private key did not decrypt: check privateKeyPassphrase',
  ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED: 'the private key is encrypted: give privateKeyPassphrase',
};

/** The class of any error a Snowflake call can raise. */
export function classifySnowflake(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  const e = (error ?? {}) as SdkError;
  if (e.name === 'AbortError') return 'cancelled';
  const code = e.code === undefined ? '' : String(e.code);
  if (CANCELLED.has(code)) return 'cancelled';
  if (TRANSIENT.has(code)) return 'transient';
  if (code === '401002') {
    // The SDK's HTTP failure: retryable statuses (its own retry list) are transient.
    const status = e.response?.statusCode ?? e.response?.status ?? 0;
    return status >= 500 || status === 408 || status === 429 ? 'transient' : 'permanent';
  }
  if (e.sqlState && TRANSIENT_SQLSTATE.test(e.sqlState)) return 'transient';
  if (TRANSIENT_MESSAGE.test(e.message ?? '')) return 'transient';
  return 'permanent';
}

export interface ErrorContext {
  secrets: readonly string[];
  sql?: string;
  queryId?: string;
}

/** Wraps an SDK (or any) error; a ConnectorError passes through unchanged. */
export function toConnectorError(error: unknown, ctx: ErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as SdkError;
  const code = e.code === undefined || e.code === null ? undefined : String(e.code);
  const cls = classifySnowflake(error);
  const queryId = e.data?.queryId ?? ctx.queryId;
  const hint =
    (code && HINTS[code]) ??
    (cls === 'transient' ? 'a temporary condition: retrying may succeed' : undefined) ??
    undefined;
  const head = `Snowflake${code ? ` ${code}` : ''}${e.sqlState ? ` (${e.sqlState})` : ''}`;
  const text = `${head}: ${e.message ?? String(error)}${hint ? ` — ${hint}` : ''}${queryId ? ` [query id ${queryId}]` : ''}`;
  return new ConnectorError(redact(text, ctx.secrets), cls, {
    connector: 'snowflake',
    ...(code ? { code } : {}),
    ...(queryId ? { queryId } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}

/** An error of our own (cancel, timeout, read-only refusal), with the same redaction. */
export function ownError(message: string, cls: ErrorClass, code: string, ctx: ErrorContext): ConnectorError {
  return new ConnectorError(redact(message, ctx.secrets), cls, {
    connector: 'snowflake',
    code,
    ...(ctx.queryId ? { queryId: ctx.queryId } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}
