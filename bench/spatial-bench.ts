/**
 * The spatial pack's speed (issue 13): the spatial workflows on the demo's stores and customers,
 * compiled by edgeflow and run as their plans on the embedded DuckDB (edgeflow's own functions),
 * and the same on PostgreSQL + PostGIS when a database is given (H3 needs the h3 extension, which
 * a database may not have: then the answer says so). Each case is timed end to end: the plan's
 * CREATE TABLE … AS, median of a few runs after one warm-up.
 */
import {
  analyzeWorkflow,
  compilePlan,
  createCatalog,
  formatDiagnostic,
  type Catalog,
  type DialectName,
} from '../compiler/index.js';
import type { Connector } from '../connectors/connector.js';
import { openDuckDb } from '../connectors/duckdb/index.js';
import { openPostgres } from '../connectors/postgres/index.js';
import { ensureDemo } from '../daemon/demo/index.js';
import type { Goal } from './report.js';
import { ms, summarize, type Summary } from './stats.js';

/** The goals of issue 13, on the embedded default (milliseconds). */
export const SPATIAL_GOALS = {
  joinMs: 2_000,
  nearestMs: 3_000,
  h3Ms: 3_000,
  polyfillMs: 2_000,
  h3Points: 1_000_000,
} as const;

export type SpatialCaseName = 'join' | 'nearest' | 'h3' | 'polyfill' | 'buffer';

export interface SpatialCase {
  name: SpatialCaseName;
  title: string;
  engine: 'duckdb' | 'postgres';
  /** Rows the output table got. */
  rows?: number;
  time?: Summary;
  /** Why it did not run (UNSUPPORTED on this database, an error). */
  skipped?: string;
}

export interface SpatialBenchResult {
  customers: number;
  stores: number;
  points: number;
  cases: SpatialCase[];
  postgres?: { skipped?: string };
}

const CASES: Array<{ name: SpatialCaseName; title: string; nodes: (schema: string) => unknown[] }> = [
  {
    name: 'join',
    title: 'spatial.join dwithin 2 km: customers × stores',
    nodes: (s) => [
      ...points(s, 'customers', 'home'),
      ...points(s, 'stores', 'location'),
      {
        id: 'near',
        type: 'spatial.join',
        inputs: { left: 'customers_p', right: 'stores_p' },
        config: {
          predicate: 'dwithin',
          left: 'home',
          right: 'location',
          distance: 2000,
          select: ['left.customer_id', 'right.store_id'],
          distanceAs: 'metres',
        },
      },
      out('near'),
    ],
  },
  {
    name: 'nearest',
    title: 'spatial.nearest k = 1: each customer’s store',
    nodes: (s) => [
      ...points(s, 'customers', 'home'),
      ...points(s, 'stores', 'location'),
      {
        id: 'nearest',
        type: 'spatial.nearest',
        inputs: { left: 'customers_p', right: 'stores_p' },
        config: { left: 'home', right: 'location', k: 1 },
      },
      out('nearest'),
    ],
  },
  {
    name: 'h3',
    title: `h3.from_point resolution 8 of ${SPATIAL_GOALS.h3Points.toLocaleString('en-US')} points`,
    nodes: (s) => [
      { id: 'pts', type: 'source.table', config: { table: `${s}.bench_points` } },
      {
        id: 'cells',
        type: 'h3.from_point',
        inputs: { in: 'pts' },
        config: { lon: 'longitude', lat: 'latitude', resolution: 8 },
      },
      out('cells'),
    ],
  },
  {
    name: 'polyfill',
    title: 'h3.polyfill resolution 9 of the stores’ 3 km buffers',
    nodes: (s) => [
      ...points(s, 'stores', 'location'),
      {
        id: 'zones',
        type: 'spatial.buffer',
        inputs: { in: 'stores_p' },
        config: { geography: 'location', distance: 3000 },
      },
      {
        id: 'cells',
        type: 'h3.polyfill',
        inputs: { in: 'zones' },
        config: { geography: 'location', resolution: 9 },
      },
      out('cells'),
    ],
  },
  {
    name: 'buffer',
    title: 'spatial.buffer 3 km of the stores (st_area of each)',
    nodes: (s) => [
      ...points(s, 'stores', 'location'),
      {
        id: 'zones',
        type: 'spatial.buffer',
        inputs: { in: 'stores_p' },
        config: { geography: 'location', distance: 3000 },
      },
      {
        id: 'areas',
        type: 'compute',
        inputs: { in: 'zones' },
        config: { columns: { area: 'st_area(location)' } },
      },
      out('areas'),
    ],
  },
];

function points(schema: string, table: 'customers' | 'stores', as: string) {
  return [
    { id: table, type: 'source.table', config: { table: `${schema}.${table}` } },
    {
      id: `${table}_p`,
      type: 'spatial.point',
      inputs: { in: table },
      config: { lon: 'longitude', lat: 'latitude', as },
    },
  ];
}

const out = (input: string) => ({
  id: 'out',
  type: 'output.table',
  inputs: { in: input },
  config: { table: 'analytics.bench_spatial', mode: 'replace' },
});

const double = { kind: 'double' } as const;
const bigint = { kind: 'bigint' } as const;

function catalogOf(schema: string): Catalog {
  return createCatalog(
    [
      {
        parts: [schema, 'stores'],
        columns: [
          { name: 'store_id', type: bigint },
          { name: 'latitude', type: double },
          { name: 'longitude', type: double },
        ],
      },
      {
        parts: [schema, 'customers'],
        columns: [
          { name: 'customer_id', type: bigint },
          { name: 'latitude', type: double },
          { name: 'longitude', type: double },
        ],
      },
      {
        parts: [schema, 'bench_points'],
        columns: [
          { name: 'id', type: bigint },
          { name: 'latitude', type: double },
          { name: 'longitude', type: double },
        ],
      },
    ],
    { live: true },
  );
}

async function timeCase(
  c: Connector,
  dialect: DialectName,
  schema: string,
  k: (typeof CASES)[number],
  runs: number,
): Promise<SpatialCase> {
  const base = { name: k.name, title: k.title, engine: c.type as 'duckdb' | 'postgres' };
  const a = analyzeWorkflow(
    { edgeflow: 1, name: `bench_spatial_${k.name}`, nodes: k.nodes(schema) },
    { dialect, catalog: catalogOf(schema) },
  );
  const unsupported = a.diagnostics.find((d) => d.code === 'UNSUPPORTED');
  if (unsupported) return { ...base, skipped: `UNSUPPORTED: ${unsupported.message}` };
  const { plan, diagnostics } = compilePlan(a, { runId: `bench_${k.name}`, createSchemas: 'all' });
  if (!plan) return { ...base, skipped: diagnostics.map(formatDiagnostic).join('; ') };
  const runPlan = async () => {
    for (const step of plan.steps) {
      if (step.transactional && c.transaction)
        await c.transaction(async (tx) => {
          for (const sql of step.statements) await tx.execute(sql);
        });
      else for (const sql of step.statements) await c.execute(sql);
    }
  };
  const samples: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      await runPlan();
      if (i > 0) samples.push(performance.now() - t);
    }
  } catch (e) {
    return { ...base, skipped: (e as Error).message.split('\n')[0]! };
  }
  const rows = Number(
    Object.values((await c.execute('SELECT count(*) AS n FROM analytics.bench_spatial')).rows?.[0] ?? {})[0],
  );
  return { ...base, rows, time: summarize(samples) };
}

/** The demo's stores and customers (and 1M points) in DuckDB, then on PostgreSQL when given. */
export async function runSpatialBench(opts: {
  runs: number;
  postgresUrl?: string;
  log: (line: string) => void;
}): Promise<SpatialBenchResult> {
  const duck = await openDuckDb({ path: ':memory:' });
  const cases: SpatialCase[] = [];
  const sizes = { customers: 0, stores: 0 };
  let postgres: SpatialBenchResult['postgres'];
  try {
    opts.log('  seeding the demo warehouse (stores, customers) and 1,000,000 points');
    await ensureDemo({ connector: duck });
    // Points over Spain's mainland, on a regular grid (the H3 case reads coordinates).
    await duck.execute(
      `CREATE TABLE main.bench_points AS SELECT range AS id, 36.0 + (range // 1000) * 0.0075 AS latitude, -9.0 + (range % 1000) * 0.012 AS longitude FROM range(${SPATIAL_GOALS.h3Points})`,
    );
    const count = async (c: Connector, t: string) =>
      Number(Object.values((await c.execute(`SELECT count(*) AS n FROM ${t}`)).rows?.[0] ?? {})[0]);
    sizes.customers = await count(duck, 'main.customers');
    sizes.stores = await count(duck, 'main.stores');
    for (const k of CASES) {
      opts.log(`  DuckDB: ${k.title}`);
      cases.push(await timeCase(duck, 'duckdb', 'main', k, opts.runs));
    }
    if (!opts.postgresUrl) postgres = { skipped: 'no PostgreSQL given (--pg URL or EDGEFLOW_BENCH_PG_URL)' };
    else {
      const pg = await openPostgres({ url: opts.postgresUrl });
      try {
        const schema = 'edgeflow_bench_spatial';
        opts.log('  loading the same stores, customers and points into PostgreSQL');
        await pg.execute(
          `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; CREATE SCHEMA IF NOT EXISTS analytics`,
        );
        for (const t of ['stores', 'customers'] as const) {
          const id = t === 'stores' ? 'store_id' : 'customer_id';
          await pg.execute(
            `CREATE TABLE ${schema}.${t} (${id} BIGINT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION)`,
          );
          const rows =
            (await duck.execute(`SELECT ${id}, latitude, longitude FROM main.${t} ORDER BY ${id}`)).rows ??
            [];
          for (let i = 0; i < rows.length; i += 5_000)
            await pg.execute(
              `INSERT INTO ${schema}.${t} VALUES ${rows
                .slice(i, i + 5_000)
                .map((r) => `(${Number(r[id])}, ${Number(r['latitude'])}, ${Number(r['longitude'])})`)
                .join(',')}`,
            );
        }
        await pg.execute(
          `CREATE TABLE ${schema}.bench_points AS SELECT i::BIGINT AS id, 36.0 + (i / 1000) * 0.0075 AS latitude, -9.0 + (i % 1000) * 0.012 AS longitude FROM generate_series(0, ${SPATIAL_GOALS.h3Points - 1}) AS i`,
        );
        await pg.execute(`ANALYZE ${schema}.stores; ANALYZE ${schema}.customers`);
        for (const k of CASES) {
          opts.log(`  PostgreSQL: ${k.title}`);
          cases.push(await timeCase(pg, 'postgres', schema, k, Math.min(opts.runs, 3)));
        }
        await pg.execute(`DROP SCHEMA ${schema} CASCADE; DROP TABLE IF EXISTS analytics.bench_spatial`);
      } finally {
        await pg.close();
      }
    }
  } finally {
    await duck.close();
  }
  return { ...sizes, points: SPATIAL_GOALS.h3Points, cases, ...(postgres ? { postgres } : {}) };
}

const GOAL_OF: Partial<Record<SpatialCaseName, number>> = {
  join: SPATIAL_GOALS.joinMs,
  nearest: SPATIAL_GOALS.nearestMs,
  h3: SPATIAL_GOALS.h3Ms,
  polyfill: SPATIAL_GOALS.polyfillMs,
};

export function spatialGoals(r: SpatialBenchResult): Goal[] {
  return r.cases.flatMap((c) => {
    const limit = GOAL_OF[c.name];
    if (c.engine !== 'duckdb' || limit === undefined) return [];
    return [
      {
        goal: `spatial (DuckDB): ${c.title} < ${limit / 1000} s`,
        measured: c.time
          ? `median ${ms(c.time.median)} ms (${(c.rows ?? 0).toLocaleString('en-US')} rows)`
          : (c.skipped ?? 'not run'),
        pass: !!c.time && c.time.median < limit,
      },
    ];
  });
}

/** The spatial section of the report: each case on each engine, side by side. */
export function spatialMarkdown(
  r: SpatialBenchResult,
  table: (h: string[], rows: string[][], right?: ReadonlySet<number>) => string,
): string[] {
  const cell = (c: SpatialCase | undefined) =>
    !c
      ? '—'
      : c.time
        ? `${ms(c.time.median)} ms (${(c.rows ?? 0).toLocaleString('en-US')} rows)`
        : `not run: ${c.skipped}`;
  const names = [...new Set(r.cases.map((c) => c.name))];
  return [
    `## The spatial pack (${r.customers.toLocaleString('en-US')} customers, ${r.stores} stores, ${r.points.toLocaleString('en-US')} points)`,
    '',
    'Each workflow compiled by edgeflow and run as its plan (CREATE TABLE … AS), median after a warm-up. DuckDB runs edgeflow’s own spatial functions; PostgreSQL runs PostGIS.',
    ...(r.postgres?.skipped ? ['', `PostgreSQL: ${r.postgres.skipped}.`] : []),
    '',
    table(
      ['workflow', 'DuckDB', 'PostgreSQL + PostGIS'],
      names.map((n) => {
        const on = (e: string) => r.cases.find((c) => c.name === n && c.engine === e);
        return [
          on('duckdb')?.title ?? n,
          cell(on('duckdb')),
          r.postgres?.skipped ? '—' : cell(on('postgres')),
        ];
      }),
    ),
    '',
  ];
}
