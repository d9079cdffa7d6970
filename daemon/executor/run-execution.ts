/**
 * One run, executing: its plan's steps in dependency order, independent ones side by side within
 * the concurrency limits; transient failures retried after a backoff (the step waits in the store
 * as pending with a later run_at); a permanent failure stops the run at once (the other running
 * statements are cancelled in the warehouse); a cancel or a shutdown aborts the run's signal.
 *
 * The store is the record: every transition is written before the next thing happens, so a crash
 * at any point leaves a state recovery can resume from.
 */
import type { PlanStep, RunPlan } from '../../compiler/planner/plan.js';
import type { Connector } from '../../connectors/connector.js';
import type { FailureInfo, LogLevel, RunRecord, RunStore, StepRecord } from '../store/index.js';
import { backoffDelay, type Clock, type RetrySettings } from './clock.js';
import type { ExecutorEvent } from './events.js';
import { failureInfo } from './failure.js';
import { supportsLedger, type Ledgers } from './ledger.js';
import type { ConcurrencyLimits } from './limits.js';
import { dropStaging, stagingTables } from './staging.js';
import type { StepCache } from './step-cache.js';
import { runStep, StepFailure } from './step-runner.js';

export interface ConnectionSettings {
  /** Where run-scoped tables and the append ledger go (default edgeflow_staging). */
  stagingSchema?: string;
  /** Per-statement timeout (the connection's statementTimeout). */
  statementTimeoutMs?: number;
}

/** What a run execution needs from its executor. */
export interface ExecutionContext {
  store: RunStore;
  owner: string;
  clock: Clock;
  random: () => number;
  retry: RetrySettings;
  limits: ConcurrencyLimits;
  ledgers: Ledgers;
  connector(name: string): Promise<Connector>;
  settings(name: string): ConnectionSettings;
  /** A shutdown was asked for: start no new step. */
  draining(): boolean;
  /**
   * Compiles and stores the plan of a run created without one (a scheduled fire); throws what
   * keeps it from compiling (the run fails with it).
   */
  preparePlan?(run: RunRecord): Promise<void>;
  /** Reuse of unchanged results (daemon/cache); without it every step runs. */
  cache?: StepCache;
  emit(e: ExecutorEvent): void;
}

type Halt =
  | { kind: 'cancel' }
  | { kind: 'fail'; error: FailureInfo }
  | { kind: 'shutdown' }
  | { kind: 'lost'; to: string | null };

export class RunExecution {
  private readonly controller = new AbortController();
  private halted: Halt | undefined;
  private nudge: () => void = () => undefined;
  /** The run as it ended (undefined: handed back by a shutdown, or taken by someone else). */
  readonly done: Promise<RunRecord | undefined>;

  constructor(
    private readonly ctx: ExecutionContext,
    readonly run: RunRecord,
    resumed: boolean,
  ) {
    this.done = this.execute(resumed);
  }

  /** Stop the run: running statements are cancelled in the warehouse; the run ends cancelled. */
  cancel(): void {
    this.halt({ kind: 'cancel' });
  }

  /** Stop now for a shutdown: running statements are cancelled; the run is handed back, to resume. */
  abortForShutdown(): void {
    this.halt({ kind: 'shutdown' });
  }

  /**
   * Another executor took the run over (this one's lease expired): its statements are cancelled
   * here and nothing more is written; the new owner resumes it.
   */
  lost(to: string | null): void {
    this.halt({ kind: 'lost', to });
  }

  /** Look again at what to do (a shutdown began). */
  poke(): void {
    this.nudge();
  }

  private halt(h: Halt): void {
    this.halted ??= h;
    this.controller.abort(h);
    this.nudge();
  }

  private log(level: LogLevel, message: string, stepId?: string, data?: unknown): void {
    this.ctx.store.appendLog({
      runId: this.run.id,
      level,
      message,
      ...(stepId ? { stepId } : {}),
      ...(data !== undefined ? { data } : {}),
    });
  }

  private async execute(resumed: boolean): Promise<RunRecord | undefined> {
    const { store, clock } = this.ctx;
    const t0 = clock.now();
    let plan = store.getRunPlan(this.run.id);
    if (!plan && this.ctx.preparePlan) {
      try {
        await this.ctx.preparePlan(this.run);
      } catch (e) {
        const err = e as Error & { code?: string; details?: { hint?: string } };
        return this.finish(
          'failed',
          {
            code: typeof err.code === 'string' ? err.code : 'INVALID_WORKFLOW',
            message: err.message,
            ...(err.details?.hint ? { hint: err.details.hint } : {}),
          },
          t0,
        );
      }
      plan = store.getRunPlan(this.run.id);
    }
    if (!plan) return this.finish('failed', { code: 'INTERNAL', message: 'the run has no stored plan' }, t0);
    this.ctx.emit({ type: 'run.started', run: this.run, resumed });
    this.log(
      'info',
      resumed ? 'resumed from its last finished step' : `started on connection ${this.run.connection}`,
    );
    let connector: Connector;
    try {
      connector = await this.ctx.connector(this.run.connection);
    } catch (e) {
      return this.finish(
        'failed',
        { code: 'CONNECTION_UNAVAILABLE', message: (e as Error).message, errorClass: 'transient' },
        t0,
      );
    }

    if (this.ctx.cache) {
      try {
        plan = await this.ctx.cache.preparePlan(this.run, plan, connector, this.controller.signal);
      } catch (e) {
        // Only the run store can fail here (the cache answers "run it" to a warehouse error).
        return this.finish(
          'failed',
          { code: 'STATE_ERROR', message: `the run store failed: ${(e as Error).message}` },
          t0,
        );
      }
    }
    const steps = new Map(store.listSteps(this.run.id).map((s) => [s.stepId, s]));
    const inflight = new Map<string, Promise<void>>();
    for (;;) {
      if (this.halted) break;
      const now = clock.now();
      let pending = false;
      let nextDue = Number.POSITIVE_INFINITY;
      for (const step of plan.steps) {
        const rec = steps.get(step.id);
        if (!rec || rec.status !== 'pending' || inflight.has(step.id)) continue;
        pending = true;
        if (!step.dependsOn.every((d) => steps.get(d)?.status === 'succeeded')) continue;
        const due = Date.parse(rec.runAt);
        if (due > now) {
          nextDue = Math.min(nextDue, due);
          continue;
        }
        if (this.ctx.draining()) continue;
        inflight.set(
          step.id,
          this.runOne(step, connector, steps)
            // The run store failed under a step (a disk error, a lock held past busy_timeout): the
            // run stops here; what the store recorded stays for recovery to resume from.
            .catch((e: unknown) =>
              this.halt({
                kind: 'fail',
                error: { code: 'STATE_ERROR', message: `the run store failed: ${(e as Error).message}` },
              }),
            )
            .finally(() => {
              inflight.delete(step.id);
              this.nudge();
            }),
        );
      }
      if (inflight.size === 0) {
        if (!pending || this.ctx.draining()) break;
        if (nextDue === Number.POSITIVE_INFINITY) {
          // Pending steps whose dependencies will never succeed: cannot happen while a failure
          // halts the run, but a run must never hang on it.
          this.halt({
            kind: 'fail',
            error: { code: 'INTERNAL', message: 'steps are waiting on dependencies that did not succeed' },
          });
          break;
        }
      }
      await this.waitForNudge(Number.isFinite(nextDue) ? nextDue - now : undefined);
    }
    await Promise.allSettled(inflight.values());
    return this.conclude(plan, connector, steps, t0);
  }

  /** Until a step ends, the run is halted or poked, or `ms` pass (on the executor's clock). */
  private async waitForNudge(ms: number | undefined): Promise<void> {
    const stop = new AbortController();
    const nudged = new Promise<void>((resolve) => (this.nudge = resolve));
    const waits: Array<Promise<unknown>> = [nudged];
    if (ms !== undefined && Number.isFinite(ms))
      waits.push(this.ctx.clock.sleep(Math.max(0, ms), stop.signal).catch(() => undefined));
    await Promise.race(waits);
    stop.abort();
    this.nudge = () => undefined;
  }

  private async runOne(step: PlanStep, connector: Connector, steps: Map<string, StepRecord>): Promise<void> {
    const { store, clock } = this.ctx;
    let release: () => void;
    try {
      release = await this.ctx.limits.acquire(this.run.connection, this.controller.signal);
    } catch {
      return; // halted while waiting for a slot: the step never started
    }
    try {
      if (this.halted || this.ctx.draining()) return;
      // Only while this executor still holds the run (another daemon may have taken it over).
      const claimed = store.claimStep(this.run.id, step.id, this.ctx.owner);
      if (!claimed) {
        // Not claimable (its run_at is later by the store's clock): read it back and wait.
        const fresh = store.getStep(this.run.id, step.id);
        if (fresh) steps.set(step.id, fresh);
        // Or the run is no longer ours: stop here, writing nothing.
        const owner = store.getRun(this.run.id)?.owner;
        if (owner !== this.ctx.owner) this.lost(owner ?? null);
        return;
      }
      steps.set(step.id, claimed);
      const attempt = claimed.attempts;
      const workflow = this.run.workflow;
      this.ctx.emit({ type: 'step.started', runId: this.run.id, workflow, stepId: step.id, attempt });
      const t0 = clock.now();
      if (await this.reused(step, claimed, connector, steps, t0)) return;
      this.log('info', `started (attempt ${attempt} of ${claimed.maxAttempts}): ${step.purpose}`, step.id);
      const settings = this.ctx.settings(this.run.connection);
      let out: Awaited<ReturnType<typeof runStep>>;
      try {
        out = await runStep(step, {
          connector,
          label: { workflow, run: this.run.id, step: step.id, origin: this.run.trigger },
          ledgerRun: this.run.rootId,
          stagingSchema: settings.stagingSchema ?? 'edgeflow_staging',
          ...(settings.statementTimeoutMs !== undefined ? { timeoutMs: settings.statementTimeoutMs } : {}),
          signal: this.controller.signal,
          // Synchronous, before the statement is awaited: a crash or a cancel can reach it.
          onQueryId: (id) => void store.setStepQueryId(this.run.id, step.id, id),
          ledgers: this.ctx.ledgers,
        });
      } catch (e) {
        this.failed(step, claimed, e, connector, steps, clock.now() - t0);
        return;
      }
      // Outside the statement's try: a store failure here is not the warehouse's (see execute).
      store.finishStep(this.run.id, step.id, { rows: out.rows, bytes: out.bytes });
      if (this.ctx.cache)
        await this.ctx.cache
          .built(this.run, step, connector, { rows: out.rows, bytes: out.bytes })
          .catch((e: unknown) =>
            this.log('warn', `its result could not be kept for reuse: ${(e as Error).message}`, step.id),
          );
      steps.set(step.id, { ...claimed, status: 'succeeded', rows: out.rows, bytes: out.bytes });
      const durationMs = clock.now() - t0;
      this.log(
        'info',
        out.alreadyAppended
          ? `already appended by an earlier attempt (found in the ledger): not appended again`
          : `succeeded in ${durationMs} ms${out.rows !== null ? `, ${out.rows} rows` : ''}`,
        step.id,
      );
      this.ctx.emit({
        type: 'step.succeeded',
        runId: this.run.id,
        workflow,
        stepId: step.id,
        attempt,
        durationMs,
        rows: out.rows,
        bytes: out.bytes,
      });
    } finally {
      release();
    }
  }

  /**
   * A step whose result an earlier run made from the same SQL, parameters and source versions:
   * recorded as succeeded with that run's id, and no statement runs. Otherwise the cache is told
   * the step is about to make its result (false: run it).
   */
  private async reused(
    step: PlanStep,
    claimed: StepRecord,
    connector: Connector,
    steps: Map<string, StepRecord>,
    t0: number,
  ): Promise<boolean> {
    const cache = this.ctx.cache;
    if (!cache || (step.kind !== 'materialize' && step.kind !== 'write')) return false;
    const signal = this.controller.signal;
    const hit = await cache.reusable(this.run, step, connector, signal).catch(() => undefined);
    if (!hit || this.halted) {
      await cache.building(this.run, step, signal).catch(() => undefined);
      return false;
    }
    if (!this.ctx.store.reuseStep(this.run.id, step.id, hit.from, hit.rows)) return false;
    steps.set(step.id, { ...claimed, status: 'succeeded', rows: hit.rows, reusedFrom: hit.from });
    this.log(
      'info',
      `reused from run ${hit.from}: its SQL, parameters and source tables are unchanged, so no statement ran${hit.rows !== null ? ` (${hit.rows} rows)` : ''}`,
      step.id,
      { reusedFrom: hit.from },
    );
    this.ctx.emit({
      type: 'step.succeeded',
      runId: this.run.id,
      workflow: this.run.workflow,
      stepId: step.id,
      attempt: claimed.attempts,
      durationMs: this.ctx.clock.now() - t0,
      rows: hit.rows,
      bytes: null,
      reusedFrom: hit.from,
    });
    return true;
  }

  private failed(
    step: PlanStep,
    claimed: StepRecord,
    e: unknown,
    connector: Connector,
    steps: Map<string, StepRecord>,
    durationMs: number,
  ): void {
    const { store, clock } = this.ctx;
    const f = e instanceof StepFailure ? e : new StepFailure(e, undefined);
    const halted = this.halted;
    // Whatever a statement reports after the run was stopped is the stop's doing.
    const errorClass = halted ? 'cancelled' : connector.classify(f.error);
    const info = failureInfo(f.error, errorClass, { step: step.id, ...(f.sql ? { sql: f.sql } : {}) });
    const workflow = this.run.workflow;
    if (halted?.kind === 'lost') return; // the new owner has the step
    if (halted?.kind === 'shutdown') {
      // Left running in the store: the shutdown puts it back to pending for the next start.
      this.log('warn', 'stopped by a shutdown; it runs again when the run resumes', step.id);
      return;
    }
    if (
      errorClass === 'transient' &&
      !halted &&
      claimed.attempts < claimed.maxAttempts &&
      retryable(step, connector)
    ) {
      const delayMs = backoffDelay(claimed.attempts, this.ctx.retry, this.ctx.random);
      const runAt = new Date(clock.now() + delayMs).toISOString();
      if (store.retryStep(this.run.id, step.id, runAt, info)) {
        steps.set(step.id, { ...claimed, status: 'pending', runAt, lastError: info });
        this.log('warn', `transient failure, retrying in ${delayMs} ms: ${info.message}`, step.id, info);
        this.ctx.emit({
          type: 'step.retry',
          runId: this.run.id,
          workflow,
          stepId: step.id,
          attempt: claimed.attempts,
          delayMs,
          error: info,
        });
        return;
      }
    }
    const status = halted ? 'cancelled' : 'failed';
    store.failStep(this.run.id, step.id, status, info);
    steps.set(step.id, { ...claimed, status, lastError: info });
    this.log(status === 'failed' ? 'error' : 'warn', `${status}: ${info.message}`, step.id, info);
    this.ctx.emit({
      type: 'step.failed',
      runId: this.run.id,
      workflow,
      stepId: step.id,
      attempt: claimed.attempts,
      durationMs,
      status,
      error: info,
    });
    if (!halted) {
      const why =
        errorClass === 'transient'
          ? `failed after ${claimed.attempts} attempt${claimed.attempts === 1 ? '' : 's'}`
          : 'failed';
      this.halt({
        kind: 'fail',
        error: { ...info, message: `step ${step.id} ${why}: ${info.message}` },
      });
    }
  }

  private async conclude(
    plan: RunPlan,
    connector: Connector,
    steps: Map<string, StepRecord>,
    t0: number,
  ): Promise<RunRecord | undefined> {
    const { store } = this.ctx;
    const halted = this.halted;
    if (halted?.kind === 'lost') return undefined; // taken over: the new owner finishes it
    const unfinished = [...steps.values()].some((s) => s.status === 'pending' || s.status === 'running');
    if (halted?.kind === 'shutdown' || (!halted && unfinished)) {
      store.resetRunningSteps(this.run.id, {
        code: 'SHUTDOWN',
        message: 'the daemon shut down while this step ran; it runs again when the run resumes',
      });
      if (store.releaseRun(this.run.id, this.ctx.owner)) {
        this.log('warn', 'handed back by a shutdown: the next start resumes it from its last finished step');
        this.ctx.emit({ type: 'run.released', runId: this.run.id, workflow: this.run.workflow });
      }
      return undefined;
    }
    if (!halted) {
      const run = this.finish('succeeded', null, t0);
      // The plan's cleanup step dropped the staging tables (it runs after every write).
      if (stagingTables(plan).length === 0 || steps.get('cleanup')?.status === 'succeeded')
        store.markStagingDropped(this.run.id);
      return run;
    }
    const run =
      halted.kind === 'cancel'
        ? this.finish('cancelled', { code: 'CANCELLED', message: 'cancelled on request' }, t0)
        : this.finish('failed', halted.error, t0);
    await this.cleanUp(plan, connector);
    return run;
  }

  /** Drops the staging tables of a run that did not succeed (its own cleanup step never ran). */
  private async cleanUp(plan: RunPlan, connector: Connector): Promise<void> {
    if (stagingTables(plan).length === 0) {
      this.ctx.store.markStagingDropped(this.run.id);
      return;
    }
    const failures = await dropStaging(connector, plan, { workflow: this.run.workflow, run: this.run.id });
    if (failures.length === 0) {
      this.ctx.store.markStagingDropped(this.run.id);
      this.log('info', `dropped its staging tables: ${stagingTables(plan).join(', ')}`);
    } else
      this.log('warn', 'could not drop some staging tables; the next start tries again', undefined, failures);
  }

  private finish(
    status: 'succeeded' | 'failed' | 'cancelled',
    error: FailureInfo | null,
    t0: number,
  ): RunRecord | undefined {
    const run = this.ctx.store.finishRun(this.run.id, this.ctx.owner, status, error);
    if (!run) return undefined;
    this.log(
      status === 'succeeded' ? 'info' : status === 'failed' ? 'error' : 'warn',
      `run ${status}`,
      undefined,
      error ?? undefined,
    );
    this.ctx.emit({ type: 'run.finished', run, durationMs: this.ctx.clock.now() - t0 });
    return run;
  }
}

/**
 * An append whose statements may have committed cannot simply run again: only with the ledger
 * (which tells whether it did) is a retry safe. Elsewhere a transient failure of an append fails it.
 */
function retryable(step: PlanStep, connector: Connector): boolean {
  return step.target?.mode !== 'append' || supportsLedger(connector);
}
