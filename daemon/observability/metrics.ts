/**
 * The daemon's metrics, as a small typed interface: the executor, the scheduler and the HTTP
 * layer report events; `/metrics` renders them for Prometheus.
 */
import { MetricsRegistry } from './metrics-registry.js';

/** What the rest of the daemon reports. Every method is cheap and never throws. */
export interface EdgeflowMetrics {
  /** A run reached a final status (succeeded, failed, cancelled, interrupted…). */
  runFinished(status: string): void;
  /** A step finished after this many seconds (status: succeeded, failed or cancelled). */
  stepDuration(seconds: number, status?: string): void;
  /** A step is retried after a transient error. */
  retry(): void;
  /** A scheduled fire started this many seconds after its nominal time. */
  schedulerLag(seconds: number): void;
  /**
   * Scheduled fires that started no run: `overlap` (a run of the workflow was still active) or
   * `catchup` (missed while down and not run by the catch-up policy); `count` of them (default 1).
   */
  skippedFire(reason?: 'overlap' | 'catchup', count?: number): void;
  /** Steps (or runs) waiting for a concurrency slot, now. */
  queueDepth(n: number): void;
  /** An HTTP request was answered; route is the registered pattern, never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** An alert was sent, will be retried, or was given up (daemon/notify). */
  alert(channelType: string, event: string, outcome: 'sent' | 'retry' | 'failed'): void;
}

export const NOOP_METRICS: EdgeflowMetrics = {
  runFinished: () => undefined,
  stepDuration: () => undefined,
  retry: () => undefined,
  schedulerLag: () => undefined,
  skippedFire: () => undefined,
  queueDepth: () => undefined,
  httpRequest: () => undefined,
  alert: () => undefined,
};

const SECONDS_LONG = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const SECONDS_SHORT = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class DaemonMetrics implements EdgeflowMetrics {
  readonly registry = new MetricsRegistry();
  private readonly runs = this.registry.counter<'status'>({
    name: 'edgeflow_runs_total',
    help: 'Runs that reached a final status, by status.',
    labels: ['status'],
  });
  private readonly steps = this.registry.histogram<'status'>({
    name: 'edgeflow_step_duration_seconds',
    help: 'Duration of run steps (warehouse statements), by final status.',
    labels: ['status'],
    buckets: SECONDS_LONG,
  });
  private readonly retries = this.registry.counter({
    name: 'edgeflow_step_retries_total',
    help: 'Step attempts retried after a transient warehouse error.',
  });
  private readonly lag = this.registry.histogram({
    name: 'edgeflow_scheduler_lag_seconds',
    help: 'Delay between a scheduled fire nominal time and the start of its run.',
    buckets: SECONDS_SHORT,
  });
  private readonly skipped = this.registry.counter<'reason'>({
    name: 'edgeflow_scheduler_skipped_fires_total',
    help: 'Scheduled fires that did not start a run, by reason (overlap, catchup).',
    labels: ['reason'],
  });
  private readonly queue = this.registry.gauge({
    name: 'edgeflow_queue_depth',
    help: 'Work waiting for a concurrency slot.',
  });
  private readonly http = this.registry.histogram<'method' | 'route' | 'status'>({
    name: 'edgeflow_http_request_duration_seconds',
    help: 'HTTP API request duration, by method, route pattern and status.',
    labels: ['method', 'route', 'status'],
    buckets: SECONDS_SHORT,
  });

  private readonly alerts = this.registry.counter<'channel_type' | 'event' | 'outcome'>({
    name: 'edgeflow_alerts_total',
    help: 'Alert deliveries, by channel type, event (failure, success, slow, skipped) and outcome (sent, retry, failed).',
    labels: ['channel_type', 'event', 'outcome'],
  });

  constructor() {
    this.registry.gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      collect: () => process.memoryUsage.rss(),
    });
    const started = Date.now() / 1000 - process.uptime();
    this.registry.gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since the Unix epoch, in seconds.',
      collect: () => Math.round(started),
    });
  }

  runFinished(status: string): void {
    this.runs.inc({ status });
  }
  stepDuration(seconds: number, status = 'succeeded'): void {
    this.steps.observe(seconds, { status });
  }
  retry(): void {
    this.retries.inc();
  }
  schedulerLag(seconds: number): void {
    this.lag.observe(Math.max(0, seconds));
  }
  skippedFire(reason: 'overlap' | 'catchup' = 'overlap', count = 1): void {
    if (count > 0) this.skipped.inc({ reason }, count);
  }
  queueDepth(n: number): void {
    this.queue.set(n);
  }
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(seconds, { method, route, status: String(status) });
  }

  alert(channelType: string, event: string, outcome: 'sent' | 'retry' | 'failed'): void {
    this.alerts.inc({ channel_type: channelType, event, outcome });
  }

  /** Runs `fn` before each scrape (to read a gauge from its source, e.g. queued runs). */
  beforeScrape(fn: () => void): void {
    this.scrapeHooks.push(fn);
  }
  private readonly scrapeHooks: Array<() => void> = [];

  render(): string {
    for (const fn of this.scrapeHooks) {
      try {
        fn();
      } catch {
        // A gauge that cannot be read keeps its last value; the scrape still answers.
      }
    }
    return this.registry.render();
  }
}
