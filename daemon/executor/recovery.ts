/**
 * Crash recovery. A run left `running` by an executor that is gone is taken over (compare-and-set
 * on its owner, so two recovering processes never both take it), every step it left running is
 * put back to pending after its statement is cancelled in the warehouse, and the run is resumed
 * from its last finished step. Steps are safe to run again: staging names are run-scoped, outputs
 * are replaced atomically (CREATE OR REPLACE, or a swap in one transaction), appends go through the
 * ledger. A run that cannot resume is marked `interrupted`, and the run service may start one new
 * attempt of it. Finished runs' leftover staging tables are dropped.
 */
import type { Connector } from '../../connectors/connector.js';
import type { RunRecord, RunStore } from '../store/index.js';
import { supportsLedger } from './ledger.js';
import { ownerGone } from './owner.js';
import { dropStaging, stagingTables } from './staging.js';

export interface InterruptedRun {
  run: RunRecord;
  /** A new attempt cannot do harm (false: an append may have committed without a ledger to say so). */
  retryable: boolean;
}

export interface RecoveryReport {
  /** Runs taken over and resumed. */
  resumed: string[];
  interrupted: InterruptedRun[];
  /** Finished runs whose staging tables were dropped now. */
  stagingDropped: string[];
}

export interface RecoveryContext {
  store: RunStore;
  owner: string;
  now: number;
  staleAfterMs: number;
  isAlive?: (pid: number) => boolean;
  /** Whether this executor already runs it. */
  held(id: string): boolean;
  connector(name: string): Promise<Connector>;
  resume(run: RunRecord): void;
  interrupted(r: InterruptedRun): void;
}

export async function recoverRuns(ctx: RecoveryContext): Promise<RecoveryReport> {
  const { store } = ctx;
  const report: RecoveryReport = { resumed: [], interrupted: [], stagingDropped: [] };
  for (const run of store.runningRuns()) {
    if (ctx.held(run.id) || !run.owner) continue;
    const gone = ownerGone(run.owner, run.heartbeatAt, {
      self: ctx.owner,
      now: ctx.now,
      staleAfterMs: ctx.staleAfterMs,
      ...(ctx.isAlive ? { isAlive: ctx.isAlive } : {}),
    });
    // A lease that expired is taken only if no heartbeat renewed it since it was read.
    const expiredBefore = gone === 'expired' ? new Date(ctx.now - ctx.staleAfterMs).toISOString() : undefined;
    if (!gone || !store.takeOverRun(run.id, run.owner, ctx.owner, expiredBefore)) continue;
    const log = (level: 'info' | 'warn' | 'error', message: string, stepId?: string) =>
      store.appendLog({ runId: run.id, level, message, ...(stepId ? { stepId } : {}) });
    log('warn', `the executor running this run (${run.owner}) stopped without finishing it; recovering`);
    const interrupt = (message: string, retryable: boolean, code = 'INTERRUPTED') => {
      const finished = store.finishRun(run.id, ctx.owner, 'interrupted', { code, message });
      if (!finished) return;
      log('error', `interrupted: ${message}`);
      const r = { run: finished, retryable };
      report.interrupted.push(r);
      ctx.interrupted(r);
    };
    const plan = store.getRunPlan(run.id);
    if (!plan) {
      // Never compiled (a scheduled run that stopped while it compiled): no statement ran, so it
      // starts over, compiling first.
      const again = store.getRun(run.id);
      if (again) {
        report.resumed.push(run.id);
        ctx.resume(again);
      }
      continue;
    }
    const reset = store.resetRunningSteps(run.id, {
      code: 'INTERRUPTED',
      message: 'the executor stopped while this step ran; it runs again',
    });
    let connector: Connector;
    try {
      connector = await ctx.connector(run.connection);
    } catch (e) {
      interrupt(
        `connection "${run.connection}" is not available: ${(e as Error).message}`,
        true,
        'CONNECTION_UNAVAILABLE',
      );
      continue;
    }
    for (const s of reset) {
      if (!s.queryId) continue;
      // The statement may still run in the warehouse (a PostgreSQL backend does not notice its
      // client died until it writes): stop it before the step runs again.
      try {
        await connector.cancel(s.queryId);
        log('info', `cancelled the statement ${s.queryId} it left running`, s.stepId);
      } catch (e) {
        log(
          'warn',
          `could not cancel the statement ${s.queryId} it left running: ${(e as Error).message}`,
          s.stepId,
        );
      }
    }
    const unsafe = reset
      .map((s) => plan.steps.find((p) => p.id === s.stepId))
      .find((step) => step?.target?.mode === 'append' && !supportsLedger(connector));
    if (unsafe) {
      interrupt(
        `the append to ${unsafe.target!.table} was running when the executor stopped, and ${connector.type} has no ledger transaction to tell whether it committed; check the table, then run the workflow again if the rows are missing`,
        false,
      );
      continue;
    }
    const resumed = store.getRun(run.id);
    if (!resumed) continue;
    report.resumed.push(run.id);
    ctx.resume(resumed);
  }

  for (const r of store.runsWithStagingLeft()) {
    if (ctx.held(r.id)) continue;
    const plan = store.getRunPlan(r.id);
    if (!plan || stagingTables(plan).length === 0) {
      store.markStagingDropped(r.id);
      continue;
    }
    try {
      const connector = await ctx.connector(r.connection);
      const run = store.getRun(r.id);
      const failures = await dropStaging(connector, plan, {
        workflow: run?.workflow ?? plan.workflow,
        run: r.id,
      });
      if (failures.length === 0) {
        store.markStagingDropped(r.id);
        report.stagingDropped.push(r.id);
        store.appendLog({
          runId: r.id,
          level: 'info',
          message: 'recovery dropped the staging tables it left',
        });
      }
    } catch {
      // The connection is not reachable now: the next start tries again.
    }
  }
  return report;
}
