/** Start a run of a saved workflow with typed parameter values (the document's `params`). */
import { useState } from 'react';
import { ErrorBox } from './inspector/preview.js';
import type { WorkflowDoc } from './types.js';

type ParamSpec = NonNullable<WorkflowDoc['params']>[string];

/** An input's text as the parameter's value; undefined leaves the declared default. */
export function paramValue(spec: ParamSpec, text: string, checked: boolean): unknown {
  switch (spec.type) {
    case 'boolean':
      return checked;
    case 'number':
    case 'integer':
      return text.trim() === '' ? undefined : Number(text);
    case 'timestamp':
      // datetime-local gives "2025-01-31T10:00[:00]"; the format wants "2025-01-31 10:00:00".
      return text === '' ? undefined : `${text.replace('T', ' ')}${/T\d\d:\d\d$/.test(text) ? ':00' : ''}`;
    default:
      return text === '' ? undefined : text;
  }
}

function inputType(type: string): string {
  return type === 'number' || type === 'integer'
    ? 'number'
    : type === 'date'
      ? 'date'
      : type === 'timestamp'
        ? 'datetime-local'
        : type === 'boolean'
          ? 'checkbox'
          : 'text';
}

export function RunDialog(props: {
  doc: WorkflowDoc;
  version: number | undefined;
  dirty: boolean;
  onRun: (params: Record<string, unknown>) => Promise<void>;
  onClose: () => void;
}) {
  const params = Object.entries(props.doc.params ?? {});
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      params.map(([k, s]) => [
        k,
        s.default === undefined || s.type === 'boolean' ? '' : String(s.default).replace(' ', 'T'),
      ]),
    ),
  );
  const [checks, setChecks] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(params.map(([k, s]) => [k, s.default === true])),
  );
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-dialog-title"
        onSubmit={(e) => {
          e.preventDefault();
          const values: Record<string, unknown> = {};
          for (const [k, s] of params) {
            const v = paramValue(s, texts[k] ?? '', checks[k] ?? false);
            if (v !== undefined) values[k] = v;
          }
          setBusy(true);
          props.onRun(values).catch((err: Error) => {
            setError(err);
            setBusy(false);
          });
        }}
      >
        <h2 id="run-dialog-title">Run {props.doc.name}</h2>
        <p className="muted">
          Runs the saved version {props.version ?? '—'} in the warehouse and writes its outputs.
          {props.dirty ? ' Your unsaved changes are not part of it: save first to run them.' : ''}
        </p>
        {params.length === 0 ? <p className="muted">This workflow has no parameters.</p> : null}
        {params.map(([k, s]) => (
          <div className="field" key={k}>
            <label htmlFor={`param-${k}`}>
              {k} <span className="type">{s.type}</span>
            </label>
            {s.type === 'boolean' ? (
              <input
                id={`param-${k}`}
                type="checkbox"
                checked={checks[k] ?? false}
                onChange={(e) => setChecks({ ...checks, [k]: e.target.checked })}
              />
            ) : (
              <input
                id={`param-${k}`}
                type={inputType(s.type)}
                step={
                  s.type === 'integer'
                    ? 1
                    : s.type === 'timestamp'
                      ? 1
                      : s.type === 'number'
                        ? 'any'
                        : undefined
                }
                value={texts[k] ?? ''}
                placeholder={s.default === undefined ? 'required' : `default ${String(s.default)}`}
                onChange={(e) => setTexts({ ...texts, [k]: e.target.value })}
              />
            )}
            {s.description ? <div className="description">{s.description}</div> : null}
          </div>
        ))}
        {error ? <ErrorBox error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || props.version === undefined}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
    </div>
  );
}
