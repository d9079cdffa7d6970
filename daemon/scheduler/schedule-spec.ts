/**
 * A workflow's `schedule` (cron + IANA time zone), validated and compiled into something that
 * answers "when is the next fire after t" and "the last fire at or before t" as UTC instants.
 *
 * The cron arithmetic is croner's (https://croner.56k.guru), chosen because it does DST the way
 * we want, which the tests in fires.test.ts pin so an upgrade that changes it fails loudly:
 *
 * - A fixed-time job (no `*` and no step in the minute and hour fields: `30 2 * * *`,
 *   `30 1,13 * * *`) fires once per matching local day:
 *   - in the spring-forward gap (02:30 on the day 02:00 jumps to 03:00) it fires once, at the
 *     instant the gap ends (03:00 local), as Vixie cron does. It fires as early as possible, every
 *     time of the day that fell in the gap collapses into that one instant (so `0,30 2 * * *`
 *     fires once, not twice), and it comes before any later fire of that day;
 *   - in the fall-back repeat (01:30 on the day 02:00 goes back to 01:00 in New York; 02:30 in
 *     Madrid, where the clocks go back at 03:00) it fires once, at the first occurrence (the
 *     daylight-time one).
 * - An interval job (`*` or a step in minutes or hours: `*\/15 * * * *`, `0 * * * *`) follows
 *   elapsed time: times in the gap do not exist and are skipped, and a repeated time fires on both
 *   occurrences, so an hourly job runs 23 times on spring-forward day and 25 on fall-back day.
 *
 * Croner's default `fixedTimeRule: "single-value"` would make `30 2,14 * * *` an interval job
 * that silently skips its 02:30 fire on spring-forward day; "no-wildcard" is Vixie cron's rule
 * (a job is wild only when minute or hour starts with `*`), see croner's README, "DST handling".
 * Day-of-month and day-of-week combine with OR when both are restricted, as in every Unix cron.
 *
 * Nominal fire times are UTC instants; they are stored as ISO text (`toISOString()`).
 */
import { Cron } from 'croner';
import { nearest } from '../../compiler/suggest.js';
import type { ScheduleSpec } from '../../compiler/workflow/model.js';

export type CatchupPolicy = 'none' | 'latest' | 'all';

export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_CATCHUP: CatchupPolicy = 'latest';
export const DEFAULT_MAX_CATCHUP = 10;

export type ScheduleErrorField = 'cron' | 'timezone' | 'catchup' | 'maxCatchup';

/** A schedule that cannot be used; `hint` says what to write instead. */
export class ScheduleError extends Error {
  readonly code = 'INVALID_SCHEDULE';
  constructor(
    readonly field: ScheduleErrorField,
    readonly value: unknown,
    message: string,
    readonly hint: string,
  ) {
    super(`${message}; ${hint}`);
    this.name = 'ScheduleError';
  }
}

/** A cron expression in a time zone, ready to compute fires. Pure: no clock. */
export interface CompiledSchedule {
  readonly cron: string;
  readonly timezone: string;
  /** The first fire strictly after `t`, or null when there is none (before year 9999). */
  nextAfter(t: Date): Date | null;
  /** The last fire at or before `t`, or null. */
  lastAtOrBefore(t: Date): Date | null;
  /** Up to `n` fires at or before `t`, newest first. */
  lastN(t: Date, n: number): Date[];
}

const CRON_HINT =
  'write five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * *" for 06:00 every day';

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * A reference instant for "does it ever fire": compilation must not read the clock. A leap year's
 * start, so 29 February is found within the year; croner searches on to year 9999 for the rest.
 */
const NEVER_FIRES_FROM = new Date(Date.UTC(2024, 0, 1));

export function compileSchedule(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>): CompiledSchedule {
  const timezone = validateTimeZone(spec.timezone ?? DEFAULT_TIMEZONE);
  const cron = validateCronShape(spec.cron);
  let job: Cron;
  try {
    job = new Cron(cron, {
      timezone,
      paused: true,
      mode: '5-part',
      fixedTimeRule: 'no-wildcard',
      domAndDow: false,
    });
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).replace(/^Cron\w*: /, '');
    throw new ScheduleError('cron', spec.cron, `invalid cron "${spec.cron}": ${detail}`, CRON_HINT);
  }
  // Croner works in whole seconds and cron fires on second 0: flooring keeps "at or before t"
  // exact when t carries milliseconds.
  const floorSecond = (t: Date) => Math.floor(t.getTime() / 1000) * 1000;
  const compiled: CompiledSchedule = {
    cron,
    timezone,
    nextAfter: (t) => job.nextRun(t),
    lastAtOrBefore: (t) => job.previousRuns(1, new Date(floorSecond(t) + 1000))[0] ?? null,
    lastN: (t, n) => (n <= 0 ? [] : job.previousRuns(n, new Date(floorSecond(t) + 1000))),
  };
  if (compiled.nextAfter(NEVER_FIRES_FROM) === null)
    throw new ScheduleError(
      'cron',
      spec.cron,
      `cron "${spec.cron}" never fires (no date matches it)`,
      'check the day-of-month and month fields, e.g. "0 0 30 2 *" asks for 30 February',
    );
  return compiled;
}

function validateCronShape(cron: string): string {
  const trimmed = cron.trim();
  const nickname = NICKNAMES[trimmed.toLowerCase()];
  if (nickname !== undefined)
    throw new ScheduleError(
      'cron',
      cron,
      `cron nicknames like "${trimmed}" are not part of the schedule format`,
      `write "${nickname}" instead`,
    );
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    const seconds = fields.length === 6 ? ' (a seconds field is not supported)' : '';
    throw new ScheduleError(
      'cron',
      cron,
      `cron "${cron}" has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5${seconds}`,
      CRON_HINT,
    );
  }
  return fields.join(' ');
}

let zoneNames: string[] | undefined;
/** Intl's list of canonical zones; it leaves out "UTC" itself (ICU lists it as an alias). */
function knownTimeZones(): string[] {
  zoneNames ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return zoneNames;
}

/** The zone as given when Intl knows it (aliases such as US/Eastern included), else an error. */
export function validateTimeZone(timezone: string): string {
  const zone = timezone.trim();
  // An offset is not a zone: it has no DST rules, so "+01:00" in Madrid would be wrong half the year.
  if (/^[+-]\d/.test(zone) || /^(UTC|GMT)[+-]\d/i.test(zone))
    throw new ScheduleError(
      'timezone',
      timezone,
      `"${timezone}" is a UTC offset, not an IANA time zone`,
      'name the place, e.g. "Europe/Madrid", so daylight saving time is followed',
    );
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    const suggestion = suggestTimeZone(zone);
    throw new ScheduleError(
      'timezone',
      timezone,
      `unknown time zone "${timezone}"`,
      suggestion
        ? `did you mean "${suggestion}"?`
        : 'use an IANA time zone name such as "UTC", "Europe/Madrid" or "America/New_York"',
    );
  }
}

function suggestTimeZone(zone: string): string | undefined {
  const zones = knownTimeZones();
  // "Madrid" or "new york": people often write only the city.
  const city = zone.replace(/\s+/g, '_').toLowerCase();
  if (!city.includes('/')) {
    const byCity = zones.find((z) => z.toLowerCase().endsWith(`/${city}`));
    if (byCity) return byCity;
  }
  return nearest(zone.replace(/\s+/g, '_'), zones);
}
