/**
 * What the executor asks of the result cache (daemon/cache) as it runs a run that reuses unchanged
 * results. The executor knows nothing of keys or versions: it asks whether a step's result can be
 * taken from an earlier run (then no statement runs), and says when a step starts and finishes so
 * its result is kept. None of these may fail a run: a cache that cannot answer means "run it".
 */
import type { PlanStep, RunPlan } from '../../compiler/planner/plan.js';
import type { Connector } from '../../connectors/connector.js';
import type { RunRecord } from '../store/index.js';

export interface StepCache {
  /**
   * A run's plan as it runs: for a cached run's first start, its kept results named by key (stored
   * with the run, so a resume runs the same SQL); otherwise the plan as it is.
   */
  preparePlan(run: RunRecord, plan: RunPlan, connector: Connector, signal: AbortSignal): Promise<RunPlan>;
  /** The earlier run whose result this step can take, with its row count; undefined: run it. */
  reusable(
    run: RunRecord,
    step: PlanStep,
    connector: Connector,
    signal: AbortSignal,
  ): Promise<{ from: string; rows: number | null } | undefined>;
  /** The step is about to run and make its result. */
  building(run: RunRecord, step: PlanStep, signal: AbortSignal): Promise<void>;
  /** The step succeeded: its result may be reused from now on. */
  built(
    run: RunRecord,
    step: PlanStep,
    connector: Connector,
    outcome: { rows: number | null; bytes: number | null },
  ): Promise<void>;
}
