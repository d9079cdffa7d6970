import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';

/**
 * Refuses bodies larger than `maxBytes` with 413, by Content-Length before reading, or while
 * reading a chunked body: a large upload never sits in memory whole.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ApiEnv> {
  const inner = honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `the request body is larger than ${formatBytes(maxBytes)}; send a smaller workflow (or split it)`,
        { maxBytes },
      );
    },
  });
  return async function bodyLimit(c, next) {
    return inner(c, next);
  };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n} bytes`;
}
