import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: one text per content, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The content hash of a workflow document: SHA-256 (hex) of its canonical JSON. */
export function workflowHash(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}
