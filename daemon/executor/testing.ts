/**
 * Test support for the executor and run service: a fake clock that advances when slept on, a
 * connector wrapper that injects faults into a real connector, and a service wired to a run store.
 */
import type { Connector, ExecuteOptions, ExecuteResult, Transaction } from '../../connectors/connector.js';
import { ConnectorError } from '../../connectors/connector.js';
import type { LoadedConfig } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service, type RunServiceOptions } from '../service/index.js';
import { RunStore, type RunRecord } from '../store/index.js';
import type { Clock } from './clock.js';

/** Time that moves only when someone sleeps: backoff without waiting. */
export class FakeClock implements Clock {
  readonly slept: number[] = [];
  constructor(private t = Date.parse('2025-01-01T00:00:00Z')) {}
  now = (): number => this.t;
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.slept.push(ms);
    this.t += ms;
    return new Promise((resolve) => setImmediate(resolve));
  };
}

export interface Faults {
  /** Which statements may fail (default: every statement a run executes, i.e. labelled with a run). */
  match?: (sql: string, opts: ExecuteOptions | undefined) => boolean;
  /** How many matching statements fail before they pass. */
  failFirst?: number;
  /** The error to throw (default: a transient ConnectorError). */
  error?: (sql: string) => unknown;
  /** Wait this long before each matching statement runs (to see steps overlap). */
  delayMs?: number;
  /** Sees each matching statement start and end. */
  onStart?: (sql: string) => void;
  onEnd?: (sql: string) => void;
  /** After a transaction committed, throw this once (a reply lost after the COMMIT). */
  failAfterCommit?: () => unknown;
  /** Never settle statements matching this (a process that hangs, then "crashes"). */
  hang?: (sql: string) => boolean;
  /** Never settle after a transaction commits (a crash between the commit and the store). */
  hangAfterCommit?: boolean;
}

export function transientError(sql: string): ConnectorError {
  return new ConnectorError('injected: the warehouse went away for a moment', 'transient', {
    connector: 'duckdb',
    code: 'INJECTED',
    sql,
  });
}

/** A real connector whose statements fail, slow down or hang as told. */
export function withFaults(inner: Connector, faults: Faults): Connector & { failures: number } {
  let failed = 0;
  let failedAfterCommit = false;
  const matches = (sql: string, o?: ExecuteOptions) =>
    faults.match ? faults.match(sql, o) : o?.label?.run !== undefined || o?.onQueryId !== undefined;
  const guard = async (sql: string, o: ExecuteOptions | undefined, run: () => Promise<ExecuteResult>) => {
    if (!matches(sql, o)) return run();
    faults.onStart?.(sql);
    try {
      if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
      if (failed < (faults.failFirst ?? 0)) {
        failed++;
        wrapper.failures = failed;
        throw (faults.error ?? transientError)(sql);
      }
      if (faults.hang?.(sql)) await new Promise(() => undefined);
      return await run();
    } finally {
      faults.onEnd?.(sql);
    }
  };
  const wrapper: Connector & { failures: number } = {
    failures: 0,
    type: inner.type,
    dialect: inner.dialect,
    execute: (sql, o) => guard(sql, o, () => inner.execute(sql, o)),
    cancel: (id) => inner.cancel(id),
    estimate: (sql, o) => inner.estimate(sql, o),
    listTables: (o) => inner.listTables(o),
    describeTable: (p) => inner.describeTable(p),
    describeQuery: (sql, o) => inner.describeQuery(sql, o),
    classify: (e) => inner.classify(e),
    close: () => inner.close(),
  };
  if (inner.transaction) {
    const innerTx = inner.transaction.bind(inner);
    wrapper.transaction = async (fn, o) => {
      const out = await innerTx(
        (tx: Transaction) =>
          fn({ execute: (sql, so) => guard(sql, { ...o, ...so }, () => tx.execute(sql, so)) }),
        o,
      );
      if (faults.hangAfterCommit) await new Promise(() => undefined);
      if (faults.failAfterCommit && !failedAfterCommit) {
        failedAfterCommit = true;
        throw faults.failAfterCommit();
      }
      return out;
    };
  }
  return wrapper;
}

/** A connector pool whose connectors go through `wrap` (fault injection). */
export class WrappingPool extends ConnectorPool {
  private readonly wrapped = new Map<string, Promise<Connector>>();
  constructor(
    config: LoadedConfig,
    private readonly wrap: (c: Connector, name: string) => Connector,
  ) {
    super(config);
  }
  override get(name: string): Promise<Connector> {
    let c = this.wrapped.get(name);
    if (!c) {
      // Like the pool it extends, a failure is not kept: the next get tries again.
      c = super.get(name).then((x) => this.wrap(x, name));
      c.catch(() => this.wrapped.delete(name));
      this.wrapped.set(name, c);
    }
    return c;
  }
}

export function loadedConfig(connections: Record<string, unknown>, baseDir = process.cwd()): LoadedConfig {
  return { config: configSchema.parse({ connections, state: ':memory:' }), baseDir };
}

export interface TestRuntime {
  service: Service;
  store: RunStore;
  /** A graceful stop: running steps get `graceMs` (default 2 s), then the store closes. */
  close(opts?: { graceMs?: number }): Promise<void>;
  /**
   * The process dying instead: its store and connectors close under it, and its executor never
   * finishes what it was doing (no shutdown, no hand-back; its run stays `running` in the store).
   */
  crash(): Promise<void>;
}

/** A service with a run store (in memory unless `state`), its connectors optionally wrapped. */
export function testRuntime(opts: {
  config: LoadedConfig;
  state?: string;
  clock?: Clock;
  wrap?: (c: Connector, name: string) => Connector;
  runs?: Omit<RunServiceOptions, 'store'>;
}): TestRuntime {
  const store = RunStore.open(opts.state ?? ':memory:', opts.clock ? { now: opts.clock.now } : {});
  const pool = opts.wrap ? new WrappingPool(opts.config, opts.wrap) : new ConnectorPool(opts.config);
  const service = new Service(opts.config, pool, {
    runs: {
      store,
      ...opts.runs,
      executor: {
        pollIntervalMs: 50,
        retry: { baseDelayMs: 10, maxDelayMs: 50 },
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...opts.runs?.executor,
      },
    },
  });
  return {
    service,
    store,
    async close(o = {}) {
      await service.close({ graceMs: o.graceMs ?? 2_000 });
      store.close();
    },
    async crash() {
      store.close();
      await pool.closeAll();
    },
  };
}

/** Waits until `check` returns (or resolves to) a value (not undefined, null or false), polling. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A workflow document. */
export function workflowDoc(
  name: string,
  nodes: unknown[],
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  return { edgeflow: 1, name, connection: 'local', params, nodes };
}

/**
 * Orders per store, two outputs sharing the `paid` filter (so the plan materialises it into a
 * staging table): revenue per store (replace) and the big paid orders (append).
 */
export function ordersWorkflow(src: string, out: string, name = 'orders_flow'): Record<string, unknown> {
  return workflowDoc(
    name,
    [
      { id: 'orders', type: 'source.table', config: { table: `${src}.orders` } },
      {
        id: 'paid',
        type: 'filter',
        inputs: { in: 'orders' },
        config: { where: "status = 'paid' AND amount >= :min_amount" },
      },
      {
        id: 'rev',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', n: 'count(*)' } },
      },
      {
        id: 'out_rev',
        type: 'output.table',
        inputs: { in: 'rev' },
        config: { table: `${out}.store_revenue`, mode: 'replace' },
      },
      { id: 'big', type: 'filter', inputs: { in: 'paid' }, config: { where: 'amount > 10' } },
      {
        id: 'out_big',
        type: 'output.table',
        inputs: { in: 'big' },
        config: { table: `${out}.big_paid`, mode: 'append' },
      },
    ],
    { min_amount: { type: 'number', default: 3 } },
  );
}

/** The orders table, the same rows on DuckDB and PostgreSQL (200 orders over 5 stores). */
export function ordersSetupSql(dialect: 'duckdb' | 'postgres', src: string): string[] {
  const series = dialect === 'duckdb' ? 'range(1, 201) AS t(i)' : 'generate_series(1, 200) AS t(i)';
  return [
    `CREATE SCHEMA IF NOT EXISTS ${src}`,
    `DROP TABLE IF EXISTS ${src}.orders`,
    `CREATE TABLE ${src}.orders AS SELECT CAST(i AS BIGINT) AS id, CAST(i % 5 AS BIGINT) AS store_id,
       CASE WHEN i % 3 = 0 THEN 'refunded' ELSE 'paid' END AS status, CAST((i % 17) * 1.5 AS DECIMAL(10,2)) AS amount
     FROM ${series}`,
  ];
}

/** The expected outputs of ordersWorkflow, written by hand. */
/**
 * Two nodes DuckDB takes minutes on unless cancelled: `base` (`rows` numbers) and `slow`, a filtered
 * cross join of `base` with itself. Read `slow` from an output to make a run that has to be stopped.
 */
export function slowNodes(rows = 60_000): Array<Record<string, unknown>> {
  return [
    {
      id: 'base',
      type: 'source.sql',
      config: { sql: `SELECT range AS i FROM range(${rows})`, columns: [{ name: 'i', type: 'bigint' }] },
    },
    {
      id: 'slow',
      type: 'sql',
      inputs: { in: 'base' },
      config: {
        sql: 'SELECT count(*) AS n FROM {{in}} a CROSS JOIN {{in}} b WHERE (a.i * 7 + b.i) % 13 = 5',
        columns: [{ name: 'n', type: 'bigint' }],
      },
    },
  ];
}

export function ordersExpectedSql(src: string, minAmount = 3): { revenue: string; big: string } {
  return {
    revenue: `SELECT store_id, sum(amount) AS revenue, count(*) AS n FROM ${src}.orders
              WHERE status = 'paid' AND amount >= ${minAmount} GROUP BY store_id ORDER BY store_id`,
    big: `SELECT id, store_id, status, amount FROM ${src}.orders
          WHERE status = 'paid' AND amount >= ${minAmount} AND amount > 10 ORDER BY id`,
  };
}

/** A query's rows as plain objects. */
export async function rows(c: Connector, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.execute(sql)).rows ?? [];
}

/** Waits until the run has ended (any status but queued and running). */
export function finished(rt: { store: RunStore }, id: string, timeoutMs = 60_000): Promise<RunRecord> {
  return waitFor(
    () => {
      const r = rt.store.getRun(id);
      return r && !['queued', 'running'].includes(r.status) ? r : undefined;
    },
    timeoutMs,
    `run ${id} to finish`,
  );
}
