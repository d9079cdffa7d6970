/**
 * The shapes the HTTP API takes and answers, as zod schemas. Requests are validated with them and
 * the OpenAPI document (/v1/openapi.json) is generated from them: each schema registered here
 * becomes a named `components.schemas` entry.
 */
import { z } from 'zod';
import { NAME_PATTERN, scheduleSchema, workflowSchema } from '../../compiler/workflow/model.js';
import { MAX_PREVIEW_ROWS } from '../service/index.js';
import * as shapes from '../service/shapes/index.js';

export const apiSchemas = z.registry<{ id: string }>();

function named<T extends z.ZodType>(id: string, schema: T): T {
  apiSchemas.add(schema, { id });
  return schema;
}

const dialect = shapes.Dialect.describe('compile for this SQL dialect');
const params = z
  .record(z.string(), z.unknown())
  .describe('values of the workflow parameters, by name (the declared defaults fill the rest)');
export const workflowName = z
  .string()
  .regex(NAME_PATTERN, 'a workflow name is lower-case letters, digits and _ and starts with a letter')
  .max(128);

// ------------------------------------------------------------------ requests

export const Workflow = named('Workflow', workflowSchema);

/**
 * The envelope of validate, compile and preview. The document itself is checked by the compiler
 * (answered with its diagnostics), not here; the OpenAPI document points at the Workflow schema.
 */
const workflowRequest = z.strictObject({
  workflow: z
    .unknown()
    .refine((v) => v !== undefined && v !== null, 'required: the workflow document or its text')
    .meta({
      description: 'the workflow: a document, or its JSON or YAML text',
      anyOf: [{ $ref: '#/components/schemas/Workflow' }, { type: 'string' }],
    }),
  connection: z.string().min(1).optional().describe("use this connection instead of the workflow's"),
  dialect: dialect.optional(),
  offline: z.boolean().optional().describe('do not consult the live catalog (declared columns only)'),
});

export const ValidateRequest = named('ValidateRequest', workflowRequest);

export const CompileRequest = named(
  'CompileRequest',
  workflowRequest.extend({
    node: z.string().min(1).optional().describe("this node's SELECT instead of the run plan"),
    plan: z.boolean().optional().describe('the run plan (default when the workflow has outputs)'),
    params: params.optional(),
    runId: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,40}$/)
      .optional()
      .describe('the run id staging names are made from (default: a placeholder)'),
  }),
);

export const PreviewRequest = named(
  'PreviewRequest',
  workflowRequest.extend({
    node: z.string().min(1).describe('the node whose first rows to return'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_PREVIEW_ROWS)
      .optional()
      .describe(`rows, 1 to ${MAX_PREVIEW_ROWS} (default 20)`),
    params: params.optional(),
  }),
);

export const StartRunRequest = named(
  'StartRunRequest',
  z.strictObject({
    params: params.optional(),
    version: z.number().int().min(1).optional().describe('the saved version to run (default: the latest)'),
    connection: z.string().min(1).optional().describe("run on this connection instead of the workflow's"),
  }),
);

export const InlineRunRequest = named(
  'InlineRunRequest',
  z.strictObject({
    workflow: workflowRequest.shape.workflow,
    params: params.optional(),
    connection: z.string().min(1).optional().describe("run on this connection instead of the workflow's"),
  }),
);

export const ScheduleRequest = named(
  'ScheduleRequest',
  scheduleSchema.extend({
    params: params.optional().describe('parameter values every fire runs with'),
    connection: z.string().min(1).optional().describe("run on this connection instead of the workflow's"),
    enabled: z.boolean().optional().describe('false keeps the schedule but stops firing it'),
  }),
);

export const GenerateRequest = named(
  'GenerateRequest',
  z.strictObject({
    request: z.string().min(1).max(4000).describe('what the workflow should do, in plain language'),
    connection: z.string().min(1).optional(),
  }),
);

// ------------------------------------------------------------------ queries and path parameters

export const NameParam = z.object({ name: workflowName });
export const ConnectionParam = z.object({ name: z.string().min(1).describe('a connection of the config') });
export const TableParam = ConnectionParam.extend({
  table: z.string().min(1).describe('qualified table name, e.g. main.orders'),
});
export const RunIdParam = z.object({ id: z.string().min(1).max(64).describe('run id') });

export const TablesQuery = z.strictObject({
  schema: z.string().min(1).optional().describe('only this schema'),
});
export const VersionQuery = z.strictObject({
  version: z.coerce.number().int().min(1).optional().describe('a saved version (default: the latest)'),
});
export const RunsQuery = z.strictObject({
  workflow: workflowName.optional().describe('only runs of this workflow'),
  status: shapes.RunRecord.shape.status.optional().describe('only runs in this status'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('runs per page, 1 to 200 (default 50)'),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
});
export const LogsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('only lines with a larger id (to follow a run)'),
  limit: z.coerce.number().int().min(1).max(5000).optional().describe('lines, 1 to 5000 (default 1000)'),
});

export const IdempotencyKey = shapes.IdempotencyKey;

// ------------------------------------------------------------------ responses

export const ErrorResponse = named(
  'Error',
  z.object({
    error: z.object({
      code: z.string().describe('a stable code, e.g. INVALID_REQUEST, FORBIDDEN, NOT_FOUND'),
      message: z.string().describe('what went wrong and what to do'),
      details: z.unknown().optional().describe('context: issues, the scope needed, a hint…'),
    }),
  }),
);

export const Health = named('Health', z.object({ status: z.literal('ok') }));

export const Readiness = named(
  'Readiness',
  z.object({
    status: z.enum(['ready', 'starting']),
    waitingFor: z
      .array(z.string())
      .optional()
      .describe('what the daemon still waits for while starting, e.g. "demo seeding", "executor"'),
    message: z.string().optional(),
  }),
);

export const Scope = named('Scope', shapes.ScopeName);

// What the service answers (daemon/service/shapes/): the same declarations the MCP tools answer.
const Diagnostic = named('Diagnostic', shapes.Diagnostic);
named('Column', shapes.Column);
named('NodeLineage', shapes.NodeLineage);
named('RunPlan', shapes.RunPlan);
named('RunStep', shapes.RunStep);
named('FailureInfo', shapes.FailureInfo);

export const InvalidWorkflow = named(
  'InvalidWorkflow',
  z.object({
    error: z.object({
      code: z.literal('INVALID_WORKFLOW'),
      message: z.string(),
      details: z.looseObject({ diagnostics: z.array(Diagnostic) }),
    }),
  }),
);

export const ConnectionList = named('ConnectionList', shapes.ConnectionList);
export const TableList = named('TableList', shapes.TableList);
export const TableDescription = named('TableDescription', shapes.TableDescription);
export const ValidateResponse = named('ValidateResult', shapes.ValidateResult);
export const CompileResponse = named('CompileResult', shapes.CompileResult);
export const PreviewResponse = named('PreviewResult', shapes.PreviewResult);
export const SaveWorkflowResponse = named('SaveWorkflowResult', shapes.SaveWorkflowResult);
export const WorkflowList = named('WorkflowList', shapes.WorkflowList);
export const SavedWorkflow = named('SavedWorkflow', shapes.SavedWorkflow);
export const StartedRun = named('RunRecord', shapes.RunRecord);
export const Schedule = named('Schedule', shapes.Schedule);
export const RunView = named('RunView', shapes.RunView);
export const RunList = named('RunList', shapes.RunList);
export const RunLogs = named('RunLogs', shapes.RunLogs);
export const CancelResult = named('CancelResult', shapes.CancelResult);
