/** Runs, their steps and log lines, as every face answers them (the run store's records). */
import { z } from 'zod';
import {
  RUN_STATUSES,
  RUN_TRIGGERS,
  STEP_STATUSES,
  type FailureInfo as StoreFailureInfo,
  type LogRecord as StoreLogRecord,
  type RunRecord as StoreRunRecord,
  type StepRecord,
} from '../../store/index.js';
import { PlanStep } from './compile.js';
import { OutputLineage } from './lineage.js';
import type { Same } from './same-type.js';

export const FailureInfo = z
  .object({
    code: z.string().describe('CANCELLED, TIMEOUT, WAREHOUSE_ERROR, INTERRUPTED, SHUTDOWN, a SQLSTATE…'),
    message: z.string(),
    step: z.string().optional(),
    sql: z.string().optional().describe('the statement that failed'),
    errorClass: z.enum(['transient', 'permanent', 'cancelled']).optional(),
    warehouseCode: z.string().optional(),
    hint: z.string().optional(),
    queryId: z.string().optional(),
  })
  .describe('why a run or a step failed');

export const RunRecord = z.object({
  id: z.string(),
  rootId: z.string().describe("the first attempt's id"),
  workflow: z.string(),
  version: z.number().int().nullable().describe('the saved version run; null for an inline document'),
  trigger: z.enum(RUN_TRIGGERS),
  idempotencyKey: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  attempt: z.number().int(),
  retryOf: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  connection: z.string(),
  dialect: z.string(),
  nominalAt: z.string().nullable().describe('the cron time a scheduled run stands for'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: FailureInfo.nullable(),
  cancelRequested: z.boolean(),
  owner: z.string().nullable(),
  heartbeatAt: z.string().nullable(),
  stagingDropped: z.boolean(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const RunStep = z.object({
  runId: z.string(),
  stepId: z.string(),
  position: z.number().int(),
  kind: PlanStep.shape.kind,
  status: z.enum(STEP_STATUSES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAt: z.string(),
  lockedAt: z.string().nullable(),
  queryId: z.string().nullable().describe("the warehouse's id of its statement"),
  rows: z.number().nullable(),
  bytes: z.number().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastError: FailureInfo.nullable(),
  reusedFrom: z
    .string()
    .nullable()
    .describe('the earlier run whose unchanged result this step reused (no statement ran); null when it ran'),
  purpose: z.string(),
  dependsOn: z.array(z.string()),
  target: PlanStep.shape.target,
});
export type RunStep = z.infer<typeof RunStep>;

export const RunView = RunRecord.extend({
  steps: z.array(RunStep),
  lineage: z.array(OutputLineage),
}).describe('a run with its steps and the column lineage of its outputs');
export type RunView = z.infer<typeof RunView>;

export const RunList = z.object({
  runs: z.array(RunRecord),
  nextCursor: z.string().nullable().describe('pass it as cursor for the next page; null: the last page'),
});

export const LogRecord = z.object({
  id: z.number().int().describe('increasing: pass the last one seen as `after`'),
  runId: z.string(),
  stepId: z.string().nullable(),
  at: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  data: z.unknown(),
});

export const RunLogs = z.object({ runId: z.string(), logs: z.array(LogRecord) });
export type RunLogs = z.infer<typeof RunLogs>;

export const CancelResult = z.object({
  run: RunView,
  effect: z
    .enum(['cancelled', 'requested', 'finished'])
    .describe('cancelled now; requested: it stops shortly; finished: it had ended'),
});
export type CancelResult = z.infer<typeof CancelResult>;

export const StartRunResult = z.object({
  run: RunRecord,
  created: z.boolean().describe('false: the idempotency key was used before; `run` is that run'),
});

const _sameFailure: Same<z.infer<typeof FailureInfo>, StoreFailureInfo> = true;
const _sameRun: Same<RunRecord, StoreRunRecord> = true;
const _sameStep: Same<Omit<RunStep, 'purpose' | 'dependsOn' | 'target'>, StepRecord> = true;
const _sameLog: Same<z.infer<typeof LogRecord>, StoreLogRecord> = true;
