/**
 * Compile speed: analyzeWorkflow (parse + validate + propagate + dialect check) + compilePlan +
 * compilePreview of the last node, on generated workflows of several sizes and shapes. The
 * workflow is given as JSON text, as a file or an API request gives it, so parsing is measured too.
 */
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  formatDiagnostic,
  type Catalog,
} from '../compiler/index.js';
import { PerformanceObserver } from 'node:perf_hooks';
import { ms, summarize, type Summary } from './stats.js';
import { generateWorkflow, type ShapeName } from './workflow-shapes.js';

export interface CompileCaseResult {
  shape: ShapeName;
  size: number;
  /** analyze + plan + preview, per run. */
  total?: Summary;
  phases?: { analyze: Summary; plan: Summary; preview: Summary };
  /**
   * Garbage-collection pauses inside each timed run (ms), and each run's time without them:
   * V8's young generation holds a 1,000-node compile's objects, while a 10,000-node analysis
   * outlives two scavenges and is copied twice, so the pauses grow faster than the work does.
   */
  gc?: { pauses: Summary; withoutPauses: Summary };
  /**
   * Minor page faults per timed run (the whole process's, GC threads too): memory the run touched
   * for the first time. A 10,000-node compile grows the old generation by tens of megabytes, and
   * on a virtual machine each new 4 KiB page can cost microseconds (see freshPageMicros).
   */
  pageFaults?: Summary;
  /** Sizes of what was produced, to show the work is real. */
  output?: { planSteps: number; planSqlChars: number; previewSqlChars: number; warnings: number };
  /** Fewer runs than asked because the case passed its time budget. */
  truncated?: boolean;
  warmupRuns: number;
  error?: string;
  samples?: number[];
  /** When each timed run ran (to attribute GC pauses to it; dropped before the report is written). */
  runs?: Array<{ start: number; end: number }>;
}

export interface CompileBenchOptions {
  catalog: Catalog;
  shapes: readonly ShapeName[];
  sizes: readonly number[];
  /** Timed runs per size; sizes not listed get the closest smaller size's count. */
  runs: (size: number) => number;
  warmup: (size: number) => number;
  /** Stop a case after this many milliseconds (once it has at least one timed run). */
  budgetMs: number;
  log: (line: string) => void;
}

interface OneRun {
  /** performance.now() at the start and the end of the run. */
  start: number;
  end: number;
  /** Minor page faults during the run. */
  faults: number;
  analyze: number;
  plan: number;
  preview: number;
  /** Formatted error diagnostics: a generated workflow must compile. */
  errors: string[];
  warnings: number;
  planSteps: number;
  planSqlChars: number;
  previewSqlChars: number;
}

function compileOnce(text: string, lastNode: string, catalog: Catalog): OneRun {
  const faults0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  // As the service's compile does: writing the plan's SQL checks what the dialect can express
  // (UNSUPPORTED, with its node), so analysis does not render every node a first time.
  const analysis = analyzeWorkflow(text, {
    dialect: 'duckdb',
    catalog,
    checkDialect: false,
    // The sizes measured go past the default node limit (2,000) on purpose.
    maxNodes: 1_000_000,
  });
  const t1 = performance.now();
  const plan = compilePlan(analysis, { runId: 'bench' });
  const t2 = performance.now();
  const preview = compilePreview(analysis, { node: lastNode, paramMode: 'literal' });
  const t3 = performance.now();
  const faults = process.resourceUsage().minorPageFault - faults0;
  const errors = [...plan.diagnostics, ...preview.diagnostics]
    .filter((d) => d.severity === 'error')
    .map(formatDiagnostic);
  if (errors.length === 0 && (!plan.plan || !preview.query))
    errors.push(`no ${plan.plan ? 'preview' : 'plan'} and no error to say why`);
  return {
    start: t0,
    end: t3,
    faults,
    analyze: t1 - t0,
    plan: t2 - t1,
    preview: t3 - t2,
    errors,
    warnings: analysis.diagnostics.filter((d) => d.severity === 'warning').length,
    planSteps: plan.plan?.steps.length ?? 0,
    planSqlChars: plan.plan?.steps.reduce((n, s) => n + s.statements.join(';\n').length, 0) ?? 0,
    previewSqlChars: preview.query?.sql.length ?? 0,
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

export function runCompileCase(shape: ShapeName, size: number, opts: CompileBenchOptions): CompileCaseResult {
  const generated = generateWorkflow(shape, size);
  const text = JSON.stringify(generated.doc);
  const runs = opts.runs(size);
  const warmup = opts.warmup(size);
  gc?.();
  const started = performance.now();
  const first = compileOnce(text, generated.lastNode, opts.catalog);
  if (first.errors.length) {
    return {
      shape,
      size,
      warmupRuns: 0,
      error: first.errors.slice(0, 3).join('\n'),
    };
  }
  const timed: OneRun[] = [];
  let warmed = 1;
  // A first run already past the budget is kept as the (cold) measurement: repeating it says little.
  if (performance.now() - started > opts.budgetMs) timed.push(first);
  else {
    for (; warmed < warmup && performance.now() - started < opts.budgetMs / 2; warmed++)
      compileOnce(text, generated.lastNode, opts.catalog);
    while (timed.length < runs) {
      timed.push(compileOnce(text, generated.lastNode, opts.catalog));
      if (performance.now() - started > opts.budgetMs) break;
    }
  }
  const totals = timed.map((r) => r.analyze + r.plan + r.preview);
  const result: CompileCaseResult = {
    shape,
    size,
    total: summarize(totals),
    phases: {
      analyze: summarize(timed.map((r) => r.analyze)),
      plan: summarize(timed.map((r) => r.plan)),
      preview: summarize(timed.map((r) => r.preview)),
    },
    output: {
      planSteps: first.planSteps,
      planSqlChars: first.planSqlChars,
      previewSqlChars: first.previewSqlChars,
      warnings: first.warnings,
    },
    warmupRuns: timed[0] === first ? 0 : warmed,
    pageFaults: summarize(timed.map((r) => r.faults)),
    samples: totals,
    runs: timed.map((r) => ({ start: r.start, end: r.end })),
    ...(timed.length < runs ? { truncated: true } : {}),
  };
  opts.log(
    `  ${shape.padEnd(5)} ${String(size).padStart(6)} nodes: median ${ms(result.total!.median)} ms, p95 ${ms(result.total!.p95)} ms (${timed.length} runs${result.truncated ? ', budget reached' : ''})`,
  );
  return result;
}

/**
 * Gets V8 past its first tiers of compilation for the compiler's code, so the first case measured
 * is not slower than the same case measured later (per-case warm-up alone is not enough for that).
 */
function warmUpCompiler(catalog: Catalog, durationMs: number): void {
  const workflows = (['dag', 'chain'] as const).map((shape) => generateWorkflow(shape, 100));
  const texts = workflows.map((g) => ({ text: JSON.stringify(g.doc), last: g.lastNode }));
  const until = performance.now() + durationMs;
  while (performance.now() < until) for (const w of texts) compileOnce(w.text, w.last, catalog);
}

export function runCompileBench(opts: CompileBenchOptions): CompileCaseResult[] {
  warmUpCompiler(opts.catalog, 3000);
  const out: CompileCaseResult[] = [];
  for (const shape of opts.shapes) for (const size of opts.sizes) out.push(runCompileCase(shape, size, opts));
  return out;
}

/**
 * What touching memory for the first time costs on this host, in microseconds per 4 KiB page: a
 * new 64 MiB buffer filled, less the same buffer filled again (median of 3). A virtual machine that
 * maps guest memory on demand can take far longer than bare metal (11–13 µs on the machine the
 * figures in bench/tpch/RESULTS.md come from), and a large compile's garbage collector promotes
 * tens of megabytes into new pages.
 */
export function freshPageMicros(): number {
  const size = 64 * 1024 * 1024;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const b = Buffer.allocUnsafeSlow(size);
    b.fill(1);
    const t1 = performance.now();
    b.fill(2);
    const t2 = performance.now();
    samples.push((Math.max(0, t1 - t0 - (t2 - t1)) * 1000) / (size / 4096));
  }
  return summarize(samples).median;
}

/** A GC pause, as perf_hooks reports it: its start (performance.now() time) and length (ms). */
export interface GcPause {
  start: number;
  duration: number;
}

/**
 * Runs `fn` while recording every GC pause. The entries are delivered after the synchronous work,
 * on a later turn of the event loop, so this waits for them before it returns.
 */
export async function withGcPauses<T>(fn: () => T): Promise<{ result: T; pauses: GcPause[] }> {
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const result = fn();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { result, pauses };
  } finally {
    observer.disconnect();
  }
}

/** Each case's GC pauses per timed run (a pause counts for the run it starts in). */
export function attributeGcPauses(cases: CompileCaseResult[], pauses: readonly GcPause[]): void {
  const sorted = [...pauses].sort((a, b) => a.start - b.start);
  for (const c of cases) {
    if (!c.runs?.length || !c.samples) continue;
    const inRun = c.runs.map((r) => {
      let sum = 0;
      for (const p of sorted) if (p.start >= r.start && p.start < r.end) sum += p.duration;
      return sum;
    });
    c.gc = {
      pauses: summarize(inRun),
      withoutPauses: summarize(c.samples.map((t, i) => t - inRun[i]!)),
    };
  }
}
