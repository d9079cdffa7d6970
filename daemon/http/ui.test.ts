/**
 * The web UI's side of the daemon: its static files (public, strict CSP, cache headers,
 * precompressed, a clear page when not built) and its sessions (a token exchanged for an HttpOnly
 * SameSite=Strict cookie; CSRF header on changes; revoking the token, signing out or expiry ends
 * it; Origin and Host checks as for every request).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, TokenAuthenticator } from '../auth/tokens.js';
import { UiSessions } from '../auth/ui-sessions.js';
import type { LoadedConfig } from '../config/load.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';
import { RunStore } from '../store/index.js';
import { createHttpApp, loopbackHosts } from './app.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-ui-http-'));
const uiDir = path.join(dir, 'ui');
const ASSET = 'app-ABCDEFGH.js';
const config: LoadedConfig = {
  config: {
    listen: '127.0.0.1:0',
    state: path.join(dir, 'state.db'),
    connections: { local: { type: 'duckdb', path: ':memory:' } },
  },
  baseDir: dir,
};
let service: Service;
let store: RunStore;
let app: ReturnType<typeof createHttpApp>;
let clock = Date.parse('2026-01-01T00:00:00Z');
const sessions = new UiSessions({ ttlMs: 60_000, now: () => clock });
const tokens: Record<'read' | 'write', string> = { read: '', write: '' };
const HOST = '127.0.0.1:8787';
const hosts = loopbackHosts('127.0.0.1', 8787);

const req = (p: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  app.request(p, { ...init, headers: { host: HOST, ...init.headers } });

async function signIn(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await req('/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://${HOST}` },
    body: JSON.stringify({ token }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  const setCookie = r.headers.get('set-cookie')!;
  const body = (await r.json()) as { csrf: string };
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrf, setCookie };
}

beforeAll(() => {
  mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
  writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>edgeflow</title>');
  writeFileSync(path.join(uiDir, 'assets', ASSET), 'console.log("ui")');
  writeFileSync(path.join(uiDir, 'assets', `${ASSET}.gz`), gzipSync('console.log("ui")'));
  service = new Service(config, new ConnectorPool(config));
  store = RunStore.open(path.join(dir, 'state.db'));
  tokens.read = createApiToken(store, { name: 'viewer', scopes: ['read'] }).token;
  tokens.write = createApiToken(store, { name: 'builder', scopes: ['write'] }).token;
  app = createHttpApp({
    service,
    authenticator: new TokenAuthenticator(store),
    uiDir,
    sessions,
    allowedHosts: () => hosts,
  });
});
afterAll(async () => {
  await service.close();
  store.close();
});

describe('the web UI files', () => {
  it('serves index.html at / without a token, with a strict CSP, nosniff and no-cache', async () => {
    const r = await req('/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const etag = r.headers.get('etag')!;
    expect((await req('/', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves hashed assets for a year, precompressed when the browser takes it', async () => {
    const plain = await req(`/assets/${ASSET}`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await plain.text()).toBe('console.log("ui")');
    const gz = await req(`/assets/${ASSET}`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('answers 404 for a file that is not a built asset, and never leaves the directory', async () => {
    expect((await req('/assets/app-ZZZZZZZZ.js')).status).toBe(404);
    expect((await req('/assets/..%2Findex.html')).status).toBe(404);
    expect((await req('/assets/..%2F..%2Fstate.db')).status).toBe(404);
  });

  it('refuses another Host (DNS rebinding), as the API does', async () => {
    expect((await req('/', { headers: { host: 'evil.example:8787' } })).status).toBe(403);
  });

  it('says how to build the UI when its files are missing, and the API still answers', async () => {
    const bare = createHttpApp({
      service,
      authenticator: new TokenAuthenticator(store),
      uiDir: path.join(dir, 'nowhere'),
    });
    const r = await bare.request('/');
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run build');
    expect((await bare.request('/healthz')).status).toBe(200);
  });
});

describe('web UI sessions', () => {
  it('exchanges a token for an HttpOnly, SameSite=Strict cookie on /v1, never answering the token', async () => {
    const { setCookie, cookie } = await signIn(tokens.write);
    expect(setCookie).toMatch(/^edgeflow_session_8787=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/v1');
    expect(setCookie).toContain('Max-Age=60');
    expect(setCookie).not.toContain('Secure'); // loopback: plain http
    const r = await req('/v1/session', { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ tokenName: 'builder', scope: 'write', via: 'cookie' });
    expect(JSON.stringify(body)).not.toContain(tokens.write);
  });

  it('sets a Secure cookie when the daemon is not reached on loopback', async () => {
    const open = createHttpApp({
      service,
      authenticator: new TokenAuthenticator(store),
      sessions: new UiSessions(),
    });
    const r = await open.request('/v1/session', {
      method: 'POST',
      headers: { host: 'edgeflow.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens.read }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('set-cookie')).toMatch(/^edgeflow_session=.*; Secure$/);
  });

  it('refuses a token that is not valid, without a cookie', async () => {
    const r = await req('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'ef_not_a_token' }),
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('authenticates API reads by cookie, and changes only with the CSRF header', async () => {
    const { cookie, csrf } = await signIn(tokens.write);
    expect((await req('/v1/components', { headers: { cookie } })).status).toBe(200);
    const body = JSON.stringify({ workflow: { edgeflow: 1, name: 'x', nodes: [] }, offline: true });
    const post = (headers: Record<string, string>) =>
      req('/v1/validate', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body,
      });
    const without = await post({});
    expect(without.status).toBe(403);
    expect(await without.text()).toContain('X-Edgeflow-Csrf'.toLowerCase());
    expect((await post({ 'x-edgeflow-csrf': 'wrong' })).status).toBe(403);
    expect((await post({ 'x-edgeflow-csrf': csrf })).status).toBe(200);
    // Another site's page: the Origin check stops it whatever it sends.
    expect((await post({ 'x-edgeflow-csrf': csrf, origin: 'http://evil.example' })).status).toBe(403);
  });

  it("keeps the token's scope: a read session cannot save", async () => {
    const { cookie, csrf } = await signIn(tokens.read);
    const r = await req('/v1/workflows/x', {
      method: 'PUT',
      headers: { cookie, 'x-edgeflow-csrf': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ edgeflow: 1, name: 'x', nodes: [] }),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('is not a way into /mcp or anything outside /v1', async () => {
    const { cookie } = await signIn(tokens.write);
    expect((await req('/metrics', { headers: { cookie } })).status).toBe(401);
    expect(
      (
        await req('/mcp', {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
  });

  it('ends on sign-out', async () => {
    const { cookie, csrf } = await signIn(tokens.read);
    const out = await req('/v1/session', { method: 'DELETE', headers: { cookie, 'x-edgeflow-csrf': csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^edgeflow_session_8787=; .*Max-Age=0/);
    expect((await req('/v1/components', { headers: { cookie } })).status).toBe(401);
  });

  it('ends when its token is revoked', async () => {
    const t = createApiToken(store, { name: 'short-lived', scopes: ['read'] });
    const { cookie } = await signIn(t.token);
    expect((await req('/v1/components', { headers: { cookie } })).status).toBe(200);
    store.revokeToken(t.record.id);
    const r = await req('/v1/components', { headers: { cookie } });
    expect(r.status).toBe(401);
    expect(await r.text()).toContain('revoked');
    expect(r.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('expires', async () => {
    const { cookie } = await signIn(tokens.read);
    clock += 61_000;
    const r = await req('/v1/components', { headers: { cookie } });
    expect(r.status).toBe(401);
    expect(await r.text()).toContain('sign in again');
  });

  it('lets a bearer token win over a cookie, and says how a request was authenticated', async () => {
    const { cookie } = await signIn(tokens.read);
    const r = await req('/v1/session', { headers: { cookie, authorization: `Bearer ${tokens.write}` } });
    expect(await r.json()).toMatchObject({ via: 'bearer', tokenName: 'builder', expiresAt: null });
  });

  it('is declared in the OpenAPI document', async () => {
    const r = await req('/v1/openapi.json', { headers: { authorization: `Bearer ${tokens.read}` } });
    const doc = (await r.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/session'] ?? {}).sort()).toEqual(['delete', 'get', 'post']);
  });
});
