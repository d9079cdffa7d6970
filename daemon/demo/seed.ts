/**
 * Seeds the demo warehouse into the embedded DuckDB: once, on first start, and again only when
 * asked (`--reseed`), when a seeding was interrupted, or when the data is an older demo's. Tables
 * that are not ours are never replaced unless asked.
 */
import type { Connector } from '../../connectors/connector.js';
import {
  BUILD_SCHEMA,
  DEMO_TABLES,
  DEMO_VERSION,
  demoMarker,
  demoSeedSteps,
  type DemoSize,
} from './dataset.js';

/** Shows long work as it happens (on a TTY; see ./progress.ts). */
export interface DemoProgress {
  start(label: string): void;
  done(label: string, detail: string): void;
  fail?(label: string, message: string): void;
}

/**
 * - `absent`: no main.orders; `present`: this version's demo, finished;
 * - `interrupted`: a seeding started and did not finish (its working schema is still there);
 * - `outdated`: an older edgeflow's demo; `foreign`: a main.orders that is not the demo's.
 */
export type DemoState = 'absent' | 'present' | 'interrupted' | 'outdated' | 'foreign';

export interface DemoTableCount {
  table: string;
  rows: number;
  /** Time to create it (seeding only). */
  seconds?: number;
}

export interface EnsureDemoResult {
  seeded: boolean;
  /** The state found before anything was done, or `unsupported` for a connector that is not DuckDB. */
  state: DemoState | 'unsupported';
  tables: DemoTableCount[];
  seconds: number;
}

export interface EnsureDemoOptions {
  connector: Connector;
  /** One line per event (what was found, what was done). */
  log?: (line: string) => void;
  progress?: DemoProgress;
  /** Replace the demo tables whatever is there. */
  reseed?: boolean;
  /** A smaller demo (tests); the default is the full one. */
  size?: DemoSize;
}

// `edgeflow demo dataset v2 …`: the version is what follows the marker's text.
const MARKER = new RegExp(`^${demoMarker(0).slice(0, -1)}(\\d+)\\b`);
const OLD_DEMO_STORES = 'store_id,name,city,region,opened_on';

/** What the connection holds: two catalog queries, fast on every later start. */
export async function demoState(connector: Connector): Promise<DemoState> {
  const build = await connector.execute(
    `SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = $1`,
    { params: [BUILD_SCHEMA], readOnly: true },
  );
  if (build.rowCount > 0) return 'interrupted';
  const found = await connector.execute(
    `SELECT comment FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'orders'`,
    { readOnly: true },
  );
  const orders = found.rows?.[0];
  if (!orders) return 'absent';
  const comment = String(orders['comment'] ?? '');
  const m = MARKER.exec(comment);
  if (m) return Number(m[1]) === DEMO_VERSION ? 'present' : 'outdated';
  // The first demo (edgeflow before v2 of the dataset) wrote no marker; its stores had these columns.
  const cols = await connector.execute(
    `SELECT string_agg(column_name, ',' ORDER BY column_index) AS cols FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'stores'`,
    { readOnly: true },
  );
  return cols.rows?.[0]?.['cols'] === OLD_DEMO_STORES ? 'outdated' : 'foreign';
}

/**
 * Seeds the demo unless it is already there (`serve` calls this on every start of the zero-config
 * default or with `--demo`, `edgeflow demo` too). Only DuckDB: the generator is DuckDB SQL.
 */
export async function ensureDemo(opts: EnsureDemoOptions): Promise<EnsureDemoResult> {
  const t0 = performance.now();
  const { connector, log = () => {} } = opts;
  const seconds = () => round2((performance.now() - t0) / 1000);
  if (connector.type !== 'duckdb') {
    log(`the demo warehouse is seeded only into DuckDB; connection is ${connector.type}: skipped`);
    return { seeded: false, state: 'unsupported', tables: [], seconds: seconds() };
  }
  const state = await demoState(connector);
  if (!opts.reseed) {
    if (state === 'present')
      return { seeded: false, state, tables: await demoCounts(connector), seconds: seconds() };
    if (state === 'foreign') {
      log(
        'main.orders exists and is not the demo dataset: left as it is (`edgeflow demo --reseed` replaces it)',
      );
      return { seeded: false, state, tables: [], seconds: seconds() };
    }
    if (state === 'interrupted') log('a previous seeding of the demo did not finish: seeding again');
    if (state === 'outdated') log('the demo tables are from an older edgeflow: seeding the current dataset');
  }
  const tables = await seedTables(connector, opts);
  const took = seconds();
  log(
    `seeded the demo warehouse in ${took.toFixed(1)} s: ${tables.map((t) => `${t.table} ${t.rows.toLocaleString('en-US')}`).join(', ')}`,
  );
  return { seeded: true, state, tables, seconds: took };
}

async function seedTables(
  connector: Connector,
  opts: Pick<EnsureDemoOptions, 'progress' | 'size'>,
): Promise<DemoTableCount[]> {
  const out: DemoTableCount[] = [];
  for (const step of demoSeedSteps(opts.size)) {
    const label = step.final ? `main.${step.table}` : step.table;
    const t0 = performance.now();
    opts.progress?.start(label);
    try {
      for (const sql of step.statements) await connector.execute(sql, { label: { origin: 'demo' } });
    } catch (e) {
      opts.progress?.fail?.(label, (e as Error).message.split('\n')[0]!);
      throw e;
    }
    const secs = round2((performance.now() - t0) / 1000);
    if (step.final) {
      const rows = await countRows(connector, step.table);
      out.push({ table: label, rows, seconds: secs });
      opts.progress?.done(label, `${rows.toLocaleString('en-US')} rows`);
    } else opts.progress?.done(label, '');
  }
  // Written once now rather than replayed from the WAL on the next start (~100 MB).
  opts.progress?.start('checkpoint');
  await connector.execute('CHECKPOINT');
  opts.progress?.done('checkpoint', '');
  // In DEMO_TABLES order, the order people read them in.
  return DEMO_TABLES.map((t) => out.find((x) => x.table === `main.${t.name}`)!);
}

async function countRows(connector: Connector, table: string): Promise<number> {
  const r = await connector.execute(`SELECT count(*) AS n FROM main.${table}`, { readOnly: true });
  return Number(r.rows?.[0]?.['n'] ?? 0);
}

/** Row counts of the demo tables (DuckDB keeps them exact in its catalog). */
async function demoCounts(connector: Connector): Promise<DemoTableCount[]> {
  const r = await connector.execute(
    `SELECT table_name, estimated_size FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name = 'main'`,
    { readOnly: true },
  );
  const size = new Map((r.rows ?? []).map((x) => [String(x['table_name']), Number(x['estimated_size'])]));
  return DEMO_TABLES.filter((t) => size.has(t.name)).map((t) => ({
    table: `main.${t.name}`,
    rows: size.get(t.name)!,
  }));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Seeds (replacing) the demo tables; the row count of each. Kept for callers of the first demo. */
export async function seedDemo(
  connector: Connector,
  opts: { size?: DemoSize; progress?: DemoProgress } = {},
): Promise<Array<{ table: string; rows: number }>> {
  return (await seedTables(connector, opts)).map(({ table, rows }) => ({ table, rows }));
}

/** Whether there is nothing to seed: this demo, or tables of someone else's, are there. */
export async function hasDemo(connector: Connector): Promise<boolean> {
  const state = await demoState(connector);
  return state === 'present' || state === 'foreign';
}
