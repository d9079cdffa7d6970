/**
 * Alerts, from event to delivery. Lifecycle of one alert:
 *
 *   enqueued  — a run finished (failure/success: the executor's `run.finished`), a run has been
 *               going longer than its workflow's `slowAfter` (checked every few seconds), or a
 *               scheduled fire was skipped for overlap (the scheduler's `skipped`): one outbox row
 *               per channel the workflow's rules name, keyed so it is enqueued once even when two
 *               daemons see the same thing. This is all the run waits for: one insert.
 *   sending   — claimed by one daemon's sender (a CAS on the row), sent with a timeout.
 *   sent      — the receiver took it (HTTP 2xx, SMTP 250); a line in the run's log says so.
 *   pending   — it failed in a way worth retrying: tried again after an exponential backoff.
 *   failed    — refused (HTTP 4xx, SMTP 5xx, a misconfigured channel) or out of attempts; the
 *               run's log says why.
 *
 * A sender that dies mid-send leaves its row `sending`; after `staleAfterMs` another claims it, so
 * an alert may arrive twice (at least once, never never): the X-Edgeflow-Delivery id is the same
 * on every attempt for a receiver to drop repeats. The store and this share one clock.
 */
import type { WorkflowDoc } from '../../compiler/workflow/model.js';
import type { NotifyConfig, NotifyEvent } from '../config/notify-schema.js';
import { systemClock, type Clock } from '../executor/clock.js';
import type { ExecutorEvent } from '../executor/events.js';
import { newOwnerId } from '../executor/owner.js';
import type { SchedulerEvent } from '../scheduler/index.js';
import type { NotificationRecord, RunRecord, RunStore } from '../store/index.js';
import type { Channel } from './channels.js';
import { DeliveryError } from './delivery-error.js';
import { runAlert, skippedAlert, type AlertMessage } from './message.js';
import { NO_RULES, rulesFor, type NotifyRules } from './rules.js';

export type NotifierEvent =
  | { type: 'enqueued'; channel: string; event: NotifyEvent; workflow: string; runId: string | null }
  | {
      type: 'sent' | 'retry' | 'failed';
      channel: string;
      channelType: Channel['type'] | 'unknown';
      event: NotifyEvent;
      workflow: string;
      runId: string | null;
      attempt: number;
      error?: string;
      retryAt?: string;
    };

export interface NotifierOptions {
  store: RunStore;
  notify: NotifyConfig | undefined;
  channels: Map<string, Channel>;
  /** Where the web UI is (links in alerts); read when an alert is built. */
  publicUrl: () => string;
  /** The workflow document a run ran (its `notify` block), or undefined when unknown. */
  documentOf: (run: Pick<RunRecord, 'id' | 'workflow' | 'version'>) => WorkflowDoc | undefined;
  clock?: Clock;
  random?: () => number;
  owner?: string;
  /** Tries per alert (default 8: about 20 minutes of backoff with the default delays). */
  maxAttempts?: number;
  /** The first retry waits about this (default 5 s), doubling, at most `retryMaxDelayMs` (5 min). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** One send's time limit (default 15 s). */
  sendTimeoutMs?: number;
  /** A `sending` row older than this is another sender's that died (default 5 min). */
  staleAfterMs?: number;
  /** Sends at once (default 4). */
  concurrency?: number;
  /** How often to look for due alerts and slow runs (default 1 s; slow runs every 10 s at most). */
  pollIntervalMs?: number;
  onEvent?: (e: NotifierEvent) => void;
}

export class Notifier {
  private readonly store: RunStore;
  private readonly clock: Clock;
  private readonly owner: string;
  private readonly rulesCache = new Map<string, NotifyRules>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private ticker: NodeJS.Timeout | undefined;
  private lastSlowCheck = Number.NEGATIVE_INFINITY;
  private pumping = false;

  constructor(private readonly opts: NotifierOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.owner = opts.owner ?? newOwnerId();
  }

  /** Whether any workflow can have alerts (the config has channels). */
  get enabled(): boolean {
    return this.opts.channels.size > 0;
  }

  // ---------------------------------------------------------------- enqueueing

  /** The executor's hook: a finished run's failure or success. Never throws. */
  onExecutorEvent(e: ExecutorEvent): void {
    if (e.type !== 'run.finished' || !this.enabled) return;
    const event =
      e.run.status === 'failed' ? 'failure' : e.run.status === 'succeeded' ? 'success' : undefined;
    if (event) this.guard(() => this.enqueueRun(event, e.run));
  }

  /** The scheduler's hook: a fire skipped because the previous run is still going. Never throws. */
  onSchedulerEvent(e: SchedulerEvent): void {
    if (e.type !== 'skipped' || !this.enabled) return;
    this.guard(() => {
      const head = this.store.versionHead(e.workflow);
      const rules = head ? this.rules({ id: '', workflow: e.workflow, version: head.version }) : NO_RULES;
      if (!rules.on.has('skipped')) return;
      const active =
        this.store.listRuns({ workflow: e.workflow, status: 'running', limit: 1 }).runs[0] ??
        this.store.listRuns({ workflow: e.workflow, status: 'queued', limit: 1 }).runs[0];
      const message = skippedAlert({
        workflow: e.workflow,
        nominalAt: e.nominalAt,
        ...(active ? { activeRunId: active.id } : {}),
        publicUrl: this.opts.publicUrl(),
        now: this.nowIso(),
      });
      for (const channel of rules.channels)
        this.enqueue(`skip:${e.workflow}:${e.nominalAt}:${channel}`, channel, message, null);
    });
  }

  /**
   * Runs going longer than their workflow's `slowAfter`: one `slow` alert per run and channel.
   * Every daemon may look; the dedupe key keeps it to one.
   */
  checkSlowRuns(): void {
    if (!this.enabled) return;
    this.lastSlowCheck = this.clock.now();
    const now = this.clock.now();
    for (const run of this.store.runningRuns()) {
      if (!run.startedAt) continue;
      const rules = this.rules(run);
      if (!rules.on.has('slow') || rules.slowAfterMs === undefined) continue;
      if (now - Date.parse(run.startedAt) < rules.slowAfterMs) continue;
      const message = runAlert('slow', run, {
        publicUrl: this.opts.publicUrl(),
        now: this.nowIso(),
        slowAfterMs: rules.slowAfterMs,
      });
      for (const channel of rules.channels)
        this.enqueue(`${run.id}:slow:${channel}`, channel, message, run.id);
    }
  }

  private enqueueRun(event: 'failure' | 'success', run: RunRecord): void {
    const rules = this.rules(run);
    if (!rules.on.has(event)) return;
    const message = runAlert(event, run, { publicUrl: this.opts.publicUrl(), now: this.nowIso() });
    for (const channel of rules.channels)
      this.enqueue(`${run.id}:${event}:${channel}`, channel, message, run.id);
  }

  private enqueue(key: string, channel: string, message: AlertMessage, runId: string | null): void {
    const created = this.store.enqueueNotification({
      dedupeKey: key,
      channel,
      event: message.event,
      workflow: message.workflow,
      runId,
      payload: message,
      maxAttempts: this.opts.maxAttempts ?? 8,
    });
    if (!created) return;
    this.emit({ type: 'enqueued', channel, event: message.event, workflow: message.workflow, runId });
    // Sent soon, outside the caller's turn (the executor's event, the scheduler's fire).
    if (this.ticker) setImmediate(() => this.pump());
  }

  private rules(run: Pick<RunRecord, 'id' | 'workflow' | 'version'>): NotifyRules {
    // A saved version never changes; an inline document is per run.
    const key = run.version !== null ? `${run.workflow}@${run.version}` : `run:${run.id}`;
    let r = this.rulesCache.get(key);
    if (!r) {
      r = rulesFor(this.opts.notify, this.opts.documentOf(run)?.notify);
      if (this.rulesCache.size > 1_000) this.rulesCache.clear();
      this.rulesCache.set(key, r);
    }
    return r;
  }

  // ---------------------------------------------------------------- sending

  /** Starts sending: due alerts are claimed every poll, and at once when one is enqueued here. */
  start(): void {
    if (this.ticker || !this.enabled) return;
    this.ticker = setInterval(() => this.pump(), this.opts.pollIntervalMs ?? 1_000);
    this.ticker.unref();
    this.pump();
  }

  /** Stops claiming; sends in flight get `graceMs` (default 5 s), then are aborted (and retried later). */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    const all = Promise.allSettled([...this.inflight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, opts.graceMs ?? 5_000)))]);
    clearTimeout(timer);
    this.stopping.abort(new Error('the daemon is shutting down'));
    await all;
    for (const c of this.opts.channels.values()) c.close?.();
  }

  /**
   * Sends every alert due now (and looks for slow runs first), waiting for each: what tests and
   * `edgeflow run` (before it exits) call. Resolves with how many were tried.
   */
  async drain(opts: { signal?: AbortSignal } = {}): Promise<number> {
    if (!this.enabled) return 0;
    this.guard(() => this.checkSlowRuns());
    let tried = 0;
    for (;;) {
      if (opts.signal?.aborted || this.stopping.signal.aborted) break;
      const n = this.claim();
      if (!n) break;
      tried++;
      await this.send(n, opts.signal);
    }
    await Promise.allSettled([...this.inflight]);
    return tried;
  }

  private pump(): void {
    if (this.pumping || this.stopping.signal.aborted) return;
    this.pumping = true;
    try {
      if (this.clock.now() - this.lastSlowCheck >= Math.max(10_000, this.opts.pollIntervalMs ?? 1_000))
        this.guard(() => this.checkSlowRuns());
      const max = this.opts.concurrency ?? 4;
      while (this.inflight.size < max) {
        const n = this.claim();
        if (!n) break;
        const p: Promise<void> = this.send(n).finally(() => {
          this.inflight.delete(p);
          // A slot is free: take the next one now rather than at the next poll.
          if (this.ticker) setImmediate(() => this.pump());
        });
        this.inflight.add(p);
      }
    } finally {
      this.pumping = false;
    }
  }

  private claim(): NotificationRecord | undefined {
    try {
      const stale = new Date(this.clock.now() - (this.opts.staleAfterMs ?? 300_000)).toISOString();
      return this.store.claimNotification(this.owner, stale);
    } catch {
      return undefined; // the store is busy: next poll
    }
  }

  private async send(n: NotificationRecord, signal?: AbortSignal): Promise<void> {
    const channel = this.opts.channels.get(n.channel);
    const message = n.payload as AlertMessage;
    const base = {
      channel: n.channel,
      channelType: channel?.type ?? ('unknown' as const),
      event: n.event,
      workflow: n.workflow,
      runId: n.runId,
      attempt: n.attempts,
    };
    try {
      if (!channel) throw new DeliveryError(`alert channel "${n.channel}" is no longer in the config`, true);
      const timeout = AbortSignal.timeout(this.opts.sendTimeoutMs ?? 15_000);
      await channel.send({
        message,
        id: n.dedupeKey,
        nowMs: this.clock.now(),
        signal: AbortSignal.any([timeout, this.stopping.signal, ...(signal ? [signal] : [])]),
      });
    } catch (e) {
      const permanent = e instanceof DeliveryError && e.permanent;
      const error = (e as Error).message;
      const retryAt =
        !permanent && n.attempts < n.maxAttempts
          ? new Date(this.clock.now() + this.retryDelay(n.attempts)).toISOString()
          : null;
      this.guard(() => {
        this.store.notificationFailed(n.id, this.owner, error, retryAt);
        if (retryAt) this.emit({ ...base, type: 'retry', error, retryAt });
        else {
          this.emit({ ...base, type: 'failed', error });
          this.runLog(
            n,
            'warn',
            `the ${n.event} alert to channel "${n.channel}" was given up after ${n.attempts} attempt${n.attempts === 1 ? '' : 's'}: ${error}`,
          );
        }
      });
      return;
    }
    this.guard(() => {
      this.store.notificationSent(n.id, this.owner);
      this.emit({ ...base, type: 'sent' });
      this.runLog(n, 'info', `the ${n.event} alert was sent to channel "${n.channel}" (${channel.type})`);
    });
  }

  /** Equal jitter: half the exponential delay, plus up to as much again at random. */
  private retryDelay(attempt: number): number {
    const base = this.opts.retryBaseDelayMs ?? 5_000;
    const cap = this.opts.retryMaxDelayMs ?? 300_000;
    const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + (this.opts.random ?? Math.random)() * (ceiling / 2));
  }

  private runLog(n: NotificationRecord, level: 'info' | 'warn', message: string): void {
    if (n.runId) this.store.appendLog({ runId: n.runId, level, message, data: { alert: n.dedupeKey } });
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private emit(e: NotifierEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // A listener's failure (logs, metrics) must not stop alerts.
    }
  }

  /** Alerts never fail what they report on: a store error here is swallowed (and the next poll tries again). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      // See above.
    }
  }
}
