/**
 * The two result comparators of the eval (a generated workflow's output against the gold SQL's):
 *
 * - `strictMatch`, like BIRD's execution accuracy: the same number of columns in the same order
 *   (names are not compared), and the same rows as a multiset; values exact after normalising
 *   (numbers of any type to one double, written with 12 significant digits).
 * - `subsetMatch`, like Spider 2.0's: every gold column appears among the generated columns —
 *   matched by values, not names, in any order, extra generated columns allowed — and the rows,
 *   projected onto the matched columns, equal the gold rows as a multiset; numbers within 1e-6
 *   relative.
 *
 * Row order is ignored by both (the gold SQL's ORDER BY only makes its own result deterministic).
 */

export interface ResultSet {
  columns: string[];
  rows: unknown[][];
}

export interface Match {
  match: boolean;
  /** Why not, in a few words. */
  reason?: string;
  /** subsetMatch: for each gold column, the generated column it matched. */
  mapping?: number[];
}

type Cell = string | number | boolean | null;

const DATE_AT_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * One value as the comparators see it: integers, decimals (exact text or number) and doubles
 * become numbers; a timestamp at midnight becomes its date (a `date_trunc` on a timestamp and a
 * DATE mean the same day); null stays null. A text column of digits compares as numbers too:
 * accepted, as the gold and the generated output come from the same tables.
 */
export function normalizeValue(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v;
  if (v instanceof Date) return normalizeValue(v.toISOString().replace('T', ' ').replace('Z', ''));
  if (typeof v === 'string') {
    const d = DATE_AT_MIDNIGHT.exec(v);
    if (d) return d[1]!;
    if (NUMBER_TEXT.test(v)) return Number(v);
    return v;
  }
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

const exactKey = (c: Cell) => (typeof c === 'number' ? `n:${Number(c.toPrecision(12))}` : JSON.stringify(c));

function counts(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export function strictMatch(gold: ResultSet, got: ResultSet): Match {
  if (gold.columns.length !== got.columns.length)
    return { match: false, reason: `${got.columns.length} columns, expected ${gold.columns.length}` };
  if (gold.rows.length !== got.rows.length)
    return { match: false, reason: `${got.rows.length} rows, expected ${gold.rows.length}` };
  const key = (r: unknown[]) => JSON.stringify(r.map((v) => exactKey(normalizeValue(v))));
  const want = counts(gold.rows.map(key));
  const have = counts(got.rows.map(key));
  for (const [k, n] of want)
    if (have.get(k) !== n)
      return { match: false, reason: `row ${k} appears ${have.get(k) ?? 0}×, expected ${n}×` };
  return { match: true };
}

const REL_TOL = 1e-6;
const ABS_TOL = 1e-9;

function close(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= Math.max(ABS_TOL, REL_TOL * Math.max(Math.abs(a), Math.abs(b)));
  return a === b;
}

/** Sort order that puts values within tolerance next to each other (numbers by value, then text). */
function cmp(a: Cell, b: Cell): number {
  const rank = (x: Cell) => (x === null ? 0 : typeof x === 'boolean' ? 1 : typeof x === 'number' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return close(a, b) ? 0 : a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function rowCmp(a: Cell[], b: Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Two lists of rows are the same multiset, numbers within tolerance. */
function sameRows(a: Cell[][], b: Cell[][]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort(rowCmp);
  const sb = [...b].sort(rowCmp);
  if (sa.every((r, i) => r.every((v, j) => close(v, sb[i]![j]!)))) return true;
  // Sorting with a tolerance is not a total order near its edges: match greedily when small.
  if (a.length > 2000) return false;
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((r) => {
    const i = b.findIndex((s, k) => !used[k] && r.every((v, j) => close(v, s[j]!)));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

export function subsetMatch(gold: ResultSet, got: ResultSet): Match {
  if (gold.rows.length !== got.rows.length)
    return { match: false, reason: `${got.rows.length} rows, expected ${gold.rows.length}` };
  if (got.columns.length < gold.columns.length)
    return {
      match: false,
      reason: `${got.columns.length} columns, expected at least ${gold.columns.length}`,
    };
  const g = gold.rows.map((r) => r.map(normalizeValue));
  const o = got.rows.map((r) => r.map(normalizeValue));
  const column = (rows: Cell[][], j: number) => rows.map((r) => r[j]!).sort(cmp);
  const goldCols = gold.columns.map((_, j) => column(g, j));
  const gotCols = got.columns.map((_, j) => column(o, j));
  // A generated column is a candidate for a gold column when its values, as a multiset, match.
  const candidates = goldCols.map((gc) =>
    gotCols.flatMap((oc, k) => (oc.every((v, i) => close(v, gc[i]!)) ? [k] : [])),
  );
  const missing = candidates.findIndex((c) => c.length === 0);
  if (missing >= 0)
    return {
      match: false,
      reason: `no generated column has the values of gold column ${gold.columns[missing]}`,
    };
  // Columns with equal values (e.g. two counts) can be swapped: try assignments until rows match.
  const mapping: number[] = [];
  const taken = new Set<number>();
  let tries = 0;
  const assign = (j: number): boolean => {
    if (j === goldCols.length) {
      tries++;
      return sameRows(
        g,
        o.map((r) => mapping.map((k) => r[k]!)),
      );
    }
    for (const k of candidates[j]!) {
      if (taken.has(k) || tries > 1000) continue;
      taken.add(k);
      mapping[j] = k;
      if (assign(j + 1)) return true;
      taken.delete(k);
    }
    return false;
  };
  return assign(0)
    ? { match: true, mapping: [...mapping] }
    : { match: false, reason: 'the columns hold the gold values, but not on the same rows' };
}
