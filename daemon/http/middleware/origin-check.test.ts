import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../env.js';
import { errorHandler } from './error-handler.js';
import { loopbackHosts } from './host-check.js';
import { originCheck } from './origin-check.js';

function app(hosts: ReadonlySet<string> | undefined) {
  const a = new Hono<ApiEnv>();
  a.use(
    '*',
    originCheck(() => hosts),
  );
  a.get('/x', (c) => c.text('ok'));
  a.onError(errorHandler());
  return a;
}

const status = async (a: Hono<ApiEnv>, headers: Record<string, string>) =>
  (await a.request('/x', { headers })).status;

describe('originCheck', () => {
  it("on loopback: no Origin, or the daemon's own http origin; nothing else", async () => {
    const a = app(loopbackHosts('127.0.0.1', 8787));
    expect(await status(a, {})).toBe(200);
    for (const own of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787'])
      expect(await status(a, { origin: own }), own).toBe(200);
    for (const other of [
      'http://evil.example.com',
      'http://127.0.0.1:8788',
      'https://127.0.0.1:8787',
      'http://localhost',
      'null',
      'not a url',
    ])
      expect(await status(a, { origin: other }), other).toBe(403);
  });

  it('answers ORIGIN_NOT_ALLOWED in the API error shape', async () => {
    const r = await app(loopbackHosts('127.0.0.1', 8787)).request('/x', {
      headers: { origin: 'http://evil.example.com' },
    });
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('on another interface: a same-origin page (the Host it called) only', async () => {
    const a = app(undefined);
    expect(await status(a, { host: 'edgeflow.corp:8787', origin: 'http://edgeflow.corp:8787' })).toBe(200);
    expect(await status(a, { host: 'edgeflow.corp', origin: 'https://edgeflow.corp' })).toBe(200);
    expect(await status(a, { host: 'edgeflow.corp:8787', origin: 'http://evil.example.com' })).toBe(403);
  });
});
