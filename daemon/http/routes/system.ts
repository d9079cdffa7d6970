/** Health, metrics and the OpenAPI document. */
import { z } from 'zod';
import { PROMETHEUS_CONTENT_TYPE } from '../../observability/metrics-registry.js';
import { route, type AnyRoute } from '../route.js';
import { Health } from '../schemas.js';
import { errors } from './common.js';

export function systemRoutes(opts: { metrics?: { render(): string }; openapi: () => unknown }): AnyRoute[] {
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
