import { createServer } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/analyze.js';
import { lineageEvent, lineageRunId, runDatasets } from './lineage.js';
import { createLineageSink, lineageReporter } from './lineage-sink.js';

const wf = {
  edgeflow: 1,
  name: 'store_revenue',
  nodes: [
    {
      id: 'orders',
      type: 'source.table',
      config: {
        table: 'main.orders',
        columns: [
          { name: 'store_id', type: 'int' },
          { name: 'amount', type: 'double' },
          { name: 'status', type: 'string' },
        ],
      },
    },
    { id: 'paid', type: 'filter', inputs: { in: 'orders' }, config: { where: "status = 'paid'" } },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'out', type: 'output.table', inputs: { in: 'rev' }, config: { table: 'analytics.store_revenue' } },
  ],
};
const analysis = analyzeWorkflow(wf);
const run = {
  runId: 'r0m2k1f9qx3a7b1c',
  workflow: 'store_revenue',
  version: 2,
  trigger: 'api',
  connection: { name: 'local', type: 'duckdb' },
};

describe('OpenLineage run events', () => {
  it('has the RunEvent shape: job = workflow, inputs = source tables, outputs with column lineage', () => {
    expect(analysis.valid).toBe(true);
    const at = new Date('2024-05-01T06:00:00.000Z');
    const e = lineageEvent('COMPLETE', run, runDatasets(analysis), { at });
    expect(e).toMatchObject({
      eventType: 'COMPLETE',
      eventTime: '2024-05-01T06:00:00.000Z',
      producer: expect.stringMatching(/^https:\/\//),
      schemaURL: expect.stringContaining('openlineage.io/spec/2-0-2/OpenLineage.json'),
      run: {
        runId: lineageRunId(run.runId),
        facets: { edgeflow: { runId: run.runId, version: 2, trigger: 'api' } },
      },
      job: { namespace: 'edgeflow', name: 'store_revenue' },
      inputs: [{ namespace: 'duckdb://local', name: 'main.orders' }],
    });
    expect(e.outputs).toHaveLength(1);
    const out = e.outputs[0]!;
    expect(out).toMatchObject({ namespace: 'duckdb://local', name: 'analytics.store_revenue' });
    expect(out.facets!['schema']!['fields']).toEqual([
      { name: 'store_id', type: 'int' },
      { name: 'revenue', type: 'double' },
      { name: 'orders', type: 'bigint' },
    ]);
    const col = out.facets!['columnLineage']!;
    expect(col['_schemaURL']).toContain('ColumnLineageDatasetFacet.json');
    expect(col['fields']).toEqual({
      store_id: { inputFields: [{ namespace: 'duckdb://local', name: 'main.orders', field: 'store_id' }] },
      revenue: { inputFields: [{ namespace: 'duckdb://local', name: 'main.orders', field: 'amount' }] },
      orders: { inputFields: [] },
    });
    // Every facet names its producer and schema, as the spec requires.
    for (const f of [
      ...Object.values(e.run.facets),
      ...Object.values(e.job.facets),
      ...Object.values(out.facets!),
    ])
      expect(f).toMatchObject({ _producer: expect.any(String), _schemaURL: expect.any(String) });
  });

  it('maps an edgeflow run id to a stable UUID (OpenLineage wants one) and keeps UUIDs as they are', () => {
    const u = lineageRunId('r0m2k1f9qx3a7b1c');
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineageRunId('r0m2k1f9qx3a7b1c')).toBe(u);
    expect(lineageRunId('r0m2k1f9qx3a7b1d')).not.toBe(u);
    const given = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
    expect(lineageRunId(given)).toBe(given.toLowerCase());
  });

  it('adds the error message to FAIL events only', () => {
    const d = runDatasets(analysis);
    expect(
      lineageEvent('FAIL', run, d, { error: 'division by zero' }).run.facets['errorMessage'],
    ).toMatchObject({
      message: 'division by zero',
    });
    expect(lineageEvent('START', run, d, { error: 'x' }).run.facets['errorMessage']).toBeUndefined();
  });
});

describe('lineage sinks', () => {
  it('appends JSON lines to a file and posts to a URL, in order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-lineage-'));
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const sink = createLineageSink(
        { file: 'lineage/events.jsonl', url: `http://127.0.0.1:${port}/api/v1/lineage` },
        { baseDir: dir },
      );
      const reporter = lineageReporter(sink);
      reporter.runEvent('START', run, analysis);
      reporter.runEvent('COMPLETE', run, analysis);
      await sink.flush();
      const lines = readFileSync(path.join(dir, 'lineage/events.jsonl'), 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { eventType: string }).eventType)).toEqual([
        'START',
        'COMPLETE',
      ]);
      expect(received.map((e) => (e as { eventType: string }).eventType)).toEqual(['START', 'COMPLETE']);
    } finally {
      server.close();
    }
  });

  it('logs a sink that fails and never throws into the run', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => void warnings.push(o) } as never;
    const sink = createLineageSink(
      { url: 'http://user:secret-pw@127.0.0.1:1/api/v1/lineage' },
      { baseDir: tmpdir(), logger, timeoutMs: 2000 },
    );
    lineageReporter(sink, logger).runEvent('START', run, analysis);
    await sink.flush();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('secret-pw');
    expect(warnings[0]).toMatchObject({ endpoint: 'http://127.0.0.1:1', eventType: 'START' });
  });
});
