/**
 * The schedule store and a run service in memory, with the same guarantees the SQLite run store
 * gives (a UNIQUE idempotency key, a compare-and-set fire record): for tests and the bench.
 */
import type { FireRecord, ScheduledRunRequest, ScheduleStore, StoredSchedule } from './schedule-store.js';

export interface MemoryRun {
  id: string;
  workflow: string;
  idempotencyKey: string;
  nominalAt: string;
  params: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded';
}

export class MemoryScheduleStore implements ScheduleStore {
  readonly schedules = new Map<string, StoredSchedule>();
  readonly runs: MemoryRun[] = [];
  private readonly byKey = new Map<string, MemoryRun>();
  /** How many `startRun` calls there were, duplicates included. */
  startCalls = 0;
  /** Set to make `startRun` fail (a store outage). */
  failStarts: Error | undefined;
  /** Runs are created finished, so the overlap policy never holds a fire back. */
  finishOnStart = false;

  put(s: Partial<StoredSchedule> & Pick<StoredSchedule, 'workflow' | 'cron'>): StoredSchedule {
    const row: StoredSchedule = { lastNominalAt: null, nextFireAt: null, enabled: true, ...s };
    this.schedules.set(row.workflow, row);
    return { ...row };
  }

  listEnabledSchedules(): StoredSchedule[] {
    return [...this.schedules.values()].filter((s) => s.enabled !== false).map((s) => ({ ...s }));
  }

  getSchedule(workflow: string): StoredSchedule | undefined {
    const s = this.schedules.get(workflow);
    return s && { ...s };
  }

  recordFire(workflow: string, fire: FireRecord): boolean {
    const s = this.schedules.get(workflow);
    if (!s || s.lastNominalAt !== fire.expectedLastNominalAt) return false;
    s.lastNominalAt = fire.nominalAt;
    s.nextFireAt = fire.nextFireAt;
    return true;
  }

  setNextFire(workflow: string, nextFireAt: string | null): boolean {
    const s = this.schedules.get(workflow);
    if (!s) return false;
    s.nextFireAt = nextFireAt;
    return true;
  }

  hasActiveRun(workflow: string): boolean {
    return this.runs.some((r) => r.workflow === workflow && r.status !== 'succeeded');
  }

  /** The run service's contract: a second start with a key returns the first run. */
  readonly startRun = async (req: ScheduledRunRequest): Promise<MemoryRun> => {
    this.startCalls++;
    if (this.failStarts) throw this.failStarts;
    const existing = this.byKey.get(req.idempotencyKey);
    if (existing) return existing;
    const run: MemoryRun = {
      id: `run_${this.runs.length + 1}`,
      workflow: req.workflow,
      idempotencyKey: req.idempotencyKey,
      nominalAt: req.nominalAt,
      params: req.params,
      status: this.finishOnStart ? 'succeeded' : 'queued',
    };
    this.runs.push(run);
    this.byKey.set(req.idempotencyKey, run);
    return run;
  };

  /** Marks every run of the workflow finished (so the overlap policy lets the next one start). */
  finishAll(workflow?: string): void {
    for (const r of this.runs) if (workflow === undefined || r.workflow === workflow) r.status = 'succeeded';
  }

  nominals(workflow: string): string[] {
    return this.runs.filter((r) => r.workflow === workflow).map((r) => r.nominalAt);
  }
}
