import { ConnectorError, type ErrorClass } from '../connector.js';
import { redact } from '../secrets.js';

/**
 * BigQuery failures by the API's `reason` (ErrorProto), then by HTTP status, then by socket error.
 * https://cloud.google.com/bigquery/docs/error-messages
 */
const TRANSIENT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'backendError',
  'internalError',
  // "The job failed in a way worth retrying": the docs say to retry these jobs.
  'jobBackendError',
  'jobInternalError',
  'tableUnavailable',
]);

/** Reasons that are final whatever HTTP status came with them (notImplemented is a 501). */
const PERMANENT_REASONS = new Set([
  'invalidQuery',
  'invalid',
  'badRequest',
  'notFound',
  'accessDenied',
  'billingNotEnabled',
  'billingTierLimitExceeded',
  'bytesBilledLimitExceeded',
  'responseTooLarge',
  'resourcesExceeded',
  'resourceInUse',
  'duplicate',
  'blocked',
  'invalidUser',
  'notImplemented',
  'timeout',
]);

const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);

const TRANSIENT_SOCKET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

/**
 * `quotaExceeded` is both "too many concurrent queries" (wait and retry) and an exhausted daily or
 * custom quota (retrying within the day only fails again). The message tells which.
 * https://cloud.google.com/bigquery/docs/troubleshoot-quotas
 */
const EXHAUSTED_QUOTA = /per day|daily|free query bytes|custom quota|usage per day/i;

interface ErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

/** What we read from the client's ApiError, a failed job's `status.errorResult`, or a socket error. */
export interface ApiFailure {
  reason?: string;
  message: string;
  httpStatus?: number;
  socketCode?: string;
  jobId?: string;
  location?: string;
}

export function failureOf(e: unknown): ApiFailure {
  const err = (e ?? {}) as {
    code?: unknown;
    errors?: ErrorProto[];
    message?: unknown;
    cause?: { code?: unknown };
    response?: {
      status?: { errorResult?: ErrorProto };
      jobReference?: { jobId?: string; location?: string };
    };
  };
  // A job that failed when inserted comes back as the job, its error in status.errorResult.
  const primary = err.response?.status?.errorResult ?? err.errors?.[0];
  const socketCode = [err.code, err.cause?.code].find((c): c is string => typeof c === 'string');
  return {
    ...(primary?.reason ? { reason: primary.reason } : {}),
    message: primary?.message ?? (typeof err.message === 'string' ? err.message : String(e)),
    ...(typeof err.code === 'number' ? { httpStatus: err.code } : {}),
    ...(socketCode ? { socketCode } : {}),
    ...(err.response?.jobReference?.jobId ? { jobId: err.response.jobReference.jobId } : {}),
    ...(err.response?.jobReference?.location ? { location: err.response.jobReference.location } : {}),
  };
}

export function classifyFailure(f: ApiFailure): ErrorClass {
  if (f.reason === 'stopped') return 'cancelled'; // the job was cancelled (by us or in the console)
  if (f.reason && TRANSIENT_REASONS.has(f.reason)) return 'transient';
  if (f.reason === 'quotaExceeded') return EXHAUSTED_QUOTA.test(f.message) ? 'permanent' : 'transient';
  if (f.reason && PERMANENT_REASONS.has(f.reason)) return 'permanent';
  if (f.httpStatus !== undefined && TRANSIENT_HTTP.has(f.httpStatus)) return 'transient';
  if (f.socketCode && TRANSIENT_SOCKET.has(f.socketCode)) return 'transient';
  return 'permanent';
}

export function classifyBigQueryError(e: unknown): ErrorClass {
  if (e instanceof ConnectorError) return e.errorClass;
  return classifyFailure(failureOf(e));
}

const HINTS: Record<string, string> = {
  invalidQuery: 'fix the SQL; [line:column] in the message points at the problem',
  notFound:
    'check the project, dataset and table names, and the connection location: BigQuery looks datasets up in the location the job runs in',
  accessDenied:
    'grant the credentials roles/bigquery.jobUser on the project and roles/bigquery.dataViewer (dataEditor to write) on the dataset',
  billingTierLimitExceeded:
    'the query needs a higher billing tier; simplify it or run it with on-demand pricing',
  responseTooLarge: 'the result is too large to return; add a LIMIT or write the result to a table',
  resourcesExceeded: 'the query used too many resources; reduce ORDER BY without LIMIT, large joins or skew',
  rateLimitExceeded: 'BigQuery is rate-limiting the project; retry later (the executor retries with backoff)',
  quotaExceeded: 'a BigQuery quota was reached; see the quotas page of the project',
  backendError: 'a transient BigQuery failure; retry (the executor does)',
  internalError: 'a transient BigQuery failure; retry (the executor does)',
  billingNotEnabled: 'enable billing on the project',
};

export interface ErrorContext {
  secrets: readonly string[];
  queryId?: string;
  sql?: string;
  maxBytesBilled?: number;
}

/** Every failure leaves the connector as a ConnectorError with a redacted message that says what to do. */
export function toConnectorError(e: unknown, ctx: ErrorContext): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const f = failureOf(e);
  const hint = hintFor(f, ctx);
  const what = f.reason ?? (f.httpStatus ? `HTTP ${f.httpStatus}` : (f.socketCode ?? 'error'));
  const message = `BigQuery ${what}: ${f.message.trim()}${hint ? ` (${hint})` : ''}`;
  return new ConnectorError(redact(message, ctx.secrets), classifyFailure(f), {
    connector: 'bigquery',
    ...(f.reason || f.socketCode ? { code: f.reason ?? f.socketCode } : {}),
    ...(ctx.queryId ? { queryId: redact(ctx.queryId, ctx.secrets) } : {}),
    ...(ctx.sql ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
    ...(hint ? { hint: redact(hint, ctx.secrets) } : {}),
  });
}

const NO_CREDENTIALS = /default credentials|invalid_grant|unauthorized_client|invalid authentication/i;

function hintFor(f: ApiFailure, ctx: ErrorContext): string | undefined {
  if (f.reason === 'bytesBilledLimitExceeded')
    return (
      `the query would bill more than maxBytesBilled (${ctx.maxBytesBilled ?? 'the cap'} bytes); ` +
      'read fewer columns, filter on the partition column, or raise maxBytesBilled in the connection config'
    );
  if (f.reason && HINTS[f.reason]) return HINTS[f.reason];
  if (f.httpStatus === 401 || NO_CREDENTIALS.test(f.message))
    return (
      'BigQuery did not accept the credentials: set keyJson (a service-account key) in the connection config, ' +
      'or configure application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login)'
    );
  if (f.socketCode?.startsWith('ERR_OSSL'))
    return 'the private_key of keyJson could not be used to sign in; give the key file exactly as downloaded';
  if (f.socketCode && (TRANSIENT_SOCKET.has(f.socketCode) || f.socketCode === 'ENOTFOUND'))
    return 'the BigQuery API could not be reached; check the network and the apiEndpoint';
  return undefined;
}

/** An error of ours (not from the API), already worded; still redacted, in case. */
export function connectorError(
  message: string,
  errorClass: ErrorClass,
  code: string,
  ctx: ErrorContext,
): ConnectorError {
  return new ConnectorError(redact(message, ctx.secrets), errorClass, {
    connector: 'bigquery',
    code,
    ...(ctx.queryId ? { queryId: redact(ctx.queryId, ctx.secrets) } : {}),
    ...(ctx.sql ? { sql: redact(ctx.sql, ctx.secrets) } : {}),
  });
}
