/**
 * The eval report: execution accuracy under both comparators, valid-workflow and compile rates,
 * mean repair rounds, tokens, cost and latency p50/p95, overall and per category, with the model,
 * the prompt versions and the date; as JSON (for `--compare`) and Markdown (for people).
 *
 * Denominators: accuracy over the cases that ran (skipped by the budget excluded, assistant errors
 * included as misses); valid and compile rates over the answerable cases that ran (ambiguous and
 * impossible cases may rightly return no workflow).
 */
import { ANSWERABLE, CATEGORIES } from './cases.js';
import type { CaseOutcome, EvalRun } from './runner.js';

export interface Metrics {
  cases: number;
  ran: number;
  accuracy: { strict: number; subset: number };
  /** Null when no answerable case ran in the group. */
  validRate: number | null;
  compileRate: number | null;
  meanRepairRounds: number;
  tokens: { prompt: number; completion: number; total: number };
  costUsd: number;
  latencyMs: { p50: number; p95: number };
}

export interface EvalReport {
  format: 'edgeflow-eval/1';
  model: string;
  promptVersions: string[];
  date: string;
  overall: Metrics;
  categories: Record<string, Metrics>;
  outcomes: CaseOutcome[];
}

/** Nearest-rank percentile (0 for an empty list). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

export function metrics(outcomes: CaseOutcome[]): Metrics {
  const ran = outcomes.filter((o) => o.status !== 'skipped');
  const answerable = ran.filter((o) => (ANSWERABLE as readonly string[]).includes(o.category));
  const sum = (f: (o: CaseOutcome) => number) => ran.reduce((a, o) => a + f(o), 0);
  return {
    cases: outcomes.length,
    ran: ran.length,
    accuracy: {
      strict: ratio(ran.filter((o) => o.strict).length, ran.length),
      subset: ratio(ran.filter((o) => o.subset).length, ran.length),
    },
    validRate: answerable.length ? ratio(answerable.filter((o) => o.valid).length, answerable.length) : null,
    compileRate: answerable.length
      ? ratio(answerable.filter((o) => o.compiled).length, answerable.length)
      : null,
    meanRepairRounds: ratio(
      sum((o) => o.rounds),
      ran.length,
    ),
    tokens: {
      prompt: sum((o) => o.usage.promptTokens),
      completion: sum((o) => o.usage.completionTokens),
      total: sum((o) => o.usage.totalTokens),
    },
    costUsd: sum((o) => o.costUsd),
    latencyMs: {
      p50: percentile(
        ran.map((o) => o.latencyMs),
        50,
      ),
      p95: percentile(
        ran.map((o) => o.latencyMs),
        95,
      ),
    },
  };
}

export function buildReport(run: EvalRun, date = new Date()): EvalReport {
  const categories: Record<string, Metrics> = {};
  for (const c of CATEGORIES) {
    const os = run.outcomes.filter((o) => o.category === c);
    if (os.length) categories[c] = metrics(os);
  }
  return {
    format: 'edgeflow-eval/1',
    model: run.model,
    promptVersions: run.promptVersions,
    date: date.toISOString(),
    overall: metrics(run.outcomes),
    categories,
    outcomes: run.outcomes,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number) => `$${x.toFixed(4)}`;
const ms = (x: number) => `${Math.round(x)} ms`;

function row(name: string, m: Metrics): string {
  return `| ${name} | ${m.ran}/${m.cases} | ${pct(m.accuracy.strict)} | ${pct(m.accuracy.subset)} | ${pct(m.validRate)} | ${pct(m.compileRate)} | ${m.meanRepairRounds.toFixed(2)} | ${m.tokens.total} | ${usd(m.costUsd)} | ${ms(m.latencyMs.p50)} | ${ms(m.latencyMs.p95)} |`;
}

export function renderMarkdown(r: EvalReport): string {
  const lines = [
    `# edgeflow eval — ${r.model}`,
    '',
    `- date: ${r.date}`,
    `- model: ${r.model}`,
    `- prompts: ${r.promptVersions.join(', ') || 'unknown'}`,
    '',
    '| category | ran | exec acc (strict) | exec acc (subset) | valid | compiles | repair rounds | tokens | cost | p50 | p95 |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    row('**all**', r.overall),
    ...Object.entries(r.categories).map(([c, m]) => row(c, m)),
    '',
    '## Cases',
    '',
    '| case | category | strict | subset | detail |',
    '|---|---|---|---|---|',
    ...r.outcomes.map(
      (o) =>
        `| ${o.id} | ${o.category} | ${o.strict ? '✓' : '✗'} | ${o.subset ? '✓' : '✗'} | ${o.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** The differences between two reports, as lines of text (B relative to A). */
export function compareReports(a: EvalReport, b: EvalReport): string[] {
  const lines = [`A: ${a.model} (${a.date}; prompts ${a.promptVersions.join(', ') || '?'})`];
  lines.push(`B: ${b.model} (${b.date}; prompts ${b.promptVersions.join(', ') || '?'})`);
  const delta = (x: number | null, y: number | null, f: (v: number | null) => string) =>
    x === y
      ? f(y)
      : `${f(x)} → ${f(y)}${x !== null && y !== null ? ` (${y > x ? '+' : ''}${f(y - x)})` : ''}`;
  const groups = ['all', ...new Set([...Object.keys(a.categories), ...Object.keys(b.categories)])];
  for (const g of groups) {
    const ma = g === 'all' ? a.overall : a.categories[g];
    const mb = g === 'all' ? b.overall : b.categories[g];
    if (!ma || !mb) {
      lines.push(`${g}: only in ${ma ? 'A' : 'B'}`);
      continue;
    }
    lines.push(
      `${g}: strict ${delta(ma.accuracy.strict, mb.accuracy.strict, pct)}, subset ${delta(ma.accuracy.subset, mb.accuracy.subset, pct)}, valid ${delta(ma.validRate, mb.validRate, pct)}, tokens ${delta(ma.tokens.total, mb.tokens.total, (v) => String(v))}, cost ${delta(ma.costUsd, mb.costUsd, (v) => usd(v ?? 0))}, p50 ${delta(ma.latencyMs.p50, mb.latencyMs.p50, (v) => ms(v ?? 0))}`,
    );
  }
  const byId = new Map(a.outcomes.map((o) => [o.id, o]));
  for (const o of b.outcomes) {
    const before = byId.get(o.id);
    if (!before) lines.push(`case ${o.id}: only in B`);
    else if (before.subset !== o.subset || before.strict !== o.strict)
      lines.push(
        `case ${o.id}: ${before.subset ? 'pass' : 'fail'} → ${o.subset ? 'pass' : 'fail'} (subset), ${before.strict ? 'pass' : 'fail'} → ${o.strict ? 'pass' : 'fail'} (strict): ${o.detail}`,
      );
  }
  for (const o of a.outcomes)
    if (!b.outcomes.some((x) => x.id === o.id)) lines.push(`case ${o.id}: only in A`);
  return lines;
}
