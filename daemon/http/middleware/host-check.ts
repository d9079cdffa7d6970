import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The Host values a daemon bound to loopback answers: localhost, 127.0.0.1 and [::1], with the
 * port it listens on. Undefined (no check) when it listens on another interface: whoever exposed
 * it chose the names it is reached by.
 */
export function loopbackHosts(bindHost: string, port: number): Set<string> | undefined {
  if (!isLoopback(bindHost)) return undefined;
  const names = ['localhost', '127.0.0.1', '[::1]'];
  if (!names.includes(bindHost) && !bindHost.includes(':')) names.push(bindHost);
  const out = new Set(names.map((n) => `${n}:${port}`));
  // Port 80 is what a browser leaves out of Host.
  if (port === 80) for (const n of names) out.add(n);
  return out;
}

/**
 * Refuses requests whose Host is not one of ours. A web page can point a name it controls at
 * 127.0.0.1 (DNS rebinding) and make the browser talk to the daemon as a same-origin site; its
 * requests still carry that name in Host, so they stop here.
 */
export function hostCheck(allowed: () => ReadonlySet<string> | undefined): MiddlewareHandler<ApiEnv> {
  return async function hostCheck(c, next) {
    const hosts = allowed();
    if (hosts) {
      const host = c.req.header('host')?.toLowerCase();
      if (!host || !hosts.has(host))
        throw new ApiError(
          'HOST_NOT_ALLOWED',
          `Host "${host ?? ''}" is not this daemon's address; call it as ${[...hosts][0]} (the daemon listens on loopback and refuses other names, against DNS rebinding)`,
          { allowed: [...hosts] },
        );
    }
    await next();
  };
}
