import type { MiddlewareHandler } from 'hono';
import { allows, highestScope, type Scope } from '../../auth/scopes.js';
import type { TokenAuthenticator } from '../../auth/tokens.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const HOW =
  'send Authorization: Bearer <token>; the daemon printed where its admin token is, and `edgeflow token create --scopes read` makes another';

/**
 * Authenticates every request but those to `publicPaths` (DESIGN.md §1.6: all but /healthz). The
 * token's record is left on the context for `requireScope`.
 */
export function authenticate(
  authenticator: TokenAuthenticator,
  publicPaths: readonly string[] = ['/healthz'],
): MiddlewareHandler<ApiEnv> {
  const open = new Set(publicPaths);
  return async function authenticate(c, next) {
    if (open.has(c.req.path)) return next();
    const header = c.req.header('authorization');
    const presented = header ? BEARER.exec(header)?.[1] : undefined;
    const r = authenticator.authenticate(presented);
    if (!r.ok) {
      c.header('WWW-Authenticate', 'Bearer realm="edgeflow"');
      throw new ApiError(
        'UNAUTHORIZED',
        r.reason === 'revoked'
          ? `this bearer token was revoked; ${HOW}`
          : r.reason === 'missing' && header
            ? `a bearer token is required (the Authorization header is not "Bearer <token>"); ${HOW}`
            : r.reason === 'missing'
              ? `a bearer token is required; ${HOW}`
              : `the bearer token is not valid; ${HOW}`,
      );
    }
    c.set('token', r.token);
    await next();
  };
}

/** Lets the request through when its token's scopes include `scope` (a higher one implies it). */
export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async function requireScope(c, next) {
    const token = c.get('token');
    if (!token) throw new ApiError('UNAUTHORIZED', `a bearer token is required; ${HOW}`);
    if (!allows(token.scopes, scope))
      throw new ApiError(
        'FORBIDDEN',
        `this needs a token with the "${scope}" scope (or a higher one); this token has "${highestScope(token.scopes) ?? 'none'}". Create one with \`edgeflow token create --scopes ${scope}\``,
        { needed: scope, granted: token.scopes },
      );
    await next();
  };
}
