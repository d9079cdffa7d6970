/**
 * The demo: a generated retail warehouse in the embedded DuckDB and the workflows that show it off.
 * `serve` calls `ensureDemo` (in a child) and `installDemoWorkflows` on the start of the zero-config
 * default, or with `--demo`, never otherwise; `edgeflow demo` does both and runs each workflow once.
 */
export {
  DEMO_CUSTOMERS,
  DEMO_ORDERS,
  DEMO_SEED,
  DEMO_TABLES,
  DEMO_VERSION,
  demoChecksumSql,
  type DemoSize,
} from './dataset.js';
export {
  demoState,
  ensureDemo,
  hasDemo,
  seedDemo,
  type DemoProgress,
  type DemoState,
  type DemoTableCount,
  type EnsureDemoOptions,
  type EnsureDemoResult,
} from './seed.js';
export { terminalProgress, type ProgressStream } from './progress.js';
export {
  DEMO_WORKFLOWS,
  installDemoWorkflows,
  loadDemoWorkflows,
  type DemoWorkflow,
  type DemoWorkflowService,
  type InstalledWorkflow,
} from './workflows.js';
