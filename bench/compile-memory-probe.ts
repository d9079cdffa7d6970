/**
 * Child process of the compile-memory benchmark: compiles one workflow (JSON text in a file) as
 * the compile benchmark does, once, and prints its resident memory. A fresh process per case, so
 * one case's heap (V8 keeps what it grew) does not show up in the next one's figures.
 *
 *   node --expose-gc --import tsx bench/compile-memory-probe.ts <workflow.json> <last node> <max nodes>
 *
 * `max nodes` is the compiler's node limit: raised to compile a big workflow, or left at the
 * default ("default") to measure what refusing one costs.
 */
import { readFileSync } from 'node:fs';
import { analyzeWorkflow, compilePlan, compilePreview } from '../compiler/index.js';
import { tpchCatalog } from './tpch/schema.js';

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => bytes / 2 ** 20;

/**
 * The process's resident high-water mark (bytes). On Linux, VmHWM: the peak of this program's own
 * memory. getrusage's maxRSS also counts the parent's memory, copied at fork before this program
 * replaced it: a parent holding 150 MB made a probe that added 7 MB report 54.
 */
function peakResident(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux: maxRSS below.
  }
  // maxRSS is reported in KiB.
  return process.resourceUsage().maxRSS * 1024;
}

function main(): void {
  const [file, lastNode, limit] = process.argv.slice(2);
  if (!file || !lastNode || !limit)
    throw new Error('usage: compile-memory-probe <file> <last node> <max nodes>');
  const catalog = tpchCatalog();
  const text = readFileSync(file, 'utf8');
  gc?.();
  // Everything the process holds before compiling: node, tsx, the compiler's modules, the text.
  const baseline = process.memoryUsage();
  const started = performance.now();
  const analysis = analyzeWorkflow(text, {
    dialect: 'duckdb',
    catalog,
    checkDialect: false,
    ...(limit === 'default' ? {} : { maxNodes: Number(limit) }),
  });
  const plan = analysis.valid ? compilePlan(analysis, { runId: 'bench' }) : undefined;
  const preview = analysis.valid
    ? compilePreview(analysis, { node: lastNode, paramMode: 'literal' })
    : undefined;
  const elapsed = performance.now() - started;
  const peakRss = peakResident();
  gc?.();
  // What stays reachable while the results are held (the analysis, the plan, the preview).
  const retainedHeap = process.memoryUsage().heapUsed - baseline.heapUsed;
  const codes = [...new Set(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
  process.stdout.write(
    `${JSON.stringify({
      ms: elapsed,
      baselineRssMb: mb(baseline.rss),
      peakRssMb: mb(peakRss),
      retainedHeapMb: mb(retainedHeap),
      compiled: !!plan?.plan && !!preview?.query,
      errorCodes: codes,
    })}\n`,
  );
}

main();
