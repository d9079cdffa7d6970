import type { MiddlewareHandler } from 'hono';
import { allows, highestScope, type Scope } from '../../auth/scopes.js';
import type { TokenAuthenticator } from '../../auth/tokens.js';
import { UiSessions } from '../../auth/ui-sessions.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { clearSessionCookie, CSRF_HEADER, readSessionCookie } from '../session-cookie.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const HOW =
  'send Authorization: Bearer <token>; the daemon printed where its admin token is, and `edgeflow token create --scopes read` makes another';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates every request but those to `publicPaths` (DESIGN.md §1.6: all but /healthz; an
 * entry `POST /v1/session` opens one method only). The token's record is left on the context for
 * `requireScope`.
 *
 * With `sessions`, a request to /v1/ without an Authorization header may be authenticated by the
 * web UI's session cookie instead: the session's token is checked as if presented (revoked: the
 * session ends), and a state-changing method must carry the session's CSRF token in
 * X-Edgeflow-Csrf. A bearer token, when sent, is what counts.
 */
export function authenticate(
  authenticator: TokenAuthenticator,
  publicPaths: readonly string[] = ['/healthz'],
  sessions?: UiSessions,
): MiddlewareHandler<ApiEnv> {
  const open = new Set(publicPaths);
  return async function authenticate(c, next) {
    if (open.has(c.req.path) || open.has(`${c.req.method} ${c.req.path}`)) return next();
    const header = c.req.header('authorization');
    if (sessions && header === undefined && c.req.path.startsWith('/v1/')) {
      const id = readSessionCookie(c);
      if (id !== undefined) return bySession(c, next, authenticator, sessions, id);
    }
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

async function bySession(
  c: Parameters<MiddlewareHandler<ApiEnv>>[0],
  next: () => Promise<void>,
  authenticator: TokenAuthenticator,
  sessions: UiSessions,
  id: string,
): Promise<void> {
  const session = sessions.get(id);
  const r = session ? authenticator.authenticateHash(session.tokenHash) : undefined;
  if (!session || !r?.ok) {
    sessions.end(id);
    clearSessionCookie(c);
    throw new ApiError(
      'UNAUTHORIZED',
      !session
        ? 'the session has ended (it expired, was signed out, or the daemon restarted): sign in again'
        : r && !r.ok && r.reason === 'revoked'
          ? 'the token this session was signed in with was revoked: sign in with another token'
          : 'the token this session was signed in with is no longer valid: sign in again',
    );
  }
  if (!SAFE_METHODS.has(c.req.method) && !UiSessions.csrfMatches(session, c.req.header(CSRF_HEADER)))
    throw new ApiError(
      'FORBIDDEN',
      `a request authenticated by the session cookie that changes something must carry the session's CSRF token in ${CSRF_HEADER} (GET /v1/session answers it)`,
      { reason: 'csrf' },
    );
  c.set('token', r.token);
  c.set('session', { id, session });
  await next();
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
