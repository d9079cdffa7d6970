/**
 * Redshift's EXPLAIN answers text only (no FORMAT JSON): the top node's line carries the planner's
 * `(cost=a..b rows=n width=w)`, as PostgreSQL's text plan does.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_EXPLAIN.html
 */
import type { Estimate } from '../connector.js';

export function estimateFromExplain(lines: readonly string[]): Estimate {
  for (const line of lines) {
    const m = /cost=([\d.]+)\.\.([\d.]+) rows=(\d+)/.exec(line);
    if (!m) continue;
    const cost = Number(m[2]);
    const rows = Number(m[3]);
    return {
      rows,
      cost,
      summary: `about ${rows.toLocaleString('en-US')} rows, cost ${cost} (Redshift planner estimate)`,
    };
  }
  return { summary: 'Redshift gave no estimate for this statement' };
}
