/**
 * The daemon as a user meets it, measured on the real process (`node bin/edgeflow.js serve`):
 *
 *   - API latency p50/p99 under 50 concurrent clients: GET /v1/workflows and POST /v1/validate
 *   - idle resident memory of `npm start` on a fresh state directory, demo seeded (goal < 150 MB)
 *   - cold start to /healthz on a state directory whose demo is already seeded (goal < 1 s)
 *
 *   npx tsx -e "import('./bench/api-bench.ts').then(async m => console.log(JSON.stringify(await m.runApiBench(), null, 2)))"
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startDaemon, waitReady, type DaemonProcess } from '../test/support/daemon-process.js';

export const GOALS = { idleRssMb: 150, coldStartMs: 1000 } as const;

export interface LatencyResult {
  route: string;
  clients: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
}

export interface MemoryResult {
  /** VmRSS (/proc/<pid>/status) of the daemon process once idle, on its first start (it seeded the demo). */
  rssMb: number;
  /** The same after a restart on the seeded state directory (no seeding in the process). */
  restartRssMb?: number;
  /** Its child processes' (tsx's esbuild service, if running), reported apart. */
  childrenRssMb: number;
  /** First start: seeding the demo included. */
  firstStartMs: number;
  goalMb: number;
  met: boolean;
}

export interface ColdStartResult {
  /** Spawn → first 200 from /healthz, each start. */
  samplesMs: number[];
  medianMs: number;
  goalMs: number;
  met: boolean;
}

export interface ApiBenchResult {
  memory: MemoryResult;
  coldStart: ColdStartResult;
  latency: LatencyResult[];
}

/** A fresh state directory: the embedded default (no config) keeps everything in ./.edgeflow. */
export function freshStateDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'edgeflow-api-bench-'));
}

/** `readyInMs`: spawn → /readyz 200 (the first start listens while it seeds the demo). */
async function startIn(dir: string): Promise<DaemonProcess & { readyInMs: number }> {
  const t0 = performance.now();
  // No test preload here: this measures the daemon as `npm start` runs it.
  const d = await startDaemon({
    cwd: dir,
    noNetwork: false,
    timeoutMs: 300_000,
    env: { EDGEFLOW_CONFIG: undefined },
  });
  await waitReady(d, { timeoutMs: 300_000 });
  return Object.assign(d, { readyInMs: performance.now() - t0 });
}

function adminToken(dir: string): string {
  return readFileSync(path.join(dir, '.edgeflow', 'admin.token'), 'utf8').trim();
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (2) may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(p));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no run is queued or running (the demo's first runs), then until the process has
 * been idle for 3 s with its RSS steady.
 */
async function waitIdle(d: DaemonProcess, token: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const active = await Promise.all(
      ['queued', 'running'].map(async (status) => {
        const r = await fetch(`${d.url}/v1/runs?status=${status}&limit=1`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!r.ok) return 0; // no run service: nothing can be running
        return ((await r.json()) as { runs: unknown[] }).runs.length;
      }),
    );
    if (active.every((n) => n === 0)) break;
    await sleep(250);
  }
  // Idle for a few seconds: RSS sampled every 500 ms until it moved < 512 kB over the last 3 s.
  const window: number[] = [];
  for (let i = 0; i < 60; i++) {
    window.push(rssKb(d.pid));
    if (window.length > 7) window.shift();
    if (window.length === 7 && Math.max(...window) - Math.min(...window) < 512) return;
    await sleep(500);
  }
}

export async function measureIdleMemory(dir = freshStateDir()): Promise<MemoryResult> {
  const d = await startIn(dir);
  try {
    await waitIdle(d, adminToken(dir));
    const rssMb = rssKb(d.pid) / 1024;
    const childrenRssMb = childrenOf(d.pid).reduce((s, p) => s + rssKb(p), 0) / 1024;
    return {
      rssMb: round(rssMb),
      childrenRssMb: round(childrenRssMb),
      firstStartMs: Math.round(d.readyInMs),
      goalMb: GOALS.idleRssMb,
      met: rssMb < GOALS.idleRssMb,
    };
  } finally {
    await d.stop();
  }
}

/** A port free right now (the kernel's pick), for a daemon whose /healthz we poll from its spawn. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * Starts the daemon `runs` times on a seeded state directory, on a known port, and times from
 * spawn to the first 200 from /healthz (polled every 5 ms), the way a supervisor sees it.
 */
export async function measureColdStart(dir: string, runs = 5): Promise<ColdStartResult> {
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`], {
      cwd: dir,
      env: { ...process.env, EDGEFLOW_CONFIG: undefined },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (child.exitCode !== null) throw new Error(`the daemon exited before /healthz answered:\n${err}`);
        if (performance.now() - t0 > 60_000) throw new Error(`no /healthz after 60 s:\n${err}`);
        await sleep(5);
      }
      samplesMs.push(Math.round(performance.now() - t0));
      // Let it finish starting (executor, scheduler) before stopping it, as a restart would.
      while (!err.includes('edgeflow listening on') && child.exitCode === null) await sleep(20);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }
  const medianMs = [...samplesMs].sort((a, b) => a - b)[samplesMs.length >> 1]!;
  return { samplesMs, medianMs, goalMs: GOALS.coldStartMs, met: medianMs < GOALS.coldStartMs };
}

const validateBody = JSON.stringify({
  workflow: {
    edgeflow: 1,
    name: 'bench_validate',
    nodes: [
      { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
      { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', n: 'count(*)' } },
      },
    ],
  },
});

/** `clients` concurrent keep-alive clients, each sending `perClient` requests back to back. */
export async function measureLatency(
  d: DaemonProcess,
  token: string,
  opts: { method: 'GET' | 'POST'; path: string; body?: string; clients?: number; perClient?: number },
): Promise<LatencyResult> {
  const clients = opts.clients ?? 50;
  const perClient = opts.perClient ?? 100;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    ...(opts.body
      ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(opts.body)) }
      : {}),
  };
  const once = () =>
    new Promise<{ ms: number; ok: boolean }>((resolve) => {
      const t0 = performance.now();
      const req = request(
        { host: '127.0.0.1', port: d.port, method: opts.method, path: opts.path, headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ms: performance.now() - t0, ok: (res.statusCode ?? 0) < 400 }));
        },
      );
      req.on('error', () => resolve({ ms: performance.now() - t0, ok: false }));
      req.end(opts.body);
    });
  // Warm-up: connections opened, code paths compiled.
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < 5; i++) await once();
    }),
  );
  const samples: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) {
        const r = await once();
        samples.push(r.ms);
        if (!r.ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = samples.sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return {
    route: `${opts.method} ${opts.path}`,
    clients,
    requests: s.length,
    errors,
    p50Ms: round(q(0.5)),
    p99Ms: round(q(0.99)),
    maxMs: round(s.at(-1)!),
    requestsPerSecond: Math.round(s.length / seconds),
  };
}

export async function runApiBench(
  opts: { clients?: number; perClient?: number; coldStarts?: number; log?: (line: string) => void } = {},
): Promise<ApiBenchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = freshStateDir();
  log(`api bench: first start in ${dir} (seeds the demo warehouse)…`);
  const memory = await measureIdleMemory(dir);
  const restart = await measureIdleMemory(dir);
  memory.restartRssMb = restart.rssMb;
  log(
    `  idle RSS ${memory.rssMb} MB after seeding (goal < ${memory.goalMb} MB), ${restart.rssMb} MB after a restart; ` +
      `first start ${memory.firstStartMs} ms`,
  );
  const coldStart = await measureColdStart(dir, opts.coldStarts ?? 5);
  log(`  cold start to /healthz: median ${coldStart.medianMs} ms of ${coldStart.samplesMs.join(', ')} ms`);
  const d = await startIn(dir);
  try {
    const token = adminToken(dir);
    const latency: LatencyResult[] = [];
    for (const route of [
      { method: 'GET' as const, path: '/v1/workflows' },
      { method: 'POST' as const, path: '/v1/validate', body: validateBody },
    ]) {
      const r = await measureLatency(d, token, {
        ...route,
        clients: opts.clients,
        perClient: opts.perClient,
      });
      log(
        `  ${r.route}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.requestsPerSecond} req/s, ${r.errors} errors`,
      );
      latency.push(r);
    }
    return { memory, coldStart, latency };
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
