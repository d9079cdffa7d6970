/**
 * The run store (SQLite): see run-store.ts for the API and migrations/ for the schema.
 */
export { RunStore, type RunStoreOptions } from './run-store.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export { newRunId } from './ids.js';
export { dumpSchema, migrate, loadMigrations } from './migrate.js';
export type { NewRun, CreatedRun, ListRunsQuery, CancelEffect } from './runs.js';
export type { ScheduleInput, FireInput } from './schedules.js';
export type { SaveWorkflowInput, SavedWorkflow } from './workflows.js';
export type { NewToken } from './tokens.js';
export type { NewLog } from './logs.js';
export type { NewNotification } from './notifications.js';
export type { BuildingEntry } from './cache.js';
export * from './records.js';
