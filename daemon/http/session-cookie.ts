/**
 * The web UI's session cookie (daemon/auth/ui-sessions.ts): HttpOnly (no script reads it),
 * SameSite=Strict (no other site's page or link sends it), Path=/v1 (only the API gets it), a
 * Max-Age, and Secure unless the daemon is reached on loopback (a browser keeps a Secure cookie
 * only over https, so a daemon exposed on another interface must be behind TLS for the UI).
 * Cookies are not isolated by port, so the name carries the port: two daemons on one machine keep
 * their own sessions.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiEnv } from './env.js';
import { isLoopback } from './middleware/host-check.js';

/** Sent by the UI on every state-changing request a cookie authenticates. */
export const CSRF_HEADER = 'x-edgeflow-csrf';

function hostParts(c: Context<ApiEnv>): { name: string; port: string } {
  const host = (c.req.header('host') ?? '').toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  return { name: (m?.[1] ?? '').replace(/^\[|\]$/g, ''), port: m?.[2] ?? '' };
}

export function sessionCookieName(c: Context<ApiEnv>): string {
  const { port } = hostParts(c);
  return port ? `edgeflow_session_${port}` : 'edgeflow_session';
}

export function readSessionCookie(c: Context<ApiEnv>): string | undefined {
  return getCookie(c, sessionCookieName(c));
}

function attributes(c: Context<ApiEnv>, maxAge: number): string {
  const secure = isLoopback(hostParts(c).name) ? '' : '; Secure';
  return `Path=/v1; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

export function setSessionCookie(c: Context<ApiEnv>, id: string, maxAgeSeconds: number): void {
  c.header('Set-Cookie', `${sessionCookieName(c)}=${id}; ${attributes(c, maxAgeSeconds)}`, { append: true });
}

export function clearSessionCookie(c: Context<ApiEnv>): void {
  c.header('Set-Cookie', `${sessionCookieName(c)}=; ${attributes(c, 0)}`, { append: true });
}
