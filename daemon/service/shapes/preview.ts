/** preview_workflow, POST /v1/preview and `edgeflow preview`: a node's first rows and how many it has. */
import { z } from 'zod';
import { Column } from './column.js';
import { Diagnostic } from './diagnostic.js';

/**
 * A preview counts the node's rows up to this many; past it, the answer says "more than" instead
 * of a number (the count stops reading there, so its cost is bounded like the rows').
 */
export const PREVIEW_COUNT_BOUND = 100_000;

export const PreviewResult = z.object({
  ok: z.boolean(),
  node: z.string(),
  limit: z.number().int().describe('the rows asked for'),
  sql: z.string().optional().describe('the statement that read the rows'),
  columns: z.array(Column).optional(),
  rows: z.array(z.record(z.string(), z.unknown())).optional(),
  rowCount: z.number().int().optional().describe('rows in this answer'),
  totalRows: z
    .number()
    .int()
    .optional()
    .describe("the node's rows in all, counted exactly (rowCount < totalRows: there are more)"),
  totalRowsMoreThan: z
    .number()
    .int()
    .optional()
    .describe(`counting stopped at this bound (${PREVIEW_COUNT_BOUND}): the node has more rows than this`),
  totalRowsUnknown: z
    .string()
    .optional()
    .describe('why the rows could not be counted (e.g. the count ran past the preview timeout)'),
  diagnostics: z.array(Diagnostic),
});
export type PreviewResult = z.infer<typeof PreviewResult>;

/** How many rows the node has in all: exactly one of the three fields of PreviewResult. */
export type PreviewTotal =
  { totalRows: number } | { totalRowsMoreThan: number } | { totalRowsUnknown: string };
