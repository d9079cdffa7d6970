/** Runs, newest first, filtered by workflow and status, a page at a time. */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { between, duration, localTime } from '../format.js';
import { ErrorBox } from '../inspector/preview.js';
import { href, navigate } from '../router.js';
import { ACTIVE, StatusBadge } from '../runs/status.js';
import type { RunRecord } from '../types.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

export function RunsPage(props: { workflow?: string | undefined; status?: string | undefined }) {
  const [runs, setRuns] = useState<RunRecord[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [names, setNames] = useState<string[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    void api.workflows().then(
      (r) => setNames(r.workflows.map((w) => w.name)),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    let live = true;
    api.runs({ workflow: props.workflow, status: props.status, limit: 50 }).then(
      (r) => {
        if (!live) return;
        setRuns(r.runs);
        setCursor(r.nextCursor);
      },
      (e: Error) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [props.workflow, props.status, tick]);
  // While a run on the first page is active, the list follows it.
  useEffect(() => {
    if (!runs?.some((r) => ACTIVE.has(r.status))) return;
    const t = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [runs]);

  const more = () => {
    if (!cursor) return;
    api.runs({ workflow: props.workflow, status: props.status, limit: 50, cursor }).then((r) => {
      setRuns([...(runs ?? []), ...r.runs]);
      setCursor(r.nextCursor);
    }, setError);
  };
  const filter = (f: { workflow?: string | undefined; status?: string | undefined }) =>
    navigate({
      page: 'runs',
      ...(f.workflow ? { workflow: f.workflow } : {}),
      ...(f.status ? { status: f.status } : {}),
    });

  return (
    <main className="page">
      <div className="page-header">
        <h1>Runs</h1>
        <div className="filters" role="search" aria-label="filter runs">
          <label>
            Workflow{' '}
            <select
              value={props.workflow ?? ''}
              onChange={(e) => filter({ workflow: e.target.value, status: props.status })}
            >
              <option value="">all</option>
              {[...new Set([...(props.workflow ? [props.workflow] : []), ...names])].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status{' '}
            <select
              value={props.status ?? ''}
              onChange={(e) => filter({ workflow: props.workflow, status: e.target.value })}
            >
              <option value="">all</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {!runs ? (
        <p className="loading">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs.</p>
      ) : null}
      {runs?.length ? (
        <table className="list" data-testid="run-list">
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">workflow</th>
              <th scope="col">status</th>
              <th scope="col">trigger</th>
              <th scope="col">created</th>
              <th scope="col">duration</th>
              <th scope="col">error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <a className="mono" href={href({ page: 'run', id: r.id })}>
                    {r.id}
                  </a>
                </td>
                <td>
                  <a
                    href={href({
                      page: 'editor',
                      name: r.workflow,
                      ...(r.version ? { version: r.version } : {}),
                    })}
                  >
                    {r.workflow}
                  </a>{' '}
                  <span className="muted">{r.version !== null ? `v${r.version}` : 'inline'}</span>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                  {r.attempt > 1 ? <span className="muted"> attempt {r.attempt}</span> : null}
                </td>
                <td>{r.trigger}</td>
                <td>{localTime(r.createdAt)}</td>
                <td className="num">{duration(between(r.startedAt, r.finishedAt))}</td>
                <td className="error-text ellipsis">{r.error?.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" onClick={more}>
          Load more
        </button>
      ) : null}
    </main>
  );
}
