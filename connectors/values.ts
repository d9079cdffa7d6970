/**
 * The formatting every connector shares to give row values the convention of connector.ts (see the
 * comment above `ExecuteResult`): exact numbers, timestamps as text with trimmed microseconds,
 * instants in UTC, dates, durations, bytes and (E)WKB geometry as WKT. Each connector's values.ts
 * turns its driver's representation into the inputs these take (decimal text, epoch microseconds,
 * days, bytes); nothing here knows a driver.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** A decimal with at most this many significant digits survives the trip through a double. */
const DOUBLE_DIGITS = 15;
const MICROS_PER_SECOND = 1_000_000n;
const SECONDS_PER_DAY = 86_400;

/** An integer: a number when it is safe (|v| ≤ 2^53 − 1), else its exact decimal text. */
export function integerValue(v: bigint): number | string {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
}

/**
 * An exact value from its decimal text (`-0012.3400`, `9007199254740993`): trimmed to its canonical
 * text (no leading zeros, no trailing fraction zeros), then a number when the double shows exactly
 * that decimal — an integer within ±(2^53 − 1), or a fraction of at most 15 significant digits —
 * else that text. One rule for integers and decimals, so a value reads the same whether an engine
 * types it INT64, NUMBER(38,0) or numeric (SUM of a bigint is numeric on PostgreSQL).
 * NaN and ±Infinity (PostgreSQL numeric) become 'NaN', 'Infinity', '-Infinity'; text that is not
 * a plain decimal comes back unchanged, never rounded.
 */
export function exactValue(text: string): number | string {
  const t = text.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || !/\d/.test(t)) {
    const special = /^([+-]?)(nan|inf|infinity)$/i.exec(t);
    if (!special) return text;
    return special[2]!.toLowerCase() === 'nan' ? 'NaN' : special[1] === '-' ? '-Infinity' : 'Infinity';
  }
  const whole = m[2]!.replace(/^0+/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (!whole && !fraction) return 0;
  const canonical = `${m[1] === '-' ? '-' : ''}${whole || '0'}${fraction ? `.${fraction}` : ''}`;
  if (!fraction) return integerValue(BigInt(canonical));
  const significant = (whole + fraction).replace(/^0+/, '').length;
  return significant <= DOUBLE_DIGITS ? Number(canonical) : canonical;
}

/** A decimal given as its unscaled integer and scale (value = unscaled / 10^scale). */
export function scaledValue(unscaled: bigint, scale: number): number | string {
  if (scale <= 0) return integerValue(unscaled * 10n ** BigInt(-scale));
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const sign = unscaled < 0n ? '-' : '';
  return exactValue(`${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

/** A floating-point number; NaN and ±Infinity as the strings JSON cannot otherwise carry. */
export function floatValue(n: number): number | string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

/** `.ffffff` of a second's microseconds, trailing zeros trimmed; `''` when there are none. */
function fractionText(micros: number): string {
  return micros === 0 ? '' : `.${String(micros).padStart(6, '0').replace(/0+$/, '')}`;
}

/** `'YYYY-MM-DD'` of a day counted from 1970-01-01 (proleptic Gregorian; years past 9999 widen). */
export function dateText(days: number): string {
  const [y, m, d] = civilFromDays(days);
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}-${pad2(m)}-${pad2(d)}`;
}

/** `'HH:MM:SS[.ffffff]'` of microseconds since midnight. */
export function timeText(micros: number): string {
  const s = Math.floor(micros / 1e6);
  return `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}${fractionText(micros % 1e6)}`;
}

/** Wall-clock text of a TIMESTAMP without time zone, from microseconds since 1970-01-01 00:00. */
export function timestampText(epochMicros: bigint): string {
  const { days, micros } = split(epochMicros);
  return `${dateText(days)} ${timeText(micros)}`;
}

/** ISO-8601 text in UTC of an instant (TIMESTAMP WITH TIME ZONE), from epoch microseconds. */
export function instantText(epochMicros: bigint): string {
  const { days, micros } = split(epochMicros);
  return `${dateText(days)}T${timeText(micros)}Z`;
}

/** Epoch microseconds from whole epoch seconds and nanoseconds (truncated to microseconds). */
export function microsFromSeconds(seconds: number, nanos = 0): bigint {
  return BigInt(Math.floor(seconds)) * MICROS_PER_SECOND + BigInt(Math.floor(nanos / 1000));
}

/**
 * Epoch microseconds of a civil date and time (`offsetSeconds` east of UTC is subtracted), from
 * parts as engines print them; `fraction` is the digits after the point (truncated to 6).
 */
export function epochMicros(
  p: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  fraction = '',
  offsetSeconds = 0,
): bigint {
  const seconds =
    daysFromCivil(p.year, p.month, p.day) * SECONDS_PER_DAY +
    (p.hour ?? 0) * 3600 +
    (p.minute ?? 0) * 60 +
    (p.second ?? 0) -
    offsetSeconds;
  return BigInt(seconds) * MICROS_PER_SECOND + BigInt(fraction.slice(0, 6).padEnd(6, '0') || '0');
}

/**
 * An ISO-8601 duration (`P1Y2M3DT4H5M6.5S`, `PT0S`) of months, days and microseconds, when every
 * part is zero or positive; undefined otherwise (ISO-8601 has no mixed-sign durations: the caller
 * gives the driver's own text).
 */
export function isoDuration(months: number, days: number, micros: bigint): string | undefined {
  if (months < 0 || days < 0 || micros < 0n) return undefined;
  const seconds = Number(micros / MICROS_PER_SECOND);
  const part = (n: number, unit: string) => (n ? `${n}${unit}` : '');
  const date = part(Math.floor(months / 12), 'Y') + part(months % 12, 'M') + part(days, 'D');
  const secondsText = `${seconds % 60}${fractionText(Number(micros % MICROS_PER_SECOND))}`;
  const time =
    part(Math.floor(seconds / 3600), 'H') +
    part(Math.floor(seconds / 60) % 60, 'M') +
    (secondsText === '0' ? '' : `${secondsText}S`);
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

/** Bytes as base64 text. */
export function bytesText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// ---- geometry ------------------------------------------------------------------------------

const GEOMETRY_NAMES = [
  '',
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
];

/**
 * WKT of a geometry in WKB, ISO (Z/M as type + 1000/2000/3000) or PostGIS's extended form (EWKB:
 * Z/M/SRID flags, the SRID dropped as ST_AsText drops it), as PostGIS's ST_AsText writes it:
 * `POINT(1 2)`, `LINESTRING(1 2,3 4)`, `MULTIPOINT((1 2),(3 4))`, `POINT Z (1 2 3)`, `POINT EMPTY`;
 * coordinates in the shortest form that reads back the same, at most 15 decimals (PostGIS's own
 * rule). Undefined for what it cannot read (curves, surfaces, TINs, truncated bytes).
 */
export function wkbToWkt(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const readGeometry = (): string => {
    const little = view.getUint8(at) === 1;
    const u32 = () => ((at += 4), view.getUint32(at - 4, little));
    at += 1;
    const raw = u32();
    let type = raw & 0x0fffffff;
    let z = (raw & 0x80000000) !== 0;
    let m = (raw & 0x40000000) !== 0;
    if (raw & 0x20000000) at += 4; // SRID
    if (type >= 1000) {
      const dims = Math.floor(type / 1000);
      type %= 1000;
      z = dims === 1 || dims === 3;
      m = dims === 2 || dims === 3;
    }
    const name = GEOMETRY_NAMES[type];
    if (!name) throw new RangeError(`WKB type ${raw}`);
    const width = 2 + (z ? 1 : 0) + (m ? 1 : 0);
    const point = () => {
      const xs = Array.from({ length: width }, () => ((at += 8), view.getFloat64(at - 8, little)));
      return xs.every(Number.isNaN) ? undefined : xs.map(coordinate).join(' ');
    };
    const points = () => Array.from({ length: u32() }, () => point() ?? 'NaN NaN').join(',');
    const body = (): string | undefined => {
      switch (type) {
        case 1:
          return point();
        case 2:
          return points();
        case 3:
          return Array.from({ length: u32() }, () => `(${points()})`).join(',');
        default:
          return Array.from({ length: u32() }, () => {
            const member = readGeometry();
            // Members of a MULTI* are written without their type name; a collection's keep it.
            if (type === 7) return member;
            return member.endsWith(' EMPTY') ? 'EMPTY' : member.slice(member.indexOf('('));
          }).join(',');
      }
    };
    const inner = body();
    const dims = z && m ? ' ZM ' : z ? ' Z ' : m ? ' M ' : '';
    return inner ? `${name}${dims}(${inner})` : `${name}${dims.trimEnd()} EMPTY`;
  };
  try {
    const wkt = readGeometry();
    return at === bytes.byteLength ? wkt : undefined;
  } catch {
    return undefined;
  }
}

/** A coordinate as PostGIS prints it: shortest round-trip digits, at most 15 decimals. */
function coordinate(x: number): string {
  if (Math.abs(x) <= 1e-12) return '0';
  if (Math.abs(x) < 1e15) {
    const [mantissa, exp] = x.toExponential().split('e') as [string, string];
    const decimals = Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exp));
    return decimals <= 15 ? x.toFixed(decimals) : trimZeros(x.toFixed(15));
  }
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  return (mantissa.split('.')[1]?.length ?? 0) <= 15
    ? `${mantissa}e${exp}`
    : `${trimZeros(x.toExponential(15).split('e')[0]!)}e${exp}`;
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

// ---- calendar ------------------------------------------------------------------------------

const pad2 = (n: number) => String(n).padStart(2, '0');

function split(epochMicros: bigint): { days: number; micros: number } {
  const perDay = BigInt(SECONDS_PER_DAY) * MICROS_PER_SECOND;
  let days = epochMicros / perDay;
  let micros = epochMicros % perDay;
  if (micros < 0n) {
    days -= 1n;
    micros += perDay;
  }
  return { days: Number(days), micros: Number(micros) };
}

/** Days since 1970-01-01 of a date (Howard Hinnant's days-from-civil: proleptic Gregorian,
 * astronomical years, 1 BC is year 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
