/**
 * `edgeflow run FILE|NAME`: runs a workflow once, now, in the foreground, with the daemon's
 * executor (same retries, cancels, ledger, labels), recorded in the run store like any run. FILE is
 * a workflow document; NAME a saved workflow's name (its latest version). Ctrl-C cancels the run —
 * its statements are cancelled in the warehouse — and the command exits 130.
 *
 * A daemon running at the same time is fine: the run store is shared (SQLite WAL), the daemon
 * cannot claim this run (it is held by this process from its creation), and a cancel sent to the
 * daemon's API reaches this process. An embedded DuckDB file, though, is held by one process at a
 * time: when the daemon holds the workflow's, the daemon runs it and this command follows it
 * (./run-via-daemon.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { parseWorkflow } from '../../../compiler/workflow/parse.js';
import { loadConfig } from '../../config/load.js';
import { stateLocation } from '../../config/state.js';
import type { ExecutorEvent } from '../../executor/index.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Redactor } from '../../secrets/redactor.js';
import { Service, type RunView, type StartRunRequest } from '../../service/index.js';
import { RunStore } from '../../store/index.js';
import { announce, daemonFor, type DaemonLink } from '../daemon-link.js';
import { processIo, toJson, UsageError, type Io } from '../io.js';
import { readWorkflowFile, type CommonFlags } from '../service.js';
import { paramValues } from './compile.js';

export interface RunFlags extends CommonFlags {
  params?: string[];
  /** One run per key: running again with it prints the first run. */
  idempotencyKey?: string;
}

export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WORKFLOW_NAME = /^[a-z][a-z0-9_]*$/;

export async function runCommand(
  target: string,
  flags: RunFlags,
  io: Io,
  opts: { progressStream?: ProgressTarget; signal?: AbortSignal } = {},
): Promise<number> {
  const loaded = loadConfig(flags.config);
  const state = stateLocation(loaded);
  if (state.backend === 'sqlite' && !state.memory) mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  const redactor = Redactor.forConfig(loaded);
  const store = RunStore.open(state.target, { redactor });
  const service = new Service(loaded, new ConnectorPool(loaded), { redactor, runs: { store } });
  const runs = service.runs!;
  let resolved: RunTarget;
  let daemon: DaemonLink | undefined;
  try {
    resolved = runRequest(target, flags, (name) => runs.getWorkflow(name).document);
    const connection = resolved.req.connection ?? resolved.connection;
    // Opens the workflow's connection: kept for the run when this process may, else the daemon's.
    daemon = await daemonFor(loaded, connection, () => service.connector(connection));
  } catch (e) {
    await service.close();
    store.close();
    throw e;
  }
  if (daemon) {
    await service.close();
    store.close();
    announce(daemon, io);
    const { runThroughDaemon } = await import('./run-via-daemon.js');
    return runThroughDaemon(daemon, resolved.req, resolved.label, flags, io, opts);
  }
  const { req, label } = resolved;
  const stream = opts.progressStream ?? (io === processIo ? process.stderr : undefined);
  const progress = !flags.json && stream?.isTTY ? new RunProgress(stream) : undefined;
  let runId: string | undefined;
  let interrupted = false;
  const unsubscribe = runs.subscribe((e) => {
    if (e.type === 'run.started') runId ??= e.run.id;
    progress?.event(e);
  });
  const onInterrupt = () => {
    interrupted = true;
    if (runId) runs.cancelRun(runId);
    if (!flags.json) io.err('cancelling the run (its statements are cancelled in the warehouse)…');
  };
  process.on('SIGINT', onInterrupt);
  opts.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    progress?.begin(label);
    const view = await runs.runForeground(req);
    progress?.end();
    if (flags.json) io.out(toJson(view));
    else io.err(describe(view));
    if (view.status === 'succeeded') return 0;
    return interrupted && view.status === 'cancelled' ? 130 : 1;
  } finally {
    progress?.end();
    unsubscribe();
    process.off('SIGINT', onInterrupt);
    await service.close();
    store.close();
  }
}

interface RunTarget {
  req: StartRunRequest;
  /** The workflow's name, for the progress line. */
  label: string;
  /** The workflow's own connection (`req.connection` overrides it). */
  connection: string;
}

/** FILE (a path that exists, or looks like one) or the NAME of a saved workflow. */
function runRequest(target: string, flags: RunFlags, savedDocument: (name: string) => unknown): RunTarget {
  const common = {
    trigger: 'cli' as const,
    ...(flags.connection ? { connection: flags.connection } : {}),
    ...(flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {}),
  };
  if (!existsSync(target) && WORKFLOW_NAME.test(target)) {
    // Only the param declarations are read here: the service applies the configured node limit.
    const saved = parseWorkflow(savedDocument(target), { maxNodes: Infinity }).workflow;
    return {
      req: { ...common, workflow: target, params: paramValues(saved?.params, flags.params) },
      label: target,
      connection: saved?.connection ?? 'local',
    };
  }
  const text = readWorkflowFile(target);
  const parsed = parseWorkflow(text, { maxNodes: Infinity });
  if (!parsed.workflow) {
    // The service reports every diagnostic; a file that is not a workflow at all gets one line.
    if (parsed.diagnostics.length === 0) throw new UsageError(`${target} is not a workflow`);
  }
  return {
    req: { ...common, document: text, params: paramValues(parsed.workflow?.params, flags.params) },
    label: parsed.workflow?.name ?? target,
    connection: parsed.workflow?.connection ?? 'local',
  };
}

/** What people read when a run ends: status, each step, what was written, the failure and its SQL. */
export function describe(view: RunView): string {
  const seconds =
    view.startedAt && view.finishedAt
      ? ((Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000).toFixed(2)
      : '?';
  const lines = [`run ${view.id} of ${view.workflow} ${view.status} in ${seconds} s`];
  const width = Math.max(4, ...view.steps.map((s) => s.stepId.length));
  for (const s of view.steps) {
    const took =
      s.startedAt && s.finishedAt
        ? `${((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(2)} s`
        : '';
    const rows = s.target && s.rows !== null ? `${s.rows.toLocaleString('en-US')} rows` : '';
    const tries = s.attempts > 1 ? `${s.attempts} attempts` : '';
    const reused = s.reusedFrom ? `reused from run ${s.reusedFrom}` : '';
    lines.push(
      `  ${mark(s.status)} ${s.stepId.padEnd(width)}  ${s.status.padEnd(9)} ${[took, rows, tries, reused].filter(Boolean).join(', ')}`,
    );
  }
  const written = view.steps.filter((s) => s.target && s.status === 'succeeded');
  if (written.length)
    lines.push(
      `wrote ${written.map((s) => `${s.target!.table}${s.rows !== null ? ` (${s.rows.toLocaleString('en-US')} rows)` : ''}`).join(', ')}`,
    );
  if (view.error) {
    lines.push(`${view.error.code}: ${view.error.message}`);
    if (view.error.hint) lines.push(`hint: ${view.error.hint}`);
    if (view.error.sql) lines.push(`the statement that failed:\n${view.error.sql}`);
  }
  return lines.join('\n');
}

function mark(status: string): string {
  return status === 'succeeded' ? '✓' : status === 'failed' ? '✗' : status === 'cancelled' ? '⊘' : '·';
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A terminal's view of a foreground run: a line per finished step, under a line that ticks while
 * steps run ("2 of 5 steps done, 1 running"). Steps run side by side, so it is a count, not a bar.
 */
export class RunProgress {
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private frame = 0;
  private label = '';
  private done = 0;
  private readonly running = new Map<string, number>();

  constructor(private readonly stream: ProgressTarget) {}

  begin(label: string): void {
    this.label = label;
    this.started = performance.now();
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
    this.draw();
  }

  event(e: ExecutorEvent): void {
    if (e.type === 'step.started') this.running.set(e.stepId, performance.now());
    if (e.type === 'step.retry')
      this.line(`  ↻ ${e.stepId}: ${e.error.message.split('\n')[0]} — again in ${e.delayMs} ms`);
    if (e.type === 'step.succeeded' || e.type === 'step.failed') {
      this.running.delete(e.stepId);
      this.done++;
      const rows =
        e.type === 'step.succeeded' && e.rows !== null ? `, ${e.rows.toLocaleString('en-US')} rows` : '';
      const status = e.type === 'step.succeeded' ? '✓' : '✗';
      this.line(`  ${status} ${e.stepId} (${(e.durationMs / 1000).toFixed(1)} s${rows})`);
    }
    this.draw();
  }

  end(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\x1b[2K');
  }

  private line(text: string): void {
    this.stream.write(`\r\x1b[2K${text}\n`);
  }

  private draw(): void {
    if (!this.timer) return;
    const s = ((performance.now() - this.started) / 1000).toFixed(1);
    const steps = `${this.done} step${this.done === 1 ? '' : 's'} done${this.running.size ? `, ${this.running.size} running` : ''}`;
    this.stream.write(`\r\x1b[2K${FRAMES[this.frame++ % FRAMES.length]} run ${this.label}: ${steps}  ${s} s`);
  }
}
