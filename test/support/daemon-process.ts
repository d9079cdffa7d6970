/**
 * Spawns the real daemon (`node bin/edgeflow.js serve`) for end-to-end tests and benchmarks, and
 * waits until it prints the address it is bound to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository, with a trailing separator: the closest directory above this module that holds
 * bin/edgeflow.js. Found rather than written as a relative path, so this module works both from its
 * source and bundled into the benchmark (tools/bench.mjs: .bench/code, or a chunk below it).
 */
export const REPO = findRepo(import.meta.dirname);
/** The daemon's command line (`node bin/edgeflow.js …`). */
export const BIN = path.join(REPO, 'bin', 'edgeflow.js');
const NO_NETWORK = path.join(REPO, 'test', 'preload', 'no-network.mjs');

function findRepo(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'edgeflow.js'))) return path.join(dir, path.sep);
    if (path.dirname(dir) === dir) throw new Error(`no bin/edgeflow.js above ${from}`);
  }
}

export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Milliseconds from spawn to the "listening" line. */
  startedInMs: number;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (or the given signal), then waits for it to exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startDaemon(opts: {
  config?: string;
  listen?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Refuse non-loopback network in the child too (default true). */
  noNetwork?: boolean;
  timeoutMs?: number;
  /** More arguments for `serve` (`--demo`). */
  args?: string[];
}): Promise<DaemonProcess> {
  const args = [
    ...(opts.noNetwork === false ? [] : ['--import', NO_NETWORK]),
    BIN,
    'serve',
    '--listen',
    opts.listen ?? '127.0.0.1:0',
    ...(opts.config ? ['--config', opts.config] : []),
    ...(opts.args ?? []),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the daemon did not start within ${opts.timeoutMs ?? 60_000} ms:\n${out}`)),
      opts.timeoutMs ?? 60_000,
    );
    const check = () => {
      const m = /edgeflow listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited (${code}) before listening:\n${out}`));
    });
  });
  const startedInMs = performance.now() - started;
  return {
    child,
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    startedInMs,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * Polls GET /readyz until it answers 200 (a daemon seeding the demo listens before it is ready);
 * the 503 answers seen meanwhile, oldest first.
 */
export async function waitReady(
  d: DaemonProcess,
  opts: { timeoutMs?: number } = {},
): Promise<Array<{ status: string; waitingFor?: string[] }>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const seen: Array<{ status: string; waitingFor?: string[] }> = [];
  for (;;) {
    const r = await fetch(`${d.url}/readyz`);
    const body = (await r.json()) as { status: string; waitingFor?: string[] };
    if (r.status === 200) return seen;
    seen.push(body);
    if (Date.now() > deadline)
      throw new Error(`the daemon was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `node bin/edgeflow.js ARGS…` to completion. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', NO_NETWORK, BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
