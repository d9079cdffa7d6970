/**
 * Workflows and runs in the service layer: save (versioned) and read workflows, start runs
 * (idempotently), read them with their steps and logs, cancel them. The executor does the running;
 * this decides what runs: it validates and compiles the workflow into the plan the run keeps.
 *
 * Every error is a ServiceError with a code (NOT_FOUND, INVALID_WORKFLOW, CONFLICT…).
 */
import type { z } from 'zod';
import { outputLineage } from '../../compiler/lineage.js';
import { compilePlan } from '../../compiler/planner/plan.js';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import {
  Executor,
  type ExecutorEvent,
  type ExecutorListener,
  type ExecutorOptions,
} from '../executor/index.js';
import type { InterruptedRun, RecoveryReport } from '../executor/index.js';
import {
  newRunId,
  RUN_STATUSES,
  RUN_TRIGGERS,
  StoreError,
  type LineageRecord,
  type LogRecord,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type RunTrigger,
  type WorkflowSummary,
  type WorkflowVersion,
} from '../store/index.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import {
  compileSchedule,
  firstFireAfter,
  ScheduleError,
  type CatchupPolicy,
  type Scheduler,
} from '../scheduler/index.js';
import type { ScheduleRecord } from '../store/index.js';
import { limitSettings, runSettings } from '../config/schema.js';
import { DIALECT_OF } from '../connections.js';
import { ServiceError } from './errors.js';
import { checkRawSql } from './raw-sql-guard.js';
import type { Service } from './index.js';
import { workflowHash } from './workflow-hash.js';
import { buildChannels, Notifier, type NotifierOptions } from '../notify/index.js';
import { ResultCache, type SweepReport } from '../cache/result-cache.js';
import { runCacheDoc } from '../cache/run-cache-doc.js';
import { cacheSettings } from '../config/cache-schema.js';
import { systemClock } from '../executor/clock.js';
import { newOwnerId } from '../executor/owner.js';
import type { WorkflowDoc } from '../../compiler/workflow/model.js';
import * as shapes from './shapes/index.js';

export interface RunServiceOptions {
  store: RunStore;
  /** Alert settings (clock, backoff, hooks; channels for tests); the channels and rules are the config's. */
  notify?: Partial<Omit<NotifierOptions, 'store' | 'notify' | 'documentOf' | 'publicUrl'>>;
  /** Executor settings (limits, retry backoff, clock, grace period…); store and connectors are wired here. */
  executor?: Omit<ExecutorOptions, 'store' | 'connector' | 'onInterrupted'>;
  /** Tries per step for transient errors (default 3). */
  maxStepAttempts?: number;
  /** Attempts of a run that recovery found it could not resume: 2 = one new attempt (default). */
  maxRunAttempts?: number;
}

/** Warnings of the validation in `diagnostics` (errors are not saved: they throw INVALID_WORKFLOW). */
export type SaveWorkflowResult = shapes.SaveWorkflowResult;

export interface StartRunRequest {
  /** A saved workflow's name (its latest version, or `version`). */
  workflow?: string;
  version?: number;
  /** An inline document (JSON/YAML text or an object) instead of a saved workflow. */
  document?: unknown;
  params?: Record<string, unknown>;
  /** Who asked (default api). */
  trigger?: RunTrigger;
  /** One run per key, ever: a second start with it returns the first run. */
  idempotencyKey?: string;
  /** Run on this connection instead of the workflow's. */
  connection?: string;
  /** The cron time a scheduled run stands for. */
  nominalAt?: string;
}

/** A schedule as asked for (PUT /v1/workflows/:name/schedule, schedule_workflow, a document's block). */
export interface ScheduleRequestInput {
  cron: string;
  timezone?: string;
  catchup?: CatchupPolicy;
  maxCatchup?: number;
  params?: Record<string, unknown>;
  connection?: string;
  enabled?: boolean;
}

export type RunStepView = shapes.RunStep;

/** A run with its steps, as every face shows it. */
export type RunView = shapes.RunView;

/** `created` false: the idempotency key was used before; `run` is that run. */
export type StartRunResult = z.infer<typeof shapes.StartRunResult>;

export class RunService {
  readonly store: RunStore;
  readonly executor: Executor;
  /** Alerts about runs (daemon/notify): enqueued as runs end, sent in the background. */
  readonly notifier: Notifier;
  /** Reuse of unchanged results (daemon/cache): the executor's step cache and the janitor. */
  readonly cache: ResultCache;
  private cacheJanitor: NodeJS.Timeout | undefined;
  private publicUrl: string;
  private readonly listeners = new Set<ExecutorListener>();
  private readonly savedListeners = new Set<(saved: { name: string; version: number }) => void>();
  private readonly maxStepAttempts: number;
  private readonly maxRunAttempts: number;
  private started = false;
  private scheduler: Scheduler | undefined;

  constructor(
    private readonly service: Service,
    opts: RunServiceOptions,
  ) {
    this.store = opts.store;
    const settings = runSettings(service.config.config);
    this.maxStepAttempts = opts.maxStepAttempts ?? settings.stepAttempts;
    this.maxRunAttempts = opts.maxRunAttempts ?? 2;
    const connections = service.config.config.connections;
    const maxCacheBytes = cacheSettings(service.config.config.cache).maxBytes;
    this.cache = new ResultCache({
      store: opts.store,
      clock: opts.executor?.clock ?? systemClock,
      owner: `janitor:${newOwnerId()}`,
      maxBytes: () => maxCacheBytes,
    });
    this.executor = new Executor({
      cache: this.cache,
      // One executor per connection's poolSize by default: more steps than pooled sessions only wait.
      limits: {
        perConnection: (name) => poolSizeOf(connections[name]) ?? 4,
        global: settings.maxConcurrentSteps,
      },
      retry: { baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.retryMaxDelayMs },
      gracePeriodMs: settings.gracePeriodMs,
      // A run whose owner's lease (last heartbeat + this) expired is taken over by recovery.
      staleAfterMs: settings.leaseMs,
      connectionSettings: (name) => {
        const c = connections[name];
        return {
          ...(c?.stagingSchema ? { stagingSchema: c.stagingSchema } : {}),
          ...(c?.statementTimeout !== undefined ? { statementTimeoutMs: c.statementTimeout } : {}),
        };
      },
      ...opts.executor,
      store: opts.store,
      connector: (name) => service.connector(name),
      onEvent: (e) => this.emit(e, opts.executor?.onEvent),
      preparePlan: (run) => this.compileRun(run),
      onInterrupted: (r) => void this.retryInterrupted(r).catch(() => undefined),
    });
    const config = service.config.config;
    const [host = '127.0.0.1', port = '8787'] = splitListen(config.listen);
    this.publicUrl = config.publicUrl ?? `http://${host}:${port}`;
    this.notifier = new Notifier({
      ...(opts.executor?.clock ? { clock: opts.executor.clock } : {}),
      ...opts.notify,
      channels: opts.notify?.channels ?? buildChannels(service.config, { userAgent: 'edgeflow' }),
      store: opts.store,
      notify: config.notify,
      publicUrl: () => this.publicUrl,
      documentOf: (run) =>
        (run.version !== null
          ? this.store.getWorkflowVersion(run.workflow, run.version)?.document
          : this.store.getRunDocument(run.id)) as WorkflowDoc | undefined,
    });
  }

  /**
   * Where people reach the web UI, for links in alerts: the config's `publicUrl`, else the address
   * the daemon listens on (serve sets it once it knows its port).
   */
  setPublicUrl(url: string): void {
    if (!this.service.config.config.publicUrl) this.publicUrl = url;
  }

  /** Hears every executor event (metrics, logs, OpenLineage, a CLI's progress). Returns the unsubscribe. */
  subscribe(listener: ExecutorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears each new version saved through this process (not an unchanged save). Returns the unsubscribe. */
  onWorkflowSaved(listener: (saved: { name: string; version: number }) => void): () => void {
    this.savedListeners.add(listener);
    return () => this.savedListeners.delete(listener);
  }

  /** The daemon's start: crash recovery, then queued runs are claimed as they come. */
  async start(): Promise<RecoveryReport> {
    this.started = true;
    const report = await this.executor.start();
    this.notifier.start();
    // Kept results that expired or do not fit are dropped now and every 10 minutes.
    void this.sweepCache().catch(() => undefined);
    this.cacheJanitor ??= setInterval(() => void this.sweepCache().catch(() => undefined), 600_000);
    this.cacheJanitor.unref();
    return report;
  }

  /** The result cache's janitor, once (see daemon/cache/result-cache.ts). */
  sweepCache(): Promise<SweepReport> {
    return this.cache.sweep(async (name) =>
      this.service.config.config.connections[name] ? this.service.connector(name) : undefined,
    );
  }

  /** Graceful: running steps get the grace period, the rest are handed back for the next start. */
  async shutdown(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.cacheJanitor) clearInterval(this.cacheJanitor);
    this.cacheJanitor = undefined;
    await this.executor.shutdown(opts);
    await this.notifier.stop({ graceMs: Math.min(5_000, opts.graceMs ?? 5_000) });
  }

  /** The daemon's scheduler: schedule changes take effect in it at once (without it, at its next start). */
  attachScheduler(scheduler: Scheduler): void {
    this.scheduler = scheduler;
  }

  // ---------------------------------------------------------------- workflows

  /** Validates, then saves a new version unless the content equals the latest version's. */
  async saveWorkflow(document: unknown): Promise<SaveWorkflowResult> {
    // Parsed once, with the node limit, and validated in the same compile slot.
    const { result, workflow } = await this.service.validateDocument({ workflow: document });
    if (!workflow)
      throw new ServiceError('INVALID_WORKFLOW', 'the workflow is not valid; nothing was saved', {
        diagnostics: result.diagnostics,
      });
    if (!result.valid)
      throw new ServiceError(
        'INVALID_WORKFLOW',
        `workflow "${workflow.name}" is not valid; nothing was saved`,
        {
          diagnostics: result.diagnostics,
          ...(result.offlineReason ? { offlineReason: result.offlineReason } : {}),
        },
      );
    const saved = this.store.saveWorkflowVersion({
      name: workflow.name,
      hash: workflowHash(workflow),
      document: workflow,
    });
    // A new version that declares a schedule is scheduled by it (an unchanged save changes nothing,
    // so a schedule removed or edited over the API stays as it is until the document changes).
    const declared = workflow.schedule;
    const schedule =
      saved.created && declared ? await this.scheduleWorkflow(saved.name, declared) : undefined;
    if (saved.created)
      for (const l of this.savedListeners)
        try {
          l({ name: saved.name, version: saved.version });
        } catch {
          // A listener's failure must not fail the save.
        }
    return { ...saved, diagnostics: result.diagnostics, ...(schedule ? { schedule } : {}) };
  }

  getWorkflow(name: string, version?: number): WorkflowVersion {
    const v = this.store.getWorkflowVersion(name, version);
    if (!v) throw this.workflowNotFound(name, version);
    return v;
  }

  private workflowNotFound(name: string, version?: number): ServiceError {
    const latest = version !== undefined && this.store.versionHead(name);
    return new ServiceError(
      'NOT_FOUND',
      latest
        ? `workflow "${name}" has no version ${version}; its latest is ${latest.version}`
        : `no saved workflow "${name}"; save it first (PUT /v1/workflows/${name}, or save_workflow)`,
    );
  }

  listWorkflows(): WorkflowSummary[] {
    return this.store.listWorkflows();
  }

  // ---------------------------------------------------------------- schedules

  /**
   * Schedules a saved workflow (replacing its schedule). The cron and time zone are checked here,
   * with a hint; a new or changed cron/time zone starts at its first fire after now, so it never
   * fires for its own past times; a schedule kept as it was keeps its fire history.
   */
  async scheduleWorkflow(name: string, spec: ScheduleRequestInput): Promise<ScheduleRecord> {
    this.getWorkflow(name);
    let compiled;
    try {
      compiled = compileSchedule(spec);
    } catch (e) {
      if (e instanceof ScheduleError)
        throw new ServiceError('INVALID_SCHEDULE', e.message, {
          field: e.field,
          path: `schedule.${e.field}`,
          hint: e.hint,
        });
      throw e;
    }
    if (spec.maxCatchup !== undefined && (!Number.isInteger(spec.maxCatchup) || spec.maxCatchup < 1))
      throw new ServiceError('INVALID_SCHEDULE', 'maxCatchup must be a positive integer', {
        field: 'maxCatchup',
        path: 'schedule.maxCatchup',
        hint: 'how many missed fires `catchup: all` runs at most, e.g. 10',
      });
    if (spec.connection !== undefined && !this.service.config.config.connections[spec.connection])
      throw new ServiceError('UNKNOWN_CONNECTION', `connection "${spec.connection}" is not in the config`, {
        hint: `configured connections: ${Object.keys(this.service.config.config.connections).join(', ')}`,
      });
    const before = this.store.getSchedule(name);
    const sameTimes = before && before.cron === compiled.cron && before.timezone === compiled.timezone;
    const record = this.store.upsertSchedule({
      workflow: name,
      cron: compiled.cron,
      timezone: compiled.timezone,
      ...(spec.catchup ? { catchup: spec.catchup } : {}),
      ...(spec.maxCatchup !== undefined ? { maxCatchup: spec.maxCatchup } : {}),
      ...(spec.enabled !== undefined ? { enabled: spec.enabled } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      connection: spec.connection ?? null,
      ...(sameTimes ? {} : { nextFireAt: firstFireAfter(compiled, new Date())?.toISOString() ?? null }),
    });
    await this.scheduler?.upsert(record);
    return this.store.getSchedule(name) ?? record;
  }

  /** Removes a workflow's schedule; its versions and runs stay. */
  unscheduleWorkflow(name: string): { workflow: string; unscheduled: true } {
    if (!this.store.deleteSchedule(name))
      throw new ServiceError('NOT_FOUND', `workflow "${name}" has no schedule`, {
        hint: this.store.getWorkflowVersion(name)
          ? `schedule it with PUT /v1/workflows/${name}/schedule`
          : `no saved workflow "${name}"`,
      });
    this.scheduler?.unschedule(name);
    return { workflow: name, unscheduled: true };
  }

  getSchedule(name: string): ScheduleRecord | undefined {
    return this.store.getSchedule(name);
  }

  listSchedules(): ScheduleRecord[] {
    return this.store.listSchedules();
  }

  // ---------------------------------------------------------------- runs

  /**
   * Starts a run: queued now, executed in the background. With an idempotency key already used,
   * returns that run (created: false) and starts nothing.
   */
  async startRun(req: StartRunRequest): Promise<StartRunResult> {
    if (req.trigger === 'schedule') return this.recordScheduledRun(req);
    const r = await this.createRun(req);
    if (r.created) {
      if (this.started) this.executor.wake();
      else void this.executor.execute(r.run.id).catch(() => undefined);
    }
    return r;
  }

  /**
   * Runs once in the foreground (`edgeflow run`): created already held by this process's executor
   * (no daemon can take it), executed here; resolves when it has finished.
   */
  async runForeground(req: StartRunRequest): Promise<RunView> {
    const { run, created } = await this.createRun(req, { owner: this.executor.owner });
    if (created) await this.executor.execute(run.id);
    else await this.executor.running(run.id);
    // Its alerts go out before the command exits (at most 20 s; what is left, a daemon on the
    // same run store sends).
    if (created) await this.notifier.drain({ signal: AbortSignal.timeout(20_000) }).catch(() => 0);
    return this.getRun(run.id);
  }

  getRun(id: string): RunView {
    const run = this.store.getRun(id);
    if (!run) throw notFoundRun(id);
    const plan = this.store.getRunPlan(id);
    const byId = new Map(plan?.steps.map((s) => [s.id, s]) ?? []);
    return {
      ...run,
      steps: this.store.listSteps(id).map((s) => {
        const p = byId.get(s.stepId);
        return {
          ...s,
          purpose: p?.purpose ?? '',
          dependsOn: p?.dependsOn ?? [],
          ...(p?.target ? { target: p.target } : {}),
        };
      }),
      lineage: this.store.runLineage(id),
    };
  }

  listRuns(q: { workflow?: string; status?: string; limit?: number; cursor?: string } = {}): {
    runs: RunRecord[];
    nextCursor: string | null;
  } {
    if (q.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(q.status))
      throw new ServiceError(
        'INVALID_REQUEST',
        `unknown run status "${q.status}": one of ${RUN_STATUSES.join(', ')}`,
      );
    if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000))
      throw new ServiceError('INVALID_REQUEST', 'limit must be an integer from 1 to 1000');
    return this.store.listRuns({
      ...(q.workflow !== undefined ? { workflow: q.workflow } : {}),
      ...(q.status !== undefined ? { status: q.status as RunStatus } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
  }

  /** Log lines after id `after` (exclusive), oldest first: poll with the last id seen. */
  runLogs(id: string, opts: { after?: number; limit?: number } = {}): LogRecord[] {
    if (!this.store.getRun(id)) throw notFoundRun(id);
    return this.store.runLogs(id, opts);
  }

  /**
   * Cancels a run: a queued one now; a running one is stopped by its executor (here, or in the
   * process running it), its statements cancelled in the warehouse. A finished one is returned as is.
   */
  cancelRun(id: string): shapes.CancelResult {
    const r = this.store.requestCancel(id);
    if (!r) throw notFoundRun(id);
    if (r.effect === 'requested') {
      this.store.appendLog({ runId: id, level: 'warn', message: 'cancel requested' });
      this.executor.cancel(id);
    }
    return { run: this.getRun(id), effect: r.effect };
  }

  // ---------------------------------------------------------------- internals

  private async createRun(
    req: StartRunRequest,
    opts: { owner?: string; retryOf?: { id: string; rootId: string; attempt: number } } = {},
  ): Promise<StartRunResult> {
    const trigger = req.trigger ?? 'api';
    if (!(RUN_TRIGGERS as readonly string[]).includes(trigger))
      throw new ServiceError(
        'INVALID_REQUEST',
        `unknown trigger "${trigger}": one of ${RUN_TRIGGERS.join(', ')}`,
      );
    const key = req.idempotencyKey;
    if (key !== undefined && !shapes.IdempotencyKey.safeParse(key).success)
      throw new ServiceError(
        'INVALID_REQUEST',
        `an idempotency key is 1 to ${shapes.MAX_IDEMPOTENCY_KEY} printable ASCII characters without spaces`,
      );
    if ((req.workflow === undefined) === (req.document === undefined))
      throw new ServiceError('INVALID_REQUEST', 'give either a saved workflow name or an inline document');
    // The cheap answer first: a repeated request compiles nothing.
    const existing = key !== undefined ? this.store.getRunByIdempotencyKey(key) : undefined;
    if (existing) return this.sameRun(existing, req);

    const saved = req.workflow !== undefined ? this.getWorkflow(req.workflow, req.version) : undefined;
    const document = saved ? saved.document : req.document;
    const runId = newRunId();
    const { analysis, plan, prepared, cache } = await this.compileFor(document, {
      runId,
      ...(req.connection ? { connection: req.connection } : {}),
      ...(req.params ? { params: req.params } : {}),
    });
    try {
      const created = this.store.createRun({
        id: runId,
        workflow: analysis.workflow!.name,
        version: saved?.version ?? null,
        ...(saved ? {} : { document: analysis.workflow }),
        trigger,
        idempotencyKey: key ?? null,
        params: req.params ?? {},
        connection: prepared.connection,
        dialect: prepared.dialect,
        nominalAt: req.nominalAt ?? null,
        plan,
        maxAttempts: this.maxStepAttempts,
        lineage: lineageRecords(analysis),
        ...(cache ? { cache } : {}),
        ...(opts.owner ? { owner: opts.owner } : {}),
        ...(opts.retryOf ? { retryOf: opts.retryOf } : {}),
      });
      if (!created.created) return this.sameRun(created.run, req);
      return created;
    } catch (e) {
      if (e instanceof StoreError) throw new ServiceError('CONFLICT', e.message);
      throw e;
    }
  }

  /** Validates and compiles a document into the plan of run `runId`; INVALID_WORKFLOW when it cannot. */
  private async compileFor(
    document: unknown,
    o: { runId: string; connection?: string; params?: Record<string, unknown> },
  ) {
    // The compile slot covers the analysis and the plan; the raw SQL check is warehouse work.
    const { prepared, analysis, workflow, plan } = await this.service.analysing(undefined, async () => {
      const prepared = await this.service.prepare({
        workflow: document,
        ...(o.connection ? { connection: o.connection } : {}),
      });
      const analysis = prepared.analysis;
      const workflow = analysis.workflow;
      if (!workflow)
        throw new ServiceError('INVALID_WORKFLOW', 'the workflow is not valid; nothing was run', {
          diagnostics: analysis.diagnostics,
        });
      this.connectionOf(prepared.connection);
      const { plan, diagnostics } = compilePlan(analysis, {
        runId: o.runId,
        ...(o.params ? { params: o.params } : {}),
        ...this.service.policy(prepared.connection),
      });
      if (!plan)
        throw new ServiceError(
          'INVALID_WORKFLOW',
          `workflow "${workflow.name}" cannot run as it is; nothing was run${firstError(diagnostics)}`,
          {
            diagnostics,
            ...(prepared.offlineReason ? { offlineReason: prepared.offlineReason } : {}),
          },
        );
      return { prepared, analysis, workflow, plan };
    });
    await checkRawSql(analysis, await this.service.connector(prepared.connection), {
      ...(o.params ? { params: o.params } : {}),
      label: { workflow: workflow.name, run: o.runId, origin: 'check' },
    });
    const cache = runCacheDoc(analysis, plan, this.service.config.config, prepared.connection);
    return { analysis, plan, prepared, cache };
  }

  private connectionOf(name: string) {
    const conf = this.service.config.config.connections[name];
    if (!conf)
      throw new ServiceError('UNKNOWN_CONNECTION', `connection "${name}" is not in the config`, {
        hint: `configured connections: ${Object.keys(this.service.config.config.connections).join(', ')}`,
      });
    return conf;
  }

  /**
   * A scheduled fire: its run is recorded now, without compiling (the executor compiles it when it
   * starts), and the fires of one burst are recorded together, in one transaction. This is what
   * keeps a thousand schedules due at the same minute from queueing behind each other's catalog
   * lookups and commits; the idempotency key still makes each fire one run.
   */
  private recordScheduledRun(req: StartRunRequest): Promise<StartRunResult> {
    const key = req.idempotencyKey;
    if (req.workflow === undefined || key === undefined)
      return Promise.reject(
        new ServiceError('INVALID_REQUEST', 'a scheduled run names a saved workflow and a key'),
      );
    let input: NewRunInput;
    try {
      // The version's number and connection only: the document is read when the run compiles.
      const head = this.store.versionHead(req.workflow, req.version);
      if (!head) throw this.workflowNotFound(req.workflow, req.version);
      const connection = req.connection ?? head.connection ?? 'local';
      input = {
        id: newRunId(),
        workflow: req.workflow,
        version: head.version,
        trigger: 'schedule',
        // A key already used comes back from createRun as that run (created: false).
        idempotencyKey: key,
        params: req.params ?? {},
        connection,
        dialect: DIALECT_OF[this.connectionOf(connection).type],
        nominalAt: req.nominalAt ?? null,
        plan: null,
        maxAttempts: this.maxStepAttempts,
      };
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.burst.push({ input, resolve, reject });
      if (this.burst.length === 1) setImmediate(() => this.flushBurst());
    });
  }

  private burst: Array<{
    input: NewRunInput;
    resolve: (r: StartRunResult) => void;
    reject: (e: unknown) => void;
  }> = [];

  private flushBurst(): void {
    const batch = this.burst.splice(0);
    let results: Array<{ ok: StartRunResult } | { error: unknown }>;
    try {
      results = this.store.transaction(() =>
        batch.map((b) => {
          try {
            return { ok: this.store.createRun(b.input) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    results.forEach((r, i) => ('ok' in r ? batch[i]!.resolve(r.ok) : batch[i]!.reject(r.error)));
    if (results.some((r) => 'ok' in r && r.ok.created)) {
      // After the callers have heard their runs are recorded (their continuations run first).
      if (this.started) setImmediate(() => this.executor.wake());
      else
        for (const r of results)
          if ('ok' in r && r.ok.created) void this.executor.execute(r.ok.run.id).catch(() => undefined);
    }
  }

  /** The executor's hook: compiles a run recorded without a plan, when it starts. */
  private async compileRun(run: RunRecord): Promise<void> {
    const document =
      run.version !== null
        ? this.getWorkflow(run.workflow, run.version).document
        : this.store.getRunDocument(run.id);
    const { analysis, plan, cache } = await this.compileFor(document, {
      runId: run.id,
      connection: run.connection,
      params: run.params,
    });
    this.store.attachPlan(run.id, {
      plan,
      maxAttempts: this.maxStepAttempts,
      lineage: lineageRecords(analysis),
      ...(cache ? { cache } : {}),
    });
  }

  /** A repeated idempotency key is the same request: it must name the same workflow. */
  private sameRun(run: RunRecord, req: StartRunRequest): StartRunResult {
    const name =
      req.workflow ??
      (parseWorkflow(req.document, { maxNodes: limitSettings(this.service.config.config).maxNodes }).workflow
        ?.name as string | undefined) ??
      run.workflow;
    if (name !== run.workflow)
      throw new ServiceError(
        'CONFLICT',
        `idempotency key "${req.idempotencyKey}" was used for run ${run.id} of workflow "${run.workflow}"; use another key for "${name}"`,
        { runId: run.id },
      );
    return { run, created: false };
  }

  /** Recovery's policy: a run that could not resume gets one new attempt (by default), if safe. */
  private async retryInterrupted(r: InterruptedRun): Promise<void> {
    const run = r.run;
    if (!r.retryable || run.attempt >= this.maxRunAttempts) return;
    const document = run.version === null ? this.store.getRunDocument(run.id) : undefined;
    const req: StartRunRequest = {
      ...(run.version !== null ? { workflow: run.workflow, version: run.version } : { document }),
      params: run.params,
      trigger: run.trigger,
      connection: run.connection,
      // One retry per interrupted run, even when two daemons recover it.
      idempotencyKey: `retry:${run.id}`,
      ...(run.nominalAt ? { nominalAt: run.nominalAt } : {}),
    };
    const started = await this.createRun(req, {
      retryOf: { id: run.id, rootId: run.rootId, attempt: run.attempt },
    });
    if (started.created) {
      if (this.started) this.executor.wake();
      else void this.executor.execute(started.run.id).catch(() => undefined);
    }
    this.store.appendLog({
      runId: run.id,
      level: 'info',
      message: `a new attempt was started: run ${started.run.id}`,
      data: { retry: started.run.id },
    });
  }

  private emit(e: ExecutorEvent, extra?: ExecutorListener): void {
    this.notifier.onExecutorEvent(e);
    for (const l of [extra, ...this.listeners])
      try {
        l?.(e);
      } catch {
        // A listener's failure must not touch a run.
      }
  }
}

/** `host:port` (or `[v6]:port`) as host and port. */
function splitListen(listen: string): [string | undefined, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  return [m?.[1], m?.[2]];
}

function poolSizeOf(c: unknown): number | undefined {
  const size = (c as { poolSize?: unknown } | undefined)?.poolSize;
  return typeof size === 'number' ? size : undefined;
}

type NewRunInput = Parameters<RunStore['createRun']>[0];

/** ": <code> <message>" of the first error, for a one-line message. */
function firstError(diagnostics: Diagnostic[]): string {
  const d = diagnostics.find((x) => x.severity === 'error');
  return d ? `: ${d.code} ${d.message}` : '';
}

function notFoundRun(id: string): ServiceError {
  return new ServiceError('NOT_FOUND', `no run "${id}"; list runs with GET /v1/runs or list_runs`);
}

function lineageRecords(analysis: Parameters<typeof outputLineage>[0]): LineageRecord[] {
  const out: LineageRecord[] = [];
  for (const c of outputLineage(analysis)) {
    if (c.sources.length === 0)
      out.push({
        outputNode: c.node,
        outputTable: c.table,
        column: c.column,
        sourceTable: null,
        sourceColumn: null,
      });
    for (const s of c.sources)
      out.push({
        outputNode: c.node,
        outputTable: c.table,
        column: c.column,
        sourceTable: s.table,
        sourceColumn: s.column,
      });
  }
  return out;
}
