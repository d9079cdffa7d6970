/** The config's `cache` block: how long and how much of reused results the daemon keeps (daemon/cache). */
import { z } from 'zod';
import { parseByteSize, parseDuration } from './units.js';

export const cacheConfigSchema = z.strictObject({
  ttl: z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(v)} is not a duration: write it like 6h or 1d`,
        });
      return ms ?? 0;
    })
    .optional()
    .describe('how long a result may be reused unless the workflow says (default 24h)'),
  maxSize: z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const bytes = parseByteSize(v);
      if (bytes === undefined)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(v)} is not a size: write it like 500MB or 10GB`,
        });
      return bytes ?? 0;
    })
    .optional()
    .describe(
      "kept results per connection's staging schema, at most (default 10GB); the least recently used go first",
    ),
});

export type CacheConfig = z.infer<typeof cacheConfigSchema>;

export function cacheSettings(c: CacheConfig | undefined): { ttlMs: number; maxBytes: number } {
  return { ttlMs: c?.ttl ?? 24 * 3_600_000, maxBytes: c?.maxSize ?? 10e9 };
}
