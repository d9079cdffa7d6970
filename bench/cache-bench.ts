/**
 * Reuse of unchanged results, measured: each non-spatial demo workflow with `cache: true`, run
 * twice in a row on the demo DuckDB (1,000,000 orders), through the real run service and executor.
 * For each run: wall time (startRun to finished), the statements the steps ran (every
 * Connector.execute, inside transactions too, counted by step) and the table-version lookups (on
 * DuckDB each is a checksum scan of the table: the price of knowing nothing changed).
 *
 *   npx tsx bench/cache-bench.ts [--orders N] [--runs N]
 *
 * Prints a Markdown table. The demo database is made in a temporary directory and removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Connector, ExecuteOptions, Transaction } from '../connectors/connector.js';
import { configSchema } from '../daemon/config/schema.js';
import { ensureDemo, loadDemoWorkflows } from '../daemon/demo/index.js';
import { WrappingPool } from '../daemon/executor/testing.js';
import { Service } from '../daemon/service/index.js';
import { RunStore } from '../daemon/store/index.js';

const WORKFLOWS = ['daily_store_revenue', 'top_customers_by_region', 'monthly_refunds'];

interface Tally {
  statements: Array<{ step: string | undefined; sql: string }>;
  versionLookups: number;
}

function counting(inner: Connector, t: Tally): Connector {
  const record = (sql: string, o?: ExecuteOptions) => t.statements.push({ sql, step: o?.label?.step });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'execute')
        return (sql: string, o?: ExecuteOptions) => {
          record(sql, o);
          return target.execute(sql, o);
        };
      if (prop === 'transaction' && target.transaction)
        return (fn: (tx: Transaction) => Promise<unknown>, o?: ExecuteOptions) =>
          target.transaction!(
            (tx) =>
              fn({
                execute: (sql, so) => {
                  record(sql, { ...o, ...so });
                  return tx.execute(sql, so);
                },
              }),
            o,
          );
      if (prop === 'tableVersions' && target.tableVersions)
        return (...args: Parameters<NonNullable<Connector['tableVersions']>>) => {
          t.versionLookups += args[0].length;
          return target.tableVersions!(...args);
        };
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, runs: { type: 'string' } } });
  const orders = values.orders ? Number(values.orders) : undefined;
  const repeats = Number(values.runs ?? 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeflow-cache-bench-'));
  const tally: Tally = { statements: [], versionLookups: 0 };
  const loaded = {
    config: configSchema.parse({
      state: path.join(dir, 'state.db'),
      connections: {
        local: { type: 'duckdb', path: path.join(dir, 'local.duckdb'), writeSchemas: ['analytics'] },
      },
    }),
    baseDir: dir,
  };
  const store = RunStore.open(path.join(dir, 'state.db'));
  const service = new Service(loaded, new WrappingPool(loaded, (c) => counting(c, tally)), {
    runs: { store },
  });
  try {
    const c = await service.connector('local');
    const t0 = performance.now();
    await ensureDemo({ connector: c, ...(orders ? { size: { orders } } : {}) });
    console.error(`demo seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const runs = service.runs!;
    const rows: string[] = [];
    for (const wf of loadDemoWorkflows().filter((w) => WORKFLOWS.includes(w.name))) {
      const { schedule: _schedule, ...doc } = wf.document;
      await runs.saveWorkflow({ ...doc, cache: true });
      for (let i = 0; i < repeats; i++) {
        // A change to orders first (one paid order's amount): the first run builds, the second may reuse.
        await c.execute(
          `UPDATE main.orders SET amount = amount + 1 WHERE order_id = (SELECT min(order_id) + ${i} FROM main.orders WHERE status = 'paid')`,
        );
        for (const which of ['first', 'second'] as const) {
          tally.statements.length = 0;
          tally.versionLookups = 0;
          const s = performance.now();
          const view = await runs.runForeground({ workflow: wf.name, trigger: 'cli' });
          const ms = performance.now() - s;
          if (view.status !== 'succeeded') throw new Error(`${wf.name}: ${JSON.stringify(view.error)}`);
          const stepStatements = tally.statements.filter(
            (x) => x.step && x.step !== 'prepare' && x.step !== 'cache',
          );
          const reused = view.steps.filter((x) => x.reusedFrom).map((x) => x.stepId);
          rows.push(
            `| ${wf.name} | ${i + 1} | ${which} | ${ms.toFixed(0)} | ${stepStatements.length} | ${tally.statements.length} | ${tally.versionLookups} | ${reused.join(', ') || '—'} |`,
          );
        }
      }
    }
    console.log(
      [
        '| workflow | round | run | wall ms | statements of cached/other steps | all statements | version lookups | reused |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  } finally {
    await service.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
