/**
 * API tokens. This first version knows one admin token, created on first start in a file only its
 * owner can read; stored tokens with scopes arrive with the run store. Tokens are compared by
 * their SHA-256 in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function newToken(): string {
  return `ef_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function tokenMatches(presented: string, hash: Buffer): boolean {
  return timingSafeEqual(hashToken(presented), hash);
}

/** Reads the admin token file, creating it (mode 0600) with a new token when absent. */
export function ensureAdminToken(stateDir: string): { file: string; token: string; created: boolean } {
  const file = path.join(stateDir, 'admin.token');
  if (existsSync(file)) return { file, token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const token = newToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { file, token, created: true };
}
