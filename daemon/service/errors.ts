/** The one error type of the service layer; HTTP maps `status`, MCP and the CLI show code + message. */
export type ServiceErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_REQUEST'
  | 'INVALID_WORKFLOW'
  | 'INVALID_SCHEDULE'
  | 'UNKNOWN_CONNECTION'
  | 'CONNECTION_UNAVAILABLE'
  | 'WAREHOUSE_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'STATE_UNAVAILABLE'
  | 'ASSISTANT_NOT_CONFIGURED'
  | 'ASSISTANT_UNAVAILABLE'
  | 'TOO_MANY_REQUESTS';

const STATUS: Record<ServiceErrorCode, number> = {
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  INVALID_WORKFLOW: 422,
  INVALID_SCHEDULE: 400,
  UNKNOWN_CONNECTION: 404,
  CONNECTION_UNAVAILABLE: 503,
  WAREHOUSE_ERROR: 502,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  STATE_UNAVAILABLE: 503,
  ASSISTANT_NOT_CONFIGURED: 503,
  ASSISTANT_UNAVAILABLE: 502,
  TOO_MANY_REQUESTS: 429,
};

export class ServiceError extends Error {
  readonly status: number;
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
    this.status = STATUS[code];
  }
}
