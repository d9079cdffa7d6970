/**
 * The CLI beside a running daemon. An embedded DuckDB file is held by one process at a time, so
 * with `edgeflow serve` running, `validate`, `compile`, `preview` and `run` on a workflow of that
 * file go through the daemon's HTTP API instead — exactly when:
 *
 * 1. opening the workflow's DuckDB connection here fails because another process holds the file
 *    (nothing is opened twice: when the file is free, the command goes on with what it opened);
 * 2. `<state dir>/daemon.json` is ours (./daemon-file.ts) and names a daemon of the same run store,
 *    the same config file and the same DuckDB file under the same connection name;
 * 3. that daemon (or the child it seeds the demo in) is the process holding the lock — DuckDB names
 *    the holder's PID — and is alive, and its URL answers /healthz as edgeflow does.
 *
 * Otherwise the command goes on as before (a file another process holds keeps its error and hint).
 * The daemon is called with `<state dir>/admin.token`, which only the user who runs the daemon can
 * read: another user's CLI gets an error that says so, never a way around it.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { adminTokenPath } from '../auth/admin-token.js';
import type { LoadedConfig } from '../config/load.js';
import { stateDirectory, stateLocationKey } from '../config/state.js';
import { readDaemonFile, type DaemonInfo } from './daemon-file.js';
import type { Io } from './io.js';

/** An error answer of the daemon, or trouble reaching it; `exitCode` is the command's. */
export class DaemonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'DaemonError';
  }
}

export interface DaemonLink {
  url: string;
  /** The DuckDB file it holds, as people read it. */
  holds: string;
  /** Calls the API: the answer's JSON, or a DaemonError with the error answer's code, message and details. */
  request<T>(
    method: string,
    route: string,
    opts?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; json: T }>;
}

/** The one line that says the command goes through the daemon (stderr, so --json stdout stays one document). */
export function announce(link: DaemonLink, io: Io): void {
  io.err(`edgeflow: using the daemon at ${link.url} (it holds ${link.holds})`);
}

/**
 * The daemon to go through for `connection`, or undefined to go on here. `open` opens the
 * connection in this process (the command's own connector, which it keeps when it opens).
 */
export async function daemonFor(
  loaded: LoadedConfig,
  connection: string,
  open: () => Promise<unknown>,
): Promise<DaemonLink | undefined> {
  const c = loaded.config.connections[connection];
  if (c?.type !== 'duckdb' || c.path === ':memory:') return undefined;
  try {
    await open();
    return undefined;
  } catch (e) {
    return daemonHolding(loaded, connection, e);
  }
}

// DuckDB: `Could not set lock on file "…": Conflicting lock is held in /usr/bin/node (PID 1234)`.
const LOCKED = /Could not set lock on file/i;
const HOLDER_PID = /Conflicting lock is held in .*?\(PID (\d+)\)/i;

async function daemonHolding(
  loaded: LoadedConfig,
  connection: string,
  error: unknown,
): Promise<DaemonLink | undefined> {
  const message = error instanceof Error ? error.message : String(error);
  if (!LOCKED.test(message)) return undefined;
  const holder = HOLDER_PID.exec(message)?.[1];
  if (loaded.config.state === ':memory:') return undefined;
  const statePath = stateLocationKey(loaded);
  const stateDir = stateDirectory(loaded);
  const info = readDaemonFile(stateDir);
  const c = loaded.config.connections[connection];
  if (!info || c?.type !== 'duckdb') return undefined;
  const file = path.resolve(loaded.baseDir, c.path);
  if (
    info.state !== statePath ||
    info.config !== (loaded.file ?? null) ||
    info.duckdb[connection] !== file ||
    (holder !== undefined && !heldBy(Number(holder), info.pid)) ||
    !alive(info.pid)
  )
    return undefined;
  const url = reachableUrl(info);
  if (!(await answersAsEdgeflow(url))) return undefined;
  const token = readAdminToken(stateDir, url, shown(file));
  return link(url, token, shown(file));
}

/** The daemon itself, or the child it seeds the demo in (which holds the file on its behalf). */
function heldBy(holder: number, daemon: number): boolean {
  if (holder === daemon) return true;
  try {
    // Linux: the parent's pid is the 4th field of /proc/PID/stat, after the parenthesised name.
    const stat = readFileSync(`/proc/${holder}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === daemon;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user (then the token check below says so).
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A daemon listening on every address is reached on loopback. */
function reachableUrl(info: DaemonInfo): string {
  const u = new URL(info.url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}

async function answersAsEdgeflow(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    const body = (await r.json()) as { status?: unknown };
    return r.status === 200 && body.status === 'ok';
  } catch {
    return false;
  }
}

function readAdminToken(stateDir: string, url: string, holds: string): string {
  const file = adminTokenPath(stateDir);
  const refuse = (why: string) =>
    new DaemonError(
      'DAEMON_TOKEN_UNREADABLE',
      `the daemon at ${url} holds ${holds}, and its admin token ${file} ${why}. The CLI goes through a daemon only as the user who runs it (the token file is readable by that user alone): run the command as that user, or stop the daemon to use the file directly`,
      undefined,
      2,
    );
  try {
    const st = statSync(file);
    if (process.getuid && st.uid !== process.getuid())
      throw refuse(`belongs to another user (uid ${st.uid})`);
    const token = readFileSync(file, 'utf8').trim();
    if (!token) throw refuse('is empty');
    return token;
  } catch (e) {
    if (e instanceof DaemonError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(
      code === 'ENOENT'
        ? 'is missing (restart the daemon for a new one)'
        : `cannot be read (${code ?? (e as Error).message})`,
    );
  }
}

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function link(url: string, token: string, holds: string): DaemonLink {
  return {
    url,
    holds,
    async request<T>(
      method: string,
      route: string,
      opts: { body?: unknown; headers?: Record<string, string> } = {},
    ) {
      let r: Response;
      try {
        r = await fetch(`${url}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
        throw new DaemonError(
          'DAEMON_UNREACHABLE',
          `the daemon at ${url} did not answer ${method} ${route} (${cause}); is it still running?`,
        );
      }
      const text = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new DaemonError(
          'DAEMON_ANSWER',
          `the daemon at ${url} answered ${method} ${route} with ${r.status} and no JSON`,
        );
      }
      if (r.ok) return { status: r.status, json: json as T };
      const err = (json as { error?: { code?: string; message?: string; details?: unknown } }).error;
      throw new DaemonError(
        err?.code ?? 'DAEMON_ANSWER',
        err?.message ?? `the daemon at ${url} answered ${method} ${route} with ${r.status}`,
        err?.details,
      );
    },
  };
}
