/**
 * Geography in previews: rows carry it as WKT (connectors/connector.ts), and one polygon can be
 * megabytes of text. A preview cuts a value past MAX_PREVIEW_GEOGRAPHY_CHARS characters and says
 * so at its end, so an agent or a person sees the shape's start and knows it is not all there.
 * Runs write whole values; `st_asgeojson` gives clients that draw the whole shape.
 */
export const MAX_PREVIEW_GEOGRAPHY_CHARS = 2_000;

/** The marker's text: what was cut and how to get the whole value. */
export function geographyCutMarker(length: number): string {
  return `… [cut: ${length.toLocaleString('en-US')} characters of WKT; preview st_asgeojson(…) or st_area(…), or run the workflow, for the whole shape]`;
}

/** Cuts, in place, the long WKT of the given (geography) columns of preview rows. */
export function cutLongGeography(rows: Array<Record<string, unknown>>, columns: readonly string[]): void {
  if (columns.length === 0) return;
  for (const row of rows)
    for (const c of columns) {
      const v = row[c];
      if (typeof v === 'string' && v.length > MAX_PREVIEW_GEOGRAPHY_CHARS)
        row[c] = `${v.slice(0, MAX_PREVIEW_GEOGRAPHY_CHARS)}${geographyCutMarker(v.length)}`;
    }
}
