/**
 * A failure as the run store keeps it and people read it: the warehouse's message, its class, the
 * statement that failed (the connector's redacted copy) and the warehouse's code. Never a stack,
 * never a secret: connector errors are redacted where they are raised.
 */
import { ConnectorError, type ErrorClass } from '../../connectors/connector.js';
import type { FailureInfo } from '../store/index.js';

/** Long statements are cut: the whole plan is in the run record for whoever needs all of it. */
const MAX_SQL = 4_000;

export function failureInfo(
  error: unknown,
  errorClass: ErrorClass,
  context: { step?: string; sql?: string } = {},
): FailureInfo {
  const c = error instanceof ConnectorError ? error : undefined;
  const sql = c?.details.sql ?? context.sql;
  const timeout = c?.details.code === 'TIMEOUT' || /ran past its (statement_)?timeout/.test(c?.message ?? '');
  return {
    code: errorClass === 'cancelled' ? 'CANCELLED' : timeout ? 'TIMEOUT' : 'WAREHOUSE_ERROR',
    message: error instanceof Error ? error.message : String(error),
    ...(context.step ? { step: context.step } : {}),
    ...(sql !== undefined ? { sql: sql.length > MAX_SQL ? `${sql.slice(0, MAX_SQL)}…` : sql } : {}),
    errorClass,
    ...(c?.details.code ? { warehouseCode: c.details.code } : {}),
    ...(c?.details.hint ? { hint: c.details.hint } : {}),
    ...(c?.details.queryId ? { queryId: c.details.queryId } : {}),
  };
}
