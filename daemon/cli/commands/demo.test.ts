/**
 * `edgeflow demo` end to end on a small demo: seeds, saves and schedules the demo workflows in the
 * run store, runs each once; a second time seeds nothing and keeps the workflows; progress goes
 * to a terminal only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../store/index.js';
import type { Io } from '../io.js';
import { demoCommand } from './demo.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-demo-'));
const config = path.join(dir, 'edgeflow.yaml');
writeFileSync(
  config,
  `state: ./state/state.db\nconnections:\n  local: { type: duckdb, path: ./data/local.duckdb }\n`,
);
const size = { orders: 20_000, customers: 2_000 };

function capture(): Io & { out: (t: string) => void; text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    text: () => ({ out, err }),
  };
}

describe('edgeflow demo', () => {
  it('seeds, saves and schedules the demo workflows, and runs each once', async () => {
    const io = capture();
    const code = await demoCommand({ config, json: true }, io, { size });
    const { out, err } = io.text();
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      ok: boolean;
      seeded: boolean;
      tables: Array<{ table: string; rows: number }>;
      workflows: Array<{ name: string; status: string; schedule?: { cron: string } }>;
      runs: Array<{ workflow: string; status: string; outputs: Array<{ table: string; rows: number }> }>;
    };
    expect(result.ok).toBe(true);
    expect(result.seeded).toBe(true);
    expect(result.tables.find((t) => t.table === 'main.orders')?.rows).toBe(20_000);
    expect(result.workflows.map((w) => [w.name, w.status])).toEqual([
      ['daily_store_revenue', 'saved'],
      ['top_customers_by_region', 'saved'],
      ['monthly_refunds', 'saved'],
      ['store_customers_1km', 'saved'],
      ['nearest_store', 'saved'],
      ['orders_h3_density', 'saved'],
      ['flagship_catchment_cells', 'saved'],
    ]);
    expect(result.runs.map((r) => r.status)).toEqual(Array(7).fill('succeeded'));
    expect(result.runs[1]!.outputs).toEqual([{ table: 'analytics.top_customers_by_region', rows: 25 }]);

    const store = RunStore.open(path.join(dir, 'state', 'state.db'));
    try {
      expect(
        store
          .listSchedules()
          .map((s) => [s.workflow, s.cron, s.timezone])
          .sort(),
      ).toEqual([
        ['daily_store_revenue', '15 6 * * *', 'Europe/Madrid'],
        ['flagship_catchment_cells', '0 3 1 * *', 'Europe/Madrid'],
        ['monthly_refunds', '30 5 * * *', 'UTC'],
        ['nearest_store', '30 4 * * 1', 'Europe/Madrid'],
        ['orders_h3_density', '0 5 1 * *', 'Europe/Madrid'],
        ['store_customers_1km', '0 4 * * 1', 'Europe/Madrid'],
        ['top_customers_by_region', '0 7 * * 1', 'Europe/Madrid'],
      ]);
      expect(store.listRuns({ workflow: 'monthly_refunds' }).runs.map((r) => r.trigger)).toEqual(['cli']);
    } finally {
      store.close();
    }
  }, 120_000);

  it('a second time seeds nothing, keeps the workflows, runs them again, and shows no progress off a terminal', async () => {
    const io = capture();
    const writes: string[] = [];
    const code = await demoCommand({ config }, io, {
      size,
      progressStream: { isTTY: false, write: (t: string) => writes.push(t) },
    });
    const { err } = io.text();
    expect(code).toBe(0);
    expect(err).toMatch(/already seeded/);
    expect(err).toMatch(/kept workflow daily_store_revenue/);
    expect(err).toMatch(/ran monthly_refunds in [\d.]+ s: wrote analytics\.monthly_refunds \(\d+ rows\)/);
    expect(err).toMatch(/npm start/);
    expect(writes).toEqual([]);
    expect(err).not.toContain('\u001b[');
  }, 120_000);

  it('draws progress on a terminal', async () => {
    const io = capture();
    const writes: string[] = [];
    const code = await demoCommand({ config, reseed: true, noRun: true }, io, {
      size,
      progressStream: { isTTY: true, write: (t: string) => writes.push(t) },
    });
    expect(code).toBe(0);
    const drawn = writes.join('');
    expect(drawn).toMatch(/✓ main\.orders\s+20,000 rows/);
    expect(drawn).toMatch(/✓ main\.order_items/);
    expect(io.text().err).toMatch(/unchanged: workflow daily_store_revenue version 1/);
  }, 120_000);
});
