/**
 * Compares result sets from different drivers: values are normalised to plain JS (numbers,
 * strings, booleans, null; dates as `YYYY-MM-DD`, timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]`),
 * rows are matched as multisets (order ignored unless asked), numbers with a relative tolerance.
 */
import { expect } from 'vitest';

export type Row = Record<string, unknown>;

export interface ResultSet {
  columns: string[];
  rows: Row[];
}

export type Plain = string | number | boolean | null;

const REL_TOL = 1e-9;
const TIMESTAMP = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/** A driver value as a comparable JS value. */
export function normalize(v: unknown): Plain {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 0 : v;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    case 'boolean':
      return v;
    case 'string':
      return canonicalTimestamp(v) ?? v;
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v instanceof Date) return v.toISOString();
  const ctor = (v as object).constructor?.name ?? '';
  // @duckdb/node-api value objects: DuckDBDecimalValue, DuckDBDateValue, DuckDBTimestampValue…
  if (ctor === 'DuckDBDecimalValue') return (v as { toDouble(): number }).toDouble();
  if (ctor === 'DuckDBTimestampTZValue') {
    const micros = (v as { micros: bigint }).micros;
    return new Date(Number(micros / 1000n)).toISOString();
  }
  if (ctor.startsWith('DuckDB')) return normalize(String(v));
  return JSON.stringify(v);
}

/** `2024-01-01 10:00:00.500000` → `2024-01-01 10:00:00.5`; undefined when not a timestamp. */
function canonicalTimestamp(s: string): string | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''}`;
}

export function plainRows(rs: ResultSet): Plain[][] {
  return rs.rows.map((r) => rs.columns.map((c) => normalize(r[c])));
}

function asNumber(v: Plain): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(v)) return Number(v);
  return undefined;
}

export function sameValue(a: Plain, b: Plain): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x === undefined || y === undefined) return false;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    if (x === y) return true;
    return Math.abs(x - y) <= REL_TOL * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return a === b;
}

function sameRow(a: Plain[], b: Plain[]): boolean {
  return a.length === b.length && a.every((v, i) => sameValue(v, b[i]!));
}

/** A key that equal rows share whatever the float noise: non-numbers exactly, numbers coarsely. */
function bucketKey(row: Plain[]): string {
  return JSON.stringify(row.map((v) => (typeof v === 'number' ? 'n' : v)));
}

export interface CompareOptions {
  /** Compare row by row in order (default: as multisets). */
  ordered?: boolean;
  /** Compare column names too (default true; case-insensitive, order-sensitive). */
  columnNames?: boolean;
}

/** undefined when equal; otherwise a readable description of what differs. */
export function diffResults(
  actual: ResultSet,
  expected: ResultSet,
  opts: CompareOptions = {},
): string | undefined {
  const problems: string[] = [];
  if (opts.columnNames ?? true) {
    const a = actual.columns.map((c) => c.toLowerCase());
    const e = expected.columns.map((c) => c.toLowerCase());
    if (a.join('\u0000') !== e.join('\u0000'))
      problems.push(`columns differ:\n  actual:   ${a.join(', ')}\n  expected: ${e.join(', ')}`);
  }
  if (actual.columns.length !== expected.columns.length) {
    problems.push(`column counts differ: ${actual.columns.length} vs ${expected.columns.length}`);
    return problems.join('\n');
  }
  const act = plainRows(actual);
  const exp = plainRows(expected);
  const show = (r: Plain[]) => `(${r.map((v) => JSON.stringify(v)).join(', ')})`;
  if (opts.ordered) {
    const bad: string[] = [];
    for (let i = 0; i < Math.max(act.length, exp.length); i++) {
      const a = act[i];
      const e = exp[i];
      if (!a || !e || !sameRow(a, e)) {
        bad.push(
          `  row ${i + 1}: actual ${a ? show(a) : '(none)'}\n         expected ${e ? show(e) : '(none)'}`,
        );
      }
    }
    if (act.length !== exp.length)
      problems.push(`row counts differ: ${act.length} actual, ${exp.length} expected`);
    if (bad.length) problems.push(`${bad.length} row(s) differ in order:\n${bad.slice(0, 15).join('\n')}`);
    return problems.length ? problems.join('\n') : undefined;
  }
  const pool = new Map<string, Plain[][]>();
  for (const r of act) {
    const k = bucketKey(r);
    const list = pool.get(k) ?? [];
    list.push(r);
    pool.set(k, list);
  }
  const missing: Plain[][] = [];
  for (const e of exp) {
    const list = pool.get(bucketKey(e));
    const at = list?.findIndex((a) => sameRow(a, e)) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    else missing.push(e);
  }
  // Rows whose bucket key failed (e.g. a number compared with a numeric string) get a second,
  // slower chance against every left-over actual row.
  let extra = [...pool.values()].flat();
  const stillMissing: Plain[][] = [];
  for (const e of missing) {
    const at = extra.findIndex((a) => sameRow(a, e));
    if (at >= 0) extra = [...extra.slice(0, at), ...extra.slice(at + 1)];
    else stillMissing.push(e);
  }
  if (act.length !== exp.length)
    problems.push(`row counts differ: ${act.length} actual, ${exp.length} expected`);
  if (stillMissing.length)
    problems.push(
      `${stillMissing.length} expected row(s) missing from the actual result:\n${stillMissing
        .slice(0, 15)
        .map((r) => `  - ${show(r)}`)
        .join('\n')}`,
    );
  if (extra.length)
    problems.push(
      `${extra.length} unexpected row(s) in the actual result:\n${extra
        .slice(0, 15)
        .map((r) => `  + ${show(r)}`)
        .join('\n')}`,
    );
  return problems.length ? problems.join('\n') : undefined;
}

/** Fails the test with a readable diff when the result sets differ. */
export function expectSameResults(
  actual: ResultSet,
  expected: ResultSet,
  opts: CompareOptions & { label?: string } = {},
): void {
  const diff = diffResults(actual, expected, opts);
  if (diff) expect.fail(`${opts.label ? `${opts.label}: ` : ''}results differ\n${diff}`);
}

/** A result set from literal rows (hand-computed expectations). */
export function literalResult(columns: string[], rows: unknown[][]): ResultSet {
  return { columns, rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))) };
}
