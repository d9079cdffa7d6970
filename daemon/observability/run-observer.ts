/**
 * Turns what the executor and the scheduler report (their `onEvent` hooks) into JSON log lines,
 * metrics and OpenLineage events. Each run gets a child logger carrying its id; step lines add
 * the step id. A hook never throws into the work it observes.
 */
import type { ExecutorEvent } from '../executor/events.js';
import type { NotifierEvent } from '../notify/notifier.js';
import type { SchedulerEvent } from '../scheduler/index.js';
import type { FailureInfo, RunRecord } from '../store/index.js';
import { lineageEvent, type RunDatasets } from './lineage.js';
import type { LineageSink } from './lineage-sink.js';
import { runLogger, stepLogger, type Logger } from './logger.js';
import type { EdgeflowMetrics } from './metrics.js';

export interface RunObserverDeps {
  logger: Logger;
  metrics: EdgeflowMetrics;
  lineage?: LineageSink;
  /** The datasets a run reads and writes and its connection's type, for its lineage events. */
  lineageOf?: (run: RunRecord) => { datasets: RunDatasets; connectionType: string } | undefined;
}

/** What a failure says in a log line: its code and message, not the SQL (long, and in the run). */
function failure(e: FailureInfo | null | undefined) {
  return e
    ? {
        code: e.code,
        message: e.message,
        ...(e.errorClass ? { errorClass: e.errorClass } : {}),
        ...(e.warehouseCode ? { warehouseCode: e.warehouseCode } : {}),
        ...(e.queryId ? { queryId: e.queryId } : {}),
      }
    : undefined;
}

const LINEAGE_TYPE = {
  succeeded: 'COMPLETE',
  failed: 'FAIL',
  cancelled: 'ABORT',
  interrupted: 'FAIL',
} as const;

export function executorObserver(deps: RunObserverDeps): (event: ExecutorEvent) => void {
  const loggers = new Map<string, Logger>();
  const logFor = (runId: string, workflow: string) => {
    let l = loggers.get(runId);
    if (!l) loggers.set(runId, (l = runLogger(deps.logger, runId, workflow)));
    return l;
  };
  const emitLineage = (type: 'START' | 'COMPLETE' | 'FAIL' | 'ABORT', run: RunRecord) => {
    if (!deps.lineage || !deps.lineageOf) return;
    const ctx = deps.lineageOf(run);
    if (!ctx) return;
    deps.lineage.emit(
      lineageEvent(
        type,
        {
          runId: run.id,
          workflow: run.workflow,
          ...(run.version !== null ? { version: run.version } : {}),
          trigger: run.trigger,
          connection: { name: run.connection, type: ctx.connectionType },
        },
        ctx.datasets,
        type === 'FAIL' && run.error ? { error: `${run.error.code}: ${run.error.message}` } : {},
      ),
    );
  };

  return function onExecutorEvent(e) {
    try {
      switch (e.type) {
        case 'run.started': {
          logFor(e.run.id, e.run.workflow).info(
            {
              trigger: e.run.trigger,
              attempt: e.run.attempt,
              resumed: e.resumed,
              connection: e.run.connection,
            },
            e.resumed ? 'run resumed' : 'run started',
          );
          // A resumed run announced its START when it first started.
          if (!e.resumed) emitLineage('START', e.run);
          break;
        }
        case 'run.finished': {
          const status = e.run.status;
          const log = logFor(e.run.id, e.run.workflow);
          log[status === 'succeeded' ? 'info' : status === 'cancelled' ? 'warn' : 'error'](
            {
              status,
              durationMs: Math.round(e.durationMs),
              ...(e.run.error ? { error: failure(e.run.error) } : {}),
            },
            `run ${status}`,
          );
          deps.metrics.runFinished(status);
          const type = LINEAGE_TYPE[status as keyof typeof LINEAGE_TYPE];
          if (type) emitLineage(type, e.run);
          loggers.delete(e.run.id);
          break;
        }
        case 'run.released':
          logFor(e.runId, e.workflow).info('run handed back for the next start to resume');
          loggers.delete(e.runId);
          break;
        case 'step.started':
          stepLogger(logFor(e.runId, e.workflow), e.stepId).debug({ attempt: e.attempt }, 'step started');
          break;
        case 'step.succeeded':
          stepLogger(logFor(e.runId, e.workflow), e.stepId).info(
            { attempt: e.attempt, durationMs: Math.round(e.durationMs), rows: e.rows, bytes: e.bytes },
            'step succeeded',
          );
          deps.metrics.stepDuration(e.durationMs / 1000, 'succeeded');
          break;
        case 'step.retry':
          stepLogger(logFor(e.runId, e.workflow), e.stepId).warn(
            { attempt: e.attempt, delayMs: e.delayMs, error: failure(e.error) },
            'step failed with a transient error; retrying',
          );
          deps.metrics.retry();
          break;
        case 'step.failed':
          stepLogger(logFor(e.runId, e.workflow), e.stepId)[e.status === 'cancelled' ? 'warn' : 'error'](
            { attempt: e.attempt, durationMs: Math.round(e.durationMs), error: failure(e.error) },
            `step ${e.status}`,
          );
          deps.metrics.stepDuration(e.durationMs / 1000, e.status);
          break;
      }
    } catch (err) {
      deps.logger.warn({ reason: (err as Error).message, event: e.type }, 'cannot report an executor event');
    }
  };
}

/** Alert deliveries as log lines and `edgeflow_alerts_total`. */
export function notifierObserver(
  deps: Pick<RunObserverDeps, 'logger' | 'metrics'>,
): (e: NotifierEvent) => void {
  const log = deps.logger.child({ component: 'notify' });
  return function onNotifierEvent(e) {
    try {
      if (e.type === 'enqueued') {
        log.debug(
          { channel: e.channel, event: e.event, workflow: e.workflow, run: e.runId },
          'alert enqueued',
        );
        return;
      }
      const fields = {
        channel: e.channel,
        channelType: e.channelType,
        event: e.event,
        workflow: e.workflow,
        ...(e.runId ? { run: e.runId } : {}),
        attempt: e.attempt,
        ...(e.error ? { reason: e.error } : {}),
        ...(e.retryAt ? { retryAt: e.retryAt } : {}),
      };
      if (e.type === 'sent') log.info(fields, 'alert sent');
      else if (e.type === 'retry') log.warn(fields, 'alert not delivered; retrying');
      else log.error(fields, 'alert given up');
      deps.metrics.alert(e.channelType, e.event, e.type);
    } catch {
      // Never into the notifier.
    }
  };
}

export function schedulerObserver(
  deps: Pick<RunObserverDeps, 'logger' | 'metrics'>,
): (e: SchedulerEvent) => void {
  const log = deps.logger.child({ component: 'scheduler' });
  return function onSchedulerEvent(e) {
    try {
      switch (e.type) {
        case 'fired':
          log.info(
            {
              workflow: e.workflow,
              nominalAt: e.nominalAt,
              lagMs: e.lagMs,
              catchup: e.catchup,
              idempotencyKey: e.idempotencyKey,
            },
            e.catchup ? 'missed fire caught up' : 'fired',
          );
          // A caught-up fire is late by design; its delay is not the scheduler's lag.
          if (!e.catchup) deps.metrics.schedulerLag(e.lagMs / 1000);
          break;
        case 'skipped':
          log.info(
            { workflow: e.workflow, nominalAt: e.nominalAt, reason: e.reason },
            'fire skipped: the previous run is still active',
          );
          deps.metrics.skippedFire('overlap');
          break;
        case 'dropped':
          log.warn(
            { workflow: e.workflow, count: e.count, atLeast: e.atLeast, catchup: e.catchup },
            'missed fires not run (catch-up policy)',
          );
          deps.metrics.skippedFire('catchup', e.count);
          break;
        case 'failed':
          log.warn(
            {
              workflow: e.workflow,
              nominalAt: e.nominalAt,
              retryAt: e.retryAt,
              reason: (e.error as Error)?.message,
            },
            'cannot start the run of a fire; retrying',
          );
          break;
        case 'abandoned':
          log.error(
            { workflow: e.workflow, nominalAt: e.nominalAt },
            'fires given up: the next one came due',
          );
          break;
        case 'invalid':
          log.error(
            { workflow: e.workflow, reason: e.error.message },
            'schedule does not compile; it will not fire',
          );
          break;
        case 'store-error':
          log.error(
            { workflow: e.workflow, reason: (e.error as Error)?.message },
            'run store error in the scheduler',
          );
          break;
      }
    } catch {
      // Never into the scheduler.
    }
  };
}
