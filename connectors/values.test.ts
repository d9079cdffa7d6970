/**
 * The shared value formatting (values.ts) on its own: the edges the connectors' tests reach only
 * through one engine or another.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesText,
  dateText,
  epochMicros,
  exactValue,
  floatValue,
  instantText,
  integerValue,
  isoDuration,
  microsFromSeconds,
  scaledValue,
  timestampText,
  timeText,
  wkbToWkt,
} from './values.js';

describe('numbers', () => {
  it('integers: a number when safe, else the exact text', () => {
    expect(integerValue(9007199254740991n)).toBe(9007199254740991);
    expect(integerValue(-9007199254740991n)).toBe(-9007199254740991);
    expect(integerValue(9007199254740992n)).toBe('9007199254740992');
    expect(integerValue(-(2n ** 127n))).toBe('-170141183460469231731687303715884105728');
  });

  it('decimals: canonical exact text past 15 significant digits, a number within', () => {
    const cases: Array<[string, number | string]> = [
      ['12.50', 12.5],
      ['-0012.3400', -12.34],
      ['0.000', 0],
      ['-0', 0],
      ['.5', 0.5],
      ['100', 100],
      ['123456789012345', 123456789012345], // 15 digits
      ['1234567890.12345', 1234567890.12345], // 15 significant digits
      ['1234567890.123456', '1234567890.123456'], // 16: the double would not show it exactly
      ['0.000000000000000000001', 1e-21], // one significant digit
      ['1234567890123456.789000000', '1234567890123456.789'],
      ['-1234567890123456.789', '-1234567890123456.789'],
      ['9007199254740991.000', 9007199254740991], // an integer value: the integer rule
      ['9007199254740993', '9007199254740993'],
      ['100000000000000000000', '100000000000000000000'], // past 2^53: text, as an INT64 would be
      ['NaN', 'NaN'],
      ['Infinity', 'Infinity'],
      ['-Infinity', '-Infinity'],
      ['inf', 'Infinity'],
      ['1e5', '1e5'], // not a plain decimal: unchanged, never rounded
      ['', ''],
    ];
    for (const [text, want] of cases) expect(exactValue(text), text).toBe(want);
  });

  it('decimals from unscaled integer and scale', () => {
    expect(scaledValue(1250n, 2)).toBe(12.5);
    expect(scaledValue(-5n, 3)).toBe(-0.005);
    expect(scaledValue(1234567890123456789000000n, 9)).toBe('1234567890123456.789');
    expect(scaledValue(0n, 4)).toBe(0);
    expect(scaledValue(12n, 0)).toBe(12);
  });

  it('floats: NaN and the infinities as text', () => {
    expect(floatValue(1.5)).toBe(1.5);
    expect(floatValue(NaN)).toBe('NaN');
    expect(floatValue(Infinity)).toBe('Infinity');
    expect(floatValue(-Infinity)).toBe('-Infinity');
  });
});

describe('dates and times', () => {
  it('timestamps: microseconds, trimmed, absent when zero; before 1970 and far from it', () => {
    const at = (iso: string, fraction = '') => {
      const [d, t] = iso.split('T') as [string, string];
      const [year, month, day] = d.split('-').map(Number) as [number, number, number];
      const [hour, minute, second] = t.split(':').map(Number) as [number, number, number];
      return epochMicros({ year, month, day, hour, minute, second }, fraction);
    };
    expect(timestampText(at('2024-01-31T10:00:00', '123456'))).toBe('2024-01-31 10:00:00.123456');
    expect(timestampText(at('2024-01-31T10:00:00', '5'))).toBe('2024-01-31 10:00:00.5');
    expect(timestampText(at('2024-01-31T10:00:00', '1234567'))).toBe('2024-01-31 10:00:00.123456'); // truncated
    expect(instantText(at('2024-01-31T10:00:00'))).toBe('2024-01-31T10:00:00Z');
    expect(instantText(-500_000n)).toBe('1969-12-31T23:59:59.5Z');
    expect(timestampText(at('1900-03-01T00:00:00'))).toBe('1900-03-01 00:00:00');
    expect(dateText(-719528)).toBe('0000-01-01'); // 1 BC, astronomically year 0
    expect(dateText(-719529)).toBe('-0001-12-31');
    expect(dateText(2932897)).toBe('10000-01-01');
    expect(instantText(epochMicros({ year: 2024, month: 1, day: 31, hour: 10 }, '', 2 * 3600))).toBe(
      '2024-01-31T08:00:00Z',
    );
    expect(microsFromSeconds(1706695200, 123456789)).toBe(1706695200123456n);
    expect(timeText(36_000_500_000)).toBe('10:00:00.5');
  });

  it('durations: ISO-8601 when no part is negative', () => {
    expect(isoDuration(14, 3, 14_706_500_000n)).toBe('P1Y2M3DT4H5M6.5S');
    expect(isoDuration(0, 0, 0n)).toBe('PT0S');
    expect(isoDuration(12, 0, 0n)).toBe('P1Y');
    expect(isoDuration(0, 0, 90_000_000_000n)).toBe('PT25H');
    expect(isoDuration(0, -1, 0n)).toBeUndefined();
  });
});

describe('bytes and geometry', () => {
  it('bytes as base64', () => {
    expect(bytesText(new Uint8Array([0xaa, 0x01]))).toBe('qgE=');
    expect(bytesText(Buffer.from('xxhello').subarray(2))).toBe('aGVsbG8=');
  });

  /** WKB of points/lines built by hand: byte order, type, then doubles. */
  const wkb = (little: boolean, type: number, ...parts: Array<number | number[]>) => {
    const out: number[] = [];
    const push = (bytes: ArrayBuffer) => out.push(...new Uint8Array(bytes));
    out.push(little ? 1 : 0);
    const u32 = (n: number) => {
      const b = new ArrayBuffer(4);
      new DataView(b).setUint32(0, n, little);
      push(b);
    };
    u32(type);
    for (const p of parts) {
      if (Array.isArray(p)) {
        for (const x of p) {
          const b = new ArrayBuffer(8);
          new DataView(b).setFloat64(0, x, little);
          push(b);
        }
      } else u32(p);
    }
    return new Uint8Array(out);
  };

  it('WKB in either byte order, ISO and extended (SRID, Z) types, to WKT', () => {
    expect(wkbToWkt(wkb(true, 1, [1, 2]))).toBe('POINT(1 2)');
    expect(wkbToWkt(wkb(false, 1, [-122.35, 47.62]))).toBe('POINT(-122.35 47.62)');
    expect(wkbToWkt(wkb(true, 2, 2, [1, 2, 3.5, -4]))).toBe('LINESTRING(1 2,3.5 -4)');
    expect(wkbToWkt(wkb(true, 1001, [1, 2, 3]))).toBe('POINT Z (1 2 3)'); // ISO Z
    expect(wkbToWkt(wkb(true, 0xa0000001, 4326, [1, 2, 3]))).toBe('POINT Z (1 2 3)'); // EWKB Z + SRID
    expect(wkbToWkt(wkb(true, 1, [NaN, NaN]))).toBe('POINT EMPTY');
    expect(wkbToWkt(wkb(true, 8, 3, [0, 0, 1, 1, 2, 0]))).toBeUndefined(); // a curve
    expect(wkbToWkt(wkb(true, 1, [1]))).toBeUndefined(); // cut short
    expect(wkbToWkt(new Uint8Array([...wkb(true, 1, [1, 2]), 0]))).toBeUndefined(); // trailing bytes
  });
});
