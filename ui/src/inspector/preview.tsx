/** A node's first rows (POST /v1/preview) as a grid, and its geography columns on a small map. */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { count } from '../format.js';
import type { PreviewResult, WorkflowDoc } from '../types.js';
import { GeoMap } from './geo-map.js';

const LIMIT = 50;

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function PreviewPanel(props: { doc: WorkflowDoc; node: string }) {
  const [result, setResult] = useState<PreviewResult | undefined>();
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setError(undefined);
    api
      .preview(props.doc, props.node, LIMIT, ac.signal)
      .then((r) => setResult(r))
      .catch((e: Error) => {
        if (!ac.signal.aborted) {
          setResult(undefined);
          setError(e);
        }
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false);
      });
    return () => ac.abort();
    // The document at the time of asking: a new preview when asked again (Refresh), not per keystroke.
  }, [props.node, nonce]);

  const geo = result?.columns?.filter((c) => c.type === 'geography') ?? [];
  const total =
    result?.totalRows !== undefined
      ? `of ${count(result.totalRows)} rows`
      : result?.totalRowsMoreThan !== undefined
        ? `of more than ${count(result.totalRowsMoreThan)} rows`
        : result?.totalRowsUnknown
          ? `(total unknown: ${result.totalRowsUnknown})`
          : '';
  return (
    <section className="preview" aria-busy={loading}>
      <div className="panel-actions">
        <button type="button" onClick={() => setNonce((n) => n + 1)} disabled={loading}>
          {loading ? 'Reading…' : 'Refresh'}
        </button>
        {result ? (
          <span className="muted" data-testid="preview-count">
            {count(result.rowCount ?? 0)} rows {total}
          </span>
        ) : null}
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {geo.map((c) => (
        <GeoMap key={c.name} column={c.name} values={(result?.rows ?? []).map((r) => r[c.name])} />
      ))}
      {result?.columns ? (
        <div className="grid-wrap">
          <table className="grid" data-testid="preview-grid">
            <thead>
              <tr>
                {result.columns.map((c) => (
                  <th key={c.name} scope="col">
                    {c.name}
                    <span className="type">{c.type}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(result.rows ?? []).map((row, i) => (
                <tr key={i}>
                  {result.columns!.map((c) => {
                    const v = row[c.name];
                    return (
                      <td
                        key={c.name}
                        className={v === null ? 'null' : typeof v === 'number' ? 'num' : undefined}
                      >
                        {cellText(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function ErrorBox({ error }: { error: Error }) {
  const details =
    error instanceof ApiError
      ? (error.details as
          | { hint?: string; sql?: string; diagnostics?: Array<{ message: string; nodeId?: string }> }
          | undefined)
      : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{error instanceof ApiError ? error.code : 'Error'}</strong>: {error.message}
      {details?.hint ? <div className="hint">{details.hint}</div> : null}
      {details?.sql ? <pre className="sql">{details.sql}</pre> : null}
    </div>
  );
}
