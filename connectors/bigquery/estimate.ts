import type { Estimate } from '../connector.js';
import type { JobResource } from './jobs.js';

/** On-demand price per TiB in USD: https://cloud.google.com/bigquery/pricing#on_demand_pricing */
export const DEFAULT_PRICE_PER_TIB = 6.25;

/**
 * What a dry run says a statement would cost. On-demand billing also rounds each query up to
 * 10 MB and to the MB; the estimate reports the bytes processed, as the dry run does.
 */
export function estimateFromDryRun(
  dry: JobResource,
  pricePerTiB: number,
  maxBytesBilled: number | undefined,
): Estimate {
  const stats = dry.statistics;
  const bytes = Number(stats?.query?.totalBytesProcessed ?? stats?.totalBytesProcessed ?? 0);
  const costUsd = (bytes / 2 ** 40) * pricePerTiB;
  const cost = costUsd > 0 && costUsd < 0.01 ? 'under $0.01' : `about $${costUsd.toFixed(2)}`;
  let summary =
    `BigQuery dry run: ${stats?.query?.statementType ?? 'the statement'} would process ` +
    `${formatBytes(bytes)}, ${cost} at $${pricePerTiB}/TiB on-demand`;
  if (maxBytesBilled !== undefined && bytes > maxBytesBilled)
    summary += `; that is over maxBytesBilled (${formatBytes(maxBytesBilled)}), so the job would fail unless the cap is raised`;
  return { bytesProcessed: bytes, costUsd, summary };
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}
