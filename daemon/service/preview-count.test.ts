/**
 * Issue 11.6, previews an agent can trust: a preview says how many rows the node has in all —
 * exactly, or "more than" the bound when counting stopped there — with the count run like the
 * rows (read-only, the caller's signal, what is left of the preview timeout), and a count that
 * cannot finish leaves the rows and says why. BigQuery's single-statement form runs here on DuckDB.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/analyze.js';
import { compilePreview } from '../../compiler/planner/preview.js';
import { ConnectorError, type Connector, type ExecuteOptions } from '../../connectors/connector.js';
import { loadedConfig, testRuntime, workflowDoc, type TestRuntime } from '../executor/testing.js';
import { describePostgres, PG_URL } from '../../test/support/postgres.js';
import { openBigQuery } from '../../connectors/bigquery/index.js';
import { FakeBigQuery } from '../../connectors/bigquery/fake-server.js';
import { PREVIEW_COUNT_BOUND } from './shapes/index.js';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.close();
});

interface Call {
  sql: string;
  opts: ExecuteOptions | undefined;
}

/** A service whose connector records every statement; `count` replaces the counting statement. */
function setup(count?: (call: Call, real: () => Promise<unknown>) => Promise<unknown>) {
  const calls: Call[] = [];
  const rt = testRuntime({
    config: loadedConfig({ local: { type: 'duckdb', path: ':memory:' } }),
    wrap: (c) =>
      new Proxy(c, {
        get(target, key) {
          if (key === 'execute')
            return (sql: string, opts?: ExecuteOptions) => {
              const call = { sql, opts };
              // The preview's own statements (not, say, the catalog describing the raw SQL).
              if (opts?.label?.origin === 'preview') calls.push(call);
              const real = () => target.execute(sql, opts);
              return count && sql.includes('AS total_rows') ? count(call, real) : real();
            };
          const v: unknown = Reflect.get(target, key, target);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as Connector,
  });
  runtimes.push(rt);
  return { service: rt.service, calls };
}

/** A workflow (no output: how an agent builds one) whose node `n` has `rows` rows. */
const numbers = (rows: number) =>
  workflowDoc('numbers', [
    {
      id: 'n',
      type: 'source.sql',
      config: { sql: `SELECT range AS i FROM range(${rows})`, columns: [{ name: 'i', type: 'bigint' }] },
    },
    { id: 'even', type: 'filter', inputs: { in: 'n' }, config: { where: 'i % 2 = 0' } },
  ]);

describe('preview totals', () => {
  it('counts the rows exactly, read-only, within what is left of the preview timeout', async () => {
    const { service, calls } = setup();
    const ac = new AbortController();
    const p = await service.preview({ workflow: numbers(5000), node: 'even', limit: 20, signal: ac.signal });
    expect(p).toMatchObject({ ok: true, limit: 20, rowCount: 20, totalRows: 2500, diagnostics: [] });
    expect(p).not.toHaveProperty('totalRowsMoreThan');
    const [rows, count] = calls;
    expect(calls).toHaveLength(2);
    expect(count!.sql).toMatch(/LIMIT 100001\n\) AS bounded$/);
    for (const c of [rows!, count!]) {
      expect(c.opts).toMatchObject({ readOnly: true, signal: ac.signal, label: { origin: 'preview' } });
      expect(c.opts!.timeoutMs).toBeLessThanOrEqual(60_000);
    }
    expect(count!.opts!.timeoutMs).toBeLessThanOrEqual(rows!.opts!.timeoutMs!);
  });

  it('says "more than" the bound when counting stopped there', async () => {
    const { service } = setup();
    const p = await service.preview({
      workflow: numbers(2 * PREVIEW_COUNT_BOUND + 10),
      node: 'even',
      limit: 3,
    });
    expect(p).toMatchObject({ rowCount: 3, totalRowsMoreThan: PREVIEW_COUNT_BOUND });
    expect(p).not.toHaveProperty('totalRows');
  });

  it('needs no count when fewer rows than asked for came back', async () => {
    const { service, calls } = setup();
    const p = await service.preview({ workflow: numbers(10), node: 'even', limit: 20 });
    expect(p).toMatchObject({ rowCount: 5, totalRows: 5 });
    expect(calls).toHaveLength(1);
  });

  it('keeps the rows and says why when the count ran past the preview timeout', async () => {
    const { service } = setup(async (call) => {
      await new Promise((r) => setTimeout(r, 5));
      throw new ConnectorError(`stopped after ${call.opts?.timeoutMs} ms`, 'transient', {
        connector: 'duckdb',
        code: 'TIMEOUT',
      });
    });
    const p = await service.preview({ workflow: numbers(100), node: 'even', limit: 10 });
    expect(p).toMatchObject({ ok: true, rowCount: 10 });
    expect(p.totalRowsUnknown).toMatch(/not counted: counting ran past the preview timeout \(60 s/);
    expect(p).not.toHaveProperty('totalRows');
  });

  it('stops when the client goes away while counting', async () => {
    const ac = new AbortController();
    const { service } = setup(async (call) => {
      ac.abort();
      expect(call.opts?.signal?.aborted).toBe(true);
      throw new ConnectorError('cancelled', 'cancelled', { connector: 'duckdb', code: 'CANCELLED' });
    });
    await expect(
      service.preview({ workflow: numbers(100), node: 'even', limit: 10, signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'WAREHOUSE_ERROR' });
  });

  it("BigQuery's form: one statement carries count(*) OVER (), beside the node's columns", async () => {
    const { service } = setup();
    const c = await service.connector('local');
    const a = analyzeWorkflow(numbers(5000), { dialect: 'duckdb' });
    const sorted = compilePreview(a, { node: 'even', limit: 4, count: 'window', paramMode: 'literal' });
    expect(sorted.countQuery).toBeUndefined();
    const column = sorted.query!.totalColumn!;
    const rows = (await c.execute(`${sorted.query!.sql}`, { readOnly: true })).rows!;
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => Number(r[column]))).toEqual([2500, 2500, 2500, 2500]);
    expect(sorted.query!.columns.map((x) => x.name)).toEqual(['i']);
  });
});

describePostgres('preview totals on PostgreSQL', () => {
  it('counts with a second, bounded statement in a read-only transaction', async () => {
    const rt = testRuntime({ config: loadedConfig({ pg: { type: 'postgres', url: PG_URL! } }) });
    runtimes.push(rt);
    const series = (rows: number) => ({
      ...workflowDoc('series', [
        {
          id: 'n',
          type: 'source.sql',
          config: {
            sql: `SELECT i FROM generate_series(1, ${rows}) AS t(i)`,
            columns: [{ name: 'i', type: 'int' }],
          },
        },
      ]),
      connection: 'pg',
    });
    const exact = await rt.service.preview({ workflow: series(300), node: 'n', limit: 5 });
    expect(exact).toMatchObject({ ok: true, rowCount: 5, totalRows: 300, diagnostics: [] });
    const many = await rt.service.preview({ workflow: series(250_000), node: 'n', limit: 5 });
    expect(many).toMatchObject({ rowCount: 5, totalRowsMoreThan: PREVIEW_COUNT_BOUND });
  });
});

describe('preview totals on BigQuery (its REST protocol, served by a local fake)', () => {
  it('asks one statement for the rows and their count, and answers the rows without the count column', async () => {
    const fake = await FakeBigQuery.start();
    try {
      fake.on(/COUNT\(\*\) OVER \(\) AS edgeflow_total_rows/, {
        statementType: 'SELECT',
        schema: [
          { name: 'i', type: 'INT64' },
          { name: 'edgeflow_total_rows', type: 'INT64' },
        ],
        rows: [
          ['1', '1234'],
          ['2', '1234'],
        ],
      });
      const bq = await openBigQuery({ projectId: 'proj', apiEndpoint: fake.url });
      const rt = testRuntime({
        config: loadedConfig({ bq: { type: 'bigquery', projectId: 'proj' } }),
        wrap: (opened) => {
          void opened.close();
          return bq;
        },
      });
      runtimes.push(rt);
      const doc = {
        ...workflowDoc('values', [
          {
            id: 'v',
            type: 'source.values',
            config: { columns: [{ name: 'i', type: 'int' }], rows: [[1], [2], [3]] },
          },
        ]),
        connection: 'bq',
      };
      const p = await rt.service.preview({ workflow: doc, node: 'v', limit: 2 });
      expect(p).toMatchObject({
        ok: true,
        columns: [{ name: 'i', type: 'int' }],
        rows: [{ i: 1 }, { i: 2 }],
        rowCount: 2,
        totalRows: 1234,
      });
      // One query job (after the read-only check's dry run): the bytes are billed once.
      const jobs = fake.inserts().filter((b) => !b.configuration?.dryRun);
      expect(jobs).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
