import type { MiddlewareHandler } from 'hono';
import type { EdgeflowMetrics } from '../../observability/metrics.js';
import type { Logger } from '../../observability/logger.js';
import type { ApiEnv } from '../env.js';

/**
 * Times each request, counts it in the HTTP duration histogram by route pattern, and logs one
 * line about it. The request's logger (with its id) is left on the context for handlers.
 */
export function observe(opts: { logger: Logger; metrics: EdgeflowMetrics }): MiddlewareHandler<ApiEnv> {
  return async function observe(c, next) {
    const started = performance.now();
    const log = opts.logger.child({ reqId: c.get('requestId') });
    c.set('log', log);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.get('route') ?? 'unmatched';
    const status = c.res.status;
    opts.metrics.httpRequest(c.req.method, route, status, seconds);
    const token = c.get('token');
    // 502/503 are the warehouse's or a connection's trouble, reported to the caller; 500 is ours.
    log[status === 500 ? 'error' : status >= 500 ? 'warn' : 'info'](
      {
        method: c.req.method,
        route,
        path: c.req.path,
        status,
        ms: Math.round(seconds * 10_000) / 10,
        ...(token ? { tokenName: token.name } : {}),
      },
      'request',
    );
  };
}
