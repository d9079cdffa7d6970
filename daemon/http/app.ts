/**
 * The HTTP API (DESIGN.md §1.6): a thin face over the service layer. Routes are declared once
 * (routes/*.ts) with the scope they need and their zod schemas; the same declarations mount them
 * and generate /v1/openapi.json.
 */
import { Hono } from 'hono';
import type { TokenAuthenticator } from '../auth/tokens.js';
import { UiSessions } from '../auth/ui-sessions.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { NOOP_METRICS, type EdgeflowMetrics } from '../observability/metrics.js';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { errorHandler, notFound } from './middleware/error-handler.js';
import { hostCheck } from './middleware/host-check.js';
import { originCheck } from './middleware/origin-check.js';
import { observe } from './middleware/observe.js';
import { redactResponses } from './middleware/redact.js';
import { requestId } from './middleware/request-id.js';
import { openApiDocument } from './openapi.js';
import { methodsByPath, mountRoutes, type AnyRoute } from './route.js';
import { assistantRoutes, type AssistantFace } from './routes/assistant.js';
import { catalogRoutes, type CatalogService } from './routes/catalog.js';
import { mcpRoutes, type McpHttpFace } from './routes/mcp.js';
import type { RunsFace } from './routes/runs-face.js';
import { sessionRoutes } from './routes/session.js';
import { systemRoutes } from './routes/system.js';
import { workflowRoutes } from './routes/workflows.js';
import { mountStaticUi } from './static-ui.js';

export type { RunsFace } from './routes/runs-face.js';
export type { McpHttpFace } from './routes/mcp.js';
export { loopbackHosts } from './middleware/host-check.js';

/** A workflow of 10,000 nodes is about 2 MB of JSON; nothing the API takes is bigger. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpAppOptions {
  /** The service; its `generateWorkflow`, when present, answers POST /v1/assistant/generate. */
  service: CatalogService & Partial<AssistantFace>;
  /** Workflows, runs and schedules (the Service); without it those routes answer 503. */
  runs?: RunsFace;
  authenticator: TokenAuthenticator;
  logger?: Logger;
  metrics?: EdgeflowMetrics & { render(): string };
  /** The Host values answered (DNS-rebinding check); undefined: any. Read on every request. */
  allowedHosts?: () => ReadonlySet<string> | undefined;
  maxBodyBytes?: number;
  version?: string;
  /** MCP over Streamable HTTP at /mcp (mcp/http.ts, injected by the composition root); without it 503. */
  mcp?: McpHttpFace;
  /** The daemon's redactor: every answer goes through it (default: the service's). */
  redact?: (text: string) => string;
  /** What the daemon still waits for while starting (GET /readyz); absent: always ready. */
  waitingFor?: () => string[];
  /** The web UI's built files (dist/ui), served at / and /assets/; absent: no UI. */
  uiDir?: string;
  /** The web UI's sessions (default: new ones, in memory). */
  sessions?: UiSessions;
}

export function createHttpApp(opts: HttpAppOptions): Hono<ApiEnv> {
  const logger = opts.logger ?? createLogger({ level: 'silent' });
  const metrics = opts.metrics ?? NOOP_METRICS;
  const app = new Hono<ApiEnv>();
  const sessions = opts.sessions ?? new UiSessions();

  let doc: unknown;
  const routes: AnyRoute[] = [
    ...systemRoutes({
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      openapi: () => (doc ??= openApiDocument(routes, { version: opts.version ?? '0.0.0' })),
      ...(opts.waitingFor ? { waitingFor: opts.waitingFor } : {}),
    }),
    ...catalogRoutes(opts.service),
    ...workflowRoutes(opts.runs ?? runsUnavailable),
    ...assistantRoutes(opts.service.generateWorkflow ? (opts.service as AssistantFace) : undefined),
    ...mcpRoutes(opts.mcp),
    ...sessionRoutes({ authenticator: opts.authenticator, sessions }),
  ];

  app.use('*', requestId());
  const redactor = opts.service.redactor;
  app.use('*', redactResponses(opts.redact ?? ((t) => redactor.text(t))));
  app.use('*', observe({ logger, metrics }));
  app.use('*', hostCheck(opts.allowedHosts ?? (() => undefined)));
  app.use('*', originCheck(opts.allowedHosts ?? (() => undefined)));
  // The UI's files hold no data: they are served without a token (the page then signs in).
  if (opts.uiDir) mountStaticUi(app, opts.uiDir);
  app.use('*', authenticate(opts.authenticator, ['/healthz', '/readyz', 'POST /v1/session'], sessions));
  app.use('*', bodyLimit(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  mountRoutes(app, routes);
  app.onError(errorHandler(logger));
  app.notFound(notFound(methodsByPath(routes)));
  return app;
}

const unavailable = (): never => {
  throw new ApiError('SERVICE_UNAVAILABLE', 'runs are not available in this process (no run store)');
};
const runsUnavailable: RunsFace = {
  saveWorkflow: unavailable,
  getWorkflow: unavailable,
  listWorkflows: unavailable,
  startRun: unavailable,
  getRun: unavailable,
  listRuns: unavailable,
  runLogs: unavailable,
  cancelRun: unavailable,
  scheduleWorkflow: unavailable,
  unscheduleWorkflow: unavailable,
};
