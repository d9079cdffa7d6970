/**
 * `edgeflow eval` end to end: the real assistant loop against the local fake OpenAI-compatible
 * server (scripted answers), a small demo in DuckDB, four cases run one at a time — an impossible
 * request answered right, a correct workflow, a wrong result, an invalid workflow — and the
 * report files it writes; then `--compare` on two reports, and the usage errors. This proves the
 * harness; the scripted answers say nothing about any model's quality.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../../../evals/cases.js';
import type { EvalReport } from '../../../evals/report.js';
import { smallDemo, type SmallDemo } from '../../../evals/testing.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../../assistant/fake-openai.js';
import { main } from '../main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

const orders = { id: 'orders', type: 'source.table', config: { table: 'main.orders' } };
const perStatus = {
  edgeflow: 1,
  name: 'orders_per_status',
  nodes: [
    orders,
    {
      id: 'agg',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['status'], measures: { orders: 'count(*)' } },
    },
  ],
};
// Paid revenue per channel without the paid filter: valid, but the wrong numbers.
const unpaid = {
  edgeflow: 1,
  name: 'revenue',
  nodes: [
    orders,
    {
      id: 'agg',
      type: 'aggregate',
      inputs: { in: 'orders' },
      config: { groupBy: ['channel'], measures: { revenue: 'sum(amount)' } },
    },
  ],
};
const invalid = {
  edgeflow: 1,
  name: 'kiosks',
  nodes: [
    { id: 'stores', type: 'source.table', config: { table: 'main.stores' } },
    { id: 'f', type: 'filter', inputs: { in: 'stores' }, config: { where: "store_format = 'kiosk'" } },
  ],
};

describe('edgeflow eval', () => {
  let demo: SmallDemo;
  let fake: FakeOpenAI;
  let config: string;
  let casesFile: string;
  beforeAll(async () => {
    demo = await smallDemo();
    await demo.service.close(); // main() opens its own
    fake = await startFakeOpenAI();
    config = path.join(demo.dir, 'edgeflow.yaml');
    writeFileSync(
      config,
      `state: ${path.join(demo.dir, 'state.db')}\nconnections:\n  local: { type: duckdb, path: ${demo.file} }\n`,
    );
    const all = loadCases();
    casesFile = path.join(demo.dir, 'cases.json');
    writeFileSync(
      casesFile,
      JSON.stringify(
        [
          'impossible-revenue-per-salesperson',
          'aggregates-orders-per-status',
          'aggregates-paid-revenue-per-channel',
          'filters-east-kiosks',
        ].map((id) => all.find((c) => c.id === id)),
      ),
    );
  });
  afterAll(async () => {
    await fake?.close();
    await demo?.close();
  });

  it('runs the cases against the endpoint and writes the report', async () => {
    fake.script(
      answer(null, 'There is no salesperson in this warehouse, so this cannot be answered.'),
      answer(perStatus, 'Orders per status.'),
      answer(unpaid, 'Revenue per channel.'),
      // The invalid workflow, for the first answer and every repair round.
      ...Array.from({ length: 8 }, () => answer(invalid, 'Kiosks.')),
    );
    const outDir = path.join(demo.dir, 'reports');
    const c = capture();
    const code = await main(
      [
        'eval',
        '--config',
        config,
        '--model',
        'fake-model',
        '--base-url',
        fake.baseURL,
        '--cases',
        casesFile,
      ].concat(['--concurrency', '1', '--out', outDir, '--price-in', '1', '--price-out', '2', '--json']),
      c.io,
    );
    expect(c.err.join('\n')).toBe('');
    expect(code).toBe(0);
    const { report, files } = JSON.parse(c.out.join('')) as { report: EvalReport; files: string[] };
    const by = Object.fromEntries(report.outcomes.map((o) => [o.id, o]));
    expect(by['impossible-revenue-per-salesperson']).toMatchObject({ strict: true, subset: true });
    expect(by['aggregates-orders-per-status']).toMatchObject({ valid: true, strict: true, subset: true });
    expect(by['aggregates-paid-revenue-per-channel']).toMatchObject({
      valid: true,
      strict: false,
      subset: false,
    });
    expect(by['filters-east-kiosks']).toMatchObject({ valid: false, strict: false });
    expect(by['filters-east-kiosks']!.rounds).toBeGreaterThan(0);
    expect(report.model).toBe('fake-model');
    expect(report.overall.accuracy.strict).toBe(0.5);
    // Every request is priced from the fake's usage (100 prompt + 20 completion tokens).
    const requests = fake.requests.length;
    expect(report.overall.tokens).toEqual({
      prompt: 100 * requests,
      completion: 20 * requests,
      total: 120 * requests,
    });
    expect(report.overall.costUsd).toBeCloseTo((100 * requests * 1 + 20 * requests * 2) / 1e6, 12);
    expect(files.map((f) => path.basename(path.dirname(f)))).toEqual(['reports', 'reports']);
    expect(readdirSync(outDir).sort()).toHaveLength(2);
    expect(readFileSync(files[1]!, 'utf8')).toContain('# edgeflow eval — fake-model');
  });

  it('--compare prints the differences between two reports', async () => {
    const dir = path.join(demo.dir, 'reports');
    const [json] = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const a = JSON.parse(readFileSync(path.join(dir, json!), 'utf8')) as EvalReport;
    const b: EvalReport = {
      ...a,
      model: 'other',
      outcomes: a.outcomes.map((o) => ({ ...o, strict: true, subset: true })),
      overall: { ...a.overall, accuracy: { strict: 1, subset: 1 } },
    };
    const bFile = path.join(demo.dir, 'b.json');
    writeFileSync(bFile, JSON.stringify(b));
    const c = capture();
    expect(await main(['eval', '--compare', path.join(dir, json!), bFile], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('B: other');
    expect(text).toContain('all: strict 50.0% → 100.0% (+50.0%)');
    expect(text).toContain('case filters-east-kiosks: fail → pass (subset)');
  });

  it('refuses what it cannot do, with a usage error', async () => {
    const c = capture();
    expect(await main(['eval', '--compare', 'only-one.json'], c.io)).toBe(2);
    expect(
      await main(['eval', '--config', config, '--cases', path.join(demo.dir, 'nope-*.json')], c.io),
    ).toBe(2);
    expect(c.err.join('\n')).toMatch(/two report files[\s\S]*no case files match/);
  });
});
