import { describe, expect, it } from 'vitest';
import { DaemonMetrics } from './metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

describe('metrics registry (Prometheus text format 0.0.4)', () => {
  it('renders counters, gauges and histograms with HELP, TYPE, labels and cumulative buckets', () => {
    const r = new MetricsRegistry();
    const c = r.counter<'status'>({
      name: 'jobs_total',
      help: 'Jobs.\nBy status \\ kind.',
      labels: ['status'],
    });
    const g = r.gauge({ name: 'depth', help: 'Queue depth.' });
    const h = r.histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1, 0.5] });
    c.inc({ status: 'ok' });
    c.inc({ status: 'ok' }, 2);
    c.inc({ status: 'say "hi"\n\\' });
    g.set(7);
    for (const v of [0.05, 0.1, 0.3, 2]) h.observe(v);
    expect(r.render()).toBe(
      [
        '# HELP jobs_total Jobs.\\nBy status \\\\ kind.',
        '# TYPE jobs_total counter',
        'jobs_total{status="ok"} 3',
        'jobs_total{status="say \\"hi\\"\\n\\\\"} 1',
        '# HELP depth Queue depth.',
        '# TYPE depth gauge',
        'depth 7',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.1"} 2',
        'latency_seconds_bucket{le="0.5"} 3',
        'latency_seconds_bucket{le="1"} 3',
        'latency_seconds_bucket{le="+Inf"} 4',
        'latency_seconds_sum 2.45',
        'latency_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('shows unlabelled series at zero before their first event', () => {
    const r = new MetricsRegistry();
    r.counter({ name: 'a_total', help: 'A.' });
    r.histogram({ name: 'b_seconds', help: 'B.', buckets: [1] });
    expect(r.render()).toContain('a_total 0\n');
    expect(r.render()).toContain('b_seconds_bucket{le="+Inf"} 0\nb_seconds_sum 0\nb_seconds_count 0\n');
  });

  it('refuses invalid names, reserved labels, duplicates and decreasing counters', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter({ name: 'bad-name', help: '' })).toThrow(/invalid metric name/);
    expect(() => r.histogram({ name: 'h', help: '', labels: ['le'], buckets: [1] })).toThrow(/invalid label/);
    r.gauge({ name: 'g', help: '' });
    expect(() => r.gauge({ name: 'g', help: '' })).toThrow(/twice/);
    expect(() => r.counter({ name: 'c', help: '' }).inc(undefined, -1)).toThrow(/only goes up/);
  });
});

describe('the daemon metrics', () => {
  it('counts what the executor, scheduler and HTTP layer report', () => {
    const m = new DaemonMetrics();
    m.runFinished('succeeded');
    m.runFinished('failed');
    m.runFinished('succeeded');
    m.stepDuration(0.2);
    m.stepDuration(45, 'failed');
    m.retry();
    m.retry();
    m.schedulerLag(0.004);
    m.skippedFire();
    m.skippedFire('catchup');
    m.queueDepth(3);
    m.httpRequest('GET', '/v1/runs/:id', 200, 0.003);
    const text = m.render();
    for (const line of [
      'edgeflow_runs_total{status="succeeded"} 2',
      'edgeflow_runs_total{status="failed"} 1',
      'edgeflow_step_duration_seconds_count{status="succeeded"} 1',
      'edgeflow_step_duration_seconds_bucket{status="failed",le="60"} 1',
      'edgeflow_step_retries_total 2',
      'edgeflow_scheduler_lag_seconds_bucket{le="0.005"} 1',
      'edgeflow_scheduler_skipped_fires_total{reason="overlap"} 1',
      'edgeflow_scheduler_skipped_fires_total{reason="catchup"} 1',
      'edgeflow_queue_depth 3',
      'edgeflow_http_request_duration_seconds_count{method="GET",route="/v1/runs/:id",status="200"} 1',
      '# TYPE process_resident_memory_bytes gauge',
    ])
      expect(text).toContain(line);
    // Every sample line is `name{labels} value`, every metric has HELP and TYPE.
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [-+0-9.e]+|.+ \+Inf)$/i,
      );
  });
});
