/** zod shapes shared by the tools' input and output schemas. */
import { z } from 'zod';

export const paramValues = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe('workflow parameter values by name, e.g. {"min_amount": 10}; missing ones take their defaults');

/** A workflow given inline or by its saved name: validate/compile/preview/estimate take either. */
export const workflowRef = {
  workflow: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .optional()
    .describe('the workflow document: a JSON object (or JSON/YAML text); give this or `name`'),
  name: z.string().optional().describe('the name of a saved workflow, instead of a document'),
  version: z.number().int().min(1).optional().describe('with `name`: a saved version (default the latest)'),
};

export const diagnostic = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  path: z.string().describe('JSON path into the workflow document, e.g. $.nodes[1].config.where'),
  nodeId: z.string().optional(),
  hint: z.string().optional(),
  span: z.object({ start: z.number(), end: z.number(), line: z.number(), column: z.number() }).optional(),
  dialect: z.string().optional(),
});

export const column = z.object({ name: z.string(), type: z.string() });

export const runStep = z.looseObject({
  stepId: z.string(),
  kind: z.string(),
  status: z.string(),
  purpose: z.string(),
  attempts: z.number(),
  rows: z.number().nullable(),
  bytes: z.number().nullable(),
  lastError: z.unknown(),
});

export const run = z.looseObject({
  id: z.string(),
  workflow: z.string(),
  version: z.number().nullable(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  trigger: z.string(),
  params: z.record(z.string(), z.unknown()),
  connection: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.unknown(),
  steps: z.array(runStep),
});

export const schedule = z.looseObject({
  workflow: z.string(),
  cron: z.string(),
  timezone: z.string(),
  catchup: z.string(),
  enabled: z.boolean(),
  nextFireAt: z.string().nullable(),
});
