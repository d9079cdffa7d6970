import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';

/**
 * Refuses requests whose `Origin` is not this daemon's own. Browsers send Origin with every
 * cross-origin request (and with same-origin POSTs); other clients (curl, SDKs, agents) send none,
 * and that is fine. A page on another origin that reaches the daemon (DNS rebinding, or simply a
 * page making requests to 127.0.0.1) is stopped here, as the MCP transport spec requires ("Servers
 * MUST validate the Origin header … If the Origin header is present and invalid, servers MUST
 * respond with HTTP 403 Forbidden"); the daemon answers no CORS, so nothing else of ours serves
 * another origin either.
 *
 * Allowed: `http://` + one of the Host values the daemon answers (loopback). On another interface
 * (`hosts` undefined), whoever exposed the daemon chose its names: an Origin naming the same
 * host as the request's Host (a same-origin page, http or https behind a proxy) is allowed.
 */
export function originCheck(allowed: () => ReadonlySet<string> | undefined): MiddlewareHandler<ApiEnv> {
  return async function originCheck(c, next) {
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(origin, allowed(), c.req.header('host')))
      throw new ApiError(
        'ORIGIN_NOT_ALLOWED',
        `Origin "${origin}" is not this daemon's address: the daemon answers only its own origin and clients that send no Origin (against DNS rebinding and cross-site requests)`,
      );
    await next();
  };
}

function originAllowed(origin: string, hosts: ReadonlySet<string> | undefined, host: string | undefined) {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and anything unparsable
  }
  if (hosts) return url.protocol === 'http:' && hosts.has(url.host);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host?.toLowerCase();
}
