/**
 * The demo workflows: JSON files in examples/ (people read and copy them there), saved into the
 * run store and scheduled on first start, and run once by `edgeflow demo`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packagePath } from '../package-root.js';

/** In the order `edgeflow demo` runs them. */
export const DEMO_WORKFLOWS = [
  'daily_store_revenue',
  'top_customers_by_region',
  'monthly_refunds',
  // The spatial pack on the stores' and customers' coordinates.
  'store_customers_1km',
  'nearest_store',
  'orders_h3_density',
  'flagship_catchment_cells',
] as const;
export type DemoWorkflowName = (typeof DEMO_WORKFLOWS)[number];

export interface DemoWorkflow {
  name: DemoWorkflowName;
  file: string;
  document: Record<string, unknown> & {
    name: string;
    schedule?: { cron: string; timezone?: string; catchup?: 'none' | 'latest' | 'all'; maxCatchup?: number };
  };
}

const EXAMPLES = packagePath('examples');

export function loadDemoWorkflows(): DemoWorkflow[] {
  return DEMO_WORKFLOWS.map((name) => {
    const file = path.join(EXAMPLES, `${name}.json`);
    return {
      name,
      file,
      document: JSON.parse(readFileSync(file, 'utf8')) as DemoWorkflow['document'],
    };
  });
}

type MaybePromise<T> = T | Promise<T>;

/**
 * What installing needs from the run service (the names of daemon/service and the HTTP API's
 * RunsFace): save a version, list what is saved, schedule.
 */
export interface DemoWorkflowService {
  saveWorkflow(document: unknown): MaybePromise<{ name: string; version: number; created: boolean }>;
  listWorkflows(): MaybePromise<Array<{ name: string }>>;
  scheduleWorkflow(
    name: string,
    spec: { cron: string; timezone?: string; catchup?: 'none' | 'latest' | 'all'; maxCatchup?: number },
  ): MaybePromise<unknown>;
}

export interface InstalledWorkflow {
  name: string;
  /**
   * `saved`: a new version was saved and scheduled; `unchanged`: asked to replace, and the latest
   * version was already ours (scheduled again); `kept`: a workflow of that name was there.
   */
  status: 'saved' | 'unchanged' | 'kept';
  version?: number;
  schedule?: { cron: string; timezone: string };
}

/**
 * Saves and schedules the demo workflows that are not in the run store yet. A workflow of the same
 * name is left alone — someone may have edited it, or unscheduled it on purpose — unless
 * `replace` (a new version of ours is saved and scheduled again). One list call when all are there.
 */
export async function installDemoWorkflows(
  service: DemoWorkflowService,
  opts: { replace?: boolean } = {},
): Promise<InstalledWorkflow[]> {
  const existing = new Set((await service.listWorkflows()).map((w) => w.name));
  const out: InstalledWorkflow[] = [];
  for (const wf of loadDemoWorkflows()) {
    if (existing.has(wf.name) && !opts.replace) {
      out.push({ name: wf.name, status: 'kept' });
      continue;
    }
    const saved = await service.saveWorkflow(wf.document);
    const s = wf.document.schedule;
    if (s) await service.scheduleWorkflow(wf.name, s);
    out.push({
      name: wf.name,
      status: saved.created ? 'saved' : 'unchanged',
      version: saved.version,
      ...(s ? { schedule: { cron: s.cron, timezone: s.timezone ?? 'UTC' } } : {}),
    });
  }
  return out;
}
