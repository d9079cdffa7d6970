/**
 * One run: its status and parameters, a timeline of its steps (Gantt), each step's attempts,
 * warehouse query id, rows and bytes, its logs (followed while it runs), and a failure with the
 * warehouse's message, the hint and the failing SQL. A running run can be cancelled (run scope).
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { between, bytes, count, duration, localTime } from '../format.js';
import { ErrorBox } from '../inspector/preview.js';
import { href } from '../router.js';
import { Gantt } from '../runs/gantt.js';
import { ACTIVE, StatusBadge } from '../runs/status.js';
import type { LogRecord, RunStep, RunView, Scope } from '../types.js';
import { can } from '../scope.js';

type Failure = NonNullable<RunView['error']>;

export function RunPage(props: { id: string; scope: Scope }) {
  const [run, setRun] = useState<RunView | undefined>();
  const [logs, setLogs] = useState<LogRecord[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [cancelling, setCancelling] = useState(false);
  const [now, setNow] = useState(Date.now());
  const lastLog = useRef<number | undefined>(undefined);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    lastLog.current = undefined;
    setLogs([]);
    const poll = async () => {
      try {
        const [r, l] = await Promise.all([api.run(props.id), api.logs(props.id, lastLog.current)]);
        if (!live) return;
        setRun(r);
        setNow(Date.now());
        if (l.logs.length) {
          lastLog.current = l.logs.at(-1)!.id;
          setLogs((prev) => [...prev, ...l.logs]);
        }
        if (ACTIVE.has(r.status)) timer = setTimeout(() => void poll(), 1000);
      } catch (e) {
        if (live) setError(e as Error);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [props.id]);

  if (error) return <ErrorBox error={error} />;
  if (!run) return <p className="loading">Loading…</p>;
  const step = run.steps.find((s) => s.stepId === selected);
  return (
    <main className="page run-page">
      <div className="page-header">
        <h1>
          Run <span className="mono">{run.id}</span> <StatusBadge status={run.status} />
        </h1>
        {can(props.scope, 'run') && ACTIVE.has(run.status) ? (
          <button
            type="button"
            className="danger"
            disabled={cancelling || run.cancelRequested}
            onClick={() => {
              setCancelling(true);
              api.cancel(run.id).then(
                (r) => setRun(r.run),
                (e: Error) => setError(e),
              );
            }}
          >
            {run.cancelRequested || cancelling ? 'Cancelling…' : 'Cancel run'}
          </button>
        ) : null}
      </div>
      <dl className="facts">
        <div>
          <dt>workflow</dt>
          <dd>
            <a
              href={href({
                page: 'editor',
                name: run.workflow,
                ...(run.version ? { version: run.version } : {}),
              })}
            >
              {run.workflow}
            </a>{' '}
            {run.version !== null ? `v${run.version}` : '(inline document)'}
          </dd>
        </div>
        <div>
          <dt>trigger</dt>
          <dd>
            {run.trigger}
            {run.nominalAt ? ` for ${localTime(run.nominalAt)}` : ''}
          </dd>
        </div>
        <div>
          <dt>attempt</dt>
          <dd>
            {run.attempt}
            {run.retryOf ? (
              <>
                {' '}
                (retry of <a href={href({ page: 'run', id: run.retryOf })}>{run.retryOf}</a>)
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>connection</dt>
          <dd>
            {run.connection} ({run.dialect})
          </dd>
        </div>
        <div>
          <dt>created</dt>
          <dd>{localTime(run.createdAt)}</dd>
        </div>
        <div>
          <dt>duration</dt>
          <dd data-testid="run-duration">{duration(between(run.startedAt, run.finishedAt, now))}</dd>
        </div>
        <div>
          <dt>params</dt>
          <dd className="mono">{Object.keys(run.params).length ? JSON.stringify(run.params) : '—'}</dd>
        </div>
      </dl>
      {run.error ? <FailureBox failure={run.error} title="The run failed" /> : null}
      <h2>Timeline</h2>
      <Gantt
        steps={run.steps}
        start={run.startedAt}
        end={run.finishedAt}
        now={now}
        selected={selected}
        onSelect={setSelected}
      />
      <h2>Steps</h2>
      <table className="list steps" data-testid="run-steps">
        <thead>
          <tr>
            <th scope="col">step</th>
            <th scope="col">kind</th>
            <th scope="col">status</th>
            <th scope="col">attempts</th>
            <th scope="col">warehouse query id</th>
            <th scope="col">rows</th>
            <th scope="col">bytes</th>
            <th scope="col">duration</th>
          </tr>
        </thead>
        <tbody>
          {run.steps.map((s) => (
            <tr
              key={s.stepId}
              className={selected === s.stepId ? 'selected' : ''}
              onClick={() => setSelected(s.stepId)}
            >
              <td>
                <button
                  type="button"
                  className="link mono"
                  onClick={() => setSelected(s.stepId)}
                  title={s.purpose}
                >
                  {s.stepId}
                </button>
              </td>
              <td>{s.kind}</td>
              <td>
                <StatusBadge status={s.status} />
                {s.reusedFrom ? (
                  <>
                    {' '}
                    <a className="small" href={href({ page: 'run', id: s.reusedFrom })}>
                      reused from run {s.reusedFrom}
                    </a>
                  </>
                ) : null}
              </td>
              <td className="num">
                {s.attempts}/{s.maxAttempts}
              </td>
              <td className="mono small">{s.queryId ?? '—'}</td>
              <td className="num">{count(s.rows)}</td>
              <td className="num">{bytes(s.bytes)}</td>
              <td className="num">{duration(between(s.startedAt, s.finishedAt, now))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {step ? <StepDetails step={step} logs={logs.filter((l) => l.stepId === step.stepId)} /> : null}
      <h2>Logs</h2>
      <ol className="logs" aria-live="polite" data-testid="run-logs">
        {logs.map((l) => (
          <li key={l.id} className={`log-${l.level}`}>
            <time>{new Date(l.at).toLocaleTimeString()}</time> <span className="level">{l.level}</span>{' '}
            {l.stepId ? <span className="mono">[{l.stepId}]</span> : null} {l.message}
          </li>
        ))}
        {logs.length === 0 ? <li className="muted">No log lines yet.</li> : null}
      </ol>
      {run.lineage.length ? (
        <>
          <h2>Column lineage of the outputs</h2>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">output table</th>
                <th scope="col">column</th>
                <th scope="col">from</th>
              </tr>
            </thead>
            <tbody>
              {run.lineage.map((l, i) => (
                <tr key={i}>
                  <td className="mono">{l.outputTable}</td>
                  <td className="mono">{l.column}</td>
                  <td className="mono">{l.sourceTable ? `${l.sourceTable}.${l.sourceColumn}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </main>
  );
}

function StepDetails({ step, logs }: { step: RunStep; logs: LogRecord[] }) {
  return (
    <section className="step-details" aria-label={`step ${step.stepId}`}>
      <h3>
        Step <span className="mono">{step.stepId}</span>
      </h3>
      <p>{step.purpose}</p>
      {step.target ? (
        <p>
          Writes <span className="mono">{step.target.table}</span> ({step.target.mode})
        </p>
      ) : null}
      {step.dependsOn.length ? <p className="muted">After {step.dependsOn.join(', ')}</p> : null}
      {step.attempts > 1 ? (
        <p>
          {step.attempts} attempts of {step.maxAttempts}: retried after transient errors (see its log lines).
        </p>
      ) : null}
      {step.lastError ? (
        <FailureBox failure={step.lastError} title={step.status === 'failed' ? 'It failed' : 'Last error'} />
      ) : null}
      {logs.length ? <p className="muted">{logs.length} log line(s) below are about this step.</p> : null}
    </section>
  );
}

function FailureBox({ failure, title }: { failure: Failure; title: string }) {
  return (
    <div className="error-box failure" role="alert" data-testid="run-failure">
      <strong>{title}</strong>: <span className="code">{failure.code}</span>
      {failure.warehouseCode ? <span className="code"> {failure.warehouseCode}</span> : null}
      {failure.step ? <span className="muted"> in step {failure.step}</span> : null}
      <p className="warehouse-message">{failure.message}</p>
      {failure.hint ? <p className="hint">{failure.hint}</p> : null}
      {failure.queryId ? <p className="muted">query id {failure.queryId}</p> : null}
      {failure.sql ? (
        <details open>
          <summary>The failing SQL</summary>
          <pre className="sql">{failure.sql}</pre>
        </details>
      ) : null}
    </div>
  );
}
