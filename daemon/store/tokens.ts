/** API tokens, stored only as the SHA-256 (hex) of the token; creating and checking them is daemon/auth's. */
import type { Sql } from './database.js';
import { StoreError } from './errors.js';
import { newTokenId } from './ids.js';
import { tokenRecord, TOKEN_SCOPES, type TokenRecord, type TokenRow, type TokenScope } from './records.js';

export interface NewToken {
  name: string;
  scopes: readonly TokenScope[];
  /** SHA-256 of the token, hex (a Buffer of the 32 bytes is taken too). */
  hash: string | Buffer;
}

export function normalizeHash(hash: string | Buffer): string {
  const hex = typeof hash === 'string' ? hash.toLowerCase() : hash.toString('hex');
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new StoreError('CONFLICT', 'a token hash must be the SHA-256 of the token: 64 hex digits');
  return hex;
}

export function createToken(sql: Sql, now: string, t: NewToken): TokenRecord {
  for (const s of t.scopes)
    if (!(TOKEN_SCOPES as readonly string[]).includes(s))
      throw new StoreError('CONFLICT', `unknown scope "${s}": the scopes are ${TOKEN_SCOPES.join(', ')}`);
  try {
    const row = sql
      .stmt('INSERT INTO api_tokens (id, name, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(newTokenId(), t.name, normalizeHash(t.hash), JSON.stringify([...t.scopes]), now) as TokenRow;
    return tokenRecord(row);
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw new StoreError('CONFLICT', 'a token with this hash exists already; generate a new token');
    throw e;
  }
}

/** The token with this hash, revoked ones included (the caller tells "revoked" from "unknown"). */
export function findTokenByHash(sql: Sql, hash: string | Buffer): TokenRecord | undefined {
  let hex: string;
  try {
    hex = normalizeHash(hash);
  } catch {
    return undefined;
  }
  const row = sql.stmt('SELECT * FROM api_tokens WHERE hash = ?').get(hex) as TokenRow | undefined;
  return row && tokenRecord(row);
}

export function touchToken(sql: Sql, id: string, at: string): void {
  sql.stmt('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
}

export function listTokens(sql: Sql): TokenRecord[] {
  return (sql.stmt('SELECT * FROM api_tokens ORDER BY created_at, id').all() as TokenRow[]).map(tokenRecord);
}

/** False when there is no such token or it was revoked already. */
export function revokeToken(sql: Sql, now: string, id: string): boolean {
  return (
    sql.stmt('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id)
      .changes > 0
  );
}
