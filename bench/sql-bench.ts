/**
 * Compiled SQL against hand-written SQL on the TPC-H-like dataset in DuckDB: for each question,
 * compile the workflow's preview, check both return the same rows, then time them alternately.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { analyzeWorkflow, compilePreview, formatDiagnostic, type Catalog } from '../compiler/index.js';
import { compareResults, toCell, type Row } from './result-compare.js';
import { geometricMean, median, ms, summarize, type Summary } from './stats.js';
import { generateTpch, type GeneratedDataset } from './tpch/generate.js';
import { TPCH_QUERIES, type TpchQuery } from './tpch/queries.js';
import { TPCH_COLUMNS } from './tpch/schema.js';

export interface QueryResult {
  id: string;
  title: string;
  features: string;
  rows?: number;
  status: 'ok' | 'mismatch' | 'compile_error' | 'error';
  detail?: string;
  hand?: Summary;
  compiled?: Summary;
  /** median(compiled) / median(hand): the goal's measure. */
  ratio?: number;
  /** min(compiled) / min(hand): less sensitive to other work on the machine. */
  minRatio?: number;
  compiledSql?: string;
  /** Files with EXPLAIN ANALYZE of both sides, saved when the compiled query was slower than the goal. */
  explain?: { hand: string; compiled: string };
  samples?: { hand: number[]; compiled: number[] };
}

export interface SqlBenchResult {
  duckdbVersion: string;
  threads: number;
  dataset: GeneratedDataset;
  queries: QueryResult[];
  /** Geometric mean of the ratios of the queries that ran and matched. */
  geometricMeanRatio: number;
  /** The same over the ratios of the fastest runs. */
  geometricMeanMinRatio: number;
}

export interface SqlBenchOptions {
  catalog: Catalog;
  scaleFactor: number;
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

async function readAll(conn: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: Row[] }> {
  const reader = await conn.runAndReadAll(sql);
  return { columns: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(toCell)) };
}

/** Wall time of running a query to completion, its result materialised inside DuckDB. */
async function timeQuery(conn: DuckDBConnection, sql: string): Promise<number> {
  const t0 = performance.now();
  await conn.run(sql);
  return performance.now() - t0;
}

async function explainAnalyze(conn: DuckDBConnection, sql: string): Promise<string> {
  const reader = await conn.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
  return reader
    .getRowsJS()
    .map((r) => String(r[r.length - 1]))
    .join('\n');
}

/** The generated tables must be what the catalog says, or the compiled SQL is checked against a fiction. */
async function checkSchema(conn: DuckDBConnection): Promise<void> {
  const { rows } = await readAll(
    conn,
    `SELECT table_name, column_name, lower(data_type) FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  for (const [table, cols] of Object.entries(TPCH_COLUMNS)) {
    const actual = rows.filter((r) => r[0] === table).map((r) => `${r[1]} ${r[2]}`);
    const wanted = cols.map(([n, t]) => `${n} ${t}`);
    if (actual.join(',') !== wanted.join(','))
      throw new Error(
        `generated table ${table} does not match bench/tpch/schema.ts: ${actual.join(', ')} vs ${wanted.join(', ')}`,
      );
  }
}

function compileQuery(q: TpchQuery, catalog: Catalog): { sql?: string; error?: string } {
  const analysis = analyzeWorkflow(JSON.stringify(q.workflow), { dialect: 'duckdb', catalog });
  const preview = compilePreview(analysis, { node: q.node, paramMode: 'literal' });
  if (!preview.query) {
    const errors = preview.diagnostics.filter((d) => d.severity === 'error');
    return { error: (errors.length ? errors : preview.diagnostics).map(formatDiagnostic).join('\n') };
  }
  return { sql: preview.query.sql };
}

async function benchQuery(conn: DuckDBConnection, q: TpchQuery, opts: SqlBenchOptions): Promise<QueryResult> {
  const base = { id: q.id, title: q.title, features: q.features };
  const compiled = compileQuery(q, opts.catalog);
  if (!compiled.sql) return { ...base, status: 'compile_error', detail: compiled.error };
  const sql = compiled.sql;
  let hand: { columns: string[]; rows: Row[] };
  let mine: { columns: string[]; rows: Row[] };
  try {
    hand = await readAll(conn, q.handSql);
  } catch (e) {
    return { ...base, status: 'error', detail: `hand-written SQL failed: ${(e as Error).message}` };
  }
  try {
    mine = await readAll(conn, sql);
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

  // The correctness runs above were the first warm-up; alternate the order so neither side always goes first.
  for (let i = 1; i < opts.warmup; i++) {
    await timeQuery(conn, q.handSql);
    await timeQuery(conn, sql);
  }
  const handTimes: number[] = [];
  const compiledTimes: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    if (i % 2 === 0) {
      handTimes.push(await timeQuery(conn, q.handSql));
      compiledTimes.push(await timeQuery(conn, sql));
    } else {
      compiledTimes.push(await timeQuery(conn, sql));
      handTimes.push(await timeQuery(conn, q.handSql));
    }
  }
  const ratio = median(compiledTimes) / median(handTimes);
  const result: QueryResult = {
    ...base,
    status: 'ok',
    rows: hand.rows.length,
    hand: summarize(handTimes),
    compiled: summarize(compiledTimes),
    ratio,
    minRatio: Math.min(...compiledTimes) / Math.min(...handTimes),
    compiledSql: sql,
    samples: { hand: handTimes, compiled: compiledTimes },
  };
  if (ratio > opts.explainAbove) {
    const dir = path.join(opts.outDir, 'explain');
    await mkdir(dir, { recursive: true });
    const files = {
      hand: path.join(dir, `${q.id}.hand.txt`),
      compiled: path.join(dir, `${q.id}.compiled.txt`),
    };
    await writeFile(files.hand, `${q.handSql.trim()}\n\n${await explainAnalyze(conn, q.handSql)}\n`);
    await writeFile(files.compiled, `${sql}\n\n${await explainAnalyze(conn, sql)}\n`);
    result.explain = files;
  }
  return result;
}

export async function runSqlBench(opts: SqlBenchOptions): Promise<SqlBenchResult> {
  // Plans saved by an earlier run would read as this run's.
  await rm(path.join(opts.outDir, 'explain'), { recursive: true, force: true });
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  });
  const conn = await instance.connect();
  try {
    const [[version, threads]] = (await readAll(conn, "SELECT version(), current_setting('threads')"))
      .rows as [[string, number]];
    opts.log(
      `  generating TPC-H-like data at SF ${opts.scaleFactor} in DuckDB ${version} (${threads} threads)…`,
    );
    const dataset = await generateTpch(conn, opts.scaleFactor);
    opts.log(
      `  ${dataset.totalRows.toLocaleString('en-US')} rows in ${dataset.seconds.toFixed(1)} s (lineitem ${dataset.tables.find((t) => t.table === 'lineitem')!.rows.toLocaleString('en-US')})`,
    );
    await checkSchema(conn);
    const queries: QueryResult[] = [];
    for (const q of TPCH_QUERIES) {
      if (opts.only && !opts.only.includes(q.id)) continue;
      const r = await benchQuery(conn, q, opts);
      queries.push(r);
      opts.log(
        r.status === 'ok'
          ? `  ${q.id.padEnd(6)} hand ${ms(r.hand!.median).padStart(7)} ms  compiled ${ms(r.compiled!.median).padStart(7)} ms  ratio ${r.ratio!.toFixed(3)}`
          : `  ${q.id.padEnd(6)} ${r.status.toUpperCase()}: ${r.detail}`,
      );
    }
    const matched = queries.filter((r) => r.status === 'ok');
    return {
      duckdbVersion: version,
      threads: Number(threads),
      dataset,
      queries,
      geometricMeanRatio: geometricMean(matched.map((r) => r.ratio!)),
      geometricMeanMinRatio: geometricMean(matched.map((r) => r.minRatio!)),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
