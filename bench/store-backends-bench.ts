/**
 * The cost of one run-store call on each backend: SQLite (a WAL file) and PostgreSQL through the
 * synchronous worker-thread driver (daemon/store/pg-sync.ts), with node-postgres awaited on the
 * main thread as the floor (the same prepared query, no thread hand-over). Reads (getRun) and the
 * executor's step cycle (claim → query id → finish: three autocommitted updates).
 *
 *   EDGEFLOW_BENCH_PG_URL=postgres://postgres@127.0.0.1:54400/postgres npx tsx bench/store-backends-bench.ts
 *
 * The PostgreSQL database `edgeflow_store_bench_<pid>` is created on that server and dropped after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { RunPlan } from '../compiler/planner/plan.js';
import { RunStore } from '../daemon/store/index.js';
import { pgUrlFor } from '../daemon/store/testing.js';

const N = Number(process.env['EDGEFLOW_BENCH_CALLS'] ?? 2000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function plan(steps: number): RunPlan {
  return {
    workflow: 'bench',
    dialect: 'duckdb',
    runId: 'bench',
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `s${i}`,
      kind: 'materialize' as const,
      purpose: 'bench',
      nodes: [],
      dependsOn: [],
      statements: ['SELECT 1'],
      transactional: false,
      creates: [],
    })),
  };
}

/** µs per getRun and per step transition (median of 3 rounds). */
function measure(store: RunStore): { readUs: number; transitionUs: number } {
  store.saveWorkflowVersion({ name: 'bench', hash: 'h', document: {} });
  const reads: number[] = [];
  const transitions: number[] = [];
  for (let round = 0; round < 3; round++) {
    const { run } = store.createRun({
      workflow: 'bench',
      version: 1,
      trigger: 'api',
      connection: 'local',
      dialect: 'duckdb',
      plan: plan(N / 4),
      owner: 'bench',
    });
    let t = performance.now();
    for (let i = 0; i < N; i++) store.getRun(run.id);
    reads.push(((performance.now() - t) * 1000) / N);
    t = performance.now();
    for (let i = 0; i < N / 4; i++) {
      store.claimStep(run.id, `s${i}`);
      store.setStepQueryId(run.id, `s${i}`, `q${i}`);
      store.finishStep(run.id, `s${i}`, { rows: 1 });
    }
    transitions.push(((performance.now() - t) * 1000) / ((N / 4) * 3));
  }
  return { readUs: median(reads), transitionUs: median(transitions) };
}

async function asyncFloor(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, v TEXT)');
    await c.query(`INSERT INTO floor VALUES ('a', 'b') ON CONFLICT DO NOTHING`);
    const q = { name: 'floor', text: 'SELECT * FROM floor WHERE id = $1', values: ['a'] };
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      for (let i = 0; i < N; i++) await c.query(q);
      rounds.push(((performance.now() - t) * 1000) / N);
    }
    return median(rounds);
  } finally {
    await c.end();
  }
}

export async function runStoreBackendsBench(log: (s: string) => void = console.log): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-store-backends-'));
  try {
    const sqlite = RunStore.open(path.join(dir, 'state.db'));
    const s = measure(sqlite);
    sqlite.close();
    log(
      `sqlite:   getRun ${s.readUs.toFixed(1)} µs/call, step transition ${s.transitionUs.toFixed(1)} µs/call`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = process.env['EDGEFLOW_BENCH_PG_URL'];
  if (!base) {
    log('postgres: skipped (set EDGEFLOW_BENCH_PG_URL)');
    return;
  }
  const name = `edgeflow_store_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const url = pgUrlFor(name, base);
    const floor = await asyncFloor(url);
    const t = performance.now();
    const store = RunStore.open(url);
    const openMs = performance.now() - t;
    const p = measure(store);
    store.close();
    log(
      `postgres: getRun ${p.readUs.toFixed(1)} µs/call, step transition ${p.transitionUs.toFixed(1)} µs/call (open with migrations ${Math.round(openMs)} ms); node-postgres awaited on the main thread: ${floor.toFixed(1)} µs/query`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStoreBackendsBench();
