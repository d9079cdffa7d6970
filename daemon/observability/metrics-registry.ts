/**
 * A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * Written here rather than taken from prom-client: edgeflow has seven metrics, the format is a page
 * long, and a daemon that must idle under 150 MB should not load a client that registers collectors
 * of its own; this one costs nothing until scraped.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type LabelValues<L extends string> = { [K in L]: string };

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labels?: readonly L[];
}

abstract class Metric<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  constructor(opts: MetricOptions<L>) {
    if (!NAME.test(opts.name)) throw new Error(`invalid metric name "${opts.name}"`);
    for (const l of opts.labels ?? [])
      if (!LABEL.test(l) || l.startsWith('__') || l === 'le')
        throw new Error(`invalid label name "${l}" on ${opts.name}`);
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labels ?? [];
  }

  protected key(labels: Partial<LabelValues<L>> | undefined): string {
    return this.labelNames.map((n) => labels?.[n] ?? '').join('\u0000');
  }

  protected labelText(key: string, extra?: string): string {
    const values = key === '' && this.labelNames.length === 0 ? [] : key.split('\u0000');
    const parts = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
    if (extra) parts.push(extra);
    return parts.length ? `{${parts.join(',')}}` : '';
  }

  render(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n${this.samples().join('')}`;
  }

  protected abstract samples(): string[];
}

export class Counter<L extends string = never> extends Metric<L> {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  inc(labels?: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    const k = this.key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels?: LabelValues<L>): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  protected samples(): string[] {
    // An unlabelled counter is shown at 0 before its first event, so rate() has a start point.
    if (this.values.size === 0 && this.labelNames.length === 0) return [`${this.name} 0\n`];
    return [...this.values].map(([k, v]) => `${this.name}${this.labelText(k)} ${num(v)}\n`);
  }
}

export class Gauge<L extends string = never> extends Metric<L> {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();

  constructor(opts: MetricOptions<L> & { collect?: () => number }) {
    super(opts);
    this.collect = opts.collect;
  }

  private readonly collect: (() => number) | undefined;

  set(value: number, labels?: LabelValues<L>): void {
    this.values.set(this.key(labels), value);
  }

  get(labels?: LabelValues<L>): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  protected samples(): string[] {
    if (this.collect) return [`${this.name} ${num(this.collect())}\n`];
    if (this.values.size === 0 && this.labelNames.length === 0) return [`${this.name} 0\n`];
    return [...this.values].map(([k, v]) => `${this.name}${this.labelText(k)} ${num(v)}\n`);
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends Metric<L> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  private readonly states = new Map<string, HistogramState>();

  constructor(opts: MetricOptions<L> & { buckets: readonly number[] }) {
    super(opts);
    const b = [...opts.buckets].sort((x, y) => x - y);
    if (b.length === 0 || b.some((x, i) => !Number.isFinite(x) || (i > 0 && x === b[i - 1])))
      throw new Error(`${opts.name}: buckets must be distinct finite numbers`);
    this.buckets = b;
  }

  observe(value: number, labels?: LabelValues<L>): void {
    if (!Number.isFinite(value)) return;
    const k = this.key(labels);
    let s = this.states.get(k);
    if (!s) this.states.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Counts are kept per bucket and made cumulative when rendered.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  snapshot(labels?: LabelValues<L>): { count: number; sum: number } {
    const s = this.states.get(this.key(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  protected samples(): string[] {
    const states =
      this.states.size === 0 && this.labelNames.length === 0
        ? new Map([['', { counts: this.buckets.map(() => 0), sum: 0, count: 0 }]])
        : this.states;
    const out: string[] = [];
    for (const [k, s] of states) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        out.push(`${this.name}_bucket${this.labelText(k, `le="${num(b)}"`)} ${cumulative}\n`);
      });
      out.push(`${this.name}_bucket${this.labelText(k, 'le="+Inf"')} ${s.count}\n`);
      out.push(`${this.name}_sum${this.labelText(k)} ${num(s.sum)}\n`);
      out.push(`${this.name}_count${this.labelText(k)} ${s.count}\n`);
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Array<Metric<string>> = [];

  private add<M extends Metric<string>>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }

  counter<L extends string = never>(opts: MetricOptions<L>): Counter<L> {
    return this.add(new Counter<L>(opts) as unknown as Metric<string>) as unknown as Counter<L>;
  }

  gauge<L extends string = never>(opts: MetricOptions<L> & { collect?: () => number }): Gauge<L> {
    return this.add(new Gauge<L>(opts) as unknown as Metric<string>) as unknown as Gauge<L>;
  }

  histogram<L extends string = never>(opts: MetricOptions<L> & { buckets: readonly number[] }): Histogram<L> {
    return this.add(new Histogram<L>(opts) as unknown as Metric<string>) as unknown as Histogram<L>;
  }

  /** The exposition text of every metric, in registration order. */
  render(): string {
    return this.metrics.map((m) => m.render()).join('');
  }
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
