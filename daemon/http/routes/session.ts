/**
 * The web UI's sign-in (daemon/auth/ui-sessions.ts): a token is exchanged once for an HttpOnly,
 * SameSite=Strict session cookie, so the browser never keeps the token itself.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { highestScope } from '../../auth/scopes.js';
import type { TokenAuthenticator } from '../../auth/tokens.js';
import type { UiSession, UiSessions } from '../../auth/ui-sessions.js';
import { UiSessionInfo } from '../../service/shapes/index.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../session-cookie.js';
import { errors } from './common.js';

const SignInRequest = z.strictObject({
  token: z.string().min(1).max(256).describe('an API token (`ef_…`), as `edgeflow token create` printed it'),
});

function info(session: UiSession, via: 'cookie'): UiSessionInfo {
  return {
    tokenName: session.tokenName,
    scopes: session.scopes,
    scope: highestScope(session.scopes) ?? 'read',
    via,
    expiresAt: new Date(session.expiresAt).toISOString(),
    csrf: session.csrf,
  };
}

/** Answers about a session are never cached (they carry its CSRF token). */
function noStore(c: Context<ApiEnv>): void {
  c.header('Cache-Control', 'no-store');
}

export function sessionRoutes(opts: { authenticator: TokenAuthenticator; sessions: UiSessions }): AnyRoute[] {
  const { authenticator, sessions } = opts;
  return [
    route({
      method: 'post',
      path: '/v1/session',
      // The sign-in itself: the token is in the body, checked here.
      scope: null,
      operationId: 'signIn',
      tag: 'session',
      summary: 'Sign the web UI in: a token becomes an HttpOnly session cookie',
      description:
        'The token is checked as a bearer token would be and never stored; the answer sets an HttpOnly, SameSite=Strict cookie (Path=/v1, Secure unless on loopback) that authenticates /v1/ requests until it expires, is signed out, or the token is revoked. State-changing requests the cookie authenticates must send the answered `csrf` as X-Edgeflow-Csrf.',
      body: SignInRequest,
      responses: {
        201: { description: 'signed in; the cookie is set', schema: UiSessionInfo },
        ...errors(400, 401),
      },
      handler: (c, { body }) => {
        const r = authenticator.authenticate(body.token);
        if (!r.ok)
          throw new ApiError(
            'UNAUTHORIZED',
            r.reason === 'revoked'
              ? 'this token was revoked; sign in with another (`edgeflow token create --scopes read` makes one)'
              : 'this is not a valid edgeflow token; the daemon printed where its admin token is, and `edgeflow token create --scopes read` makes another',
          );
        // A session signed in over another one replaces it.
        sessions.end(readSessionCookie(c));
        const { id, session } = sessions.create(r.token);
        setSessionCookie(c, id, sessions.ttlSeconds);
        noStore(c);
        return c.json(info(session, 'cookie'), 201);
      },
    }),
    route({
      method: 'get',
      path: '/v1/session',
      scope: 'read',
      operationId: 'getSession',
      tag: 'session',
      summary: 'Who is signed in: the token name, its scopes and (for a session) its CSRF token',
      responses: { 200: { description: 'the session', schema: UiSessionInfo }, ...errors(401) },
      handler: (c) => {
        noStore(c);
        const s = c.get('session');
        if (s) return c.json(info(s.session, 'cookie'));
        const token = c.get('token');
        return c.json({
          tokenName: token.name,
          scopes: token.scopes,
          scope: highestScope(token.scopes) ?? 'read',
          via: 'bearer' as const,
          expiresAt: null,
        });
      },
    }),
    route({
      method: 'delete',
      path: '/v1/session',
      scope: 'read',
      operationId: 'signOut',
      tag: 'session',
      summary: 'Sign out: the session ends and its cookie is cleared',
      responses: {
        200: { description: '{ signedOut: true }', schema: z.object({ signedOut: z.literal(true) }) },
        ...errors(401, 403),
      },
      handler: (c) => {
        noStore(c);
        const s = c.get('session');
        if (s) sessions.end(s.id);
        clearSessionCookie(c);
        return c.json({ signedOut: true as const });
      },
    }),
  ];
}
