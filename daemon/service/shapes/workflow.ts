/** Saved workflows: a save's answer, the list, and one version with its schedule. */
import { z } from 'zod';
import type { WorkflowSummary as StoreWorkflowSummary } from '../../store/index.js';
import { Diagnostic } from './diagnostic.js';
import type { Same } from './same-type.js';
import { Schedule } from './schedule.js';

export const WorkflowSummary = z.object({
  name: z.string(),
  latestVersion: z.number().int(),
  hash: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const WorkflowList = z.object({ workflows: z.array(WorkflowSummary) });
export type WorkflowList = z.infer<typeof WorkflowList>;

export const SaveWorkflowResult = z.object({
  name: z.string(),
  version: z.number().int(),
  hash: z.string().describe("SHA-256 of the document's canonical JSON"),
  created: z.boolean().describe('false: the content equals the latest version, which is answered'),
  createdAt: z.string(),
  diagnostics: z.array(Diagnostic).describe('the warnings of the validation'),
  schedule: Schedule.optional().describe('the schedule the new version declared, now in force'),
});
export type SaveWorkflowResult = z.infer<typeof SaveWorkflowResult>;

export const SavedWorkflow = z.object({
  name: z.string(),
  version: z.number().int(),
  hash: z.string(),
  createdAt: z.string(),
  document: z.record(z.string(), z.unknown()).describe('the workflow document'),
  schedule: Schedule.nullable(),
});
export type SavedWorkflow = z.infer<typeof SavedWorkflow>;

const _sameAsStore: Same<z.infer<typeof WorkflowSummary>, StoreWorkflowSummary> = true;
