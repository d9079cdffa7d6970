/**
 * The saved workflows: name, description, version, schedule with its next fire in its own time
 * zone, and the last run's status and duration.
 */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { between, duration, inZone, localTime } from '../format.js';
import { ErrorBox } from '../inspector/preview.js';
import { href } from '../router.js';
import type { RunRecord, Schedule, Scope, WorkflowSummary } from '../types.js';
import { can } from '../scope.js';
import { StatusBadge } from '../runs/status.js';

interface Row {
  summary: WorkflowSummary;
  schedule?: Schedule | null;
  lastRun?: RunRecord | null;
}

/** Runs `f` over `items`, `limit` at a time (a list of workflows is a request or two each). */
async function pool<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

export function WorkflowsPage(props: { scope: Scope }) {
  const [rows, setRows] = useState<Row[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    let live = true;
    api.workflows().then(async ({ workflows }) => {
      if (!live) return;
      setRows(workflows.map((summary) => ({ summary })));
      const details = await pool(workflows, 6, async (w) => {
        const [saved, runs] = await Promise.all([
          api.workflow(w.name).catch(() => undefined),
          api.runs({ workflow: w.name, limit: 1 }).catch(() => undefined),
        ]);
        return { summary: w, schedule: saved?.schedule ?? null, lastRun: runs?.runs[0] ?? null };
      });
      if (live) setRows(details);
    }, setError);
    return () => {
      live = false;
    };
  }, []);
  if (error) return <ErrorBox error={error} />;
  return (
    <main className="page">
      <div className="page-header">
        <h1>Workflows</h1>
        {can(props.scope, 'write') ? (
          <a className="button primary" href={href({ page: 'new' })}>
            New workflow
          </a>
        ) : null}
      </div>
      {!rows ? <p className="loading">Loading…</p> : null}
      {rows && rows.length === 0 ? <p className="muted">No saved workflow yet.</p> : null}
      {rows && rows.length ? (
        <table className="list" data-testid="workflow-list">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">description</th>
              <th scope="col">version</th>
              <th scope="col">schedule</th>
              <th scope="col">next run</th>
              <th scope="col">last run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ summary: w, schedule, lastRun }) => (
              <tr key={w.name}>
                <td>
                  <a href={href({ page: 'editor', name: w.name })} className="mono strong">
                    {w.name}
                  </a>
                </td>
                <td className="description">{w.description ?? ''}</td>
                <td className="num">v{w.latestVersion}</td>
                <td>
                  {schedule === undefined ? (
                    '…'
                  ) : schedule ? (
                    <span className="mono" title={schedule.enabled ? '' : 'disabled'}>
                      {schedule.cron} <span className="muted">{schedule.timezone}</span>
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  {schedule?.nextFireAt
                    ? `${inZone(schedule.nextFireAt, schedule.timezone)} ${schedule.timezone}`
                    : '—'}
                </td>
                <td>
                  {lastRun === undefined ? (
                    '…'
                  ) : lastRun ? (
                    <a href={href({ page: 'run', id: lastRun.id })} title={localTime(lastRun.createdAt)}>
                      <StatusBadge status={lastRun.status} />{' '}
                      {duration(between(lastRun.startedAt, lastRun.finishedAt))}
                    </a>
                  ) : (
                    <span className="muted">never run</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
