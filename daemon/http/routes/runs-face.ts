/**
 * What the HTTP API needs from the service for workflows, runs and schedules (the Service
 * implements it; the shapes are the run store's records).
 */
import type {
  CancelEffect,
  LogRecord,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  StepRecord,
  WorkflowSummary,
  WorkflowVersion,
} from '../../store/index.js';

type MaybePromise<T> = T | Promise<T>;

export interface StartRunInput {
  /** A saved workflow's name; or `document`, a workflow run without being saved (POST /v1/runs). */
  workflow?: string;
  document?: unknown;
  version?: number;
  params?: Record<string, unknown>;
  connection?: string;
  idempotencyKey?: string;
  trigger: 'api';
}

export interface ScheduleInput {
  cron: string;
  timezone?: string;
  catchup?: 'none' | 'latest' | 'all';
  maxCatchup?: number;
  params?: Record<string, unknown>;
  connection?: string;
  enabled?: boolean;
}

export interface RunsFace {
  saveWorkflow(document: unknown): MaybePromise<{ name: string; version: number; created: boolean }>;
  getWorkflow(name: string, version?: number): MaybePromise<WorkflowVersion>;
  listWorkflows(): MaybePromise<WorkflowSummary[]>;
  startRun(input: StartRunInput): MaybePromise<{ run: RunRecord; created: boolean }>;
  getRun(id: string): MaybePromise<RunRecord & { steps?: StepRecord[] }>;
  listRuns(q: {
    workflow?: string;
    status?: RunStatus | string;
    limit?: number;
    cursor?: string;
  }): MaybePromise<{ runs: RunRecord[]; nextCursor: string | null }>;
  runLogs(id: string, opts: { after?: number; limit?: number }): MaybePromise<LogRecord[]>;
  cancelRun(id: string): MaybePromise<{ run: RunRecord; effect: CancelEffect }>;
  /** Schedules (the scheduler's part of the service); absent: the schedule routes answer 503. */
  scheduleWorkflow?(name: string, spec: ScheduleInput): MaybePromise<ScheduleRecord>;
  unscheduleWorkflow?(name: string): MaybePromise<unknown>;
  getSchedule?(name: string): MaybePromise<ScheduleRecord | undefined>;
}
