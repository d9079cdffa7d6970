/**
 * Databricks failures as ConnectorErrors, classified by what the service says: the HTTP status and
 * `error_code` of a refused request (https://docs.databricks.com/api/workspace/statementexecution),
 * the `status.error.error_code` of a statement that FAILED, and the Spark error class and SQLSTATE
 * its message carries (`[PARSE_SYNTAX_ERROR] … SQLSTATE: 42601`,
 * https://docs.databricks.com/en/error-messages/index.html). Every secret is redacted.
 */
import { ConnectorError, type ErrorClass } from '../connector.js';
import { redact } from '../secrets.js';

/** An error the REST API answered (HTTP status, error_code) or a statement's failure. */
export class DatabricksApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    readonly statementId?: string,
  ) {
    super(message);
    this.name = 'DatabricksApiError';
  }
}

/** Service error codes worth retrying: the service or the warehouse was briefly unable to answer. */
const TRANSIENT_CODES = new Set([
  'TEMPORARILY_UNAVAILABLE',
  'SERVICE_UNDER_MAINTENANCE',
  'WORKSPACE_TEMPORARILY_UNAVAILABLE',
  'RESOURCE_EXHAUSTED', // rate limits, a warehouse's queue full
  'REQUEST_LIMIT_EXCEEDED',
  'IO_ERROR',
  'INTERNAL_ERROR',
  'ABORTED', // a conflicting concurrent operation
]);
const CANCELLED_CODES = new Set(['CANCELLED', 'CANCELED']);
/**
 * Error classes and messages of transient conditions: Delta's optimistic concurrency (a concurrent
 * write committed first; the documented remedy is to retry), a warehouse starting, lost connections.
 */
const TRANSIENT_MESSAGE =
  /\[DELTA_CONCURRENT_[A-Z_]+\]|Concurrent(Append|DeleteRead|DeleteDelete|Transaction)Exception|MetadataChangedException|\bwarehouse is (starting|not running|stopped)|TEMPORARILY_UNAVAILABLE|try again later|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed/i;
/** SQLSTATE classes worth retrying: connection exceptions, serialization failures. */
const TRANSIENT_SQLSTATE = /^(08|40001|2D521)/;

const HINTS: Record<string, string> = {
  '401': 'check the token (or clientId/clientSecret): it was refused or has expired',
  '403': 'grant the principal CAN USE on the warehouse, and USE CATALOG/USE SCHEMA/SELECT on what it reads',
  PARSE_SYNTAX_ERROR: 'a syntax error in the statement',
  TABLE_OR_VIEW_NOT_FOUND:
    'check the name (catalog.schema.table), and that the principal has USE CATALOG and USE SCHEMA on it',
  RESOURCE_EXHAUSTED:
    'the workspace limited the requests or the warehouse queue is full: retrying later may succeed',
};

export function classifyDatabricks(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  const e = (error ?? {}) as {
    name?: string;
    status?: number;
    errorCode?: string;
    message?: string;
    cause?: { code?: string };
  };
  if (e.name === 'AbortError') return 'cancelled';
  // A request the service did not answer within api.ts's request timeout.
  if (e.name === 'TimeoutError') return 'transient';
  if (e.errorCode && CANCELLED_CODES.has(e.errorCode)) return 'cancelled';
  if (e.errorCode && TRANSIENT_CODES.has(e.errorCode)) return 'transient';
  if (e.status !== undefined && (e.status === 429 || e.status === 408 || e.status >= 500)) return 'transient';
  // fetch's own failures: no answer at all (DNS, refused, reset).
  if (e.name === 'TypeError' && /fetch failed/i.test(e.message ?? '')) return 'transient';
  if (e.cause?.code && /^(ECONN|ETIMEDOUT|EAI_AGAIN|EPIPE|UND_ERR)/.test(e.cause.code)) return 'transient';
  const sqlState = sqlStateOf(e.message ?? '');
  if (sqlState && TRANSIENT_SQLSTATE.test(sqlState)) return 'transient';
  if (TRANSIENT_MESSAGE.test(e.message ?? '')) return 'transient';
  return 'permanent';
}

export function sqlStateOf(message: string): string | undefined {
  return /SQLSTATE:\s*([0-9A-Z]{5})/.exec(message)?.[1];
}

function errorClassOf(message: string): string | undefined {
  return /^\s*\[([A-Z][A-Z0-9_.]*)\]/.exec(message)?.[1];
}

export interface ErrorContext {
  secrets: readonly string[];
  sql?: string;
  queryId?: string;
}

/** Wraps any error (API, fetch, ours); a ConnectorError passes through unchanged. */
export function toConnectorError(error: unknown, ctx: ErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as Partial<DatabricksApiError> & {
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const message = e.message ?? String(error);
  const cls = classifyDatabricks(error);
  const errorClass = errorClassOf(message);
  const code = errorClass ?? e.errorCode ?? (e.status !== undefined ? String(e.status) : e.cause?.code);
  const queryId = e.statementId ?? ctx.queryId;
  const hint =
    (errorClass && HINTS[errorClass]) ??
    (e.errorCode && HINTS[e.errorCode]) ??
    (e.status !== undefined ? HINTS[String(e.status)] : undefined) ??
    (cls === 'transient' ? 'a temporary condition: retrying may succeed' : undefined);
  const cause = e.cause?.message && !message.includes(e.cause.message) ? ` (${e.cause.message})` : '';
  const head = `Databricks${e.status !== undefined ? ` HTTP ${e.status}` : ''}${e.errorCode ? ` ${e.errorCode}` : ''}`;
  const text = `${head}: ${message}${cause}${hint ? ` — ${hint}` : ''}${queryId ? ` [statement id ${queryId}]` : ''}`;
  return new ConnectorError(redact(text, ctx.secrets), cls, {
    connector: 'databricks',
    ...(code ? { code } : {}),
    ...(queryId ? { queryId: redact(queryId, ctx.secrets) } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
    ...(hint ? { hint: redact(hint, ctx.secrets) } : {}),
  });
}

/** An error of our own (cancel, timeout, read-only refusal, configuration), with the same redaction. */
export function ownError(message: string, cls: ErrorClass, code: string, ctx: ErrorContext): ConnectorError {
  return new ConnectorError(redact(message, ctx.secrets), cls, {
    connector: 'databricks',
    code,
    ...(ctx.queryId ? { queryId: redact(ctx.queryId, ctx.secrets) } : {}),
    ...(ctx.sql !== undefined ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}
