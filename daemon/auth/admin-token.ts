/**
 * The admin token of `edgeflow serve`: on first start the daemon creates one, writes it to
 * `<state dir>/admin.token` (mode 0600, readable only by its owner) and keeps only its hash in the
 * run store. A token file left by an earlier version (which kept no hash) is taken into the store.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashToken, newToken, type TokenStore } from './tokens.js';

/** The stored name of the token that lives in admin.token. */
export const ADMIN_TOKEN_NAME = 'admin.token';

export interface AdminTokenFile {
  file: string;
  /** The token in the file (the file is the owner's copy; nothing else keeps it). */
  token: string;
  /**
   * created: a new token and file; kept: the file's token is in the store; migrated: the file
   * predates the store and its hash was added; revoked: the file's token was revoked (not usable).
   */
  status: 'created' | 'kept' | 'migrated' | 'revoked';
}

export function adminTokenPath(stateDir: string): string {
  return path.join(stateDir, 'admin.token');
}

/**
 * `name`: the stored name of this daemon's admin token (default `admin.token`). Daemons sharing one
 * run store (PostgreSQL) each keep their own admin.token: each names its token after its host and
 * directory, so a daemon making a new one revokes only its own earlier token, not the others'.
 */
export function ensureAdminToken(
  stateDir: string,
  store: TokenStore,
  name: string = ADMIN_TOKEN_NAME,
): AdminTokenFile {
  const file = adminTokenPath(stateDir);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    // An older version may have left it with a laxer mode; it is a credential.
    chmodSync(file, 0o600);
    const row = store.findTokenByHash(hashToken(token));
    if (!row) {
      store.createToken({ name, scopes: ['admin'], hash: hashToken(token) });
      return { file, token, status: 'migrated' };
    }
    return { file, token, status: row.revokedAt ? 'revoked' : 'kept' };
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const token = newToken();
  // The file first: if the store then fails, the next start takes the file's token in.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  // A deleted admin.token means "give me a new one": the one it held stops working.
  for (const t of store.listTokens()) if (t.name === name && !t.revokedAt) store.revokeToken(t.id);
  store.createToken({ name, scopes: ['admin'], hash: hashToken(token) });
  return { file, token, status: 'created' };
}
