/** The executor: see executor.ts. */
export { Executor, type ExecutorOptions } from './executor.js';
export { systemClock, backoffDelay, type Clock, type RetrySettings } from './clock.js';
export type { ExecutorEvent, ExecutorListener } from './events.js';
export type { LimitSettings } from './limits.js';
export type { InterruptedRun, RecoveryReport } from './recovery.js';
export type { ConnectionSettings } from './run-execution.js';
export type { StepCache } from './step-cache.js';
export { LEDGER_TABLE, ledgerSql } from './ledger.js';
