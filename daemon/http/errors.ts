/**
 * The HTTP layer's one error type. Everything thrown while answering becomes one of these in
 * `onError` (a ServiceError keeps its code and status), and is answered as
 * `{"error": {"code", "message", "details"}}`.
 */
import { ServiceError } from '../service/errors.js';
import { StoreError, type StoreErrorCode } from '../store/errors.js';

export type ApiErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'HOST_NOT_ALLOWED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_WORKFLOW'
  | 'NOT_IMPLEMENTED'
  | 'WAREHOUSE_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

const STATUS: Record<ApiErrorCode, number> = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_WORKFLOW: 422,
  NOT_IMPLEMENTED: 501,
  WAREHOUSE_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? STATUS[code as ApiErrorCode] ?? 500;
  }

  toJSON(): { error: { code: string; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

const STORE_STATUS: Partial<Record<StoreErrorCode, number>> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  STATE_TOO_NEW: 503,
  STATE_UNAVAILABLE: 503,
};

/** Any error as the API answers it; an unexpected one says only where to look. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof ServiceError) return new ApiError(e.code, e.message, e.details, e.status);
  // The service usually translates the store's errors; one that comes through keeps its code.
  if (e instanceof StoreError) return new ApiError(e.code, e.message, undefined, STORE_STATUS[e.code] ?? 500);
  return new ApiError(
    'INTERNAL',
    'internal error; the daemon log has the details (search for the request id)',
  );
}
