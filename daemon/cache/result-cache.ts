/**
 * Reuse of unchanged results, at run time (the executor's StepCache). A cached run's steps were
 * chosen when it was compiled (./cache-spec.ts); when it first starts, the versions of the tables
 * they read are asked of the warehouse once and each step gets its key (./prepare.ts). Then, step
 * by step:
 *
 * - a step whose key has a `ready` entry that has not expired, whose kept table is still there
 *   (and, for an output, still has the version the run that wrote it left), is recorded as reused
 *   from that run: no statement runs;
 * - otherwise the entry is marked `building` by this run, the step runs, and the entry becomes
 *   `ready` until now + ttl with the result's size (and the output's version).
 *
 * The janitor (`sweep`) drops the kept staging tables of expired entries and, per connection, the
 * least recently used ones past `maxBytes`; it never touches an entry a queued or running run may
 * read, and an output table is never dropped (its entry is only forgotten).
 */
import type { PlanStep, RunPlan } from '../../compiler/planner/plan.js';
import type { Connector } from '../../connectors/connector.js';
import type { Clock } from '../executor/clock.js';
import type { StepCache } from '../executor/step-cache.js';
import type { CacheEntryRecord, RunRecord, RunStore } from '../store/index.js';
import type { PreparedStep, RunCacheDoc } from './cache-spec.js';
import { cacheSources, partsKey, prepareCachedPlan } from './prepare.js';

export interface ResultCacheOptions {
  store: RunStore;
  clock: Clock;
  /** The janitor's id in the store while it drops a table. */
  owner: string;
  /** Kept staging tables per connection, at most this many bytes (the least recently used go first). */
  maxBytes: (connection: string) => number;
  /** How long a run waits for the janitor to finish dropping a table it is about to make (default 60 s). */
  dropWaitMs?: number;
}

export interface SweepReport {
  /** Kept staging tables dropped (as the dialect writes them). */
  dropped: string[];
  /** Entries forgotten without a drop (outputs, tables already gone). */
  forgotten: number;
  /** Tables that could not be dropped (tried again next time). */
  failures: Array<{ table: string; message: string }>;
}

export class ResultCache implements StepCache {
  constructor(private readonly o: ResultCacheOptions) {}

  private get store(): RunStore {
    return this.o.store;
  }

  private nowIso(offsetMs = 0): string {
    return new Date(this.o.clock.now() + offsetMs).toISOString();
  }

  private doc(runId: string): RunCacheDoc | undefined {
    return this.store.getRunCache(runId) as RunCacheDoc | undefined;
  }

  private log(run: RunRecord, message: string, stepId?: string, data?: unknown): void {
    this.store.appendLog({
      runId: run.id,
      level: 'info',
      message,
      ...(stepId ? { stepId } : {}),
      ...(data !== undefined ? { data } : {}),
    });
  }

  async preparePlan(
    run: RunRecord,
    plan: RunPlan,
    connector: Connector,
    signal: AbortSignal,
  ): Promise<RunPlan> {
    const doc = this.doc(run.id);
    if (!doc || doc.prepared) return plan;
    const sources = cacheSources(doc);
    const versions = new Map<string, string | null>();
    let why: string | undefined;
    if (sources.length && !connector.tableVersions)
      why = `${connector.dialect} connections have no table versions`;
    else if (sources.length)
      try {
        const got = await connector.tableVersions!(sources, {
          signal,
          label: { workflow: run.workflow, run: run.id, step: 'cache', origin: 'cache' },
        });
        sources.forEach((p, i) => versions.set(partsKey(p), got[i]?.version ?? null));
      } catch (e) {
        why = `the source tables' versions could not be read: ${(e as Error).message}`;
      }
    const { plan: next, prepared } = prepareCachedPlan(plan, doc, versions);
    if (!this.store.prepareRunCache(run.id, doc, next, { ...doc, prepared }))
      return this.store.getRunPlan(run.id) ?? plan;
    const keyed = Object.entries(prepared)
      .filter(([, p]) => p)
      .map(([id]) => id);
    const unversioned = sources
      .filter((p) => typeof versions.get(partsKey(p)) !== 'string')
      .map((p) => p.join('.'));
    this.log(
      run,
      why
        ? `reuse of unchanged results is off for this run: ${why}`
        : `may reuse unchanged results of ${keyed.length ? keyed.join(', ') : 'no step'}${unversioned.length ? ` (no version for ${unversioned.join(', ')}: what reads it runs)` : ''}`,
      undefined,
      { cache: { steps: keyed, unversioned } },
    );
    return next;
  }

  private prepared(runId: string, stepId: string): { doc: RunCacheDoc; step: PreparedStep } | undefined {
    const doc = this.doc(runId);
    const step = doc?.prepared?.[stepId];
    return doc && step ? { doc, step } : undefined;
  }

  async reusable(
    run: RunRecord,
    step: PlanStep,
    connector: Connector,
    signal: AbortSignal,
  ): Promise<{ from: string; rows: number | null } | undefined> {
    const p = this.prepared(run.id, step.id);
    if (!p) return undefined;
    const e = this.store.getCacheEntry(run.connection, p.step.key);
    const miss = (why: string) => {
      this.log(run, `runs: ${why}`, step.id, { cacheKey: p.step.key });
      return undefined;
    };
    if (!e) return miss('no kept result for its SQL, parameters and source versions');
    // This run's own (a retry of a step it began): it makes the result again.
    if (e.runId === run.id) return undefined;
    if (e.status !== 'ready')
      return miss(
        `its kept result is ${e.status === 'building' ? 'being made by run ' + e.runId : 'being dropped'}`,
      );
    if (e.expiresAt <= this.nowIso())
      return miss(`its kept result (run ${e.runId}) expired at ${e.expiresAt}`);
    const [now] = connector.tableVersions
      ? await connector.tableVersions([e.tableParts], {
          sizeOnly: e.kind === 'materialize',
          signal,
          label: { workflow: run.workflow, run: run.id, step: step.id, origin: 'cache' },
        })
      : [undefined];
    if (!now) return miss(`its kept table ${e.table} is gone`);
    if (e.kind === 'write' && (now.version === null || now.version !== e.tableVersion))
      return miss(`${e.table} was changed since run ${e.runId} wrote it`);
    if (!this.store.useCacheEntry(run.connection, e.key, { runId: e.runId, createdAt: e.createdAt }))
      return miss('its kept result was taken by the janitor');
    return { from: e.runId, rows: e.rows };
  }

  async building(run: RunRecord, step: PlanStep, signal: AbortSignal): Promise<void> {
    const p = this.prepared(run.id, step.id);
    if (!p) return;
    const until = this.o.clock.now() + (this.o.dropWaitMs ?? 60_000);
    for (;;) {
      const begun = this.store.beginCacheEntry({
        connection: run.connection,
        key: p.step.key,
        kind: step.kind === 'write' ? 'write' : 'materialize',
        table: p.step.table,
        tableParts: p.step.parts,
        sources: p.step.sources,
        workflow: run.workflow,
        stepId: step.id,
        runId: run.id,
        // A build that never finishes is the janitor's after this.
        expiresAt: this.nowIso(p.doc.ttlMs),
      });
      // False: the janitor is dropping this table; make it again once it is gone.
      if (begun || this.o.clock.now() >= until || signal.aborted) return;
      await this.o.clock.sleep(250, signal).catch(() => undefined);
    }
  }

  async built(
    run: RunRecord,
    step: PlanStep,
    connector: Connector,
    outcome: { rows: number | null; bytes: number | null },
  ): Promise<void> {
    const p = this.prepared(run.id, step.id);
    if (!p) return;
    const write = step.kind === 'write';
    const [v] = connector.tableVersions
      ? await connector.tableVersions([p.step.parts], {
          sizeOnly: !write,
          label: { workflow: run.workflow, run: run.id, step: step.id, origin: 'cache' },
        })
      : [undefined];
    this.store.cacheEntryReady(run.connection, p.step.key, run.id, {
      expiresAt: this.nowIso(p.doc.ttlMs),
      rows: outcome.rows,
      bytes: v?.bytes ?? null,
      tableVersion: write ? (v?.version ?? null) : null,
    });
  }

  /**
   * The janitor: drops what expired or does not fit, on each connection that has entries.
   * `connector` opens a connection's connector (a connection no longer configured is skipped).
   */
  async sweep(connector: (name: string) => Promise<Connector | undefined>): Promise<SweepReport> {
    const report: SweepReport = { dropped: [], forgotten: 0, failures: [] };
    const inUse = new Set<string>();
    for (const { cache } of this.store.activeRunCaches())
      for (const p of Object.values((cache as RunCacheDoc).prepared ?? {})) if (p) inUse.add(p.key);
    const byConnection = new Map<string, CacheEntryRecord[]>();
    for (const e of this.store.listCacheEntries()) {
      const list = byConnection.get(e.connection) ?? [];
      list.push(e);
      byConnection.set(e.connection, list);
    }
    const now = this.nowIso();
    // A janitor that died mid-drop left its entry `dropping`: taken again after 10 minutes.
    const staleDrop = this.nowIso(-600_000);
    for (const [name, entries] of byConnection) {
      const victims: CacheEntryRecord[] = [];
      const free = entries.filter((e) => !inUse.has(e.key));
      for (const e of free)
        if (e.status === 'dropping' ? e.createdAt < staleDrop : e.expiresAt <= now) victims.push(e);
      // Least recently used first (the list is ordered by last use) until the rest fits.
      const kept = entries.filter(
        (e) => e.kind === 'materialize' && e.status === 'ready' && !victims.includes(e),
      );
      let size = kept.reduce((n, e) => n + (e.bytes ?? 0), 0);
      const max = this.o.maxBytes(name);
      for (const e of kept) {
        if (size <= max) break;
        if (inUse.has(e.key)) continue;
        victims.push(e);
        size -= e.bytes ?? 0;
      }
      if (!victims.length) continue;
      const c = await connector(name).catch(() => undefined);
      for (const e of victims) await this.evict(e, c, report);
    }
    return report;
  }

  private async evict(e: CacheEntryRecord, c: Connector | undefined, report: SweepReport): Promise<void> {
    const expected = { status: e.status, runId: e.runId, createdAt: e.createdAt, lastUsedAt: e.lastUsedAt };
    if (e.kind === 'write') {
      // The output is the workflow's table, never ours to drop: only the entry goes.
      if (this.store.deleteCacheEntry(e.connection, e.key, { runId: e.runId, createdAt: e.createdAt }))
        report.forgotten++;
      return;
    }
    if (!c) return;
    if (!this.store.markCacheEntryDropping(e.connection, e.key, expected, this.o.owner)) return;
    const marked = this.store.getCacheEntry(e.connection, e.key);
    try {
      await c.execute(`DROP TABLE IF EXISTS ${e.table}`, {
        label: { step: 'cache-cleanup', origin: 'cache' },
      });
    } catch (err) {
      // Left `dropping`: a later sweep takes it again.
      report.failures.push({ table: e.table, message: (err as Error).message });
      return;
    }
    if (
      marked &&
      this.store.deleteCacheEntry(e.connection, e.key, { runId: marked.runId, createdAt: marked.createdAt })
    )
      report.dropped.push(e.table);
  }
}
