import type { QueryLabel } from '../connector.js';

/** Snowflake caps QUERY_TAG at 2000 characters: https://docs.snowflake.com/en/sql-reference/parameters#query-tag */
export const QUERY_TAG_MAX = 2000;

/**
 * The statement's label as compact JSON, e.g. {"app":"edgeflow","workflow":"orders","run":"r1",
 * "step":"s2","origin":"run"}: QUERY_HISTORY can filter on it with
 * `PARSE_JSON(QUERY_TAG):run::STRING = 'r1'`. Long values are shortened to fit the cap.
 */
export function queryTag(label: QueryLabel | undefined): string {
  const tag: Record<string, string> = { app: 'edgeflow' };
  for (const key of ['workflow', 'run', 'step', 'origin'] as const) {
    const v = label?.[key];
    if (v) tag[key] = v;
  }
  let json = JSON.stringify(tag);
  while (json.length > QUERY_TAG_MAX) {
    const longest = Object.keys(tag).reduce((a, b) => (tag[a]!.length >= tag[b]!.length ? a : b));
    const v = tag[longest]!;
    tag[longest] = `${v.slice(0, Math.max(0, v.length - (json.length - QUERY_TAG_MAX) - 1))}…`;
    json = JSON.stringify(tag);
  }
  return json;
}
