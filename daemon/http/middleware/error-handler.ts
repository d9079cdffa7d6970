import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { Logger } from '../../observability/logger.js';
import type { ApiEnv } from '../env.js';
import { ApiError, toApiError } from '../errors.js';

/** The one `onError`: every error becomes `{"error": {code, message, details}}` with its status. */
export function errorHandler(logger?: Logger): ErrorHandler<ApiEnv> {
  return function onError(err, c) {
    const api = toApiError(err);
    if (api.code === 'INTERNAL')
      (c.get('log') ?? logger)?.error({ err }, 'unexpected error while answering a request');
    return c.json(api.toJSON(), api.status as 500);
  };
}

/**
 * Unknown paths are 404; a known path asked with another method is 405 with the methods it takes.
 */
export function notFound(methodsFor: (path: string) => string[]): NotFoundHandler<ApiEnv> {
  return function notFound(c) {
    const methods = methodsFor(c.req.path);
    const err =
      methods.length > 0
        ? new ApiError(
            'METHOD_NOT_ALLOWED',
            `${c.req.path} takes ${methods.join(', ')}, not ${c.req.method}`,
            {
              allowed: methods,
            },
          )
        : new ApiError(
            'NOT_FOUND',
            `no route ${c.req.method} ${c.req.path}; the routes are listed in /v1/openapi.json`,
          );
    if (methods.length > 0) c.header('Allow', methods.join(', '));
    return c.json(err.toJSON(), err.status as 404);
  };
}
