import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/index.js';
import type { LineageRunEvent } from './lineage.js';
import { runDatasetsFromRecords } from './lineage.js';
import { createLogger } from './logger.js';
import { DaemonMetrics } from './metrics.js';
import { executorObserver, schedulerObserver } from './run-observer.js';

const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r1',
  rootId: 'r1',
  workflow: 'store_revenue',
  version: 3,
  trigger: 'schedule',
  idempotencyKey: null,
  status: 'running',
  attempt: 1,
  retryOf: null,
  params: {},
  connection: 'local',
  dialect: 'duckdb',
  nominalAt: null,
  createdAt: '2024-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  error: null,
  cancelRequested: false,
  owner: 'me',
  heartbeatAt: null,
  stagingDropped: false,
  ...over,
});

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s) => void lines.push(JSON.parse(s)) },
  });
  const metrics = new DaemonMetrics();
  const events: LineageRunEvent[] = [];
  const lineage = { emit: (e: LineageRunEvent) => void events.push(e), flush: async () => undefined };
  const datasets = runDatasetsFromRecords(
    [
      {
        outputTable: 'analytics.rev',
        column: 'store_id',
        sourceTable: 'main.orders',
        sourceColumn: 'store_id',
      },
      { outputTable: 'analytics.rev', column: 'n', sourceTable: null, sourceColumn: null },
    ],
    { nodes: [{ id: 's', type: 'source.table', config: { table: 'main.stores' } }] },
  );
  const observe = executorObserver({
    logger,
    metrics,
    lineage,
    lineageOf: () => ({ datasets, connectionType: 'duckdb' }),
  });
  return { lines, metrics, events, observe, logger };
}

describe('executor events', () => {
  it('log with run and step ids, count metrics and emit START / COMPLETE lineage', () => {
    const { lines, metrics, events, observe } = setup();
    observe({ type: 'run.started', run: run(), resumed: false });
    observe({ type: 'step.started', runId: 'r1', workflow: 'store_revenue', stepId: 'mat_rev', attempt: 1 });
    observe({
      type: 'step.retry',
      runId: 'r1',
      workflow: 'store_revenue',
      stepId: 'mat_rev',
      attempt: 1,
      delayMs: 200,
      error: { code: 'ECONNRESET', message: 'connection reset', errorClass: 'transient', sql: 'SELECT 1' },
    });
    observe({
      type: 'step.succeeded',
      runId: 'r1',
      workflow: 'store_revenue',
      stepId: 'mat_rev',
      attempt: 2,
      durationMs: 1500,
      rows: 7,
      bytes: null,
    });
    observe({ type: 'run.finished', run: run({ status: 'succeeded' }), durationMs: 2000 });

    expect(lines.map((l) => l['msg'])).toEqual([
      'run started',
      'step started',
      'step failed with a transient error; retrying',
      'step succeeded',
      'run succeeded',
    ]);
    for (const l of lines) expect(l).toMatchObject({ runId: 'r1', workflow: 'store_revenue' });
    expect(lines.slice(1, 4).every((l) => l['stepId'] === 'mat_rev')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('SELECT 1');

    const text = metrics.render();
    expect(text).toContain('edgeflow_runs_total{status="succeeded"} 1');
    expect(text).toContain('edgeflow_step_retries_total 1');
    expect(text).toContain('edgeflow_step_duration_seconds_bucket{status="succeeded",le="2.5"} 1');

    expect(events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(events[0]!.inputs.map((i) => i.name).sort()).toEqual(['main.orders', 'main.stores']);
    expect(events[1]!.outputs[0]!.facets!['columnLineage']!['fields']).toEqual({
      store_id: { inputFields: [{ namespace: 'duckdb://local', name: 'main.orders', field: 'store_id' }] },
      n: { inputFields: [] },
    });
  });

  it('reports failures as FAIL with the error, cancellations as ABORT, and no START on resume', () => {
    const { events, observe, metrics } = setup();
    observe({ type: 'run.started', run: run(), resumed: true });
    observe({
      type: 'run.finished',
      run: run({ status: 'failed', error: { code: '42P01', message: 'relation does not exist' } }),
      durationMs: 5,
    });
    observe({ type: 'run.finished', run: run({ id: 'r2', status: 'cancelled' }), durationMs: 5 });
    expect(events.map((e) => e.eventType)).toEqual(['FAIL', 'ABORT']);
    expect(events[0]!.run.facets['errorMessage']).toMatchObject({
      message: '42P01: relation does not exist',
    });
    expect(metrics.render()).toContain('edgeflow_runs_total{status="cancelled"} 1');
  });
});

describe('scheduler events', () => {
  it('measure on-time lag, count skipped and dropped fires', () => {
    const { metrics, logger } = setup();
    const observe = schedulerObserver({ logger, metrics });
    observe({ type: 'fired', workflow: 'w', nominalAt: 'x', idempotencyKey: 'k', lagMs: 12, catchup: false });
    observe({
      type: 'fired',
      workflow: 'w',
      nominalAt: 'y',
      idempotencyKey: 'k2',
      lagMs: 3_600_000,
      catchup: true,
    });
    observe({ type: 'skipped', workflow: 'w', nominalAt: 'z', reason: 'overlap' });
    observe({ type: 'dropped', workflow: 'w', count: 4, atLeast: false, catchup: 'latest' });
    const text = metrics.render();
    expect(text).toContain('edgeflow_scheduler_lag_seconds_count 1');
    expect(text).toContain('edgeflow_scheduler_lag_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('edgeflow_scheduler_skipped_fires_total{reason="overlap"} 1');
    expect(text).toContain('edgeflow_scheduler_skipped_fires_total{reason="catchup"} 4');
  });
});
