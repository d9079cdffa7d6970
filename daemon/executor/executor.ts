/**
 * The executor: runs stored runs' plans on their connections. In the daemon it claims queued runs
 * from the store (`start`), resumes what a crashed executor left (`recover`), heartbeats the runs
 * it holds and notices cancels asked for by other processes; `edgeflow run` uses the same code for
 * one run in the foreground (`execute`). `shutdown` stops claiming, lets running steps finish
 * within a grace period, cancels the rest and hands their runs back for the next start.
 *
 * The store and the executor must share one clock (RunStore.open({ now: clock.now })).
 */
import type { Connector } from '../../connectors/connector.js';
import type { RunRecord, RunStore } from '../store/index.js';
import { systemClock, type Clock, type RetrySettings } from './clock.js';
import type { ExecutorEvent, ExecutorListener } from './events.js';
import { Ledgers } from './ledger.js';
import { ConcurrencyLimits, type LimitSettings } from './limits.js';
import { newOwnerId } from './owner.js';
import { recoverRuns, type InterruptedRun, type RecoveryReport } from './recovery.js';
import type { StepCache } from './step-cache.js';
import { RunExecution, type ConnectionSettings, type ExecutionContext } from './run-execution.js';

export interface ExecutorOptions {
  store: RunStore;
  /** The open connector of a connection (the service's ConnectorPool.get). */
  connector: (name: string) => Promise<Connector>;
  /** A connection's staging schema and statement timeout. */
  connectionSettings?: (name: string) => ConnectionSettings;
  /** Steps at once: per connection (default 4) and in the process (default 8). */
  limits?: LimitSettings;
  /** Backoff between attempts of a step (tries per step are set when a run is created). */
  retry?: RetrySettings;
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** This executor's id in the store (default host:pid:nonce). */
  owner?: string;
  /** How often to claim queued runs, heartbeat, and look for cancels (default 1 s). */
  pollIntervalMs?: number;
  /** A running run whose owner's heartbeat is older is taken over by recovery (default 60 s). */
  staleAfterMs?: number;
  /** How long a shutdown lets running steps finish before cancelling them (default 30 s). */
  gracePeriodMs?: number;
  /** Runs executing at once here (default: the global step limit). */
  maxRuns?: number;
  onEvent?: ExecutorListener;
  /** Compiles a run created without a plan (a scheduled fire) when it starts. */
  preparePlan?: (run: RunRecord) => Promise<void>;
  /** Reuse of unchanged results (daemon/cache). */
  cache?: StepCache;
  /** Recovery found a run it cannot resume; the run service decides on a new attempt. */
  onInterrupted?: (run: InterruptedRun) => void;
  /** For tests: whether a pid on this host is alive. */
  isProcessAlive?: (pid: number) => boolean;
}

export class Executor {
  readonly owner: string;
  private readonly store: RunStore;
  private readonly clock: Clock;
  private readonly limits: ConcurrencyLimits;
  private readonly ctx: ExecutionContext;
  private readonly executions = new Map<string, RunExecution>();
  private started = false;
  private draining = false;
  private ticker: NodeJS.Timeout | undefined;
  private lastRecovery = 0;

  constructor(private readonly opts: ExecutorOptions) {
    this.owner = opts.owner ?? newOwnerId();
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.limits = new ConcurrencyLimits(opts.limits);
    const listener = opts.onEvent;
    this.ctx = {
      store: opts.store,
      owner: this.owner,
      clock: this.clock,
      random: opts.random ?? Math.random,
      retry: opts.retry ?? {},
      limits: this.limits,
      ledgers: new Ledgers(),
      connector: opts.connector,
      settings: (name) => opts.connectionSettings?.(name) ?? {},
      draining: () => this.draining,
      ...(opts.preparePlan ? { preparePlan: opts.preparePlan } : {}),
      ...(opts.cache ? { cache: opts.cache } : {}),
      emit: (e: ExecutorEvent) => {
        try {
          listener?.(e);
        } catch {
          // A listener's failure (metrics, logs) must not fail a run.
        }
      },
    };
  }

  /** Runs executing here now. */
  get activeRuns(): number {
    return this.executions.size;
  }

  /** The daemon's start: recover what a crashed executor left, then claim queued runs as they come. */
  async start(): Promise<RecoveryReport> {
    this.started = true;
    const report = await this.recover();
    this.ensureTicker();
    this.tick();
    return report;
  }

  /** Claim queued runs now rather than at the next poll (a run was just queued here). */
  wake(): void {
    if (this.started && !this.draining) this.tick();
  }

  /**
   * Executes one run to its end here: one this executor already holds (created with `owner`), or a
   * queued one it claims. Resolves with the finished run; undefined when it was handed back by a
   * shutdown or is not claimable.
   */
  async execute(runId: string): Promise<RunRecord | undefined> {
    const existing = this.executions.get(runId);
    if (existing) return existing.done;
    let run = this.store.getRun(runId);
    if (run?.status === 'queued') run = this.store.claimRun(runId, this.owner);
    if (!run || run.status !== 'running' || run.owner !== this.owner) return undefined;
    return this.launch(run).done;
  }

  /** Stops a run held here (its statements are cancelled in the warehouse). False when not held here. */
  cancel(runId: string): boolean {
    const e = this.executions.get(runId);
    e?.cancel();
    return !!e;
  }

  /** The execution of a run held here, to await it. */
  running(runId: string): Promise<RunRecord | undefined> | undefined {
    return this.executions.get(runId)?.done;
  }

  /**
   * Takes over runs whose executor is gone (crashed, killed): cancels the statement each running
   * step had in the warehouse and resumes the run from its last finished step; marks interrupted
   * those that cannot resume. Drops the staging tables finished runs left behind.
   */
  async recover(): Promise<RecoveryReport> {
    this.lastRecovery = this.clock.now();
    return recoverRuns({
      store: this.store,
      owner: this.owner,
      now: this.clock.now(),
      staleAfterMs: this.opts.staleAfterMs ?? 60_000,
      ...(this.opts.isProcessAlive ? { isAlive: this.opts.isProcessAlive } : {}),
      held: (id) => this.executions.has(id),
      connector: this.opts.connector,
      resume: (run) => void this.launch(run, true),
      interrupted: (r) => this.opts.onInterrupted?.(r),
    });
  }

  /**
   * Stops claiming and starting steps; running steps get `graceMs` (default: gracePeriodMs) to
   * finish; then the rest are cancelled in the warehouse. Unfinished runs go back to queued, their
   * finished steps kept, and the next start resumes them.
   */
  async shutdown(opts: { graceMs?: number } = {}): Promise<void> {
    this.draining = true;
    for (const e of this.executions.values()) e.poke();
    const all = Promise.allSettled([...this.executions.values()].map((e) => e.done));
    const grace = opts.graceMs ?? this.opts.gracePeriodMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
    ]);
    clearTimeout(timer);
    if (expired) for (const e of this.executions.values()) e.abortForShutdown();
    await all;
    this.started = false;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** `resumed`: by default, whether any step has been tried before. */
  private launch(run: RunRecord, resumed?: boolean): RunExecution {
    const again = resumed ?? this.store.listSteps(run.id).some((s) => s.attempts > 0);
    const e = new RunExecution(this.ctx, run, again);
    this.executions.set(run.id, e);
    this.ensureTicker();
    void e.done
      .finally(() => {
        this.executions.delete(run.id);
        if (this.started && !this.draining) this.tick();
      })
      // A run whose end could not be recorded (the store failed) stays `running` under this
      // executor: recovery takes it over once its heartbeat is stale. Never an unhandled rejection.
      .catch(() => undefined);
    return e;
  }

  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.tick(), this.opts.pollIntervalMs ?? 1_000);
    // The ticker never keeps a process alive on its own (the run it serves does).
    this.ticker.unref();
  }

  private dropLostRuns(): void {
    const held = new Set(this.store.heldRuns(this.owner));
    for (const [id, e] of this.executions) {
      if (held.has(id)) continue;
      const run = this.store.getRun(id);
      // Finished (and not yet removed from the map) or handed back: not lost.
      if (run?.status === 'running' && run.owner !== this.owner) e.lost(run.owner);
    }
  }

  private tick(): void {
    try {
      if (this.executions.size > 0) {
        // Renews the lease of every run held here; a run it no longer renews was taken over by
        // another daemon after this one's lease expired (it could not reach the store for that
        // long): stop it here without writing, the new owner has it.
        if (this.store.heartbeat(this.owner) < this.executions.size) this.dropLostRuns();
        // Cancels asked for through another process (the HTTP API while `edgeflow run` runs it).
        for (const id of this.store.cancelRequestedRuns(this.owner)) this.executions.get(id)?.cancel();
      }
      if (this.started && !this.draining) {
        const max = this.opts.maxRuns ?? this.limits.global.size;
        while (this.executions.size < max) {
          const run = this.store.claimNextRun(this.owner);
          if (!run) break;
          this.launch(run);
        }
        // Runs of an `edgeflow run` that was killed while the daemon was up.
        const every = Math.max(5_000, (this.opts.staleAfterMs ?? 60_000) / 2);
        if (this.clock.now() - this.lastRecovery >= every) void this.recover().catch(() => undefined);
      } else if (this.executions.size === 0 && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    } catch {
      // The store may be busy (another process holds the write lock past busy_timeout): next tick.
    }
  }
}
