/** estimate_workflow: what each output would read, as the warehouse estimates it. */
import { z } from 'zod';
import type { Estimate as ConnectorEstimate } from '../../../connectors/connector.js';
import { Dialect } from './connection.js';
import { Diagnostic } from './diagnostic.js';
import type { Same } from './same-type.js';

export const Estimate = z.object({
  bytesProcessed: z.number().optional().describe('bytes the statement would read (BigQuery, Snowflake)'),
  costUsd: z.number().optional().describe('what that would cost, in US dollars, where the price is known'),
  rows: z.number().optional().describe("the planner's row estimate (PostgreSQL, DuckDB)"),
  cost: z.number().optional().describe("the planner's cost units (PostgreSQL)"),
  summary: z.string(),
});

export const StatementEstimate = z.object({
  node: z.string().describe('the output node (or, in a workflow without outputs, the node asked for)'),
  target: z.string().optional().describe('the table the output writes'),
  step: z.string().optional().describe("the plan's write step for this output"),
  sql: z.string().describe('the SELECT that was estimated: what the output reads'),
  estimate: Estimate.optional(),
  error: z.string().optional().describe('why there is no estimate'),
});
export type StatementEstimate = z.infer<typeof StatementEstimate>;

export const EstimateResult = z.object({
  ok: z.boolean(),
  connection: z.string(),
  dialect: Dialect,
  statements: z.array(StatementEstimate),
  totalBytes: z.number().optional().describe('bytes read, summed, when every statement gave bytes'),
  totalCostUsd: z.number().optional().describe('US dollars, summed, when every statement gave a price'),
  note: z.string().describe('plain words on what this warehouse can and cannot tell'),
  diagnostics: z.array(Diagnostic),
});
export type EstimateResult = z.infer<typeof EstimateResult>;

const _sameAsConnector: Same<z.infer<typeof Estimate>, ConnectorEstimate> = true;
