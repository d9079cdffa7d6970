/**
 * What an agent may be handed from the warehouse in one answer: a row cap (asked for, ≤ 100) and a
 * character cap on the rows' JSON, so a wide or long-text table cannot flood a model's context.
 */
export const DEFAULT_PREVIEW_ROWS = 20;
export const MAX_PREVIEW_ROWS = 100;
export const MAX_PREVIEW_CHARS = 20_000;
/** A single row longer than the cap has its long strings cut to this many characters. */
const MAX_CELL_CHARS = 1_000;

export interface CappedRows {
  rows: Array<Record<string, unknown>>;
  /** Rows were left out (or cut) to stay under the character cap. */
  truncated: boolean;
  truncation?: string;
}

export function capRows(
  rows: ReadonlyArray<Record<string, unknown>>,
  maxChars = MAX_PREVIEW_CHARS,
): CappedRows {
  const kept: Array<Record<string, unknown>> = [];
  let chars = 2; // the brackets
  for (const row of rows) {
    const size = JSON.stringify(row).length + 1;
    if (chars + size > maxChars) {
      if (kept.length === 0) {
        // One row alone is too long: keep it with its long strings cut, so the agent sees its shape.
        kept.push(cutStrings(row));
      }
      return {
        rows: kept,
        truncated: true,
        truncation: `only ${kept.length} of ${rows.length} rows are shown: the rows' JSON is capped at ${maxChars} characters (long strings of a lone row are cut); ask for fewer columns (a select node) or fewer rows`,
      };
    }
    chars += size;
    kept.push(row);
  }
  return { rows: kept, truncated: false };
}

function cutStrings(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k] =
      typeof v === 'string' && v.length > MAX_CELL_CHARS
        ? `${v.slice(0, MAX_CELL_CHARS)}… [cut: ${v.length} characters]`
        : v;
  return out;
}
