/**
 * A run's staging tables: every table its plan's steps create (`step.creates`, run-scoped names).
 * Dropped when a run fails or is cancelled, and by recovery for finished runs that still have
 * them (a crash between the end of a run and its cleanup).
 */
import type { RunPlan } from '../../compiler/planner/plan.js';
import type { Connector } from '../../connectors/connector.js';

export function stagingTables(plan: RunPlan): string[] {
  return [...new Set(plan.steps.flatMap((s) => s.creates))];
}

/** Drops each (IF EXISTS); returns the failures, so the caller keeps the run marked for a later try. */
export async function dropStaging(
  connector: Connector,
  plan: RunPlan,
  label: { workflow: string; run: string },
): Promise<Array<{ table: string; message: string }>> {
  const failures: Array<{ table: string; message: string }> = [];
  for (const table of stagingTables(plan)) {
    try {
      // `creates` holds the table as the dialect writes it (quoted where needed).
      await connector.execute(`DROP TABLE IF EXISTS ${table}`, {
        label: { ...label, step: 'cleanup', origin: 'run' },
      });
    } catch (e) {
      failures.push({ table, message: (e as Error).message });
    }
  }
  return failures;
}
