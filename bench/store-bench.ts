/**
 * Run-store throughput: step transitions per second on a file-backed WAL database, the way the
 * executor drives it — claim (pending → running), record the query id, finish (running →
 * succeeded), each its own autocommitted statement. Goal: ≥ 5,000 transitions/s.
 *
 *   npx tsx -e "import('./bench/store-bench.ts').then(async m => console.log(await m.runStoreBench()))"
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunPlan } from '../compiler/planner/plan.js';
import { RunStore } from '../daemon/store/index.js';

export interface StoreBenchResult {
  /** Step transitions (claim, query id, finish) per second. */
  transitionsPerSecond: number;
  /** Whole claim → query id → finish cycles per second. */
  stepCyclesPerSecond: number;
  steps: number;
  seconds: number;
  goal: number;
  met: boolean;
}

export async function runStoreBench(
  opts: { runs?: number; stepsPerRun?: number; log?: (line: string) => void } = {},
): Promise<StoreBenchResult> {
  const runs = opts.runs ?? 200;
  const stepsPerRun = opts.stepsPerRun ?? 20;
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-store-bench-'));
  const store = RunStore.open(path.join(dir, 'state.db'));
  try {
    const plan: RunPlan = {
      workflow: 'bench',
      dialect: 'duckdb',
      runId: 'bench',
      steps: Array.from({ length: stepsPerRun }, (_, i) => ({
        id: `step_${i}`,
        kind: 'materialize' as const,
        purpose: 'bench',
        nodes: [],
        dependsOn: [],
        statements: ['SELECT 1'],
        transactional: false,
        creates: [],
      })),
    };
    store.saveWorkflowVersion({ name: 'bench', hash: 'h', document: {} });
    const ids: string[] = [];
    for (let r = 0; r < runs; r++)
      ids.push(
        store.createRun({
          workflow: 'bench',
          version: 1,
          trigger: 'api',
          connection: 'local',
          dialect: 'duckdb',
          plan,
          owner: 'bench',
        }).run.id,
      );
    const start = process.hrtime.bigint();
    for (const id of ids)
      for (const s of plan.steps) {
        store.claimStep(id, s.id);
        store.setStepQueryId(id, s.id, `q-${id}-${s.id}`);
        store.finishStep(id, s.id, { rows: 1, bytes: 8 });
      }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const steps = runs * stepsPerRun;
    const result = {
      transitionsPerSecond: Math.round((steps * 3) / seconds),
      stepCyclesPerSecond: Math.round(steps / seconds),
      steps,
      seconds: Math.round(seconds * 1000) / 1000,
      goal: 5000,
      met: (steps * 3) / seconds >= 5000,
    };
    opts.log?.(
      `  ${result.transitionsPerSecond.toLocaleString('en-US')} step transitions/s (${result.stepCyclesPerSecond.toLocaleString('en-US')} claim→query id→finish cycles/s, ${steps} steps, file-backed WAL)`,
    );
    return result;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
