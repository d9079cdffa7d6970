/**
 * The workflow file format (DESIGN.md §1.1), as zod schemas. The TypeScript types are inferred
 * from them, so the parser, the docs (JSON Schema) and the code can never disagree.
 */
import { z } from 'zod';

export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const PARAM_TYPES = ['number', 'integer', 'string', 'boolean', 'date', 'timestamp'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export const paramDeclSchema = z.strictObject({
  type: z.enum(PARAM_TYPES).describe('number | integer | string | boolean | date | timestamp'),
  default: z
    .union([z.string(), z.number(), z.boolean(), z.null()])
    .optional()
    .describe('value used when a run gives none'),
  description: z.string().optional(),
});

export const inputRefSchema = z.string().min(1).describe('"nodeId" (its output "out") or "nodeId.port"');

export const nodeSchema = z.strictObject({
  id: z.string().min(1).max(64).describe('unique within the workflow; the CTE name in compiled SQL'),
  type: z.string().min(1).describe('a component id, e.g. "filter"'),
  inputs: z.record(z.string(), z.union([inputRefSchema, z.array(inputRefSchema)])).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
});

export const scheduleSchema = z.strictObject({
  cron: z.string().min(1).describe('five cron fields: minute hour day-of-month month day-of-week'),
  timezone: z.string().optional().describe('IANA time zone, default UTC'),
  catchup: z
    .enum(['none', 'latest', 'all'])
    .optional()
    .describe('what to run for fires missed while down; default latest'),
  maxCatchup: z.number().int().min(1).max(1000).optional().describe('bound for catchup: all (default 10)'),
});

export const TOOL_MODES = ['sync', 'async'] as const;

/** Publishes a saved workflow as its own MCP tool (DESIGN.md §1.7). */
export const toolSchema = z.strictObject({
  name: z
    .string()
    .regex(NAME_PATTERN, 'a tool name is lower-case letters, digits and _ and starts with a letter')
    .max(64)
    .describe('the MCP tool name, e.g. store_revenue_by_day'),
  description: z
    .string()
    .min(1)
    .max(2000)
    .describe('what the tool answers and when to use it, written for a model'),
  params: z
    .array(z.string())
    .optional()
    .describe('the workflow params the tool takes as arguments (default: all)'),
  returns: z.string().min(1).describe('the node whose rows the tool returns'),
  maxRows: z.number().int().min(1).max(1000).optional().describe('rows returned at most (default 100)'),
  mode: z
    .enum(TOOL_MODES)
    .optional()
    .describe('sync (default): answer with the rows; async: start a run and answer with its id'),
});

/** A duration as the config writes it: `30s`, `15m`, `2h`, `1d`. */
const durationText = z.string().regex(/^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/, 'a duration like 30s, 15m, 2h or 1d');

/** Who hears about this workflow's runs: channels named in the daemon's config (`notify.channels`). */
export const notifySpecSchema = z.strictObject({
  channels: z
    .array(z.string().min(1))
    .describe("channel names from the daemon's config; [] turns the config's default rules off"),
  on: z
    .array(z.enum(['failure', 'success', 'slow', 'skipped']))
    .optional()
    .describe(
      'failure (default), success, slow (a run still going after slowAfter), skipped (a scheduled fire skipped because the previous run was still going)',
    ),
  slowAfter: durationText.optional().describe('for `slow`, e.g. 30m'),
});

/** Reuse of unchanged results (opt-in): a materialised node or output whose SQL, params and sources did not change. */
export const cacheSpecSchema = z.union([
  z.boolean(),
  z.strictObject({
    ttl: durationText
      .optional()
      .describe("how long a result may be reused (default: the daemon's cache.ttl, 24h)"),
  }),
]);

export const workflowSchema = z.strictObject({
  edgeflow: z.number().describe('format version; 1'),
  name: z
    .string()
    .regex(NAME_PATTERN, 'a workflow name is lower-case letters, digits and _ and starts with a letter'),
  description: z.string().optional(),
  connection: z
    .string()
    .min(1)
    .optional()
    .describe('the connection (from the config) it reads and writes; default "local"'),
  params: z.record(z.string(), paramDeclSchema).optional(),
  nodes: z.array(nodeSchema),
  schedule: scheduleSchema.optional(),
  tool: toolSchema.optional(),
  notify: notifySpecSchema.optional().describe('alerts about its runs (README "Alerts")'),
  cache: cacheSpecSchema
    .optional()
    .describe(
      'reuse results whose SQL, params and source tables did not change (README "Reusing unchanged results")',
    ),
});

export type ParamDecl = z.infer<typeof paramDeclSchema>;
export type NodeSpec = z.infer<typeof nodeSchema>;
export type ScheduleSpec = z.infer<typeof scheduleSchema>;
export type ToolSpec = z.infer<typeof toolSchema>;
export type WorkflowDoc = z.infer<typeof workflowSchema>;
export type NotifySpec = z.infer<typeof notifySpecSchema>;
export type CacheSpec = z.infer<typeof cacheSpecSchema>;

/** A parsed workflow, with defaults applied. */
export interface Workflow extends WorkflowDoc {
  connection: string;
  params: Record<string, ParamDecl>;
}

export const DEFAULT_CONNECTION = 'local';

/**
 * Nodes a workflow may have unless the caller allows more (the daemon: `limits.maxNodes`). Work
 * and memory grow with the nodes (about 5 KB per node analysed), and a document is checked
 * against this before anything else is done with it, so a 50,000-node request costs nothing.
 */
export const DEFAULT_MAX_NODES = 2_000;

/**
 * Columns, summed over every node's outputs, that analysis allows per allowed node. Node count
 * alone does not bound the work: a chain of nodes that each add columns copies a growing column
 * list at every node (quadratic), and 500 nodes of 20 new columns each cost 440 MB. The budget is
 * tied to the node limit so one setting governs both.
 */
export const COLUMNS_PER_NODE = 250;
