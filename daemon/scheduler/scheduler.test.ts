/**
 * The scheduler on virtual time: fires, DST days, catch-up after downtime, overlap, idempotency
 * between two schedulers, persistence across a restart, live schedule changes, failures, stop.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { MemoryScheduleStore } from './memory-store.js';
import type { CatchupPolicy } from './schedule-spec.js';
import type { ScheduledRunRequest } from './schedule-store.js';
import { Scheduler, type SchedulerEvent, type SchedulerOptions } from './scheduler.js';

interface Harness {
  clock: FakeClock;
  store: MemoryScheduleStore;
  scheduler: Scheduler;
  events: SchedulerEvent[];
  /** Every startRun call: the virtual instant it was made at, and its nominal time. */
  calls: Array<{ at: string; nominalAt: string; workflow: string; key: string }>;
}

function harness(
  start: string,
  opts: { store?: MemoryScheduleStore; clock?: FakeClock } & Partial<SchedulerOptions> = {},
): Harness {
  const clock = opts.clock ?? new FakeClock(start);
  const store = opts.store ?? Object.assign(new MemoryScheduleStore(), { finishOnStart: true });
  const events: SchedulerEvent[] = [];
  const calls: Harness['calls'] = [];
  const scheduler = new Scheduler({
    ...opts,
    store,
    clock,
    startRun: async (req: ScheduledRunRequest) => {
      calls.push({
        at: clock.now().toISOString(),
        nominalAt: req.nominalAt,
        workflow: req.workflow,
        key: req.idempotencyKey,
      });
      return (opts.startRun ?? store.startRun)(req);
    },
    onEvent: (e) => events.push(e),
  });
  return { clock, store, scheduler, events, calls };
}

describe('fires in UTC', () => {
  it('every minute: one run per minute, at the minute, with zero lag', async () => {
    const h = harness('2025-01-01T10:00:30Z');
    h.store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    await h.clock.advanceTo('2025-01-01T10:05:00Z');
    expect(h.calls.map((c) => c.at)).toEqual([
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:02:00.000Z',
      '2025-01-01T10:03:00.000Z',
      '2025-01-01T10:04:00.000Z',
      '2025-01-01T10:05:00.000Z',
    ]);
    expect(h.calls.every((c) => c.at === c.nominalAt)).toBe(true);
    expect(h.calls[0]?.key).toBe('schedule:wf:2025-01-01T10:01:00.000Z');
    expect(h.scheduler.metrics.lag.count).toBe(5);
    expect(h.scheduler.metrics.lag.maxMs).toBe(0);
    expect(h.store.schedules.get('wf')).toMatchObject({
      lastNominalAt: '2025-01-01T10:05:00.000Z',
      nextFireAt: '2025-01-01T10:06:00.000Z',
    });
    await h.scheduler.stop();
  });

  it('daily at 06:00 for a week, with the schedule params and connection', async () => {
    const store = Object.assign(new MemoryScheduleStore(), { finishOnStart: true });
    const seen: ScheduledRunRequest[] = [];
    const h = harness('2025-01-01T00:00:00Z', {
      store,
      startRun: async (req) => (seen.push(req), store.startRun(req)),
    });
    h.store.put({ workflow: 'wf', cron: '0 6 * * *', params: { min_amount: 5 }, connection: 'pg' });
    await h.scheduler.start();
    await h.clock.advanceTo('2025-01-08T00:00:00Z');
    expect(h.calls.map((c) => c.at)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2025-01-0${d}T06:00:00.000Z`));
    expect(seen[0]).toEqual({
      workflow: 'wf',
      params: { min_amount: 5 },
      connection: 'pg',
      trigger: 'schedule',
      idempotencyKey: 'schedule:wf:2025-01-01T06:00:00.000Z',
      nominalAt: '2025-01-01T06:00:00.000Z',
    });
  });
});

describe('DST days run exactly once, at the documented instant; the days around them are normal', () => {
  const cases: Array<[string, string, string, string, string[]]> = [
    [
      'Europe/Madrid spring forward, 02:30 → 03:00 CEST',
      'Europe/Madrid',
      '30 2 * * *',
      '2025-03-28T12:00:00Z',
      [
        '2025-03-29T01:30:00.000Z',
        '2025-03-30T01:00:00.000Z',
        '2025-03-31T00:30:00.000Z',
        '2025-04-01T00:30:00.000Z',
      ],
    ],
    [
      'America/New_York spring forward, 02:30 → 03:00 EDT',
      'America/New_York',
      '30 2 * * *',
      '2025-03-07T12:00:00Z',
      [
        '2025-03-08T07:30:00.000Z',
        '2025-03-09T07:00:00.000Z',
        '2025-03-10T06:30:00.000Z',
        '2025-03-11T06:30:00.000Z',
      ],
    ],
    [
      'America/New_York fall back, 01:30 once (EDT)',
      'America/New_York',
      '30 1 * * *',
      '2025-10-31T12:00:00Z',
      [
        '2025-11-01T05:30:00.000Z',
        '2025-11-02T05:30:00.000Z',
        '2025-11-03T06:30:00.000Z',
        '2025-11-04T06:30:00.000Z',
      ],
    ],
    [
      'Europe/Madrid fall back, 01:30 (not repeated there)',
      'Europe/Madrid',
      '30 1 * * *',
      '2025-10-24T12:00:00Z',
      [
        '2025-10-24T23:30:00.000Z',
        '2025-10-25T23:30:00.000Z',
        '2025-10-27T00:30:00.000Z',
        '2025-10-28T00:30:00.000Z',
      ],
    ],
    [
      'Europe/Madrid fall back, 02:30 once (CEST)',
      'Europe/Madrid',
      '30 2 * * *',
      '2025-10-24T12:00:00Z',
      [
        '2025-10-25T00:30:00.000Z',
        '2025-10-26T00:30:00.000Z',
        '2025-10-27T01:30:00.000Z',
        '2025-10-28T01:30:00.000Z',
      ],
    ],
  ];
  for (const [name, timezone, cron, start, expected] of cases)
    it(name, async () => {
      const h = harness(start);
      h.store.put({ workflow: 'wf', cron, timezone });
      await h.scheduler.start();
      await h.clock.advance(4 * 86_400_000);
      // Fired at the nominal instant itself, once per local day.
      expect(h.calls.map((c) => c.at)).toEqual(expected);
      expect(h.calls.map((c) => c.nominalAt)).toEqual(expected);
      expect(new Set(h.store.runs.map((r) => r.idempotencyKey)).size).toBe(4);
      await h.scheduler.stop();
    });
});

describe('catch-up after a 3-day downtime', () => {
  /** Fires daily 06:00 UTC on 1 January, stops, and comes back at noon on the 4th. */
  async function downtime(catchup: CatchupPolicy, maxCatchup: number, cron = '0 6 * * *') {
    const first = harness('2025-01-01T05:00:00Z');
    first.store.put({ workflow: 'wf', cron, catchup, maxCatchup });
    await first.scheduler.start();
    await first.clock.advanceTo('2025-01-01T06:00:00Z');
    await first.scheduler.stop();
    expect(first.calls).toHaveLength(1);
    const second = harness('2025-01-04T12:00:00Z', { store: first.store });
    await second.scheduler.start();
    return second;
  }

  it('none: runs none of the missed fires, then fires as usual', async () => {
    const h = await downtime('none', 10);
    expect(h.calls).toEqual([]);
    expect(h.scheduler.metrics.droppedFires).toBe(3);
    await h.clock.advanceTo('2025-01-05T06:00:00Z');
    expect(h.calls.map((c) => c.nominalAt)).toEqual(['2025-01-05T06:00:00.000Z']);
  });

  it('latest: the most recent missed fire, at once', async () => {
    const h = await downtime('latest', 10);
    expect(h.calls).toEqual([
      expect.objectContaining({ at: '2025-01-04T12:00:00.000Z', nominalAt: '2025-01-04T06:00:00.000Z' }),
    ]);
    expect(h.scheduler.metrics).toMatchObject({ droppedFires: 2, catchupFires: 1 });
    // A fire six hours late is a catch-up, not scheduler lag.
    expect(h.scheduler.metrics.lag.count).toBe(0);
    expect(h.store.schedules.get('wf')).toMatchObject({
      lastNominalAt: '2025-01-04T06:00:00.000Z',
      nextFireAt: '2025-01-05T06:00:00.000Z',
    });
  });

  it('all: every missed fire, oldest first', async () => {
    const h = await downtime('all', 10);
    expect(h.calls.map((c) => c.nominalAt)).toEqual([
      '2025-01-02T06:00:00.000Z',
      '2025-01-03T06:00:00.000Z',
      '2025-01-04T06:00:00.000Z',
    ]);
    expect(h.scheduler.metrics.droppedFires).toBe(0);
  });

  it('all with maxCatchup: the newest maxCatchup, the older ones dropped and counted', async () => {
    const h = await downtime('all', 5, '0 * * * *');
    // Hourly, last fired 1 Jan 06:00: 07:00 on the 1st … 12:00 on the 4th is 78 missed fires.
    expect(h.calls.map((c) => c.nominalAt)).toEqual([
      '2025-01-04T08:00:00.000Z',
      '2025-01-04T09:00:00.000Z',
      '2025-01-04T10:00:00.000Z',
      '2025-01-04T11:00:00.000Z',
      '2025-01-04T12:00:00.000Z',
    ]);
    expect(h.scheduler.metrics.droppedFires).toBe(73);
    expect(h.events).toContainEqual({
      type: 'dropped',
      workflow: 'wf',
      count: 73,
      atLeast: false,
      catchup: 'all',
    });
  });
});

describe('overlap', () => {
  it('skip (default): a fire while the previous run is queued or running starts nothing and is counted', async () => {
    const store = new MemoryScheduleStore(); // runs stay queued until finished
    const h = harness('2025-01-01T10:00:30Z', { store });
    store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    await h.clock.advanceTo('2025-01-01T10:03:00Z');
    expect(store.runs).toHaveLength(1);
    expect(h.scheduler.metrics.skippedFires).toBe(2);
    expect(h.events.filter((e) => e.type === 'skipped')).toHaveLength(2);
    store.finishAll();
    await h.clock.advanceTo('2025-01-01T10:04:00Z');
    expect(store.nominals('wf')).toEqual(['2025-01-01T10:01:00.000Z', '2025-01-01T10:04:00.000Z']);
    // A skipped fire is handled: it is not run later either.
    expect(store.schedules.get('wf')?.lastNominalAt).toBe('2025-01-01T10:04:00.000Z');
  });

  it('allow: every fire starts a run', async () => {
    const store = new MemoryScheduleStore();
    const h = harness('2025-01-01T10:00:30Z', { store, overlap: 'allow' });
    store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    await h.clock.advanceTo('2025-01-01T10:03:00Z');
    expect(store.runs).toHaveLength(3);
    expect(h.scheduler.metrics.skippedFires).toBe(0);
  });
});

describe('idempotency', () => {
  it('two schedulers over one store fire each nominal time once', async () => {
    const clock = new FakeClock('2025-01-01T10:00:30Z');
    const store = Object.assign(new MemoryScheduleStore(), { finishOnStart: true });
    store.put({ workflow: 'wf', cron: '* * * * *' });
    const a = harness('', { clock, store, overlap: 'allow' });
    const b = harness('', { clock, store, overlap: 'allow' });
    await Promise.all([a.scheduler.start(), b.scheduler.start()]);
    await clock.advanceTo('2025-01-01T10:10:00Z');
    // Both tried every fire; the UNIQUE key made each one run.
    expect(a.calls).toHaveLength(10);
    expect(b.calls).toHaveLength(10);
    expect(store.runs).toHaveLength(10);
    expect(new Set(store.nominals('wf')).size).toBe(10);
    expect(store.schedules.get('wf')?.lastNominalAt).toBe('2025-01-01T10:10:00.000Z');
  });

  it('a crash after the run started but before the fire was recorded starts nothing twice', async () => {
    const store = Object.assign(new MemoryScheduleStore(), { finishOnStart: true });
    store.put({ workflow: 'wf', cron: '0 6 * * *' });
    const first = harness('2025-01-01T05:00:00Z', { store });
    await first.scheduler.start();
    store.recordFire = () => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    };
    await first.clock.advanceTo('2025-01-01T06:00:00Z');
    await first.scheduler.stop();
    expect(first.events.some((e) => e.type === 'store-error')).toBe(true);
    expect(store.schedules.get('wf')?.lastNominalAt).toBeNull();

    store.recordFire = MemoryScheduleStore.prototype.recordFire.bind(store);
    const second = harness('2025-01-01T06:00:20Z', { store });
    await second.scheduler.start();
    expect(second.calls.map((c) => c.nominalAt)).toEqual(['2025-01-01T06:00:00.000Z']); // tried again…
    expect(store.runs).toHaveLength(1); // …and the key made it the same run
    expect(store.schedules.get('wf')?.lastNominalAt).toBe('2025-01-01T06:00:00.000Z');
  });
});

describe('the last fire is persisted', () => {
  it('a restart neither repeats the last fire nor misses the next', async () => {
    const first = harness('2025-01-01T05:00:00Z');
    first.store.put({ workflow: 'wf', cron: '0 6 * * *' });
    await first.scheduler.start();
    await first.clock.advanceTo('2025-01-01T06:00:10Z');
    await first.scheduler.stop();
    expect(first.store.schedules.get('wf')).toMatchObject({
      lastNominalAt: '2025-01-01T06:00:00.000Z',
      nextFireAt: '2025-01-02T06:00:00.000Z',
    });

    const second = harness('2025-01-01T06:00:20Z', { store: first.store });
    await second.scheduler.start();
    await second.clock.advanceTo('2025-01-02T06:00:00Z');
    expect(second.calls.map((c) => c.nominalAt)).toEqual(['2025-01-02T06:00:00.000Z']);
    expect(first.store.startCalls).toBe(2);
  });

  it('a new schedule records its first fire, so a restart before it catches it up', async () => {
    const first = harness('2025-01-01T05:00:00Z');
    first.store.put({ workflow: 'wf', cron: '0 6 * * *' });
    await first.scheduler.start();
    await first.scheduler.stop();
    expect(first.store.schedules.get('wf')?.nextFireAt).toBe('2025-01-01T06:00:00.000Z');
    const second = harness('2025-01-01T07:00:00Z', { store: first.store });
    await second.scheduler.start();
    expect(second.calls.map((c) => c.nominalAt)).toEqual(['2025-01-01T06:00:00.000Z']);
  });
});

describe('schedule changes take effect without a restart', () => {
  it('upsert, change, unschedule, reload', async () => {
    const h = harness('2025-01-01T10:00:30Z');
    await h.scheduler.start();
    const row = h.store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.upsert(row);
    await h.clock.advanceTo('2025-01-01T10:02:00Z');
    expect(h.calls).toHaveLength(2);

    // A new cron starts from its first fire after now: 10:00 today is not a missed fire.
    await h.scheduler.upsert(h.store.put({ ...h.store.getSchedule('wf')!, cron: '0 * * * *' }));
    expect(h.store.schedules.get('wf')?.nextFireAt).toBe('2025-01-01T11:00:00.000Z');
    await h.clock.advanceTo('2025-01-01T11:30:00Z');
    expect(h.calls.map((c) => c.nominalAt).slice(2)).toEqual(['2025-01-01T11:00:00.000Z']);

    h.store.schedules.delete('wf');
    h.scheduler.unschedule('wf');
    await h.clock.advanceTo('2025-01-01T13:00:00Z');
    expect(h.calls).toHaveLength(3);
    expect(h.clock.pending).toBe(0);

    // Changes made in the store by someone else arrive with reload().
    h.store.put({ workflow: 'other', cron: '30 13 * * *' });
    await h.scheduler.reload();
    await h.clock.advanceTo('2025-01-01T14:00:00Z');
    expect(h.calls.map((c) => `${c.workflow} ${c.nominalAt}`).slice(3)).toEqual([
      'other 2025-01-01T13:30:00.000Z',
    ]);
    expect(h.scheduler.list().map((s) => s.workflow)).toEqual(['other']);
  });

  it('an invalid stored schedule is reported and the others still fire; upsert refuses one', async () => {
    const h = harness('2025-01-01T10:00:30Z');
    h.store.put({ workflow: 'bad', cron: '0 6 * * *', timezone: 'Europe/Madird' });
    h.store.put({ workflow: 'good', cron: '* * * * *' });
    await h.scheduler.start();
    await h.clock.advanceTo('2025-01-01T10:01:00Z');
    expect(h.calls.map((c) => c.workflow)).toEqual(['good']);
    expect(h.scheduler.metrics.invalidSchedules).toBe(1);
    const invalid = h.events.find((e) => e.type === 'invalid');
    expect(invalid?.type === 'invalid' && invalid.error.hint).toBe('did you mean "Europe/Madrid"?');
    // A gauge, reported once: a reload does not count it again; fixing it clears it.
    await h.scheduler.reload();
    expect(h.scheduler.metrics.invalidSchedules).toBe(1);
    expect(h.events.filter((e) => e.type === 'invalid')).toHaveLength(1);
    h.store.put({ ...h.store.getSchedule('bad')!, timezone: 'Europe/Madrid' });
    await h.scheduler.reload();
    expect(h.scheduler.metrics.invalidSchedules).toBe(0);
    await expect(
      h.scheduler.upsert({ ...h.store.getSchedule('good')!, cron: '61 * * * *' }),
    ).rejects.toMatchObject({
      code: 'INVALID_SCHEDULE',
      field: 'cron',
    });
  });
});

describe('failures, lag, stop', () => {
  it('a failed start is retried with backoff, and given up when the next fire comes due', async () => {
    const h = harness('2025-01-01T10:00:30Z', { retryBaseMs: 1_000, retryMaxMs: 8_000 });
    h.store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    h.store.failStarts = new Error('SQLITE_BUSY');
    await h.clock.advanceTo('2025-01-01T10:01:04Z');
    // 10:01:00, then retries at +1 s and +2 s (10:01:01, 10:01:03).
    expect(h.calls.map((c) => c.at)).toEqual([
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:01:01.000Z',
      '2025-01-01T10:01:03.000Z',
    ]);
    expect(h.store.schedules.get('wf')?.nextFireAt).toBe('2025-01-01T10:01:00.000Z');
    h.store.failStarts = undefined;
    await h.clock.advanceTo('2025-01-01T10:01:07Z');
    expect(h.store.nominals('wf')).toEqual(['2025-01-01T10:01:00.000Z']);
    expect(h.scheduler.metrics.fireErrors).toBe(3);

    h.store.failStarts = new Error('SQLITE_BUSY');
    await h.clock.advanceTo('2025-01-01T10:02:59Z');
    h.store.failStarts = undefined;
    await h.clock.advanceTo('2025-01-01T10:03:00Z');
    expect(h.store.nominals('wf')).toEqual(['2025-01-01T10:01:00.000Z', '2025-01-01T10:03:00.000Z']);
    expect(h.scheduler.metrics.abandonedFires).toBe(1);
  });

  it('lag is the dispatch instant minus the nominal instant', async () => {
    // A clock whose timers wake 250 ms late.
    class LateClock extends FakeClock {
      override setTimer(at: Date, fn: () => void | Promise<void>) {
        return super.setTimer(new Date(at.getTime() + 250), fn);
      }
    }
    const clock = new LateClock('2025-01-01T10:00:30Z');
    const h = harness('', { clock });
    h.store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    await clock.advanceTo('2025-01-01T10:03:01Z');
    expect(h.scheduler.metrics.lag.count).toBe(3);
    expect(h.scheduler.metrics.lag.quantile(0.99)).toBe(250);
    expect(h.scheduler.metrics.lag.cumulative().find((b) => b.le === 250)?.count).toBe(3);
  });

  it('stop waits for a start in flight and fires nothing afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = Object.assign(new MemoryScheduleStore(), { finishOnStart: true });
    const h = harness('2025-01-01T10:00:30Z', {
      store,
      startRun: async (req) => {
        await gate;
        return store.startRun(req);
      },
    });
    store.put({ workflow: 'wf', cron: '* * * * *' });
    await h.scheduler.start();
    const advanced = h.clock.advanceTo('2025-01-01T10:01:00Z');
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await Promise.all([stopping, advanced]);
    expect(store.runs).toHaveLength(1);
    expect(store.schedules.get('wf')?.lastNominalAt).toBe('2025-01-01T10:01:00.000Z');
    await h.clock.advanceTo('2025-01-01T10:10:00Z');
    expect(store.runs).toHaveLength(1);
    expect(h.clock.pending).toBe(0);
  });
});
