import { mkdtempSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../store/index.js';
import { ADMIN_TOKEN_NAME, ensureAdminToken } from './admin-token.js';
import { allows, highestScope, parseScopes, ScopeError, SCOPES } from './scopes.js';
import { createApiToken, hashToken, newToken, TokenAuthenticator } from './tokens.js';

describe('scopes', () => {
  it('orders read < run < write < admin: a scope implies every lower one', () => {
    const table = SCOPES.map((granted) => SCOPES.map((needed) => allows([granted], needed)));
    expect(table).toEqual([
      [true, false, false, false],
      [true, true, false, false],
      [true, true, true, false],
      [true, true, true, true],
    ]);
    expect(allows([], 'read')).toBe(false);
    expect(allows(['read', 'write'], 'run')).toBe(true);
    expect(highestScope(['run', 'read'])).toBe('run');
  });

  it('parses the --scopes list, refusing unknown ones with the valid names', () => {
    expect(parseScopes('write, read,read')).toEqual(['read', 'write']);
    expect(() => parseScopes('read,owner')).toThrow(
      new ScopeError('unknown scope "owner": the scopes are read, run, write, admin'),
    );
    expect(() => parseScopes(' , ')).toThrow(ScopeError);
  });
});

describe('tokens in the run store', () => {
  let store: RunStore;
  let clock = 1_700_000_000_000;
  beforeEach(() => {
    store = RunStore.open(':memory:', { now: () => clock });
  });
  afterEach(() => store.close());

  it('makes ef_ + 32 random bytes, and stores only the SHA-256', () => {
    const t = newToken();
    expect(t).toMatch(/^ef_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(t);
    const { token, record } = createApiToken(store, { name: 'ci', scopes: ['run'] });
    expect(record.hash).toBe(hashToken(token));
    const dump = JSON.stringify(store.database.prepare('SELECT * FROM api_tokens').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(3));
  });

  it('authenticates a known token, refuses unknown, malformed and revoked ones', () => {
    const auth = new TokenAuthenticator(store);
    const { token, record } = createApiToken(store, { name: 'ci', scopes: ['read', 'run'] });
    const ok = auth.authenticate(token);
    expect(ok).toMatchObject({ ok: true, token: { id: record.id, scopes: ['read', 'run'] } });
    expect(auth.authenticate(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(auth.authenticate(newToken())).toEqual({ ok: false, reason: 'unknown' });
    expect(auth.authenticate(`${token}x`)).toEqual({ ok: false, reason: 'unknown' });
    expect(auth.authenticate('x'.repeat(10_000))).toEqual({ ok: false, reason: 'malformed' });
    expect(store.revokeToken(record.id)).toBe(true);
    expect(auth.authenticate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('touches last_used at most once a minute per token', () => {
    let now = clock;
    const auth = new TokenAuthenticator(store, { now: () => now });
    const { token, record } = createApiToken(store, { name: 'ci', scopes: ['read'] });
    const lastUsed = () => store.listTokens().find((t) => t.id === record.id)!.lastUsedAt;
    expect(lastUsed()).toBeNull();
    auth.authenticate(token);
    expect(lastUsed()).toBe(new Date(now).toISOString());
    now += 30_000;
    auth.authenticate(token);
    expect(lastUsed()).toBe(new Date(now - 30_000).toISOString());
    now += 31_000;
    auth.authenticate(token);
    expect(lastUsed()).toBe(new Date(now).toISOString());
    clock = now;
  });
});

describe('the admin token file', () => {
  let dir: string;
  let store: RunStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-admin-'));
    store = RunStore.open(path.join(dir, 'state.db'));
  });
  afterEach(() => store.close());

  it('is created on first start (0600), hashed in the store, and kept after', () => {
    const a = ensureAdminToken(dir, store);
    expect(a.status).toBe('created');
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(a.file, 'utf8').trim()).toBe(a.token);
    expect(new TokenAuthenticator(store).authenticate(a.token)).toMatchObject({
      ok: true,
      token: { name: ADMIN_TOKEN_NAME, scopes: ['admin'] },
    });
    expect(ensureAdminToken(dir, store)).toEqual({ ...a, status: 'kept' });
    expect(store.listTokens()).toHaveLength(1);
  });

  it('takes a file from before the store in (and tightens its mode)', () => {
    const old = newToken();
    writeFileSync(path.join(dir, 'admin.token'), `${old}\n`, { mode: 0o644 });
    const a = ensureAdminToken(dir, store);
    expect(a).toMatchObject({ token: old, status: 'migrated' });
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    expect(new TokenAuthenticator(store).authenticate(old).ok).toBe(true);
    expect(ensureAdminToken(dir, store).status).toBe('kept');
  });

  it('replaces a deleted file with a new token and retires the old one', () => {
    const first = ensureAdminToken(dir, store);
    unlinkSync(first.file);
    const second = ensureAdminToken(dir, store);
    expect(second.status).toBe('created');
    const auth = new TokenAuthenticator(store);
    expect(auth.authenticate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(auth.authenticate(second.token).ok).toBe(true);
  });

  it('says so, and does not mint another, when the file holds a revoked token', () => {
    const a = ensureAdminToken(dir, store);
    store.revokeToken(store.listTokens()[0]!.id);
    expect(ensureAdminToken(dir, store).status).toBe('revoked');
    expect(store.listTokens()).toHaveLength(1);
    expect(new TokenAuthenticator(store).authenticate(a.token).ok).toBe(false);
  });
});
