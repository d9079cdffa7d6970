/**
 * `edgeflow run` on a real DuckDB file and a real run store: a workflow file runs once with typed
 * parameters and its output equals hand-written SQL; a saved workflow runs by name; an idempotency
 * key gives back the first run; a failure exits 1 with the warehouse's message and the SQL;
 * Ctrl-C cancels the statement in the engine and exits 130; a terminal gets progress.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../store/index.js';
import type { Io } from '../io.js';
import { main } from '../main.js';
import { ordersExpectedSql, ordersSetupSql, ordersWorkflow, slowNodes } from '../../executor/testing.js';
import { runCommand } from './run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-run-'));
const config = path.join(dir, 'edgeflow.yaml');
const db = path.join(dir, 'wh.duckdb');

function capture(): Io & { text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), text: () => ({ out, err }) };
}

/** Reads the warehouse with DuckDB itself (the daemon's connector is closed by then). */
async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(sql);
    return r.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function workflowFile(name: string, doc: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ edgeflow: 1, name, connection: 'local', ...doc }));
  return file;
}

// orders → paid (a :min_amount param) → revenue per store, and a second append output.
const revenue = path.join(dir, 'revenue.json');
writeFileSync(revenue, JSON.stringify(ordersWorkflow('src', 'analytics', 'revenue')));

beforeAll(async () => {
  writeFileSync(
    config,
    `state: ./state/state.db\nconnections:\n  local: { type: duckdb, path: ./wh.duckdb }\n`,
  );
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  for (const sql of ordersSetupSql('duckdb', 'src')) await conn.run(sql);
  conn.closeSync();
  instance.closeSync();
});

describe('edgeflow run', () => {
  it('runs a workflow file once with typed parameters, records it, and writes what SQL says', async () => {
    const io = capture();
    const code = await main(['run', revenue, '--config', config, '--param', 'min_amount=10', '--json'], io);
    const { out, err } = io.text();
    expect(err).toBe('');
    expect(code).toBe(0);
    const view = JSON.parse(out) as {
      id: string;
      status: string;
      trigger: string;
      params: Record<string, unknown>;
      steps: Array<{ stepId: string; status: string; rows: number | null }>;
    };
    expect(view).toMatchObject({ status: 'succeeded', trigger: 'cli', params: { min_amount: 10 } });
    expect(view.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const written = await query('SELECT * FROM analytics.store_revenue ORDER BY store_id');
    expect(written).toEqual(await query(ordersExpectedSql('src', 10).revenue));
    expect(written.length).toBeGreaterThan(0);

    const store = RunStore.open(path.join(dir, 'state', 'state.db'));
    try {
      const run = store.getRun(view.id)!;
      expect(run).toMatchObject({ workflow: 'revenue', status: 'succeeded', version: null, trigger: 'cli' });
      expect(store.runLogs(view.id).length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  it('runs a saved workflow by name, and one run per idempotency key', async () => {
    const store = RunStore.open(path.join(dir, 'state', 'state.db'));
    store.saveWorkflowVersion({
      name: 'saved_revenue',
      hash: 'h1',
      document: {
        edgeflow: 1,
        name: 'saved_revenue',
        connection: 'local',
        nodes: [
          { id: 'orders', type: 'source.table', config: { table: 'src.orders' } },
          {
            id: 'out',
            type: 'output.table',
            inputs: { in: 'orders' },
            config: { table: 'analytics.orders_copy', mode: 'replace' },
          },
        ],
      },
    });
    store.close();
    const first = capture();
    const args = ['run', 'saved_revenue', '--config', config, '--idempotency-key', 'k-1', '--json'];
    expect(await main(args, first)).toBe(0);
    const a = JSON.parse(first.text().out) as { id: string; version: number; status: string };
    expect(a).toMatchObject({ version: 1, status: 'succeeded' });
    expect(await query('SELECT count(*)::INT AS n FROM analytics.orders_copy')).toEqual(
      await query('SELECT count(*)::INT AS n FROM src.orders'),
    );

    const second = capture();
    expect(await main(args, second)).toBe(0);
    expect((JSON.parse(second.text().out) as { id: string }).id).toBe(a.id);
    const check = RunStore.open(path.join(dir, 'state', 'state.db'));
    try {
      expect(check.listRuns({ workflow: 'saved_revenue' }).runs).toHaveLength(1);
    } finally {
      check.close();
    }
  });

  it('exits 1 on a failed run with the warehouse message and the statement, in words people read', async () => {
    const bad = workflowFile('bad', {
      nodes: [
        {
          id: 'src',
          type: 'source.sql',
          config: {
            sql: "SELECT CAST('not a number' AS INTEGER) AS x",
            columns: [{ name: 'x', type: 'int' }],
          },
        },
        { id: 'out', type: 'output.table', inputs: { in: 'src' }, config: { table: 'analytics.bad' } },
      ],
    });
    const io = capture();
    expect(await main(['run', bad, '--config', config], io)).toBe(1);
    const { err } = io.text();
    expect(err).toMatch(/^run r\w+ of bad failed in/m);
    expect(err).toMatch(/✗ write:out\s+failed/);
    expect(err).toMatch(/Conversion Error|Could not convert/i);
    expect(err).toMatch(/the statement that failed:\n.*CAST\('not a number' AS INTEGER\)/s);
  });

  it('refuses an unknown saved name and a missing file with a clear message', async () => {
    const io = capture();
    expect(await main(['run', 'no_such_workflow', '--config', config], io)).toBe(1);
    expect(io.text().err).toMatch(/no saved workflow "no_such_workflow"/);
    const io2 = capture();
    expect(await main(['run', path.join(dir, 'missing.json'), '--config', config], io2)).toBe(2);
    expect(io2.text().err).toMatch(/cannot read .*missing\.json: ENOENT/);
  });

  it('cancels the run on Ctrl-C: the query stops in the engine, the run is cancelled, exit 130', async () => {
    const slow = workflowFile('slow', {
      nodes: [
        ...slowNodes(200_000),
        { id: 'out', type: 'output.table', inputs: { in: 'slow' }, config: { table: 'analytics.slow' } },
      ],
    });
    const io = capture();
    const ctl = new AbortController();
    const writes: string[] = [];
    const tty = {
      isTTY: true,
      write: (t: string) => {
        writes.push(t);
        // Interrupt once the statement is running (the progress line counts it).
        if (/1 steps? done, 1 running/.test(t)) ctl.abort();
      },
    };
    const code = await runCommand(slow, { config, json: false }, io, {
      progressStream: tty,
      signal: ctl.signal,
    });
    expect(code).toBe(130);
    expect(io.text().err).toMatch(/run r\w+ of slow cancelled/);
    expect(io.text().err).toMatch(/⊘ write:out\s+cancelled/);
    expect(writes.join('')).toMatch(/run slow: 1 step done, 1 running/);
    expect(await query("SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = 'slow'")).toEqual([
      { n: 0 },
    ]);
  }, 90_000);
});
