/**
 * What the executor reports as it works, for metrics, JSON logs and OpenLineage events
 * (daemon/observability subscribes through `ExecutorOptions.onEvent`). The run store's log lines
 * say the same for people reading a run.
 */
import type { FailureInfo, RunRecord } from '../store/index.js';

export type ExecutorEvent =
  /** A run began executing here: first start, or resumed (after a crash or a shutdown). */
  | { type: 'run.started'; run: RunRecord; resumed: boolean }
  /** A run reached a finished status (`run.status`). */
  | { type: 'run.finished'; run: RunRecord; durationMs: number }
  /** A shutdown handed a run back (queued) for the next start to resume. */
  | { type: 'run.released'; runId: string; workflow: string }
  | { type: 'step.started'; runId: string; workflow: string; stepId: string; attempt: number }
  | {
      type: 'step.succeeded';
      runId: string;
      workflow: string;
      stepId: string;
      attempt: number;
      durationMs: number;
      rows: number | null;
      bytes: number | null;
      /** The earlier run whose unchanged result the step took (no statement ran). */
      reusedFrom?: string;
    }
  /** A transient failure: the step runs again after `delayMs`. */
  | {
      type: 'step.retry';
      runId: string;
      workflow: string;
      stepId: string;
      attempt: number;
      delayMs: number;
      error: FailureInfo;
    }
  | {
      type: 'step.failed';
      runId: string;
      workflow: string;
      stepId: string;
      attempt: number;
      durationMs: number;
      status: 'failed' | 'cancelled';
      error: FailureInfo;
    };

export type ExecutorListener = (event: ExecutorEvent) => void;
