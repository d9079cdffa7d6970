import { describe, expect, it } from 'vitest';
import { evaluateGoals, goalLines, renderMarkdown, type BenchMeta, type BenchReport } from './report.js';

const meta: BenchMeta = {
  startedAt: '2025-01-06T09:00:00.000Z',
  seconds: 12,
  command: 'npm run bench',
  node: '20.0.0',
  platform: 'linux x64',
  cpus: 2,
  loadAverage: { start: [1, 1, 1], end: [1, 1, 1] },
  git: { commit: '0123456789abcdef', dirtyCompilerFiles: [] },
  code: 'bundle',
};

const lag = (p50: number, p99: number) => ({ p50, p99, max: p99 });

function report(): Omit<BenchReport, 'goals'> {
  return {
    meta,
    failures: [],
    store: {
      transitionsPerSecond: 4_000,
      stepCyclesPerSecond: 1_333,
      steps: 4_000,
      seconds: 3,
      goal: 5000,
      met: false,
    },
    scheduler: {
      goalP99Ms: 100,
      met: false,
      cases: [
        {
          backend: 'memory',
          schedules: 1000,
          fires: 1000,
          dispatchLagMs: lag(5, 8),
          recordedLagMs: lag(6, 9),
          settledMs: 190,
          startupMs: 900,
          met: true,
        },
        {
          backend: 'service',
          schedules: 1000,
          fires: 1000,
          dispatchLagMs: lag(300, 480),
          recordedLagMs: lag(7000, 10_000),
          settledMs: 10_500,
          startupMs: 1400,
          met: false,
        },
      ],
    },
    api: {
      memory: {
        rssMb: 140,
        restartRssMb: 120,
        childrenRssMb: 10,
        firstStartMs: 20_000,
        goalMb: 150,
        met: true,
      },
      coldStart: { samplesMs: [1200, 900, 1100], medianMs: 1100, goalMs: 1000, met: false },
      latency: [
        {
          route: 'GET /v1/workflows',
          clients: 50,
          requests: 5000,
          errors: 0,
          p50Ms: 10,
          p99Ms: 40,
          maxMs: 50,
          requestsPerSecond: 900,
        },
      ],
    },
  };
}

describe('bench report: store, scheduler and API sections', () => {
  it('judges each goal from the measured figures', () => {
    const goals = evaluateGoals(report());
    const byGoal = (text: string) => goals.filter((g) => g.goal.includes(text));
    expect(byGoal('step transitions/s').map((g) => g.pass)).toEqual([false]);
    const scheduler = byGoal('run queued p99');
    // Only the daemon's own path (the run service) has a goal; the in-memory case is a reference.
    expect(scheduler.map((g) => [g.goal.includes('RunService'), g.pass])).toEqual([[true, false]]);
    expect(byGoal('idle RSS').map((g) => g.pass)).toEqual([true]);
    expect(byGoal('cold start').map((g) => [g.measured, g.pass])).toEqual([['median 1100 ms', false]]);
  });

  it('judges the scheduler on the queued lag, not the dispatch lag', () => {
    const r = report();
    r.scheduler!.cases[1]!.dispatchLagMs = lag(1, 2);
    const goal = evaluateGoals(r).find((g) => g.goal.includes('RunService'));
    expect(goal?.pass).toBe(false);
  });

  it('renders a section per part and a line per goal', () => {
    const r = report();
    const full: BenchReport = { ...r, goals: evaluateGoals(r) };
    const md = renderMarkdown(full);
    for (const heading of ['## Run store', '## Scheduler fire lag', '## The daemon', '## Goals'])
      expect(md).toContain(heading);
    expect(md).toContain('4,000 step transitions/s');
    expect(md).toContain('GET /v1/workflows');
    expect(md).toContain('after a restart on the seeded state: 120 MB');
    const lines = goalLines(full.goals);
    expect(lines).toHaveLength(full.goals.length);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(3);
  });

  it('leaves out the sections of parts that did not run', () => {
    const md = renderMarkdown({ meta, failures: [], goals: [] });
    expect(md).not.toContain('## Run store');
    expect(md).not.toContain('## Scheduler');
    expect(md).not.toContain('## The daemon');
  });
});

describe('bench report: compile time', () => {
  const summary = (median: number) => ({ runs: 7, median, p95: median, min: median, max: median });
  const compiled = (size: number, total: number, faults: number) => ({
    shape: 'dag' as const,
    size,
    total: summary(total),
    phases: { analyze: summary(total / 2), plan: summary(total / 2), preview: summary(0) },
    gc: { pauses: summary(total / 4), withoutPauses: summary((total * 3) / 4) },
    pageFaults: summary(faults),
    output: { planSteps: 1, planSqlChars: 10, previewSqlChars: 10, warnings: 0 },
    warmupRuns: 1,
  });

  it("shows each case's page faults, and what those of the 10,000-node runs cost at the host's price of a new page", () => {
    const cases = [compiled(1000, 30, 300), compiled(10_000, 400, 10_000)];
    const r: Omit<BenchReport, 'goals'> = {
      meta,
      failures: [],
      compile: { cases, growth: [{ shape: 'dag', ratio: 400 / 30 }], freshPageMicros: 12.5 },
    };
    const md = renderMarkdown({ ...r, goals: evaluateGoals(r) });
    expect(md).toMatch(/\| page faults \|/);
    expect(md).toMatch(/\|\s+10,000 \|\s+400 \|.*\|\s+10,000 \|\s+7 \|/);
    // 10,000 faults × 12.5 µs.
    expect(md).toContain('costs 12.50 µs on this host');
    expect(md).toContain('the page faults of a 10,000-node run (median) take dag 125 ms.');
    expect(evaluateGoals(r).find((g) => g.goal.includes('10k/1k'))?.pass).toBe(false);
  });

  it('says nothing of page faults when they were not measured', () => {
    const cases = [compiled(1000, 30, 300), compiled(10_000, 300, 10_000)];
    const md = renderMarkdown({ meta, failures: [], goals: [], compile: { cases, growth: [] } });
    expect(md).not.toContain('New memory');
  });
});

describe('bench report: compile memory', () => {
  const memory = (over: Record<string, unknown> = {}) => ({
    shape: 'dag' as const,
    size: 10_000,
    limit: 'raised' as const,
    jsonBytes: 1_700_000,
    baselineRssMb: 100,
    peakRssMb: 210,
    retainedHeapMb: 52,
    ms: 2300,
    compiled: true,
    errorCodes: [],
    ...over,
  });

  it('judges the 10k peak over the baseline, and the refusal of a workflow over the default limit', () => {
    const goals = evaluateGoals({
      meta,
      failures: [],
      compileMemory: [
        memory(),
        memory({ size: 50_000, peakRssMb: 600 }),
        memory({ shape: 'chain', peakRssMb: 260 }),
        memory({
          size: 50_000,
          limit: 'default',
          peakRssMb: 130,
          ms: 190,
          compiled: false,
          errorCodes: ['TOO_MANY_NODES'],
        }),
      ],
    });
    expect(goals.map((g) => [g.goal.split(':')[0], g.measured, g.pass])).toEqual([
      ['dag', '+110 MB (peak 210 MB)', true],
      ['chain', '+160 MB (peak 260 MB)', false],
      ['50,000-node workflow at the default node limit', 'TOO_MANY_NODES, +30 MB, 190 ms', true],
    ]);
  });

  it('renders a table with the memory per node', () => {
    const r: Omit<BenchReport, 'goals'> = { meta, failures: [], compileMemory: [memory()] };
    const md = renderMarkdown({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('## Compile memory');
    // 110 MB over 10,000 nodes.
    expect(md).toMatch(/\|\s+110 \|\s+11\.3 \|/);
  });
});

describe('bench report: compiled vs hand-written SQL', () => {
  const summary = (median: number) => ({ runs: 7, median, p95: median, min: median, max: median });
  const query = (id: string, ratio: number, ratioOfMedians: number) => ({
    id,
    kind: 'tpch' as const,
    title: `question ${id}`,
    features: '',
    status: 'ok' as const,
    rows: 4,
    hand: summary(100),
    compiled: summary(100 * ratioOfMedians),
    ratio,
    ratioOfMedians,
    minRatio: 1,
  });

  it('judges each question on its paired ratio and shows the ratio of medians beside it', () => {
    const r: Omit<BenchReport, 'goals'> = {
      meta,
      failures: [],
      sql: {
        engines: [
          {
            engine: 'duckdb',
            version: 'v1.5.0',
            settings: '2 threads',
            dataset: { scaleFactor: 1, tables: [], totalRows: 0, seconds: 1 },
            // q1: a burst moved one side's median, not the pairs; q2: slower in every pair.
            queries: [query('q1', 1.01, 1.3), query('q2', 1.2, 1.2)],
            geometricMeanRatio: Math.sqrt(1.01 * 1.2),
            geometricMeanMinRatio: 1,
          },
        ],
        skipped: [],
        columns: [],
      },
    };
    const goals = evaluateGoals(r);
    expect(goals.filter((g) => g.goal.startsWith('DuckDB q')).map((g) => [g.measured, g.pass])).toEqual([
      ['1.010', true],
      ['1.200', false],
    ]);
    const md = renderMarkdown({ ...r, goals });
    expect(md).toContain('ratio of medians');
    expect(md).toMatch(/\| q1\s+\| question q1 \|.*\| 1\.010 \|\s*1\.300 \|/);
    expect(md).toContain('alternating pairs of runs');
  });
});
