export { systemClock, type Clock, type SystemClockOptions, type TimerHandle } from './clock.js';
export { FakeClock } from './fake-clock.js';
export {
  DEFAULT_ON_TIME_MS,
  firesToRun,
  firstFireAfter,
  firstUnhandledFire,
  idempotencyKey,
  nextFires,
  type FiresToRun,
  type FiresToRunInput,
} from './fires.js';
export { LAG_BUCKETS_MS, LagHistogram } from './lag-histogram.js';
export { MemoryScheduleStore, type MemoryRun } from './memory-store.js';
export { runStoreSchedules } from './run-store-schedules.js';
export {
  compileSchedule,
  DEFAULT_CATCHUP,
  DEFAULT_MAX_CATCHUP,
  DEFAULT_TIMEZONE,
  ScheduleError,
  validateTimeZone,
  type CatchupPolicy,
  type CompiledSchedule,
} from './schedule-spec.js';
export type {
  FireRecord,
  MaybePromise,
  ScheduledRunRequest,
  ScheduleStore,
  StartScheduledRun,
  StoredSchedule,
} from './schedule-store.js';
export {
  Scheduler,
  SchedulerMetrics,
  type OverlapPolicy,
  type SchedulerEvent,
  type SchedulerOptions,
} from './scheduler.js';
