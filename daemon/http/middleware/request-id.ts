import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.js';

/** A caller's id is kept when it is short and plain (it goes into logs); else a new one. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives each request an id, answered as X-Request-Id and carried by every log line about it. */
export function requestId(): MiddlewareHandler<ApiEnv> {
  return async function requestId(c, next) {
    const given = c.req.header('x-request-id');
    const id = given && SAFE_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
