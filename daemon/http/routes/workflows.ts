/** Saved workflows (versioned), their runs and their schedules: a thin face over the service. */
import type { Context } from 'hono';
import { parseWorkflow } from '../../../compiler/workflow/parse.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { MAX_IDEMPOTENCY_KEY } from '../../service/shapes/index.js';
import {
  CancelResult,
  IdempotencyKey,
  InlineRunRequest,
  LogsQuery,
  NameParam,
  RunIdParam,
  RunList,
  RunLogs,
  RunView,
  RunsQuery,
  SaveWorkflowResponse,
  SavedWorkflow,
  Schedule,
  StartedRun,
  WorkflowList,
  ScheduleRequest,
  StartRunRequest,
  VersionQuery,
  Workflow,
} from '../schemas.js';
import { errors, invalidWorkflow } from './common.js';
import type { RunsFace } from './runs-face.js';

export function workflowRoutes(runs: RunsFace): AnyRoute[] {
  return [
    route({
      method: 'put',
      path: '/v1/workflows/:name',
      scope: 'write',
      operationId: 'saveWorkflow',
      tag: 'workflows',
      summary: 'Save a workflow: a new immutable version, unless it equals the latest one',
      description:
        'The body is the workflow document; its `name` must be the one in the path. 201 with the new version, or 200 with the latest version when the content is identical.',
      params: NameParam,
      body: Workflow,
      invalidBody: (raw) => invalidWorkflow(parseWorkflow(raw).diagnostics),
      responses: {
        200: { description: 'identical to the latest version: that version', schema: SaveWorkflowResponse },
        201: { description: 'saved as a new version', schema: SaveWorkflowResponse },
        ...errors(400, 401, 403, 413, 422),
      },
      handler: async (c, { params, body }) => {
        if (body.name !== params.name)
          throw new ApiError(
            'INVALID_REQUEST',
            `the workflow is named "${body.name}" but the path says "${params.name}"; PUT it to /v1/workflows/${body.name}`,
            { path: params.name, document: body.name },
          );
        const saved = await runs.saveWorkflow(body);
        c.header('Location', `/v1/workflows/${saved.name}?version=${saved.version}`);
        return c.json(saved, saved.created ? 201 : 200);
      },
    }),
    route({
      method: 'get',
      path: '/v1/workflows',
      scope: 'read',
      operationId: 'listWorkflows',
      tag: 'workflows',
      summary: 'Saved workflows, with their latest version',
      responses: { 200: { description: 'the saved workflows', schema: WorkflowList }, ...errors(401) },
      handler: async (c) => c.json({ workflows: await runs.listWorkflows() }),
    }),
    route({
      method: 'get',
      path: '/v1/workflows/:name',
      scope: 'read',
      operationId: 'getWorkflow',
      tag: 'workflows',
      summary: 'A saved workflow: its latest version, or ?version=N, and its schedule',
      params: NameParam,
      query: VersionQuery,
      responses: {
        200: {
          description: 'the version, its document, and its schedule (null when none)',
          schema: SavedWorkflow,
        },
        ...errors(400, 401, 404),
      },
      handler: async (c, { params, query }) =>
        c.json({
          ...(await runs.getWorkflow(params.name, query.version)),
          schedule: (await runs.getSchedule?.(params.name)) ?? null,
        }),
    }),
    route({
      method: 'post',
      path: '/v1/workflows/:name/runs',
      scope: 'run',
      operationId: 'startRun',
      tag: 'runs',
      summary: 'Start a run of a saved workflow (queued; 202 with the run)',
      description:
        'With an `Idempotency-Key` header, a second request with the same key returns the run the first one started (same id; `Idempotent-Replayed: true`) instead of starting another.',
      params: NameParam,
      body: StartRunRequest,
      optionalBody: true,
      headers: [
        {
          name: 'Idempotency-Key',
          description: `a key of your choosing (≤ ${MAX_IDEMPOTENCY_KEY} printable characters); the same key never starts two runs`,
          schema: IdempotencyKey,
        },
      ],
      responses: {
        202: { description: 'the run', schema: StartedRun },
        ...errors(400, 401, 403, 404, 409, 413, 422),
      },
      handler: async (c, { params, body }) => {
        const key = idempotencyKey(c);
        const { run, created } = await runs.startRun({
          workflow: params.name,
          trigger: 'api',
          ...(body?.version !== undefined ? { version: body.version } : {}),
          ...(body?.params ? { params: body.params } : {}),
          ...(body?.connection ? { connection: body.connection } : {}),
          ...(key !== undefined ? { idempotencyKey: key } : {}),
        });
        c.header('Location', `/v1/runs/${run.id}`);
        if (!created) c.header('Idempotent-Replayed', 'true');
        return c.json(run, 202);
      },
    }),
    route({
      method: 'post',
      path: '/v1/runs',
      // A document is SQL the caller wrote, writing where it says: a run token starts saved
      // workflows only (MCP's run_workflow holds the same line).
      scope: 'write',
      operationId: 'startInlineRun',
      tag: 'runs',
      summary: 'Run a workflow document without saving it (queued; 202 with the run)',
      description:
        'The run records the document it ran (its `version` is null); nothing is saved or scheduled. `edgeflow run FILE` uses it when the daemon holds the DuckDB file. With an `Idempotency-Key` header, a second request with the same key returns the first run.',
      body: InlineRunRequest,
      headers: [
        {
          name: 'Idempotency-Key',
          description: `a key of your choosing (≤ ${MAX_IDEMPOTENCY_KEY} printable characters); the same key never starts two runs`,
          schema: IdempotencyKey,
        },
      ],
      responses: {
        202: { description: 'the run', schema: StartedRun },
        ...errors(400, 401, 403, 409, 413, 422),
      },
      handler: async (c, { body }) => {
        const key = idempotencyKey(c);
        const { run, created } = await runs.startRun({
          document: body.workflow,
          trigger: 'api',
          ...(body.params ? { params: body.params } : {}),
          ...(body.connection ? { connection: body.connection } : {}),
          ...(key !== undefined ? { idempotencyKey: key } : {}),
        });
        c.header('Location', `/v1/runs/${run.id}`);
        if (!created) c.header('Idempotent-Replayed', 'true');
        return c.json(run, 202);
      },
    }),
    route({
      method: 'put',
      path: '/v1/workflows/:name/schedule',
      scope: 'write',
      operationId: 'scheduleWorkflow',
      tag: 'schedules',
      summary: 'Schedule a saved workflow (replaces its schedule)',
      params: NameParam,
      body: ScheduleRequest,
      responses: {
        200: { description: 'the schedule, with its next fire', schema: Schedule },
        ...errors(400, 401, 403, 404, 413),
      },
      handler: async (c, { params, body }) => {
        if (!runs.scheduleWorkflow) throw schedulesUnavailable();
        return c.json(await runs.scheduleWorkflow(params.name, body));
      },
    }),
    route({
      method: 'delete',
      path: '/v1/workflows/:name/schedule',
      scope: 'write',
      operationId: 'unscheduleWorkflow',
      tag: 'schedules',
      summary: "Remove a workflow's schedule (its runs and versions stay)",
      params: NameParam,
      responses: { 200: { description: '{ workflow, unscheduled: true }' }, ...errors(401, 403, 404) },
      handler: async (c, { params }) => {
        if (!runs.unscheduleWorkflow) throw schedulesUnavailable();
        await runs.unscheduleWorkflow(params.name);
        return c.json({ workflow: params.name, unscheduled: true });
      },
    }),
    route({
      method: 'get',
      path: '/v1/runs',
      scope: 'read',
      operationId: 'listRuns',
      tag: 'runs',
      summary: 'Runs, newest first, a page at a time (?workflow=&status=&limit=&cursor=)',
      query: RunsQuery,
      responses: {
        200: {
          description: '{ runs: [...], nextCursor }: pass nextCursor as cursor for the next page',
          schema: RunList,
        },
        ...errors(400, 401),
      },
      handler: async (c, { query }) => c.json(await runs.listRuns(query)),
    }),
    route({
      method: 'get',
      path: '/v1/runs/:id',
      scope: 'read',
      operationId: 'getRun',
      tag: 'runs',
      summary: 'A run, with its steps',
      params: RunIdParam,
      responses: { 200: { description: 'the run', schema: RunView }, ...errors(401, 404) },
      handler: async (c, { params }) => c.json(await runs.getRun(params.id)),
    }),
    route({
      method: 'get',
      path: '/v1/runs/:id/logs',
      scope: 'read',
      operationId: 'getRunLogs',
      tag: 'runs',
      summary: "A run's log lines (?after=<last id seen> to follow it)",
      params: RunIdParam,
      query: LogsQuery,
      responses: { 200: { description: 'its log lines', schema: RunLogs }, ...errors(400, 401, 404) },
      handler: async (c, { params, query }) =>
        c.json({ runId: params.id, logs: await runs.runLogs(params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/runs/:id/cancel',
      scope: 'run',
      operationId: 'cancelRun',
      tag: 'runs',
      summary:
        'Cancel a run: a queued one at once, a running one by stopping its statements in the warehouse',
      params: RunIdParam,
      responses: {
        200: { description: 'cancelled, or already finished ({ run, effect })', schema: CancelResult },
        202: {
          description: 'cancel requested; the run stops shortly ({ run, effect: "requested" })',
          schema: CancelResult,
        },
        ...errors(401, 403, 404),
      },
      handler: async (c, { params }) => {
        const r = await runs.cancelRun(params.id);
        return c.json(r, r.effect === 'requested' ? 202 : 200);
      },
    }),
  ];
}

const schedulesUnavailable = () =>
  new ApiError('SERVICE_UNAVAILABLE', 'schedules are not available in this process (no scheduler)');

function idempotencyKey(c: Context<ApiEnv>): string | undefined {
  const raw = c.req.header('idempotency-key');
  if (raw === undefined) return undefined;
  const r = IdempotencyKey.safeParse(raw);
  if (!r.success)
    throw new ApiError(
      'INVALID_REQUEST',
      `the Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters without spaces`,
    );
  return r.data;
}
