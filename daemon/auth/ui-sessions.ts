/**
 * Web UI sessions: a token signed in once (POST /v1/session) becomes an HttpOnly, SameSite=Strict
 * cookie holding a random session id, so the token itself is never kept by the browser, where a
 * script could read it. A session remembers only its token's SHA-256 (what the run store keeps):
 * every request re-checks that token, so revoking it ends its sessions at once. Sessions live in
 * this process's memory: they expire after `ttlMs`, end on sign-out, and a restart signs everyone
 * out (nothing of them is ever written to disk).
 *
 * Each session has a CSRF token of its own, answered to the UI (readable by same-origin scripts
 * only: the daemon answers no CORS) and required as `X-Edgeflow-Csrf` on every state-changing
 * request a cookie authenticates; SameSite=Strict and the Origin check stop cross-site requests
 * before that.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Scope } from './scopes.js';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A bound on memory: past it, signing in ends the session closest to expiring. */
export const MAX_UI_SESSIONS = 1000;

export interface UiSession {
  /** SHA-256 (hex) of the token it was signed in with. */
  tokenHash: string;
  tokenName: string;
  scopes: Scope[];
  csrf: string;
  expiresAt: number;
}

export class UiSessions {
  /** By the SHA-256 of the session id: a memory dump holds no usable cookie. */
  private readonly sessions = new Map<string, UiSession>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly max: number;

  constructor(opts: { ttlMs?: number; now?: () => number; max?: number } = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.max = opts.max ?? MAX_UI_SESSIONS;
  }

  get size(): number {
    return this.sessions.size;
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  /** A new session for a token (already authenticated): its id (the cookie's value) and record. */
  create(token: { hash: string; name: string; scopes: Scope[] }): { id: string; session: UiSession } {
    this.sweep();
    while (this.sessions.size >= this.max) {
      let oldest: [string, UiSession] | undefined;
      for (const e of this.sessions) if (!oldest || e[1].expiresAt < oldest[1].expiresAt) oldest = e;
      this.sessions.delete(oldest![0]);
    }
    const id = randomBytes(32).toString('base64url');
    const session: UiSession = {
      tokenHash: token.hash,
      tokenName: token.name,
      scopes: [...token.scopes],
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + this.ttlMs,
    };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, or undefined (unknown, malformed or expired). */
  get(id: string | undefined): UiSession | undefined {
    if (!id || id.length > 100) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return s;
  }

  /** Ends a session (sign-out, or its token found revoked). */
  end(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  /** Whether a presented CSRF header is this session's, compared in constant time. */
  static csrfMatches(session: UiSession, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(presented);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
