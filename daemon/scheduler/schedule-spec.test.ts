import { describe, expect, it } from 'vitest';
import { compileSchedule, ScheduleError } from './schedule-spec.js';

function errorOf(spec: { cron: string; timezone?: string }): ScheduleError {
  try {
    compileSchedule(spec);
  } catch (e) {
    if (e instanceof ScheduleError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}

describe('compileSchedule', () => {
  it('accepts five fields, names and extra spaces; the time zone defaults to UTC', () => {
    const s = compileSchedule({ cron: ' 0  6 * * MON-FRI ' });
    expect(s.cron).toBe('0 6 * * MON-FRI');
    expect(s.timezone).toBe('UTC');
    expect(compileSchedule({ cron: '0 6 * * *', timezone: 'US/Eastern' }).timezone).toBe('US/Eastern');
  });

  it.each([
    ['61 * * * *', /invalid cron "61 \* \* \* \*": Invalid value for minute: 61/],
    ['* * * *', /has 4 fields, not 5/],
    ['0 0 6 * * *', /has 6 fields, not 5 \(a seconds field is not supported\)/],
    ['x y z a b', /invalid cron/],
    ['0 0 30 2 *', /never fires/],
  ])('rejects cron %s with INVALID_SCHEDULE and a hint', (cron, message) => {
    const e = errorOf({ cron });
    expect(e.code).toBe('INVALID_SCHEDULE');
    expect(e.field).toBe('cron');
    expect(e.message).toMatch(message);
    expect(e.hint.length).toBeGreaterThan(10);
  });

  it('a nickname gets its five-field spelling as the hint', () => {
    const e = errorOf({ cron: '@daily' });
    expect(e.hint).toBe('write "0 0 * * *" instead');
  });

  it.each([
    ['Europe/Madird', 'did you mean "Europe/Madrid"?'],
    ['America/New_Yrok', 'did you mean "America/New_York"?'],
    ['Madrid', 'did you mean "Europe/Madrid"?'],
    ['new york', 'did you mean "America/New_York"?'],
    ['UTX', 'did you mean "UTC"?'],
  ])('an unknown time zone %s suggests the nearest name', (timezone, hint) => {
    const e = errorOf({ cron: '0 6 * * *', timezone });
    expect(e.code).toBe('INVALID_SCHEDULE');
    expect(e.field).toBe('timezone');
    expect(e.message).toContain(`unknown time zone "${timezone}"`);
    expect(e.hint).toBe(hint);
  });

  it('a UTC offset is not a time zone: it has no DST', () => {
    for (const timezone of ['+02:00', 'UTC+2', 'GMT-05:00']) {
      const e = errorOf({ cron: '0 6 * * *', timezone });
      expect(e.message).toContain('is a UTC offset, not an IANA time zone');
      expect(e.hint).toContain('Europe/Madrid');
    }
  });
});
