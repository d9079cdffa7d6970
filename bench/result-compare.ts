/**
 * Compares two query results as multisets of rows: same columns (by position), same rows in any
 * order, numbers equal within a relative tolerance (a DECIMAL on one side may be a DOUBLE on the
 * other, and parallel float sums differ in the last bits).
 */
export type Cell = string | number | boolean | null;
export type Row = Cell[];

export interface Comparison {
  equal: boolean;
  /** Why not, in a sentence, with a row from each side where they differ. */
  reason?: string;
}

/** A DuckDB JS value as a comparable cell. */
export function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function cellsEqual(a: Cell, b: Cell, relTol: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function rowsEqual(a: Row, b: Row, relTol: number): boolean {
  return a.length === b.length && a.every((c, i) => cellsEqual(c, b[i]!, relTol));
}

/** A sort key in which nearly equal numbers usually land together (exactness is checked after). */
function sortKey(row: Row): string {
  return JSON.stringify(row.map((c) => (typeof c === 'number' ? Number(c.toPrecision(8)) : c)));
}

export function compareResults(
  expected: { columns: string[]; rows: Row[] },
  actual: { columns: string[]; rows: Row[] },
  relTol = 1e-6,
): Comparison {
  if (expected.columns.length !== actual.columns.length)
    return {
      equal: false,
      reason: `column count differs: hand-written has ${expected.columns.length} (${expected.columns.join(', ')}), compiled has ${actual.columns.length} (${actual.columns.join(', ')})`,
    };
  if (expected.rows.length !== actual.rows.length)
    return {
      equal: false,
      reason: `row count differs: hand-written ${expected.rows.length}, compiled ${actual.rows.length}`,
    };
  const byKey = (a: Row, b: Row) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const e = [...expected.rows].sort(byKey);
  const a = [...actual.rows].sort(byKey);
  if (e.every((row, i) => rowsEqual(row, a[i]!, relTol))) return { equal: true };

  // Rounding in the sort key can misalign rows whose numbers differ in the last bits: match greedily.
  const left = [...a];
  for (const row of e) {
    const at = left.findIndex((r) => rowsEqual(row, r, relTol));
    if (at < 0) {
      const near = left[0];
      return {
        equal: false,
        reason: `hand-written row ${JSON.stringify(row)} has no match in the compiled result${near ? ` (e.g. ${JSON.stringify(near)})` : ''}`,
      };
    }
    left.splice(at, 1);
  }
  return { equal: true };
}
