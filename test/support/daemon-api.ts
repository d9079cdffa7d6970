/**
 * Talks to a daemon spawned by ./daemon-process.ts over HTTP, for end-to-end tests: API tokens of
 * each scope, requests that keep every response body (to look for leaked secrets afterwards), raw
 * requests with a Host header of our choosing, and waiting for a run to end.
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, type DaemonProcess } from './daemon-process.js';

export type Scope = 'admin' | 'read' | 'run' | 'write';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked by the assertions
  json: any;
}

export interface ApiOptions {
  /** A scope (its token from `tokens`) or a literal token. */
  token?: Scope | string;
  body?: unknown;
  /** A body sent as it is (instead of `body` as JSON). */
  raw?: string;
  headers?: Record<string, string>;
}

export const RUN_ENDED = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export interface DaemonApi {
  /** One token per scope: `admin` from the state directory, the others made by `createTokens`. */
  tokens: Record<Scope, string>;
  /** Every response body so far, to check for secrets at the end. */
  bodies: string[];
  api(method: string, p: string, opts?: ApiOptions): Promise<Answer>;
  /** A raw HTTP request with the Host header we choose (fetch will not send another Host). */
  withHost(host: string, p: string, token: string): Promise<{ status: number; text: string }>;
  /** Polls GET /v1/runs/:id until the run's status is one of `until` (default: ended); the run. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked by the assertions
  waitForRun(id: string, opts?: { until?: readonly string[]; timeoutMs?: number }): Promise<any>;
  /** Reads the admin token the daemon wrote and makes a read, a run and a write token with the CLI. */
  createTokens(config: string, stateDir: string): Promise<void>;
}

/** `daemon()` is read at each call, so a test may restart the daemon and go on with the same helpers. */
export function daemonApi(daemon: () => DaemonProcess): DaemonApi {
  const tokens: Record<Scope, string> = { admin: '', read: '', run: '', write: '' };
  const bodies: string[] = [];

  async function api(method: string, p: string, opts: ApiOptions = {}): Promise<Answer> {
    const token = opts.token && opts.token in tokens ? tokens[opts.token as Scope] : opts.token;
    const r = await fetch(`${daemon().url}${p}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.raw !== undefined
        ? { body: opts.raw }
        : opts.body !== undefined
          ? { body: JSON.stringify(opts.body) }
          : {}),
    });
    const text = await r.text();
    bodies.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json };
  }

  function withHost(host: string, p: string, token: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: daemon().port,
          path: p,
          headers: { host, authorization: `Bearer ${token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (b: Buffer) => (text += b.toString()));
          res.on('end', () => {
            bodies.push(text);
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function waitForRun(id: string, opts: { until?: readonly string[]; timeoutMs?: number } = {}) {
    const until = opts.until ?? RUN_ENDED;
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await api('GET', `/v1/runs/${id}`, { token: 'read' });
      expect(r.status, r.text).toBe(200);
      if (until.includes(r.json.status)) return r.json;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${r.json.status} after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async function createTokens(config: string, stateDir: string): Promise<void> {
    tokens.admin = readFileSync(path.join(stateDir, 'admin.token'), 'utf8').trim();
    const scopes = ['read', 'run', 'write'] as const;
    const made = await Promise.all(
      scopes.map((s) => runCli(['token', 'create', '--scopes', s, '--name', `e2e-${s}`, '--config', config])),
    );
    for (const [i, s] of scopes.entries()) {
      expect(made[i]!.code, made[i]!.stderr).toBe(0);
      tokens[s] = made[i]!.stdout.trim();
      expect(tokens[s]).toMatch(/^ef_[A-Za-z0-9_-]{43}$/);
    }
  }

  return { tokens, bodies, api, withHost, waitForRun, createTokens };
}
