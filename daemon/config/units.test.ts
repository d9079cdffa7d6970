import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDuration } from './units.js';

describe('config units', () => {
  it('parses durations, a bare number being milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration(' 30 S ')).toBe(30_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration(1500)).toBe(1500);
    for (const bad of ['30 seconds', '-1s', 's', '', '1e3s', '30x'])
      expect(parseDuration(bad), bad).toBeUndefined();
    expect(parseDuration(-5)).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
  });

  it('parses byte sizes in decimal and binary units, a bare number being bytes', () => {
    expect(parseByteSize('10GB')).toBe(10_000_000_000);
    expect(parseByteSize('500MB')).toBe(500_000_000);
    expect(parseByteSize('1.5 kb')).toBe(1500);
    expect(parseByteSize('1TiB')).toBe(2 ** 40);
    expect(parseByteSize('2GiB')).toBe(2 * 2 ** 30);
    expect(parseByteSize('123')).toBe(123);
    expect(parseByteSize(1024)).toBe(1024);
    for (const bad of ['10 gigabytes', 'GB', '-1GB', '1.5']) expect(parseByteSize(bad), bad).toBeUndefined();
    expect(parseByteSize(1.5)).toBeUndefined();
    expect(parseByteSize('99999999PB')).toBeUndefined();
  });
});
