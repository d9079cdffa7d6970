/**
 * Estimates from `EXPLAIN USING JSON`, which compiles the statement without running it; its
 * GlobalStats say how many micro-partitions and bytes the plan would scan after pruning:
 * https://docs.snowflake.com/en/sql-reference/sql/explain
 * Snowflake bills warehouse time, not bytes, so there is no price here.
 */
import type { Estimate } from '../connector.js';

interface GlobalStats {
  partitionsTotal?: number;
  partitionsAssigned?: number;
  bytesAssigned?: number;
}

export function explainSql(sql: string): string {
  return `EXPLAIN USING JSON ${sql.replace(/[\s;]+$/, '')}`;
}

/** The plan is one row, one column ("content") of JSON text. */
export function estimateFromPlan(rows: ReadonlyArray<Record<string, unknown>>): Estimate {
  const first = rows[0];
  const text = first ? Object.values(first)[0] : undefined;
  let plan: { GlobalStats?: GlobalStats; Operations?: unknown[][] } = {};
  try {
    plan = JSON.parse(String(text ?? '{}')) as typeof plan;
  } catch {
    return { summary: 'Snowflake returned a plan edgeflow could not read (not JSON)' };
  }
  const g = plan.GlobalStats ?? {};
  const operations = (plan.Operations ?? []).flat().length;
  const bytes = g.bytesAssigned;
  const parts =
    g.partitionsTotal !== undefined
      ? `${g.partitionsAssigned ?? '?'} of ${g.partitionsTotal} micro-partitions`
      : 'an unknown number of micro-partitions';
  return {
    ...(bytes !== undefined ? { bytesProcessed: bytes } : {}),
    summary:
      `Snowflake plan: scans ${parts} (${formatBytes(bytes)}) in ${operations} operation(s); ` +
      'cost is warehouse time, which the plan does not predict',
  };
}

function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'size unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
