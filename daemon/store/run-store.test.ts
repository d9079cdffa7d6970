import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunPlan } from '../../compiler/planner/plan.js';
import { RunStore } from './run-store.js';
import type { NewRun } from './runs.js';
import { storeBackends } from './testing.js';

const plan = (...ids: string[]): RunPlan => ({
  workflow: 'wf',
  dialect: 'duckdb',
  runId: 'x',
  steps: ids.map((id, i) => ({
    id,
    kind: 'materialize',
    purpose: id,
    nodes: [],
    dependsOn: i ? [ids[i - 1]!] : [],
    statements: [`SELECT ${i}`],
    transactional: false,
    creates: [],
  })),
});

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  workflow: 'wf',
  version: 1,
  trigger: 'api',
  connection: 'local',
  dialect: 'duckdb',
  plan: plan('a', 'b'),
  ...over,
});

// Every test runs on both backends: SQLite (the default) and PostgreSQL (EDGEFLOW_TEST_PG_URL; a
// database of its own, emptied before each test).
describe.each(storeBackends('run_store'))('RunStore on $name', (backend) => {
  let clock = Date.parse('2024-05-01T10:00:00Z');
  let store: RunStore;
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    clock = Date.parse('2024-05-01T10:00:00Z');
    await backend.reset();
    store = RunStore.open(backend.target(), { now: () => clock });
    store.saveWorkflowVersion({ name: 'wf', hash: 'h1', document: { name: 'wf' } });
  });
  afterEach(() => store.close());

  it('saves a new immutable version only when the content hash changes', () => {
    expect(store.saveWorkflowVersion({ name: 'wf', hash: 'h1', document: { name: 'wf' } })).toMatchObject({
      version: 1,
      created: false,
    });
    clock += 1000;
    const v2 = store.saveWorkflowVersion({
      name: 'wf',
      hash: 'h2',
      document: { name: 'wf', description: 'd' },
    });
    expect(v2).toMatchObject({ version: 2, created: true, createdAt: '2024-05-01T10:00:01.000Z' });
    // Going back to the first content is a new version too: versions are history, not a set.
    expect(store.saveWorkflowVersion({ name: 'wf', hash: 'h1', document: { name: 'wf' } }).version).toBe(3);
    expect(store.getWorkflowVersion('wf')?.version).toBe(3);
    expect(store.getWorkflowVersion('wf', 2)?.document).toEqual({ name: 'wf', description: 'd' });
    expect(store.getWorkflowVersion('wf', 9)).toBeUndefined();
    expect(store.listWorkflows()).toEqual([
      {
        name: 'wf',
        latestVersion: 3,
        hash: 'h1',
        description: null,
        createdAt: '2024-05-01T10:00:00.000Z',
        updatedAt: '2024-05-01T10:00:01.000Z',
      },
    ]);
    expect(store.listWorkflowVersions('wf').map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('creates a run with pending steps and lineage; an idempotency key gives back the first run', () => {
    const first = store.createRun(
      newRun({
        idempotencyKey: 'k1',
        lineage: [
          { outputNode: 'out', outputTable: 'a.t', column: 'c', sourceTable: 'a.s', sourceColumn: 'c' },
        ],
      }),
    );
    expect(first.created).toBe(true);
    expect(first.run).toMatchObject({ status: 'queued', attempt: 1, rootId: first.run.id, trigger: 'api' });
    const again = store.createRun(newRun({ idempotencyKey: 'k1', plan: plan('z') }));
    expect(again).toEqual({ run: first.run, created: false });
    expect(store.listSteps(first.run.id).map((s) => [s.stepId, s.status, s.maxAttempts])).toEqual([
      ['a', 'pending', 3],
      ['b', 'pending', 3],
    ]);
    expect(store.runLineage(first.run.id)).toHaveLength(1);
    expect(store.getRunPlan(first.run.id)?.steps.map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('one idempotency key is one run across two connections to one file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ef-store-'));
    try {
      const shared = backend.name === 'sqlite' ? path.join(dir, 'state.db') : backend.target();
      const a = RunStore.open(shared);
      const b = RunStore.open(shared);
      for (const s of [a, b]) s.saveWorkflowVersion({ name: 'wf', hash: 'h', document: {} });
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++)
        ids.add((i % 2 ? a : b).createRun(newRun({ idempotencyKey: 'same' })).run.id);
      expect(ids.size).toBe(1);
      expect(a.listRuns().runs).toHaveLength(1);
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('claims a run once, heartbeats, and finishes it once', () => {
    const { run } = store.createRun(newRun());
    expect(store.claimRun(run.id, 'e1')?.status).toBe('running');
    expect(store.claimRun(run.id, 'e2')).toBeUndefined();
    expect(store.claimNextRun('e2')).toBeUndefined();
    clock += 5000;
    expect(store.heartbeat('e1')).toBe(1);
    expect(store.getRun(run.id)?.heartbeatAt).toBe('2024-05-01T10:00:05.000Z');
    expect(store.finishRun(run.id, 'e2', 'succeeded')).toBeUndefined();
    const done = store.finishRun(run.id, 'e1', 'failed', { code: 'X', message: 'boom', step: 'a' });
    expect(done).toMatchObject({ status: 'failed', owner: null, error: { code: 'X', step: 'a' } });
    expect(store.finishRun(run.id, 'e1', 'succeeded')).toBeUndefined();
    expect(store.listSteps(run.id).map((s) => s.status)).toEqual(['skipped', 'skipped']);
  });

  it('claims the oldest queued run first', () => {
    const a = store.createRun(newRun({ id: 'r1' })).run;
    store.createRun(newRun({ id: 'r2' }));
    expect(store.claimNextRun('e')?.id).toBe(a.id);
    expect(store.claimNextRun('e')?.id).toBe('r2');
    expect(store.claimNextRun('e')).toBeUndefined();
  });

  it('moves a step through claim, query id, retry with backoff, and success', () => {
    const { run } = store.createRun(newRun({ owner: 'e1', maxAttempts: 2 }));
    expect(run.status).toBe('running');
    const s = store.claimStep(run.id, 'a');
    expect(s).toMatchObject({ status: 'running', attempts: 1, lockedAt: '2024-05-01T10:00:00.000Z' });
    expect(store.claimStep(run.id, 'a')).toBeUndefined();
    expect(store.setStepQueryId(run.id, 'a', 'q1')).toBe(true);
    const later = '2024-05-01T10:00:10.000Z';
    expect(
      store.retryStep(run.id, 'a', later, { code: 'T', message: 'flaky', errorClass: 'transient' }),
    ).toBe(true);
    expect(store.claimStep(run.id, 'a')).toBeUndefined(); // not before run_at
    clock = Date.parse(later);
    expect(store.claimStep(run.id, 'a')?.attempts).toBe(2);
    // max_attempts reached: no more retries.
    expect(store.retryStep(run.id, 'a', later, { code: 'T', message: 'again' })).toBe(false);
    expect(store.finishStep(run.id, 'a', { rows: 10, bytes: 100 })).toBe(true);
    expect(store.finishStep(run.id, 'a')).toBe(false);
    expect(store.getStep(run.id, 'a')).toMatchObject({
      status: 'succeeded',
      rows: 10,
      bytes: 100,
      queryId: null,
      lastError: { message: 'flaky' },
    });
  });

  it('resets running steps for recovery and hands back their query ids', () => {
    const { run } = store.createRun(newRun({ owner: 'dead' }));
    store.claimStep(run.id, 'a');
    store.setStepQueryId(run.id, 'a', 'q-a');
    expect(store.runningRuns().map((r) => r.owner)).toEqual(['dead']);
    expect(store.takeOverRun(run.id, 'other', 'me')).toBe(false);
    expect(store.takeOverRun(run.id, 'dead', 'me')).toBe(true);
    expect(store.resetRunningSteps(run.id)).toEqual([{ stepId: 'a', queryId: 'q-a' }]);
    expect(store.getStep(run.id, 'a')?.status).toBe('pending');
  });

  it('takes a run over on an expired lease only (compare-and-set on the heartbeat), and says who holds what', () => {
    const { run } = store.createRun(newRun({ owner: 'far:1:aa' }));
    expect(store.heldRuns('far:1:aa')).toEqual([run.id]);
    clock += 30_000;
    const expiredBefore = (ms: number) => new Date(clock - ms).toISOString();
    // Its heartbeat is 30 s old: a 60 s lease has not expired.
    expect(store.takeOverRun(run.id, 'far:1:aa', 'me', expiredBefore(60_000))).toBe(false);
    clock += 31_000;
    expect(store.heartbeat('far:1:aa')).toBe(1); // renewed just before the takeover is written
    expect(store.takeOverRun(run.id, 'far:1:aa', 'me', expiredBefore(60_000))).toBe(false);
    clock += 61_000;
    expect(store.takeOverRun(run.id, 'far:1:aa', 'me', expiredBefore(60_000))).toBe(true);
    expect(store.takeOverRun(run.id, 'far:1:aa', 'other', expiredBefore(60_000))).toBe(false);
    expect(store.heldRuns('far:1:aa')).toEqual([]);
    expect(store.heldRuns('me')).toEqual([run.id]);
    // The old owner's heartbeat no longer renews it, and it starts no step of it.
    expect(store.heartbeat('far:1:aa')).toBe(0);
    expect(store.claimStep(run.id, 'a', 'far:1:aa')).toBeUndefined();
    expect(store.claimStep(run.id, 'a', 'me')?.status).toBe('running');
    expect(store.getRun(run.id)).toMatchObject({ owner: 'me', heartbeatAt: new Date(clock).toISOString() });
  });

  it('cancels a queued run at once, and flags a running one for its executor', () => {
    const queued = store.createRun(newRun()).run;
    expect(store.requestCancel(queued.id)).toMatchObject({
      effect: 'cancelled',
      run: { status: 'cancelled' },
    });
    expect(store.listSteps(queued.id).map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(store.claimRun(queued.id, 'e')).toBeUndefined();
    const running = store.createRun(newRun({ owner: 'e' })).run;
    expect(store.requestCancel(running.id)).toMatchObject({
      effect: 'requested',
      run: { status: 'running' },
    });
    expect(store.cancelRequestedRuns('e')).toEqual([running.id]);
    store.finishRun(running.id, 'e', 'cancelled', { code: 'CANCELLED', message: 'cancelled' });
    expect(store.requestCancel(running.id)?.effect).toBe('finished');
    expect(store.requestCancel('nope')).toBeUndefined();
  });

  it('releases a run on shutdown so another executor resumes it', () => {
    const { run } = store.createRun(newRun({ owner: 'e1' }));
    expect(store.releaseRun(run.id, 'e1')).toBe(true);
    expect(store.getRun(run.id)).toMatchObject({ status: 'queued', owner: null });
    expect(store.claimNextRun('e2')?.id).toBe(run.id);
  });

  it('pages runs newest first, by workflow and status', () => {
    for (let i = 0; i < 5; i++) store.createRun(newRun({ id: `r${i}` }));
    store.claimRun('r3', 'e');
    const p1 = store.listRuns({ limit: 2 });
    expect(p1.runs.map((r) => r.id)).toEqual(['r4', 'r3']);
    const p2 = store.listRuns({ limit: 2, cursor: p1.nextCursor! });
    expect(p2.runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(store.listRuns({ limit: 2, cursor: p2.nextCursor! })).toEqual({
      runs: [expect.objectContaining({ id: 'r0' })],
      nextCursor: null,
    });
    expect(store.listRuns({ status: 'running' }).runs.map((r) => r.id)).toEqual(['r3']);
    expect(store.listRuns({ workflow: 'other' }).runs).toEqual([]);
    expect(store.runCounts()).toMatchObject({ queued: 4, running: 1, succeeded: 0 });
  });

  it('keeps log lines in order and reads them after a cursor', () => {
    const { run } = store.createRun(newRun());
    const a = store.appendLog({ runId: run.id, level: 'info', message: 'one' });
    store.appendLog({ runId: run.id, stepId: 'a', level: 'warn', message: 'two', data: { n: 1 } });
    expect(store.runLogs(run.id).map((l) => l.message)).toEqual(['one', 'two']);
    expect(store.runLogs(run.id, { after: a })).toEqual([
      expect.objectContaining({ stepId: 'a', level: 'warn', data: { n: 1 } }),
    ]);
  });

  it('schedules: upsert, due, and a compare-and-set fire', () => {
    expect(() => store.upsertSchedule({ workflow: 'missing', cron: '* * * * *' })).toThrow(/is not saved/);
    const s = store.upsertSchedule({
      workflow: 'wf',
      cron: '0 6 * * *',
      timezone: 'Europe/Madrid',
      nextFireAt: '2024-05-01T04:00:00.000Z',
    });
    expect(s).toMatchObject({ catchup: 'latest', maxCatchup: 10, enabled: true, lastNominalAt: null });
    expect(store.dueSchedules('2024-05-01T03:59:59.999Z')).toEqual([]);
    expect(store.dueSchedules('2024-05-01T04:00:00.000Z').map((x) => x.workflow)).toEqual(['wf']);
    const fire = {
      nominalAt: '2024-05-01T04:00:00.000Z',
      nextFireAt: '2024-05-02T04:00:00.000Z',
      expectedLastNominalAt: null,
    };
    expect(store.recordScheduleFire('wf', fire)).toBe(true);
    expect(store.recordScheduleFire('wf', fire)).toBe(false); // a second scheduler loses
    expect(store.getSchedule('wf')).toMatchObject({
      lastNominalAt: '2024-05-01T04:00:00.000Z',
      nextFireAt: '2024-05-02T04:00:00.000Z',
    });
    // An update without nextFireAt keeps it, and keeps the last fire.
    store.upsertSchedule({ workflow: 'wf', cron: '0 7 * * *', enabled: false });
    expect(store.getSchedule('wf')).toMatchObject({
      cron: '0 7 * * *',
      enabled: false,
      nextFireAt: '2024-05-02T04:00:00.000Z',
      lastNominalAt: '2024-05-01T04:00:00.000Z',
    });
    expect(store.dueSchedules('2030-01-01T00:00:00.000Z')).toEqual([]);
    expect(store.deleteSchedule('wf')).toBe(true);
    expect(store.listSchedules()).toEqual([]);
  });

  it('tokens: stored by hash, found, touched, listed and revoked', () => {
    const hash = 'ab'.repeat(32);
    const t = store.createToken({ name: 'ci', scopes: ['read', 'run'], hash });
    expect(t).toMatchObject({ name: 'ci', scopes: ['read', 'run'], hash, lastUsedAt: null, revokedAt: null });
    expect(() => store.createToken({ name: 'dup', scopes: ['read'], hash })).toThrow(/exists already/);
    expect(store.findTokenByHash(Buffer.from(hash, 'hex'))?.id).toBe(t.id);
    expect(store.findTokenByHash('AB'.repeat(32))?.id).toBe(t.id);
    expect(store.findTokenByHash('not a hash')).toBeUndefined();
    store.touchToken(t.id, new Date('2024-05-02T00:00:00Z'));
    expect(store.listTokens()[0]?.lastUsedAt).toBe('2024-05-02T00:00:00.000Z');
    expect(store.revokeToken(t.id)).toBe(true);
    expect(store.revokeToken(t.id)).toBe(false);
    expect(store.findTokenByHash(hash)?.revokedAt).toBe('2024-05-01T10:00:00.000Z');
    expect(() => store.createToken({ name: 'x', scopes: ['root' as 'read'], hash: 'cd'.repeat(32) })).toThrow(
      /unknown scope/,
    );
  });

  it('a run holds an owner exactly while it is running (a CHECK constraint)', () => {
    const { run } = store.createRun(newRun());
    expect(() =>
      store.statements.stmt(`UPDATE runs SET status = 'running' WHERE id = ?`).run(run.id),
    ).toThrow(/CHECK/);
  });
});
