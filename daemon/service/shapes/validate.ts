/** validate_workflow and POST /v1/validate. */
import { z } from 'zod';
import { Dialect } from './connection.js';
import { Diagnostic } from './diagnostic.js';
import { NodeLineage } from './lineage.js';

export const CatalogKind = z
  .enum(['live', 'declared'])
  .describe(
    "live: checked against the warehouse's tables; declared: against the columns the workflow declares",
  );

export const ValidateResult = z.object({
  valid: z.boolean().describe('no errors (warnings allowed)'),
  workflow: z.string().optional(),
  connection: z.string(),
  dialect: Dialect,
  catalog: CatalogKind,
  offlineReason: z.string().optional().describe('why the live catalog was not used'),
  errors: z.number().int(),
  warnings: z.number().int(),
  diagnostics: z.array(Diagnostic),
  lineage: z.array(NodeLineage).optional().describe('column-level lineage (a valid workflow only)'),
});
export type ValidateResult = z.infer<typeof ValidateResult>;
