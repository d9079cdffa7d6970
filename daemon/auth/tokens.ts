/**
 * API tokens: `ef_` + 32 random bytes (base64url), shown once, stored only as their SHA-256 in the
 * run store. A presented token is hashed, looked up by that hash and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Scope } from './scopes.js';

export const TOKEN_PREFIX = 'ef_';

export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The SHA-256 of a token, hex: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token as the store keeps it: never the token itself. */
export interface StoredToken {
  id: string;
  name: string;
  scopes: Scope[];
  /** SHA-256 of the token, hex. */
  hash: string;
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

/** What auth needs from the run store (RunStore implements it). */
export interface TokenStore {
  createToken(t: { name: string; scopes: Scope[]; hash: string }): StoredToken;
  findTokenByHash(hash: string): StoredToken | undefined;
  touchToken(id: string, at: Date): void;
  listTokens(): StoredToken[];
  revokeToken(id: string): boolean;
}

export type AuthResult =
  { ok: true; token: StoredToken } | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' };

/** Tokens are short; anything much longer is not one of ours and is not worth hashing. */
const MAX_TOKEN_LENGTH = 256;

/** Checks presented bearer tokens against the store, and records when each was last used. */
export class TokenAuthenticator {
  private readonly lastTouch = new Map<string, number>();
  private readonly touchEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: TokenStore,
    opts: { touchEveryMs?: number; now?: () => number } = {},
  ) {
    this.touchEveryMs = opts.touchEveryMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  authenticate(presented: string | undefined): AuthResult {
    if (!presented) return { ok: false, reason: 'missing' };
    if (presented.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    return this.authenticateHash(createHash('sha256').update(presented).digest('hex'));
  }

  /**
   * Checks a token by its SHA-256 (hex), as a web UI session keeps it (daemon/auth/ui-sessions.ts):
   * the same answer as presenting the token, so revoking the token ends its sessions too.
   */
  authenticateHash(hash: string): AuthResult {
    const digest = Buffer.from(hash, 'hex');
    // The lookup is by the hash, which an attacker cannot steer byte by byte, so its timing
    // says nothing about a real token; the final comparison is constant-time all the same.
    const row = this.store.findTokenByHash(hash);
    if (!row) return { ok: false, reason: 'unknown' };
    const stored = Buffer.from(row.hash, 'hex');
    if (stored.length !== digest.length || !timingSafeEqual(stored, digest))
      return { ok: false, reason: 'unknown' };
    if (row.revokedAt) return { ok: false, reason: 'revoked' };
    this.touch(row.id);
    return { ok: true, token: row };
  }

  /** last_used is for people ("is this token still used?"): a write a minute per token is plenty. */
  private touch(id: string): void {
    const now = this.now();
    const last = this.lastTouch.get(id);
    if (last !== undefined && now - last < this.touchEveryMs) return;
    this.lastTouch.set(id, now);
    this.store.touchToken(id, new Date(now));
  }
}

/** Creates a token with these scopes; returns it (to show once) and its stored record. */
export function createApiToken(
  store: TokenStore,
  opts: { name: string; scopes: Scope[] },
): { token: string; record: StoredToken } {
  const token = newToken();
  const record = store.createToken({ name: opts.name, scopes: opts.scopes, hash: hashToken(token) });
  return { token, record };
}
