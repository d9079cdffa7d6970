/** Health, readiness, metrics and the OpenAPI document. */
import { z } from 'zod';
import { PROMETHEUS_CONTENT_TYPE } from '../../observability/metrics-registry.js';
import { route, type AnyRoute } from '../route.js';
import { Health, Readiness } from '../schemas.js';
import { errors } from './common.js';

export function systemRoutes(opts: {
  metrics?: { render(): string };
  openapi: () => unknown;
  /** What the daemon still waits for (empty: ready); absent: always ready. */
  waitingFor?: () => string[];
}): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/healthz',
      scope: null,
      operationId: 'health',
      tag: 'system',
      summary: 'Liveness: answers while the daemon is up (no token needed)',
      responses: { 200: { description: 'up', schema: Health } },
      handler: (c) => c.json({ status: 'ok' as const }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      // Like /healthz: probes (a load balancer, Kubernetes) carry no token, and the answer names
      // only what the daemon is starting.
      scope: null,
      operationId: 'ready',
      tag: 'system',
      summary: 'Readiness: 200 once the daemon serves everything it started to (no token needed)',
      description:
        'While the daemon starts (the demo warehouse seeding on its first start, crash recovery, the scheduler) it answers 503 with `waitingFor`. Requests that need a connection still being prepared wait for it rather than fail; /healthz stays 200 throughout.',
      responses: {
        200: { description: 'ready', schema: Readiness },
        503: { description: 'still starting: `waitingFor` says what for', schema: Readiness },
      },
      handler: (c) => {
        const waitingFor = opts.waitingFor?.() ?? [];
        if (waitingFor.length === 0) return c.json({ status: 'ready' as const });
        return c.json(
          {
            status: 'starting' as const,
            waitingFor,
            message: `the daemon is starting (${waitingFor.join(', ')}); requests that need what it prepares wait for it`,
          },
          503,
        );
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      scope: 'read',
      operationId: 'metrics',
      tag: 'system',
      summary: 'Prometheus metrics (text format 0.0.4)',
      description:
        'Needs a read token like everything but /healthz: point Prometheus at it with `authorization: { credentials_file: … }` (or bearer_token_file).',
      responses: {
        200: { description: 'the metrics', contentType: PROMETHEUS_CONTENT_TYPE, schema: z.string() },
        ...errors(401),
      },
      handler: (c) => c.body(opts.metrics?.render() ?? '', 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }),
    }),
    route({
      method: 'get',
      path: '/v1/openapi.json',
      scope: 'read',
      operationId: 'openapi',
      tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document',
      responses: { 200: { description: 'the document' }, ...errors(401) },
      handler: (c) => c.json(opts.openapi() as object),
    }),
  ];
}
