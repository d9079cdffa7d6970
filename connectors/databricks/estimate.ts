/**
 * `EXPLAIN COST <statement>`: Spark's optimized logical plan with the statistics of each operator,
 * `Statistics(sizeInBytes=1.5 MiB, rowCount=1.00E+4)`. The top operator's line estimates the
 * result: its size in bytes and, where the tables have statistics (ANALYZE TABLE … COMPUTE
 * STATISTICS, or Delta's own), its rows. Nothing runs. The bytes are the result's estimated size,
 * not bytes scanned, and there is no price: a SQL warehouse bills its uptime (DBUs), which a plan
 * does not predict. https://docs.databricks.com/en/sql/language-manual/sql-ref-syntax-qry-explain.html
 */
import type { Estimate } from '../connector.js';

export const explainSql = (sql: string) => `EXPLAIN COST ${sql}`;

const UNITS: Record<string, number> = {
  B: 1,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
  PIB: 2 ** 50,
  EIB: 2 ** 60,
};

interface Node {
  depth: number;
  bytes: number;
  rows?: number;
}

function statistics(line: string): Node | undefined {
  const m = /Statistics\(sizeInBytes=([\d.E+-]+)\s*([KMGTPE]i)?B(?:,\s*rowCount=([\d.E+-]+))?/i.exec(line);
  if (!m) return undefined;
  const depth = /[A-Za-z]/.exec(line)?.index ?? 0;
  const bytes = Math.round(Number(m[1]) * (UNITS[`${(m[2] ?? '').toUpperCase()}B`] ?? 1));
  return { depth, bytes, ...(m[3] !== undefined ? { rows: Math.round(Number(m[3])) } : {}) };
}

/**
 * Rows: the top operator's estimate. Bytes: the sum over the plan's leaves (the relations read),
 * before file pruning — what the statement would read at most.
 */
export function estimateFromExplain(plan: string): Estimate {
  if (/^\s*Error occurred during query planning/i.test(plan))
    throw new Error(plan.split('\n').slice(0, 3).join(' ').trim());
  const optimized = plan.split(/==\s*Optimized Logical Plan\s*==/i)[1]?.split(/\n==/)[0] ?? plan;
  const nodes = optimized.split('\n').flatMap((l) => statistics(l) ?? []);
  const top = nodes[0];
  if (!top) return { summary: 'Databricks EXPLAIN COST gave no statistics for this statement' };
  const leaves = nodes.filter((n, i) => (nodes[i + 1]?.depth ?? -1) <= n.depth);
  const bytes = leaves.reduce((sum, n) => sum + n.bytes, 0);
  return {
    bytesProcessed: bytes,
    ...(top.rows !== undefined ? { rows: top.rows } : {}),
    summary:
      `Databricks EXPLAIN COST: reads at most ${formatBytes(bytes)} before file pruning` +
      (top.rows !== undefined
        ? `, about ${top.rows.toLocaleString('en-US')} rows out`
        : ' (row count unknown: the tables have no statistics)') +
      '; no price (a SQL warehouse bills its uptime, not bytes)',
  };
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]}`;
}
