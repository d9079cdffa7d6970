/**
 * The pure fire arithmetic: UTC, the DST rule in Europe/Madrid and America/New_York (this pins
 * croner's behaviour: an upgrade that changes it fails here), and catch-up after downtime.
 */
import { describe, expect, it } from 'vitest';
import { firesToRun, firstUnhandledFire, idempotencyKey, nextFires } from './fires.js';
import { compileSchedule, type CatchupPolicy } from './schedule-spec.js';

const at = (iso: string) => new Date(iso);
const isoList = (ds: Date[]) => ds.map((d) => d.toISOString());

function fires(cron: string, timezone: string, from: string, to: string): string[] {
  return isoList(nextFires(compileSchedule({ cron, timezone }), at(from), at(to), 10_000));
}

/** Local wall-clock text of an instant with its UTC offset ("2025-03-30 03:00 GMT+2"), to read the expectations as a person would. */
function local(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(at(iso));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']} ${p['timeZoneName']}`;
}

describe('nextFires in UTC', () => {
  it('every minute: each minute once, after `after` and up to `until` inclusive', () => {
    expect(fires('* * * * *', 'UTC', '2025-01-01T10:00:00Z', '2025-01-01T10:03:00Z')).toEqual([
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:02:00.000Z',
      '2025-01-01T10:03:00.000Z',
    ]);
  });

  it('daily at 06:00, and the limit', () => {
    const spec = compileSchedule({ cron: '0 6 * * *' });
    expect(isoList(nextFires(spec, at('2025-01-01T06:00:00Z'), at('2025-01-31T00:00:00Z'), 3))).toEqual([
      '2025-01-02T06:00:00.000Z',
      '2025-01-03T06:00:00.000Z',
      '2025-01-04T06:00:00.000Z',
    ]);
  });

  it('milliseconds do not lose or repeat a fire', () => {
    const spec = compileSchedule({ cron: '0 6 * * *' });
    expect(spec.nextAfter(at('2025-01-01T05:59:59.999Z'))?.toISOString()).toBe('2025-01-01T06:00:00.000Z');
    expect(spec.nextAfter(at('2025-01-01T06:00:00.001Z'))?.toISOString()).toBe('2025-01-02T06:00:00.000Z');
    expect(spec.lastAtOrBefore(at('2025-01-01T06:00:00.000Z'))?.toISOString()).toBe(
      '2025-01-01T06:00:00.000Z',
    );
    expect(spec.lastAtOrBefore(at('2025-01-01T06:00:00.999Z'))?.toISOString()).toBe(
      '2025-01-01T06:00:00.000Z',
    );
    expect(spec.lastAtOrBefore(at('2025-01-01T05:59:59.999Z'))?.toISOString()).toBe(
      '2024-12-31T06:00:00.000Z',
    );
  });

  it('day-of-month and day-of-week combine with OR, as in Unix cron', () => {
    // The 1st of March 2025 is a Saturday; Mondays are the 3rd and 10th.
    expect(fires('0 0 1 * 1', 'UTC', '2025-02-28T12:00:00Z', '2025-03-11T00:00:00Z')).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-03-03T00:00:00.000Z',
      '2025-03-10T00:00:00.000Z',
    ]);
  });
});

describe('DST: a fixed-time fire runs exactly once, at the documented instant', () => {
  it('Europe/Madrid spring forward (2025-03-30, 02:00 → 03:00): 02:30 fires at 03:00 GMT+2', () => {
    const f = fires('30 2 * * *', 'Europe/Madrid', '2025-03-28T12:00:00Z', '2025-04-01T12:00:00Z');
    expect(f).toEqual([
      '2025-03-29T01:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
    expect(f.map((x) => local(x, 'Europe/Madrid'))).toEqual([
      '2025-03-29 02:30 GMT+1',
      '2025-03-30 03:00 GMT+2',
      '2025-03-31 02:30 GMT+2',
      '2025-04-01 02:30 GMT+2',
    ]);
  });

  it('America/New_York spring forward (2025-03-09, 02:00 → 03:00): 02:30 fires at 03:00 EDT', () => {
    const f = fires('30 2 * * *', 'America/New_York', '2025-03-07T12:00:00Z', '2025-03-10T12:00:00Z');
    expect(f.map((x) => local(x, 'America/New_York'))).toEqual([
      '2025-03-08 02:30 GMT-5',
      '2025-03-09 03:00 GMT-4',
      '2025-03-10 02:30 GMT-4',
    ]);
    expect(f[1]).toBe('2025-03-09T07:00:00.000Z');
  });

  it('America/New_York fall back (2025-11-02, 02:00 → 01:00): 01:30 fires once, at the EDT one', () => {
    const f = fires('30 1 * * *', 'America/New_York', '2025-10-31T12:00:00Z', '2025-11-03T12:00:00Z');
    expect(f).toEqual(['2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    expect(local(f[1]!, 'America/New_York')).toBe('2025-11-02 01:30 GMT-4');
  });

  it('a search that starts inside the repeated hour does not fire on its second pass', () => {
    const spec = compileSchedule({ cron: '30 1 * * *', timezone: 'America/New_York' });
    // 05:45Z is 01:45 EDT: the second 01:30 (06:30Z, EST) is not a fire.
    expect(spec.nextAfter(at('2025-11-02T05:45:00Z'))?.toISOString()).toBe('2025-11-03T06:30:00.000Z');
  });

  it('Europe/Madrid fall back (2025-10-26, 03:00 → 02:00): 01:30 is not repeated there and fires as usual', () => {
    const f = fires('30 1 * * *', 'Europe/Madrid', '2025-10-24T12:00:00Z', '2025-10-27T12:00:00Z');
    expect(f.map((x) => local(x, 'Europe/Madrid'))).toEqual([
      '2025-10-25 01:30 GMT+2',
      '2025-10-26 01:30 GMT+2',
      '2025-10-27 01:30 GMT+1',
    ]);
  });

  it('Europe/Madrid fall back: 02:30, the repeated time there, fires once, at the CEST one', () => {
    const f = fires('30 2 * * *', 'Europe/Madrid', '2025-10-24T12:00:00Z', '2025-10-27T12:00:00Z');
    expect(f).toEqual(['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
    expect(local(f[1]!, 'Europe/Madrid')).toBe('2025-10-26 02:30 GMT+2');
  });

  it('lists are fixed times too: 02:30 of "30 2,14" fires at 03:00; times in the gap collapse into one fire', () => {
    expect(
      fires('30 2,14 * * *', 'America/New_York', '2025-03-08T20:00:00Z', '2025-03-09T23:00:00Z'),
    ).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-09T18:30:00.000Z']);
    expect(fires('0,30 2 * * *', 'America/New_York', '2025-03-08T20:00:00Z', '2025-03-09T23:00:00Z')).toEqual(
      ['2025-03-09T07:00:00.000Z'],
    );
    expect(
      fires('30 1,13 * * *', 'America/New_York', '2025-11-01T20:00:00Z', '2025-11-02T23:00:00Z'),
    ).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-02T18:30:00.000Z']);
  });

  it('a weekly Sunday 02:30 job runs on the Sunday the clocks change (US DST starts on a Sunday)', () => {
    expect(fires('30 2 * * 0', 'America/New_York', '2025-03-01T00:00:00Z', '2025-03-17T00:00:00Z')).toEqual([
      '2025-03-02T07:30:00.000Z',
      '2025-03-09T07:00:00.000Z',
      '2025-03-16T06:30:00.000Z',
    ]);
  });
});

describe('DST: interval jobs follow elapsed time', () => {
  it('hourly: 23 fires on spring-forward day, 25 on fall-back day (Madrid)', () => {
    // Local days: 2025-03-30 00:00 CET = 03-29T23:00Z … 03-31 00:00 CEST = 03-30T22:00Z.
    expect(fires('0 * * * *', 'Europe/Madrid', '2025-03-29T22:59:00Z', '2025-03-30T21:59:00Z')).toHaveLength(
      23,
    );
    expect(fires('0 * * * *', 'Europe/Madrid', '2025-10-25T21:59:00Z', '2025-10-26T22:59:00Z')).toHaveLength(
      25,
    );
  });

  it('every 30 minutes through the New York repeat: both 01:00s and both 01:30s, 30 minutes apart', () => {
    expect(fires('*/30 * * * *', 'America/New_York', '2025-11-02T04:45:00Z', '2025-11-02T07:00:00Z')).toEqual(
      [
        '2025-11-02T05:00:00.000Z',
        '2025-11-02T05:30:00.000Z',
        '2025-11-02T06:00:00.000Z',
        '2025-11-02T06:30:00.000Z',
        '2025-11-02T07:00:00.000Z',
      ],
    );
  });
});

describe('forward and backward fire searches agree across DST changes', () => {
  // firesToRun finds the newest due fire backwards and counts forwards: the two must agree.
  const patterns = ['30 2 * * *', '30 1 * * *', '*/30 * * * *', '0 * * * *', '0,30 2 * * *', '30 1,13 * * *'];
  const zones = ['Europe/Madrid', 'America/New_York', 'Australia/Lord_Howe'];
  const windows = [
    '2025-03-08T00:00:00Z',
    '2025-03-29T00:00:00Z',
    '2025-10-25T00:00:00Z',
    '2025-11-01T00:00:00Z',
  ];
  for (const cron of patterns)
    it(cron, () => {
      for (const timezone of zones) {
        const spec = compileSchedule({ cron, timezone });
        for (const w of windows) {
          const list = nextFires(spec, at(w), new Date(at(w).getTime() + 3 * 86_400_000), 1000);
          for (let i = 1; i < list.length; i++) {
            const [prev, cur] = [list[i - 1]!, list[i]!];
            expect(cur.getTime()).toBeGreaterThan(prev.getTime());
            expect(spec.lastAtOrBefore(new Date(cur.getTime() - 1))).toEqual(prev);
            expect(spec.lastAtOrBefore(cur)).toEqual(cur);
            expect(spec.nextAfter(new Date((prev.getTime() + cur.getTime()) / 2))).toEqual(cur);
          }
        }
      }
    });
});

describe('firesToRun after a 3-day downtime', () => {
  // Daily at 06:00 UTC, last fired 1 January; back at noon on the 4th: 2nd, 3rd and 4th are due.
  const daily = compileSchedule({ cron: '0 6 * * *' });
  const base = { spec: daily, lastFiredNominal: at('2025-01-01T06:00:00Z'), now: at('2025-01-04T12:00:00Z') };
  const run = (catchup: CatchupPolicy, maxCatchup = 10, extra: object = {}) =>
    firesToRun({ ...base, catchup, maxCatchup, ...extra });

  it('none: runs nothing missed, drops all three', () => {
    const r = run('none');
    expect(r.run).toEqual([]);
    expect(r.dropped).toBe(3);
    expect(r.newest?.toISOString()).toBe('2025-01-04T06:00:00.000Z');
    expect(r.next?.toISOString()).toBe('2025-01-05T06:00:00.000Z');
  });

  it('none: a fire within the on-time window still runs (a timer that woke late)', () => {
    const r = run('none', 10, { now: at('2025-01-04T06:00:30Z') });
    expect(isoList(r.run)).toEqual(['2025-01-04T06:00:00.000Z']);
    expect(r.dropped).toBe(2);
    expect(run('none', 10, { now: at('2025-01-04T06:01:01Z') }).run).toEqual([]);
  });

  it('latest: the newest missed fire', () => {
    const r = run('latest');
    expect(isoList(r.run)).toEqual(['2025-01-04T06:00:00.000Z']);
    expect(r.dropped).toBe(2);
  });

  it('all: every missed fire, oldest first', () => {
    const r = run('all');
    expect(isoList(r.run)).toEqual([
      '2025-01-02T06:00:00.000Z',
      '2025-01-03T06:00:00.000Z',
      '2025-01-04T06:00:00.000Z',
    ]);
    expect(r.dropped).toBe(0);
  });

  it('all is bounded by maxCatchup: the oldest are dropped and counted', () => {
    const r = run('all', 2);
    expect(isoList(r.run)).toEqual(['2025-01-03T06:00:00.000Z', '2025-01-04T06:00:00.000Z']);
    expect(r.dropped).toBe(1);
    const hourly = firesToRun({
      ...base,
      spec: compileSchedule({ cron: '0 * * * *' }),
      catchup: 'all',
      maxCatchup: 10,
    });
    // 1 Jan 07:00 … 4 Jan 12:00 is 78 fires.
    expect(hourly.run).toHaveLength(10);
    expect(hourly.run[9]?.toISOString()).toBe('2025-01-04T12:00:00.000Z');
    expect(hourly.dropped).toBe(68);
    expect(hourly.droppedAtLeast).toBe(false);
  });

  it('a minutely schedule down for days is counted only up to maxScan, and says so', () => {
    const t0 = performance.now();
    const r = firesToRun({
      ...base,
      spec: compileSchedule({ cron: '* * * * *' }),
      catchup: 'all',
      maxCatchup: 10,
    });
    expect(r.run).toHaveLength(10);
    expect(r.dropped).toBe(200);
    expect(r.droppedAtLeast).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('nothing is due when the last fire is the newest one', () => {
    const r = firesToRun({
      ...base,
      lastFiredNominal: at('2025-01-04T06:00:00Z'),
      catchup: 'all',
      maxCatchup: 10,
    });
    expect(r).toMatchObject({ run: [], dropped: 0, newest: null });
    expect(r.next?.toISOString()).toBe('2025-01-05T06:00:00.000Z');
  });

  it('a schedule never fired and never recorded has missed nothing', () => {
    expect(firesToRun({ ...base, lastFiredNominal: null, catchup: 'all', maxCatchup: 10 }).run).toEqual([]);
  });

  it('notBefore: a schedule changed on the 3rd misses only its fires from then on', () => {
    const r = firesToRun({ ...base, notBefore: at('2025-01-03T06:00:00Z'), catchup: 'all', maxCatchup: 10 });
    expect(isoList(r.run)).toEqual(['2025-01-03T06:00:00.000Z', '2025-01-04T06:00:00.000Z']);
    expect(firstUnhandledFire(daily, null, at('2025-01-03T06:00:00Z'))?.toISOString()).toBe(
      '2025-01-03T06:00:00.000Z',
    );
  });

  it('catch-up in a DST zone counts the skipped-then-shifted fire once', () => {
    const spec = compileSchedule({ cron: '30 2 * * *', timezone: 'Europe/Madrid' });
    const r = firesToRun({
      spec,
      lastFiredNominal: at('2025-03-28T01:30:00Z'),
      now: at('2025-04-01T12:00:00Z'),
      catchup: 'all',
      maxCatchup: 10,
    });
    expect(isoList(r.run)).toEqual([
      '2025-03-29T01:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
  });
});

it('the idempotency key is the workflow and the nominal UTC instant', () => {
  expect(idempotencyKey('store_revenue', at('2025-03-30T01:00:00Z'))).toBe(
    'schedule:store_revenue:2025-03-30T01:00:00.000Z',
  );
});
