/** An idempotency key (HTTP `Idempotency-Key`, run_workflow's idempotencyKey, `edgeflow run --idempotency-key`). */
import { z } from 'zod';

export const MAX_IDEMPOTENCY_KEY = 255;

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(MAX_IDEMPOTENCY_KEY)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .describe(
    `a key of your choosing (1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters, no spaces); the same key never starts two runs`,
  );
