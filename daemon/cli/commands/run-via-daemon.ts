/**
 * `edgeflow run` when a running daemon holds the workflow's DuckDB file (../daemon-link.ts): the
 * daemon runs it, and this process follows it to the end with the same progress, output and exit
 * codes as a foreground run. NAME is POST /v1/workflows/:name/runs; FILE is POST /v1/runs, the
 * document run as it is (nothing saved, nothing scheduled: saving it first would also schedule a
 * document's `schedule` block), which needs the write scope — the CLI holds the admin token. Ctrl-C
 * is POST /v1/runs/:id/cancel, and the run is followed until it has stopped.
 */
import type { ExecutorEvent } from '../../executor/index.js';
import type { RunRecord, RunStepView, RunView, StartRunRequest } from '../../service/index.js';
import { DaemonError, type DaemonLink } from '../daemon-link.js';
import { processIo, toJson, type Io } from '../io.js';
import { describe, RunProgress, type ProgressTarget, type RunFlags } from './run.js';

const POLL_MS = 150;
const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

export async function runThroughDaemon(
  daemon: DaemonLink,
  req: StartRunRequest,
  label: string,
  flags: RunFlags,
  io: Io,
  opts: { progressStream?: ProgressTarget; signal?: AbortSignal } = {},
): Promise<number> {
  const stream = opts.progressStream ?? (io === processIo ? process.stderr : undefined);
  const progress = !flags.json && stream?.isTTY ? new RunProgress(stream) : undefined;
  let runId: string | undefined;
  let interrupted = false;
  let cancelling: Promise<unknown> | undefined;
  const cancel = () => {
    if (runId && !cancelling)
      cancelling = daemon.request('POST', `/v1/runs/${runId}/cancel`).catch(() => undefined);
  };
  const onInterrupt = () => {
    interrupted = true;
    cancel();
    if (!flags.json) io.err('cancelling the run (its statements are cancelled in the warehouse)…');
  };
  process.on('SIGINT', onInterrupt);
  opts.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    progress?.begin(label);
    const body = {
      ...(req.params ? { params: req.params } : {}),
      ...(req.connection ? { connection: req.connection } : {}),
    };
    const headers: Record<string, string> = req.idempotencyKey
      ? { 'idempotency-key': req.idempotencyKey }
      : {};
    const { json: run } =
      req.workflow !== undefined
        ? await daemon.request<RunRecord>('POST', `/v1/workflows/${req.workflow}/runs`, { body, headers })
        : await daemon.request<RunRecord>('POST', '/v1/runs', {
            body: { workflow: req.document, ...body },
            headers,
          });
    runId = run.id;
    // Ctrl-C while the daemon was compiling it: cancelled now that it has an id.
    if (interrupted) cancel();
    const view = await follow(daemon, run.id, progress);
    progress?.end();
    if (flags.json) io.out(toJson(view));
    else io.err(describe(view));
    if (view.status === 'succeeded') return 0;
    return interrupted && view.status === 'cancelled' ? 130 : 1;
  } finally {
    progress?.end();
    process.off('SIGINT', onInterrupt);
    opts.signal?.removeEventListener('abort', onInterrupt);
  }
}

/** Polls the run until it has ended, telling `progress` what its steps did meanwhile. */
async function follow(daemon: DaemonLink, id: string, progress: RunProgress | undefined): Promise<RunView> {
  const seen = new Map<string, RunStepView>();
  for (;;) {
    let run: RunView;
    try {
      run = (await daemon.request<RunView>('GET', `/v1/runs/${id}`)).json;
    } catch (e) {
      if (!(e instanceof DaemonError) || e.code !== 'DAEMON_UNREACHABLE') throw e;
      throw new DaemonError(
        e.code,
        `${e.message}\nrun ${id} stays in the run store: a daemon that stopped resumes it when it starts again (edgeflow serve); GET /v1/runs/${id} says how it ended`,
      );
    }
    if (progress) for (const event of stepEvents(run, seen)) progress.event(event);
    if (ENDED.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The executor's events, as far as two snapshots of a run's steps tell them. */
function* stepEvents(run: RunView, seen: Map<string, RunStepView>): Generator<ExecutorEvent> {
  for (const s of run.steps) {
    const before = seen.get(s.stepId);
    seen.set(s.stepId, s);
    if (before && before.status === s.status && before.attempts === s.attempts) continue;
    const base = { runId: run.id, workflow: run.workflow, stepId: s.stepId, attempt: s.attempts };
    const durationMs = s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : 0;
    if (s.status === 'running') yield { type: 'step.started', ...base };
    else if (s.status === 'pending' && s.lastError && before)
      yield {
        type: 'step.retry',
        ...base,
        delayMs: Math.max(0, Date.parse(s.runAt) - Date.now()),
        error: s.lastError,
      };
    else if (s.status === 'succeeded')
      yield { type: 'step.succeeded', ...base, durationMs, rows: s.rows, bytes: s.bytes };
    else if (s.status === 'failed' || s.status === 'cancelled')
      yield {
        type: 'step.failed',
        ...base,
        durationMs,
        status: s.status,
        error: s.lastError ?? { code: s.status.toUpperCase(), message: s.status },
      };
  }
}
