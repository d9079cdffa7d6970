/**
 * Compiled SQL against hand-written SQL on the TPC-H-like dataset, on DuckDB (in-process) and on
 * PostgreSQL (when a server is given): for each question, compile the workflow's preview for the
 * engine's dialect, check both return the same rows (as multisets), then time them alternately.
 * Also counts the table columns each side references (PostgreSQL's parser on the PostgreSQL
 * rendering of both), the measure of what BigQuery bills.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { analyzeWorkflow, compilePreview, formatDiagnostic, type Catalog } from '../compiler/index.js';
import { compareResults, toCell, type Row } from './result-compare.js';
import { geometricMean, median, ms, pairedRatio, summarize, type Summary } from './stats.js';
import { referencedColumns } from './tpch/columns.js';
import { generateTpch, type GeneratedDataset } from './tpch/generate.js';
import { loadTpchIntoPostgres } from './tpch/postgres.js';
import { TPCH_QUERIES, type TpchQuery } from './tpch/queries.js';
import { TPCH_COLUMNS } from './tpch/schema.js';

export type BenchEngineName = 'duckdb' | 'postgres';

export interface QueryResult {
  id: string;
  kind: TpchQuery['kind'];
  title: string;
  features: string;
  rows?: number;
  status: 'ok' | 'mismatch' | 'compile_error' | 'error';
  detail?: string;
  hand?: Summary;
  compiled?: Summary;
  /**
   * The goal's measure: the median, over the alternating pairs, of compiled / hand within a pair.
   * Each pair runs the two queries back to back, so a burst of other work on the machine slows
   * both sides of a pair and cancels out, where it moves a median of one side alone.
   */
  ratio?: number;
  /** median(compiled) / median(hand). */
  ratioOfMedians?: number;
  /** min(compiled) / min(hand): less sensitive to other work on the machine. */
  minRatio?: number;
  compiledSql?: string;
  /** Files with EXPLAIN ANALYZE of both sides, saved when the compiled query was slower than the goal. */
  explain?: { hand: string; compiled: string };
  samples?: { hand: number[]; compiled: number[] };
}

export interface EngineBenchResult {
  engine: BenchEngineName;
  version: string;
  /** Settings that shape plans and timings (threads, parallel workers, JIT). */
  settings: string;
  dataset: GeneratedDataset;
  queries: QueryResult[];
  /** Geometric mean of the ratios (medians of paired ratios) of the TPC-H queries that ran and matched. */
  geometricMeanRatio: number;
  /** The same over the ratios of the fastest runs. */
  geometricMeanMinRatio: number;
}

/** Table columns referenced per query (the same for every engine: it is the plan's shape). */
export interface ColumnsResult {
  id: string;
  compiled: number;
  hand: number;
  /** Columns one side references and the other does not (`+x` compiled only, `-x` hand only). */
  difference: string[];
}

export interface SqlBenchResult {
  engines: EngineBenchResult[];
  /** Engines not measured, and why (PostgreSQL without a server). */
  skipped: Array<{ engine: BenchEngineName; reason: string }>;
  columns: ColumnsResult[];
}

export interface SqlBenchOptions {
  catalog: Catalog;
  /** DuckDB's scale factor (0: DuckDB is not measured). */
  scaleFactor: number;
  /** PostgreSQL: the server's URL (absent: skipped) and the scale factor loaded there. */
  postgres?: { url: string; scaleFactor: number };
  runs: number;
  warmup: number;
  /** Ratio above which EXPLAIN ANALYZE of both sides is saved. */
  explainAbove: number;
  outDir: string;
  only?: readonly string[];
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  threads?: number;
  log: (line: string) => void;
}

interface Engine {
  name: BenchEngineName;
  readAll(sql: string): Promise<{ columns: string[]; rows: Row[] }>;
  /** Wall time of running a query to completion (its result fetched, or materialised in-process). */
  time(sql: string): Promise<number>;
  explainAnalyze(sql: string): Promise<string>;
}

function duckEngine(conn: DuckDBConnection): Engine {
  const readAll = async (sql: string) => {
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(toCell)) };
  };
  return {
    name: 'duckdb',
    readAll,
    async time(sql) {
      const t0 = performance.now();
      await conn.run(sql);
      return performance.now() - t0;
    },
    async explainAnalyze(sql) {
      const reader = await conn.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
      return reader
        .getRowsJS()
        .map((r) => String(r[r.length - 1]))
        .join('\n');
    },
  };
}

// int8 and numeric as numbers (as DuckDB's values are compared), dates as their text.
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

function postgresEngine(client: pg.Client): Engine {
  const readAll = async (sql: string) => {
    const res = await client.query({ text: sql, rowMode: 'array', types: PG_TYPES });
    return {
      columns: res.fields.map((f) => f.name),
      rows: (res.rows as unknown[][]).map((r) => r.map(toCell)),
    };
  };
  return {
    name: 'postgres',
    readAll,
    async time(sql) {
      const t0 = performance.now();
      await client.query({ text: sql, rowMode: 'array', types: PG_TYPES });
      return performance.now() - t0;
    },
    async explainAnalyze(sql) {
      const res = await client.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, rowMode: 'array' });
      return (res.rows as unknown[][]).map((r) => String(r[0])).join('\n');
    },
  };
}

/** The generated tables must be what the catalog says, or the compiled SQL is checked against a fiction. */
async function checkSchema(engine: Engine): Promise<void> {
  const { rows } = await engine.readAll(
    `SELECT table_name, column_name, lower(data_type) FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const normal = (t: string) =>
    ({ text: 'varchar', 'character varying': 'varchar', numeric: 'decimal(15,2)' })[t] ?? t;
  for (const [table, cols] of Object.entries(TPCH_COLUMNS)) {
    const actual = rows.filter((r) => r[0] === table).map((r) => `${r[1]} ${normal(String(r[2]))}`);
    const wanted = cols.map(([n, t]) => `${n} ${t}`);
    if (actual.join(',') !== wanted.join(','))
      throw new Error(
        `${engine.name}: table ${table} does not match bench/tpch/schema.ts: ${actual.join(', ')} vs ${wanted.join(', ')}`,
      );
  }
}

export function compileTpchQuery(
  q: TpchQuery,
  catalog: Catalog,
  dialect: BenchEngineName | 'bigquery' | 'snowflake',
): { sql?: string; error?: string } {
  const analysis = analyzeWorkflow(JSON.stringify(q.workflow), { dialect, catalog });
  const preview = compilePreview(analysis, { node: q.node, paramMode: 'literal' });
  if (!preview.query) {
    const errors = preview.diagnostics.filter((d) => d.severity === 'error');
    return { error: (errors.length ? errors : preview.diagnostics).map(formatDiagnostic).join('\n') };
  }
  return { sql: preview.query.sql };
}

export const handSqlFor = (q: TpchQuery, engine: BenchEngineName) =>
  engine === 'postgres' ? (q.handSqlPostgres ?? q.handSql) : q.handSql;

async function benchQuery(engine: Engine, q: TpchQuery, opts: SqlBenchOptions): Promise<QueryResult> {
  const base = { id: q.id, kind: q.kind, title: q.title, features: q.features };
  const compiled = compileTpchQuery(q, opts.catalog, engine.name);
  if (!compiled.sql) return { ...base, status: 'compile_error', detail: compiled.error };
  const sql = compiled.sql;
  const handSql = handSqlFor(q, engine.name);
  let hand: { columns: string[]; rows: Row[] };
  let mine: { columns: string[]; rows: Row[] };
  try {
    hand = await engine.readAll(handSql);
  } catch (e) {
    return { ...base, status: 'error', detail: `hand-written SQL failed: ${(e as Error).message}` };
  }
  try {
    mine = await engine.readAll(sql);
  } catch (e) {
    return {
      ...base,
      status: 'error',
      detail: `compiled SQL failed: ${(e as Error).message}`,
      compiledSql: sql,
    };
  }
  const cmp = compareResults(hand, mine);
  if (!cmp.equal) return { ...base, status: 'mismatch', detail: cmp.reason, compiledSql: sql };
  if (hand.rows.length === 0)
    return { ...base, status: 'mismatch', detail: 'both sides return no row: the question tests nothing' };

  // The correctness runs above were the first warm-up; alternate the order so neither side always goes first.
  for (let i = 1; i < opts.warmup; i++) {
    await engine.time(handSql);
    await engine.time(sql);
  }
  const handTimes: number[] = [];
  const compiledTimes: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    if (i % 2 === 0) {
      handTimes.push(await engine.time(handSql));
      compiledTimes.push(await engine.time(sql));
    } else {
      compiledTimes.push(await engine.time(sql));
      handTimes.push(await engine.time(handSql));
    }
  }
  const ratio = pairedRatio(compiledTimes, handTimes);
  const result: QueryResult = {
    ...base,
    status: 'ok',
    rows: hand.rows.length,
    hand: summarize(handTimes),
    compiled: summarize(compiledTimes),
    ratio,
    ratioOfMedians: median(compiledTimes) / median(handTimes),
    minRatio: Math.min(...compiledTimes) / Math.min(...handTimes),
    compiledSql: sql,
    samples: { hand: handTimes, compiled: compiledTimes },
  };
  if (ratio > opts.explainAbove) {
    const dir = path.join(opts.outDir, 'explain');
    await mkdir(dir, { recursive: true });
    const files = {
      hand: path.join(dir, `${engine.name}.${q.id}.hand.txt`),
      compiled: path.join(dir, `${engine.name}.${q.id}.compiled.txt`),
    };
    await writeFile(files.hand, `${handSql.trim()}\n\n${await engine.explainAnalyze(handSql)}\n`);
    await writeFile(files.compiled, `${sql}\n\n${await engine.explainAnalyze(sql)}\n`);
    result.explain = files;
  }
  return result;
}

async function benchEngine(
  engine: Engine,
  meta: { version: string; settings: string; dataset: GeneratedDataset },
  opts: SqlBenchOptions,
): Promise<EngineBenchResult> {
  await checkSchema(engine);
  const queries: QueryResult[] = [];
  for (const q of TPCH_QUERIES) {
    if (opts.only && !opts.only.includes(q.id)) continue;
    const r = await benchQuery(engine, q, opts);
    queries.push(r);
    opts.log(
      r.status === 'ok'
        ? `  ${engine.name.padEnd(8)} ${q.id.padEnd(6)} hand ${ms(r.hand!.median).padStart(7)} ms  compiled ${ms(r.compiled!.median).padStart(7)} ms  ratio ${r.ratio!.toFixed(3)}`
        : `  ${engine.name.padEnd(8)} ${q.id.padEnd(6)} ${r.status.toUpperCase()}: ${r.detail}`,
    );
  }
  const matched = queries.filter((r) => r.status === 'ok' && r.kind === 'tpch');
  return {
    engine: engine.name,
    ...meta,
    queries,
    geometricMeanRatio: geometricMean(matched.map((r) => r.ratio!)),
    geometricMeanMinRatio: geometricMean(matched.map((r) => r.minRatio!)),
  };
}

async function runDuckDb(opts: SqlBenchOptions): Promise<EngineBenchResult> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  });
  const conn = await instance.connect();
  try {
    const engine = duckEngine(conn);
    const [[version, threads]] = (await engine.readAll("SELECT version(), current_setting('threads')"))
      .rows as [[string, number]];
    opts.log(
      `  generating TPC-H-like data at SF ${opts.scaleFactor} in DuckDB ${version} (${threads} threads)…`,
    );
    const dataset = await generateTpch(conn, opts.scaleFactor);
    opts.log(
      `  ${dataset.totalRows.toLocaleString('en-US')} rows in ${dataset.seconds.toFixed(1)} s (lineitem ${dataset.tables.find((t) => t.table === 'lineitem')!.rows.toLocaleString('en-US')})`,
    );
    return await benchEngine(
      engine,
      { version: `DuckDB ${version}`, settings: `${threads} threads`, dataset },
      opts,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function runPostgres(
  opts: SqlBenchOptions,
  pgOpts: { url: string; scaleFactor: number },
): Promise<EngineBenchResult> {
  const client = new pg.Client({ connectionString: pgOpts.url });
  await client.connect();
  try {
    const dataset = await loadTpchIntoPostgres(client, pgOpts.scaleFactor, opts.log);
    await client.query('SET search_path = main');
    // A runaway plan should fail the question, not hang the benchmark.
    await client.query("SET statement_timeout = '300s'");
    const settings = await client.query<{ v: string; w: string; j: string; m: string }>(
      `SELECT version() AS v, current_setting('max_parallel_workers_per_gather') AS w,
              current_setting('jit') AS j, current_setting('work_mem') AS m`,
    );
    const s = settings.rows[0]!;
    const version = s.v.replace(/ on .*$/, '');
    opts.log(`  ${version}: SF ${pgOpts.scaleFactor}, ${dataset.totalRows.toLocaleString('en-US')} rows`);
    return await benchEngine(
      postgresEngine(client),
      {
        version,
        settings: `${s.w} parallel workers per gather, jit ${s.j}, work_mem ${s.m}`,
        dataset,
      },
      opts,
    );
  } finally {
    await client.end();
  }
}

/** Columns referenced by each question's compiled and hand-written SQL (PostgreSQL renderings). */
export async function columnsReferenced(
  catalog: Catalog,
  only?: readonly string[],
): Promise<ColumnsResult[]> {
  const out: ColumnsResult[] = [];
  for (const q of TPCH_QUERIES) {
    if (only && !only.includes(q.id)) continue;
    const compiled = compileTpchQuery(q, catalog, 'postgres');
    if (!compiled.sql) continue;
    const mine = await referencedColumns(compiled.sql);
    const hand = await referencedColumns(handSqlFor(q, 'postgres'));
    out.push({
      id: q.id,
      compiled: mine.length,
      hand: hand.length,
      difference: [
        ...mine.filter((c) => !hand.includes(c)).map((c) => `+${c}`),
        ...hand.filter((c) => !mine.includes(c)).map((c) => `-${c}`),
      ],
    });
  }
  return out;
}

export async function runSqlBench(opts: SqlBenchOptions): Promise<SqlBenchResult> {
  // Plans saved by an earlier run would read as this run's.
  await rm(path.join(opts.outDir, 'explain'), { recursive: true, force: true });
  const engines: EngineBenchResult[] = [];
  const skipped: SqlBenchResult['skipped'] = [];
  if (opts.scaleFactor > 0) engines.push(await runDuckDb(opts));
  if (opts.postgres) engines.push(await runPostgres(opts, opts.postgres));
  else
    skipped.push({
      engine: 'postgres',
      reason: 'no server: give --pg URL or set EDGEFLOW_BENCH_PG_URL (a database the benchmark may fill)',
    });
  return { engines, skipped, columns: await columnsReferenced(opts.catalog, opts.only) };
}
