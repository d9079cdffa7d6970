import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.js';

/**
 * Every JSON or text answer goes through the daemon's redactor on its way out, whatever produced
 * it: preview rows, a warehouse error's message and SQL, a run's stored error, OpenAPI. Streams
 * (MCP's server-sent events) are left alone here: the MCP server redacts each message it sends.
 */
export function redactResponses(redact: (text: string) => string): MiddlewareHandler<ApiEnv> {
  return async function redactResponses(c, next) {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (!/^(application\/(json|problem\+json)|text\/plain)/i.test(type) || !c.res.body) return;
    const text = await c.res.clone().text();
    const clean = redact(text);
    if (clean === text) return;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    const res = new Response(clean, { status: c.res.status, statusText: c.res.statusText, headers });
    // Unset first: hono copies the old answer's headers (its length) onto a replacement.
    c.res = undefined as unknown as Response;
    c.res = res;
  };
}
