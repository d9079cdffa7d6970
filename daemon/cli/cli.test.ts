import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES } from '../../compiler/dialects/index.js';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { main } from './main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-cli-'));
const dbFile = path.join(dir, 'wh.duckdb');
const configFile = path.join(dir, 'edgeflow.yaml');

const declared = {
  edgeflow: 1,
  name: 'store_revenue',
  params: { min_amount: { type: 'number', default: 0 } },
  nodes: [
    {
      id: 'orders',
      type: 'source.table',
      config: {
        table: 'main.orders',
        columns: [
          { name: 'store_id', type: 'bigint' },
          { name: 'status', type: 'string' },
          { name: 'amount', type: 'decimal(12,2)' },
        ],
      },
    },
    {
      id: 'paid',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: "status = 'paid' AND amount >= :min_amount" },
    },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'rev' }, config: { table: 'analytics.store_revenue' } },
  ],
};

function file(name: string, doc: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

beforeAll(async () => {
  const c = await openDuckDb({ path: dbFile });
  await c.execute(
    `CREATE TABLE main.orders (order_id BIGINT, store_id BIGINT, status VARCHAR, amount DECIMAL(12,2))`,
  );
  await c.execute(
    `INSERT INTO main.orders VALUES (1, 10, 'paid', 5.00), (2, 10, 'paid', 7.50), (3, 20, 'refunded', 1.00), (4, 20, 'paid', 2.25)`,
  );
  await c.close();
  writeFileSync(configFile, `connections:\n  local: { type: duckdb, path: ${JSON.stringify(dbFile)} }\n`);
});

afterAll(() => undefined);

describe('edgeflow validate', () => {
  it('accepts a valid workflow offline (declared columns) and exits 0', async () => {
    const r = await run('validate', file('ok.json', declared), '--offline', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      valid: true,
      workflow: 'store_revenue',
      dialect: 'duckdb',
      catalog: 'declared',
    });
    expect(
      doc.lineage
        .find((l: { node: string }) => l.node === 'rev')
        .columns.map((c: { name: string }) => c.name),
    ).toEqual(['store_id', 'revenue', 'orders']);
  });

  it('reports every error with code, path, node and hint, and exits 1', async () => {
    const bad = structuredClone(declared);
    bad.nodes[1]!.config = { where: "statsu = 'paid'" };
    (bad.nodes[2] as { type: string }).type = 'agregate';
    const r = await run('validate', file('bad.json', bad), '--offline', '--json');
    expect(r.code).toBe(1);
    const { diagnostics } = JSON.parse(r.out);
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'UNKNOWN_COLUMN',
          nodeId: 'paid',
          path: '$.nodes[1].config.where',
          hint: 'did you mean "status"?',
        }),
        expect.objectContaining({
          code: 'UNKNOWN_COMPONENT',
          nodeId: 'rev',
          path: '$.nodes[2].type',
          hint: 'did you mean "aggregate"?',
        }),
      ]),
    );
  });

  it('prints human diagnostics on stderr', async () => {
    const r = await run('validate', file('syntax.json', '{"edgeflow": 1, "name": "x", nodes: []}'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('SYNTAX_ERROR');
    expect(r.out).toContain('✗ invalid');
  });

  it('uses the live catalog of a reachable connection', async () => {
    const live = {
      edgeflow: 1,
      name: 'live',
      nodes: [
        { id: 'o', type: 'source.table', config: { table: 'main.orders' } },
        { id: 'f', type: 'filter', inputs: { in: 'o' }, config: { where: 'amout > 1' } },
      ],
    };
    const r = await run('validate', file('live.json', live), '--config', configFile, '--json');
    const doc = JSON.parse(r.out);
    expect(doc.catalog).toBe('live');
    expect(doc.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'UNKNOWN_COLUMN', hint: 'did you mean "amount"?' }),
      ]),
    );
  });

  it('says when a table does not exist in the live catalog', async () => {
    const wf = {
      edgeflow: 1,
      name: 'live',
      nodes: [{ id: 'o', type: 'source.table', config: { table: 'main.order' } }],
    };
    const r = await run('validate', file('missing.json', wf), '--config', configFile, '--json');
    expect(JSON.parse(r.out).diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'UNKNOWN_TABLE', hint: 'did you mean "main.orders"?' }),
      ]),
    );
  });
});

describe('edgeflow compile', () => {
  it('prints the run plan by default when there are outputs', async () => {
    const r = await run('compile', file('ok.json', declared), '--offline', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    // The embedded DuckDB belongs to edgeflow, so the plan creates the output schema first.
    expect(doc.plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['prepare', 'write']);
    expect(doc.plan.steps[0].statements).toEqual(['CREATE SCHEMA IF NOT EXISTS analytics']);
    expect(doc.plan.steps[1].statements[0]).toMatch(/^CREATE OR REPLACE TABLE analytics\.store_revenue AS/);
  });

  it('prints one node’s SELECT for another dialect, with typed params', async () => {
    const r = await run(
      'compile',
      file('ok.json', declared),
      '--dialect',
      'bigquery',
      '--node',
      'paid',
      '--param',
      'min_amount=12.5',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("WHERE status = 'paid' AND amount >= ");
    expect(r.out).toContain('12.5');
  });

  it('rejects an undeclared param and a bad value', async () => {
    const r = await run(
      'compile',
      file('ok.json', declared),
      '--offline',
      '--json',
      '--param',
      'min_amout=3',
    );
    expect(JSON.parse(r.out).diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'UNKNOWN_PARAM', hint: 'did you mean "min_amount"?' }),
      ]),
    );
    const r2 = await run(
      'compile',
      file('ok.json', declared),
      '--offline',
      '--json',
      '--param',
      'min_amount=abc',
    );
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.out).diagnostics).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'INVALID_PARAM' })]),
    );
  });
});

describe('edgeflow preview', () => {
  it('returns the first rows of a node from the live connection', async () => {
    const r = await run(
      'preview',
      file('ok.json', declared),
      '--config',
      configFile,
      '--node',
      'rev',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    const byStore = Object.fromEntries(
      doc.rows.map((row: { store_id: number; revenue: number; orders: number }) => [
        row.store_id,
        [row.revenue, row.orders],
      ]),
    );
    expect(byStore).toEqual({ 10: [12.5, 2], 20: [2.25, 1] });
  });

  it('says how many rows the node has in all', async () => {
    const args = [
      'preview',
      file('ok.json', declared),
      '--config',
      configFile,
      '--node',
      'rev',
      '--limit',
      '1',
    ];
    const json = await run(...args, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ rowCount: 1, totalRows: 2 });
    const human = await run(...args);
    expect(human.code).toBe(0);
    expect(human.out).toContain('(1 of 2 rows)');
  });

  it('refuses a limit above 1000', async () => {
    const r = await run(
      'preview',
      file('ok.json', declared),
      '--config',
      configFile,
      '--node',
      'rev',
      '--limit',
      '5000',
      '--json',
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('INVALID_REQUEST');
  });
});

describe('edgeflow components and usage', () => {
  it('lists the 22 v1 components', async () => {
    const r = await run('components', '--json');
    expect(JSON.parse(r.out).components).toHaveLength(28);
  });

  it('describes one component with its JSON Schema and per-dialect support', async () => {
    const r = await run('components', 'top_n', '--json');
    const doc = JSON.parse(r.out);
    expect(doc.configSchema.properties).toHaveProperty('orderBy');
    expect(
      doc.dialects.map((d: { dialect: string; supported: boolean }) => `${d.dialect}:${d.supported}`),
    ).toEqual(DIALECT_NAMES.map((d) => `${d}:true`));
  });

  it('exits 2 on usage errors, with a hint', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('validate')).code).toBe(2);
    expect((await run('components', 'joinn')).err).toContain('did you mean "join"?');
  });

  it('runs as the `edgeflow` bin', async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/edgeflow.js');
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'validate',
      file('ok.json', declared),
      '--offline',
      '--json',
    ]);
    expect(JSON.parse(stdout).valid).toBe(true);
  });
});
