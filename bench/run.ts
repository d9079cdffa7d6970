/**
 * `npm run bench`: the speed goals, measured.
 *
 *   npm run bench                      every benchmark: compile, SQL (TPC-H-like, SF 1), connectors,
 *                                      run store, scheduler, API (the spawned daemon)
 *   npm run bench -- --only compile    just the compile benchmark (or sql, connectors, store, scheduler, api, ui, spatial)
 *   npm run bench -- --only sql --sf 0.1 --runs 5
 *   npm run bench -- --only spatial --pg postgres://…/db   the spatial pack on DuckDB, and PostGIS beside it
 *   npm run bench -- --only sql --pg postgres://…/tpch --pg-sf 0.1
 *                                      also PostgreSQL (or EDGEFLOW_BENCH_PG_URL): the TPC-H data is
 *                                      loaded into schema main of that database (kept for next time)
 *
 * Prints the tables and writes .bench/report.json and .bench/report.md. Exits 0 when a speed goal
 * is missed (the report says so), 1 when a compiled query's result differs from the hand-written
 * one or something could not be compiled or run.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { attributeGcPauses, freshPageMicros, runCompileBench, withGcPauses } from './compile-bench.js';
import { RUNS_BUNDLED } from './bundle.js';
import { runCompileMemoryBench } from './compile-memory.js';
import { runApiBench } from './api-bench.js';
import { runConnectorsBench } from './connectors-bench.js';
import {
  evaluateGoals,
  goalLines,
  growthRatios,
  renderMarkdown,
  type BenchMeta,
  type BenchReport,
} from './report.js';
import { runSchedulerBench } from './scheduler-bench.js';
import { runSpatialBench } from './spatial-bench.js';
import { runSqlBench } from './sql-bench.js';
import { runStoreBench } from './store-bench.js';
import { runUiBench } from './ui-bench.js';
import { tpchCatalog } from './tpch/schema.js';
import { SHAPES, type ShapeName } from './workflow-shapes.js';

const PARTS = ['compile', 'sql', 'connectors', 'store', 'scheduler', 'api', 'ui', 'spatial'] as const;
type Part = (typeof PARTS)[number];

const HELP = `usage: npm run bench -- [options]
  --only ${PARTS.join('|')}
                       run one part (default: all)
  --sf N               TPC-H scale factor for the SQL benchmark on DuckDB (default 1; 0 skips DuckDB)
  --pg URL             also PostgreSQL: a database the benchmark may fill (default EDGEFLOW_BENCH_PG_URL)
  --pg-sf N            TPC-H scale factor on PostgreSQL (default 0.1)
  --runs N             timed runs per measurement (default: SQL 11 per side; compile 200/20/7 by size)
  --sizes a,b,c        compile workflow sizes (default 20,1000,10000)
  --memory-sizes a,b   compile memory: workflow sizes, one child process each (default 10000,50000)
  --shapes a,b         compile workflow shapes: ${SHAPES.join(', ')} (default all)
  --queries a,b        SQL questions by id, e.g. q1,q18 (default all 22 and two extras)
  --threads N          DuckDB threads for the SQL benchmark (default: one per core)
  --budget S           seconds a compile case may take before it stops repeating (default 30)
  --out DIR            where report.json and report.md go (default .bench)`;

/** A bad command line: reported as one line, not a stack trace. */
class UsageError extends Error {}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} wants a positive number, got "${value}"`);
  return n;
}

function listOption(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function gitInfo(): BenchMeta['git'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    // Porcelain lines are "XY path": the status columns may be spaces, so no trimming before slicing.
    const dirty = git('status', '--porcelain', '--', 'compiler')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return { commit: git('rev-parse', 'HEAD').trim(), dirtyCompilerFiles: dirty };
  } catch {
    return { commit: 'unknown', dirtyCompilerFiles: [] };
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      sf: { type: 'string' },
      pg: { type: 'string' },
      'pg-sf': { type: 'string' },
      runs: { type: 'string' },
      sizes: { type: 'string' },
      'memory-sizes': { type: 'string' },
      shapes: { type: 'string' },
      queries: { type: 'string' },
      budget: { type: 'string' },
      threads: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const only = values.only;
  if (only !== undefined && !(PARTS as readonly string[]).includes(only))
    throw new UsageError(`--only takes ${PARTS.join(', ')}, got "${only}"`);
  const wants = (part: Part) => only === undefined || only === part;
  const runs = values.runs === undefined ? undefined : Math.round(numberOption(values.runs, 'runs', 1));
  const sf = values.sf === '0' ? 0 : numberOption(values.sf, 'sf', 1);
  const pgUrl = values.pg ?? process.env['EDGEFLOW_BENCH_PG_URL'];
  const pgSf = numberOption(values['pg-sf'], 'pg-sf', 0.1);
  const budgetMs = numberOption(values.budget, 'budget', 30) * 1000;
  const sizes = (listOption(values.sizes) ?? ['20', '1000', '10000']).map((s) =>
    Math.round(numberOption(s, 'sizes', 0)),
  );
  const shapes = (listOption(values.shapes) ?? [...SHAPES]) as ShapeName[];
  for (const s of shapes)
    if (!SHAPES.includes(s)) throw new UsageError(`unknown shape "${s}" (shapes: ${SHAPES.join(', ')})`);
  const outDir = path.resolve(values.out ?? '.bench');
  const command = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');

  const started = Date.now();
  const loadStart = os.loadavg();
  const catalog = tpchCatalog();
  const log = (line: string) => console.error(line);
  const partial: Omit<BenchReport, 'goals' | 'meta'> = { failures: [] };

  if (wants('compile')) {
    log('compile benchmark');
    const { result: cases, pauses } = await withGcPauses(() =>
      runCompileBench({
        catalog,
        shapes,
        sizes,
        runs: (size) => runs ?? (size <= 100 ? 200 : size <= 2000 ? 20 : 7),
        warmup: (size) => (size <= 100 ? 50 : size <= 2000 ? 3 : 1),
        budgetMs,
        log,
      }),
    );
    attributeGcPauses(cases, pauses);
    for (const c of cases) delete c.runs;
    partial.compile = { cases, growth: growthRatios(cases) };
    for (const c of cases.filter((x) => x.error))
      partial.failures.push(`compile benchmark: ${c.shape} ${c.size} nodes did not compile: ${c.error}`);
    log('compile memory (a child process per case)');
    partial.compileMemory = await runCompileMemoryBench({
      shapes,
      sizes: (listOption(values['memory-sizes']) ?? ['10000', '50000']).map((s) =>
        Math.round(numberOption(s, 'memory-sizes', 0)),
      ),
      log,
    });
    for (const c of partial.compileMemory.filter((x) => x.error))
      partial.failures.push(`compile memory: ${c.shape} ${c.size} nodes: ${c.error}`);
    // After the probes: its buffers would otherwise be resident in the parent they fork from.
    partial.compile.freshPageMicros = freshPageMicros();
  }

  if (wants('sql')) {
    log('SQL benchmark');
    const sql = await runSqlBench({
      catalog,
      scaleFactor: sf,
      ...(pgUrl ? { postgres: { url: pgUrl, scaleFactor: pgSf } } : {}),
      runs: runs ?? 11,
      warmup: 2,
      explainAbove: 1.05,
      outDir,
      only: listOption(values.queries),
      ...(values.threads ? { threads: Math.round(numberOption(values.threads, 'threads', 1)) } : {}),
      log,
    });
    partial.sql = sql;
    for (const e of sql.engines)
      for (const q of e.queries.filter((x) => x.status !== 'ok'))
        partial.failures.push(`${e.engine} ${q.id} (${q.title}): ${q.status}: ${q.detail ?? ''}`);
    for (const s of sql.skipped) log(`  ${s.engine} skipped: ${s.reason}`);
  }

  if (wants('connectors')) {
    log('connectors benchmark');
    partial.connectors = await runConnectorsBench({ runs: runs ?? 3000, log });
  }

  if (wants('store')) {
    log('run store benchmark');
    partial.store = await runStoreBench({ log });
  }

  if (wants('scheduler')) {
    log('scheduler benchmark');
    partial.scheduler = await runSchedulerBench({ log });
  }

  if (wants('api')) {
    log('API benchmark (the spawned daemon)');
    partial.api = await runApiBench({ log });
    for (const l of partial.api.latency.filter((x) => x.errors > 0))
      partial.failures.push(`API benchmark: ${l.route}: ${l.errors} of ${l.requests} requests failed`);
  }

  if (wants('ui')) {
    log('web UI benchmark (headless Chromium against the spawned daemon)');
    partial.ui = await runUiBench({ log });
  }

  if (wants('spatial')) {
    log('spatial benchmark (the demo stores and customers; PostgreSQL + PostGIS beside DuckDB when given)');
    partial.spatial = await runSpatialBench({
      runs: runs ?? 3,
      ...(pgUrl ? { postgresUrl: pgUrl } : {}),
      log,
    });
  }

  const meta: BenchMeta = {
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    command,
    node: process.versions.node,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.availableParallelism(),
    loadAverage: { start: loadStart, end: os.loadavg() },
    git: gitInfo(),
    code: RUNS_BUNDLED ? 'bundle' : 'sources',
  };
  const report: BenchReport = { meta, ...partial, goals: evaluateGoals({ meta, ...partial }) };
  const markdown = renderMarkdown(report);
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(outDir, 'report.md'), markdown);
  console.log(markdown);
  console.log(goalLines(report.goals).join('\n'));
  log(`wrote ${path.join(outDir, 'report.md')} and report.json`);
  return report.failures.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      console.error(`${(e as Error).message}\n\n${HELP}`);
    else console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  },
);
