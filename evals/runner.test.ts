/**
 * The eval machinery with scripted assistant answers (no model): the runner reads each generated
 * workflow's result node on a real DuckDB demo and scores it against the gold SQL — a correct
 * answer, one with its columns reordered plus an extra (subset only), a wrong result, an invalid
 * workflow, a parameterised one read with the case's params, an impossible case answered right
 * and wrong, an ambiguous one answered with a question; the budget cap; the report's numbers from
 * known outcomes; --compare. These prove the harness, not any model's quality.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantResult } from '../daemon/assistant/index.js';
import { loadCases, type EvalCase } from './cases.js';
import { buildReport, compareReports, metrics, percentile, renderMarkdown } from './report.js';
import { runEval, type CaseOutcome, type Generate } from './runner.js';
import { smallDemo, type SmallDemo } from './testing.js';

const all = loadCases();
const pick = (id: string) => all.find((c) => c.id === id)!;

const source = (table: string) => ({ id: 'src', type: 'source.table', config: { table } });
const wf = (name: string, nodes: unknown[], extra: Record<string, unknown> = {}) => ({
  edgeflow: 1,
  name,
  connection: 'local',
  nodes,
  ...extra,
});

/** request → what the scripted assistant answers. */
const SCRIPT: Record<string, { workflow?: unknown; explanation: string; question?: string }> = {
  'aggregates-orders-per-status': {
    explanation: 'Counts orders per status.',
    workflow: wf('orders_per_status', [
      source('main.orders'),
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'src' },
        config: { groupBy: ['status'], measures: { orders: 'count(*)' } },
      },
      { id: 'out', type: 'output.table', inputs: { in: 'agg' }, config: { table: 'analytics.x' } },
    ]),
  },
  // Right numbers, columns reordered and one extra: the subset comparator accepts it, strict not.
  'aggregates-paid-revenue-per-channel': {
    explanation: 'Paid revenue per channel.',
    workflow: wf('paid_revenue', [
      source('main.orders'),
      { id: 'paid', type: 'filter', inputs: { in: 'src' }, config: { where: "status = 'paid'" } },
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'paid' },
        config: { groupBy: ['channel'], measures: { revenue: 'sum(amount)', n: 'count(*)' } },
      },
      {
        id: 'shape',
        type: 'select',
        inputs: { in: 'agg' },
        config: { columns: ['revenue', 'n', 'channel'] },
      },
    ]),
  },
  // Forgets the status filter: a wrong result.
  'joins-paid-revenue-per-segment': {
    explanation: 'Revenue per segment.',
    workflow: wf('segment_revenue', [
      source('main.orders'),
      { id: 'cust', type: 'source.table', config: { table: 'main.customers' } },
      {
        id: 'j',
        type: 'join',
        inputs: { left: 'src', right: 'cust' },
        config: { on: [{ left: 'customer_id', right: 'customer_id' }] },
      },
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'j' },
        config: { groupBy: ['segment'], measures: { revenue: 'sum(amount)' } },
      },
    ]),
  },
  // Refers to a column that does not exist: invalid.
  'filters-east-kiosks': {
    explanation: 'Kiosks in the East.',
    workflow: wf('kiosks', [
      source('main.stores'),
      { id: 'f', type: 'filter', inputs: { in: 'src' }, config: { where: "store_format = 'kiosk'" } },
    ]),
  },
  'parameters-min-amount': {
    explanation: 'Paid orders of at least min_amount per channel.',
    workflow: wf(
      'min_amount',
      [
        source('main.orders'),
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'src' },
          config: { where: "status = 'paid' AND amount >= :min_amount" },
        },
        {
          id: 'agg',
          type: 'aggregate',
          inputs: { in: 'f' },
          config: { groupBy: ['channel'], measures: { orders: 'count(*)' } },
        },
      ],
      { params: { min_amount: { type: 'number', default: 20 } } },
    ),
  },
  'impossible-revenue-per-salesperson': {
    explanation:
      'The warehouse has no salesperson or employee data, so revenue per salesperson cannot be computed.',
  },
  // A made-up answer to an impossible request: a valid workflow, no question.
  'impossible-profit-margin': {
    explanation: 'Margin per product.',
    workflow: wf('margin', [source('main.products')]),
  },
  'ambiguous-best-products': {
    explanation: '',
    question: 'Best by revenue or by units sold?',
  },
};

function scripted(demo: SmallDemo, cases: EvalCase[], tokens = 1000): Generate {
  return async ({ request, connection }) => {
    const c = cases.find((k) => k.request === request)!;
    const s = SCRIPT[c.id]!;
    const v = s.workflow ? await demo.service.validate({ workflow: s.workflow, connection }) : undefined;
    const r: AssistantResult = {
      ...(s.workflow ? { workflow: s.workflow } : {}),
      explanation: s.explanation,
      ...(s.question ? { question: s.question } : {}),
      validation: v ? { valid: v.valid, diagnostics: v.diagnostics } : { valid: false, diagnostics: [] },
      rounds: c.id === 'filters-east-kiosks' ? 3 : 0,
      toolCalls: 0,
      usage: { promptTokens: tokens, completionTokens: tokens / 10, totalTokens: tokens * 1.1 },
      latencyMs: 100,
      model: 'scripted',
      promptVersion: 'system@test',
    };
    return r;
  };
}

describe('the runner with scripted answers', () => {
  let demo: SmallDemo;
  beforeAll(async () => {
    demo = await smallDemo();
  });
  afterAll(() => demo?.close());

  it('scores each kind of answer under both comparators', async () => {
    const cases = Object.keys(SCRIPT).map(pick);
    const run = await runEval(
      cases,
      { model: 'scripted', reader: demo.service, generate: scripted(demo, cases) },
      { concurrency: 3 },
    );
    const by = Object.fromEntries(run.outcomes.map((o) => [o.id, o]));
    const verdict = (id: string) => [by[id]!.valid, by[id]!.compiled, by[id]!.strict, by[id]!.subset];
    expect(verdict('aggregates-orders-per-status')).toEqual([true, true, true, true]);
    expect(verdict('aggregates-paid-revenue-per-channel')).toEqual([true, true, false, true]);
    expect(verdict('joins-paid-revenue-per-segment')).toEqual([true, true, false, false]);
    expect(verdict('filters-east-kiosks')).toEqual([false, false, false, false]);
    expect(by['filters-east-kiosks']!.detail).toBe('the workflow is not valid');
    expect(verdict('parameters-min-amount')).toEqual([true, true, true, true]);
    expect(by['impossible-revenue-per-salesperson']).toMatchObject({ strict: true, subset: true });
    expect(by['impossible-profit-margin']).toMatchObject({ strict: false, subset: false });
    expect(by['ambiguous-best-products']).toMatchObject({ strict: true, asked: true });
    expect(run.promptVersions).toEqual(['system@test']);
  });

  it('reads a parameterised workflow with the case params, not its defaults', async () => {
    const c = pick('parameters-min-amount');
    const withDefault = { ...c, params: { min_amount: 20 } } as EvalCase;
    const run = await runEval([withDefault], {
      model: 'scripted',
      reader: demo.service,
      generate: scripted(demo, [withDefault]),
    });
    // The gold SQL says 50: read with 20, the counts differ.
    expect(run.outcomes[0]).toMatchObject({ compiled: true, strict: false, subset: false });
  });

  it('starts no case once the budget is spent', async () => {
    const cases = [
      'aggregates-orders-per-status',
      'impossible-revenue-per-salesperson',
      'ambiguous-best-products',
    ].map(pick);
    // 1M prompt tokens at $2/M and 100k completion at $10/M: $3 a case.
    const run = await runEval(
      [...cases, ...cases.map((c) => ({ ...c, id: `${c.id}-again` }))],
      { model: 'scripted', reader: demo.service, generate: scripted(demo, cases, 1_000_000) },
      { concurrency: 1, budgetUsd: 5, pricing: { inputPerMTok: 2, outputPerMTok: 10 } },
    );
    expect(run.outcomes.map((o) => o.status)).toEqual([
      'scored',
      'scored',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(run.outcomes[0]!.costUsd).toBeCloseTo(3, 10);
    const report = buildReport(run);
    expect(report.overall).toMatchObject({ cases: 6, ran: 2, costUsd: 6 });
  });

  it('counts an assistant that throws as a miss, not a crash', async () => {
    const run = await runEval([pick('aggregates-orders-per-status')], {
      model: 'scripted',
      reader: demo.service,
      generate: () => Promise.reject(new Error('429 Too Many Requests')),
    });
    expect(run.outcomes[0]).toMatchObject({ status: 'error', subset: false });
    expect(run.outcomes[0]!.detail).toContain('429');
  });
});

const outcome = (o: Partial<CaseOutcome> & Pick<CaseOutcome, 'id' | 'category'>): CaseOutcome => ({
  status: 'scored',
  valid: true,
  compiled: true,
  strict: false,
  subset: false,
  detail: '',
  asked: false,
  rounds: 0,
  usage: { promptTokens: 100, completionTokens: 10, totalTokens: 110 },
  costUsd: 0.01,
  latencyMs: 1000,
  ...o,
});

describe('the report', () => {
  const outcomes: CaseOutcome[] = [
    outcome({ id: 'a', category: 'filters', strict: true, subset: true, latencyMs: 100 }),
    outcome({ id: 'b', category: 'filters', subset: true, rounds: 2, latencyMs: 200 }),
    outcome({ id: 'c', category: 'joins', valid: false, compiled: false, rounds: 3, latencyMs: 300 }),
    outcome({
      id: 'd',
      category: 'impossible',
      valid: false,
      compiled: false,
      strict: true,
      subset: true,
      latencyMs: 400,
    }),
    outcome({ id: 'e', category: 'joins', status: 'skipped', costUsd: 0, latencyMs: 0, rounds: 0 }),
  ];

  it('computes its numbers from the outcomes', () => {
    const m = metrics(outcomes);
    expect(m).toMatchObject({
      cases: 5,
      ran: 4,
      accuracy: { strict: 0.5, subset: 0.75 },
      validRate: 2 / 3,
      compileRate: 2 / 3,
      meanRepairRounds: 5 / 4,
      tokens: { prompt: 400, completion: 40, total: 440 },
      latencyMs: { p50: 200, p95: 400 },
    });
    expect(m.costUsd).toBeCloseTo(0.04, 10);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    const r = buildReport(
      { model: 'm', outcomes, promptVersions: ['p@1'] },
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(r.categories['filters']!.accuracy).toEqual({ strict: 0.5, subset: 1 });
    expect(r.categories['impossible']!.validRate).toBeNull();
    expect(r.date).toBe('2026-01-02T03:04:05.000Z');
    const md = renderMarkdown(r);
    expect(md).toContain(
      '| **all** | 4/5 | 50.0% | 75.0% | 66.7% | 66.7% | 1.25 | 440 | $0.0400 | 200 ms | 400 ms |',
    );
    expect(md).toContain('prompts: p@1');
  });

  it('compares two reports: metrics that moved and cases that flipped', () => {
    const a = buildReport({ model: 'm1', outcomes, promptVersions: ['p@1'] });
    const b = buildReport({
      model: 'm2',
      outcomes: outcomes.map((o) => (o.id === 'c' ? { ...o, strict: true, subset: true, valid: true } : o)),
      promptVersions: ['p@2'],
    });
    const lines = compareReports(a, b);
    expect(lines[0]).toContain('A: m1');
    expect(lines.find((l) => l.startsWith('all:'))).toContain('subset 75.0% → 100.0% (+25.0%)');
    expect(lines.find((l) => l.startsWith('joins:'))).toContain('strict 0.0% → 100.0%');
    expect(lines).toContain('case c: fail → pass (subset), fail → pass (strict): ');
  });
});
