/**
 * What an alert says, whatever the channel: the workflow, the run, what happened, the failing
 * step with the warehouse's message and hint, and a link to the run in the web UI. Built once when
 * the alert is enqueued and kept in the outbox (redacted there like every error the store keeps);
 * each channel renders it (JSON as is, Slack text, an email).
 */
import type { RunRecord } from '../store/index.js';
import type { NotifyEvent } from '../config/notify-schema.js';

export interface AlertMessage {
  /** The payload's format version (receivers can branch on it). */
  version: 1;
  event: NotifyEvent;
  workflow: string;
  /** Null for a skipped fire. */
  runId: string | null;
  status: RunRecord['status'] | null;
  /** One line a person reads first. */
  summary: string;
  /** The run's page in the web UI (or the workflow's runs, for a skipped fire). */
  link: string;
  trigger?: RunRecord['trigger'];
  attempt?: number;
  /** The scheduled fire the run (or the skipped fire) stands for. */
  nominalAt?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number;
  /** For a failure: the step that failed and what the warehouse said. */
  error?: {
    code: string;
    message: string;
    step?: string;
    hint?: string;
    warehouseCode?: string;
    queryId?: string;
  };
  /** For a skipped fire: the run still going. */
  activeRunId?: string;
  at: string;
}

/** The web UI's page of a run (ui/src/router.ts: `#/runs/<id>`). */
export function runLink(publicUrl: string, runId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#/runs/${encodeURIComponent(runId)}`;
}

export function workflowRunsLink(publicUrl: string, workflow: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#/runs?workflow=${encodeURIComponent(workflow)}`;
}

export function runAlert(
  event: Exclude<NotifyEvent, 'skipped'>,
  run: RunRecord,
  o: { publicUrl: string; now: string; slowAfterMs?: number },
): AlertMessage {
  const started = run.startedAt ? Date.parse(run.startedAt) : undefined;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.parse(o.now);
  const durationMs = started !== undefined ? Math.max(0, end - started) : undefined;
  const e = run.error;
  const summary =
    event === 'failure'
      ? `${run.workflow} failed${e?.step ? ` at step ${e.step}` : ''}: ${firstLine(e?.message ?? 'no error recorded')}`
      : event === 'success'
        ? `${run.workflow} succeeded${durationMs !== undefined ? ` in ${formatDuration(durationMs)}` : ''}`
        : `${run.workflow} has been running for ${formatDuration(durationMs ?? 0)}${o.slowAfterMs !== undefined ? ` (longer than ${formatDuration(o.slowAfterMs)})` : ''}`;
  return {
    version: 1,
    event,
    workflow: run.workflow,
    runId: run.id,
    status: run.status,
    summary,
    link: runLink(o.publicUrl, run.id),
    trigger: run.trigger,
    attempt: run.attempt,
    nominalAt: run.nominalAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(event === 'failure' && e
      ? {
          error: {
            code: e.code,
            message: e.message,
            ...(e.step ? { step: e.step } : {}),
            ...(e.hint ? { hint: e.hint } : {}),
            ...(e.warehouseCode ? { warehouseCode: e.warehouseCode } : {}),
            ...(e.queryId ? { queryId: e.queryId } : {}),
          },
        }
      : {}),
    at: o.now,
  };
}

export function skippedAlert(o: {
  workflow: string;
  nominalAt: string;
  activeRunId?: string;
  publicUrl: string;
  now: string;
}): AlertMessage {
  return {
    version: 1,
    event: 'skipped',
    workflow: o.workflow,
    runId: null,
    status: null,
    summary: `${o.workflow}: the scheduled fire of ${o.nominalAt} was skipped because ${o.activeRunId ? `run ${o.activeRunId}` : 'the previous run'} is still going`,
    link: o.activeRunId ? runLink(o.publicUrl, o.activeRunId) : workflowRunsLink(o.publicUrl, o.workflow),
    nominalAt: o.nominalAt,
    ...(o.activeRunId ? { activeRunId: o.activeRunId } : {}),
    at: o.now,
  };
}

/** The message as plain text lines (email body, Slack text). */
export function alertLines(m: AlertMessage): string[] {
  const lines = [m.summary, ''];
  lines.push(`workflow: ${m.workflow}`);
  if (m.runId) lines.push(`run: ${m.runId}${m.attempt && m.attempt > 1 ? ` (attempt ${m.attempt})` : ''}`);
  if (m.trigger) lines.push(`trigger: ${m.trigger}`);
  if (m.nominalAt) lines.push(`scheduled for: ${m.nominalAt}`);
  if (m.durationMs !== undefined) lines.push(`duration: ${formatDuration(m.durationMs)}`);
  if (m.error) {
    if (m.error.step) lines.push(`failing step: ${m.error.step}`);
    lines.push(`error: ${m.error.code}${m.error.warehouseCode ? ` (${m.error.warehouseCode})` : ''}`);
    lines.push(`message: ${m.error.message}`);
    if (m.error.hint) lines.push(`hint: ${m.error.hint}`);
  }
  lines.push('', m.link);
  return lines;
}

export function alertSubject(m: AlertMessage): string {
  const what = { failure: 'failed', success: 'succeeded', slow: 'running long', skipped: 'fire skipped' }[
    m.event
  ];
  return `[edgeflow] ${m.workflow} ${what}${m.runId ? ` (${m.runId})` : ''}`;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
