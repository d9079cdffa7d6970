/**
 * Error classes from SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html)
 * and, for failures below SQL, from the socket's errno.
 */
import { ConnectorError, type ErrorClass } from '../connector.js';

const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout): contention, like a deadlock
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
]);

const TRANSIENT_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

// pg's own messages for a connection that went away, which carry no code.
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

// A SQLSTATE is five digits or capitals; no class starts with E, while every errno does (EPIPE).
const SQLSTATE = /^[0-9A-DF-Z][0-9A-Z]{4}$/;

export interface PgErrorLike {
  message?: string;
  code?: string;
  errors?: PgErrorLike[];
}

export function classifyPgError(e: PgErrorLike): ErrorClass {
  const code = e.code ?? e.errors?.find((x) => x.code)?.code;
  if (code && SQLSTATE.test(code)) {
    if (code === '57014')
      // Our statement_timeout is a timeout: running it again would time out again.
      return /statement timeout/i.test(e.message ?? '') ? 'permanent' : 'cancelled';
    if (TRANSIENT_SQLSTATES.has(code)) return 'transient';
    // connection_exception (08xxx) and insufficient_resources (53xxx: too many connections,
    // out of memory, disk full) pass or can be waited out.
    if (code.startsWith('08') || code.startsWith('53')) return 'transient';
    return 'permanent';
  }
  if (code && TRANSIENT_ERRNOS.has(code)) return 'transient';
  if (LOST_CONNECTION.test(e.message ?? '')) return 'transient';
  return 'permanent';
}

export function classifyPostgres(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  return classifyPgError((error ?? {}) as PgErrorLike);
}

/** A connection that failed this way is not given back to the pool. */
export function connectionIsBroken(e: PgErrorLike): boolean {
  const code = e.code ?? '';
  return (
    !SQLSTATE.test(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03'
  );
}
