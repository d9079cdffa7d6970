/**
 * The run store seen as the scheduler's `ScheduleStore`. The record shapes already match
 * (`ScheduleRecord`, `FireInput`); this maps the method names and answers "is a run of this
 * workflow queued or running".
 */
import type { RunStore } from '../store/index.js';
import type { ScheduleStore } from './schedule-store.js';

export function runStoreSchedules(store: RunStore): ScheduleStore {
  return {
    listEnabledSchedules: () => store.listSchedules({ enabled: true }),
    getSchedule: (workflow) => store.getSchedule(workflow),
    recordFire: (workflow, fire) => store.recordScheduleFire(workflow, fire),
    setNextFire: (workflow, nextFireAt) => store.setScheduleNextFire(workflow, nextFireAt),
    hasActiveRun: (workflow) => store.hasActiveRun(workflow),
  };
}
