/**
 * zod shapes shared by the tools' inputs. What the tools answer is declared once, in the service
 * layer (daemon/service/shapes/), and used here as is.
 */
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
