/** compile_workflow and POST /v1/compile: a node's SELECT, or the run plan. */
import { z } from 'zod';
import type {
  PlanStep as CompilerPlanStep,
  RunPlan as CompilerRunPlan,
} from '../../../compiler/planner/plan.js';
import { Column } from './column.js';
import { Dialect } from './connection.js';
import { Diagnostic } from './diagnostic.js';
import type { Same } from './same-type.js';
import { CatalogKind } from './validate.js';

export const PlanStep = z.object({
  id: z.string(),
  kind: z.enum(['prepare', 'materialize', 'write', 'cleanup']),
  purpose: z.string().describe('why this step exists'),
  nodes: z.array(z.string()).describe('the nodes whose SQL it runs'),
  dependsOn: z.array(z.string()),
  statements: z.array(z.string()),
  transactional: z.boolean().describe('its statements run in one transaction'),
  target: z
    .object({
      table: z.string(),
      mode: z.enum(['replace', 'append', 'merge', 'create']),
      node: z.string(),
    })
    .optional(),
  creates: z.array(z.string()).describe('staging tables it creates (dropped when the run ends)'),
});

export const RunPlan = z.object({
  workflow: z.string(),
  dialect: z.string(),
  runId: z.string(),
  steps: z.array(PlanStep),
});
export type RunPlan = z.infer<typeof RunPlan>;

export const CompileResult = z.object({
  ok: z.boolean(),
  dialect: Dialect,
  catalog: CatalogKind,
  offlineReason: z.string().optional(),
  diagram: z.string().optional().describe('a Mermaid flowchart of the DAG'),
  node: z.string().optional(),
  sql: z.string().optional().describe("the node's SELECT"),
  columns: z.array(Column).optional().describe("the node's columns"),
  plan: RunPlan.optional().describe("the run plan's steps (a workflow with outputs, or plan: true)"),
  diagnostics: z.array(Diagnostic),
});
export type CompileResult = z.infer<typeof CompileResult>;

const _samePlan: Same<RunPlan, CompilerRunPlan> = true;
const _sameStep: Same<z.infer<typeof PlanStep>, CompilerPlanStep> = true;
