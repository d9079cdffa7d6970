import { createHash } from 'node:crypto';
import type { QueryLabel } from '../connector.js';

/**
 * Job labels carry what a job is for, so `INFORMATION_SCHEMA.JOBS` and the billing export can be
 * filtered by workflow and run. The keys are fixed (and valid); values are sanitised to the label
 * rules: lowercase letters, digits, `_` and `-`, at most 63 characters.
 * https://cloud.google.com/bigquery/docs/labels-intro#requirements
 */
export const LABEL_KEYS = {
  workflow: 'edgeflow_workflow',
  run: 'edgeflow_run',
  step: 'edgeflow_step',
  origin: 'edgeflow_origin',
} as const satisfies Record<keyof QueryLabel, string>;

const MAX_LENGTH = 63;

/**
 * Any text as a label value. A value cut to 63 characters ends with a hash of the whole text, so
 * two long workflow names that share a prefix still get different labels. International letters
 * are allowed by BigQuery but folded to `_` here, to keep the values plain ASCII.
 */
export function labelValue(text: string): string {
  const value = text.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  if (value.length <= MAX_LENGTH) return value;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${value.slice(0, MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/** The labels of one job; `edgeflow_origin` is always present (what asked when the caller did not say). */
export function jobLabels(label: QueryLabel | undefined, defaultOrigin: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const field of Object.keys(LABEL_KEYS) as Array<keyof QueryLabel>) {
    const value = label?.[field];
    if (value) labels[LABEL_KEYS[field]] = labelValue(value);
  }
  labels[LABEL_KEYS.origin] ??= labelValue(defaultOrigin);
  return labels;
}
