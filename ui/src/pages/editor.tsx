/**
 * A workflow on the canvas, built visually: add components from the catalog, connect ports by
 * dragging, edit a node's config in its generated form, rename, delete, undo and redo. Every edit
 * is validated as you go (POST /v1/validate), and diagnostics appear on their node and field. The
 * JSON document is the source of truth and can be edited beside the canvas. Save makes a new
 * version (write scope); Run starts one with typed params (run scope).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { WorkflowCanvas } from '../canvas/canvas.js';
import { Catalog } from '../catalog.js';
import { addNode, asWorkflowDoc, removeNodes, setConfig } from '../editor/document.js';
import * as history from '../editor/history.js';
import { emptyValue, fieldOf } from '../forms/schema.js';
import { Inspector } from '../inspector/inspector.js';
import { ErrorBox } from '../inspector/preview.js';
import { RunDialog } from '../run-dialog.js';
import { href, navigate } from '../router.js';
import { can } from '../scope.js';
import type { ComponentDoc, ConnectionSummary, Scope, ValidateResult, WorkflowDoc } from '../types.js';
import { inZone } from '../format.js';

let catalogCache: Promise<ComponentDoc[]> | undefined;
export function loadComponents(): Promise<ComponentDoc[]> {
  catalogCache ??= api.components().then(
    (r) => r.components,
    (e: unknown) => {
      catalogCache = undefined;
      throw e;
    },
  );
  return catalogCache;
}

export function EditorPage(props: { name?: string; version?: number; scope: Scope }) {
  const [loaded, setLoaded] = useState<
    | {
        doc: WorkflowDoc;
        version?: number;
        schedule?: { cron: string; timezone: string; nextFireAt: string | null } | null;
      }
    | undefined
  >();
  const [loadError, setLoadError] = useState<Error | undefined>();
  const [components, setComponents] = useState<ComponentDoc[]>([]);
  const [connections, setConnections] = useState<ConnectionSummary[]>([]);

  useEffect(() => {
    setLoaded(undefined);
    setLoadError(undefined);
    void loadComponents().then(setComponents, setLoadError);
    void api.connections().then(
      (r) => setConnections(r.connections),
      () => undefined,
    );
    if (props.name === undefined) {
      setLoaded({ doc: { edgeflow: 1, name: 'new_workflow', connection: 'local', nodes: [] } });
      return;
    }
    api
      .workflow(props.name, props.version)
      .then(
        (w) =>
          setLoaded({ doc: w.document as unknown as WorkflowDoc, version: w.version, schedule: w.schedule }),
        setLoadError,
      );
  }, [props.name, props.version]);

  if (loadError) return <ErrorBox error={loadError} />;
  // The catalog gives each node its ports and category: the canvas is drawn once both are here.
  if (!loaded || components.length === 0) return <p className="loading">Loading…</p>;
  return (
    <Editor
      key={`${props.name ?? ''}@${loaded.version ?? 'new'}`}
      initial={loaded.doc}
      version={loaded.version}
      schedule={loaded.schedule ?? null}
      isNew={props.name === undefined}
      components={components}
      connections={connections}
      scope={props.scope}
    />
  );
}

interface EditorProps {
  initial: WorkflowDoc;
  version: number | undefined;
  schedule: { cron: string; timezone: string; nextFireAt: string | null } | null;
  isNew: boolean;
  components: ComponentDoc[];
  connections: ConnectionSummary[];
  scope: Scope;
}

function Editor(p: EditorProps) {
  const readOnly = !can(p.scope, 'write');
  const [h, setH] = useState(() => history.start(p.initial));
  const doc = h.present;
  const last = useRef<{ key: string; at: number } | undefined>(undefined);
  const [saved, setSaved] = useState(() => JSON.stringify(p.initial));
  const [version, setVersion] = useState(p.version);
  const [selected, setSelected] = useState<string | undefined>();
  const [validation, setValidation] = useState<ValidateResult | undefined>();
  const [validating, setValidating] = useState(false);
  const [catalogOpen, setCatalogOpen] = useState(false);
  const [jsonOpen, setJsonOpen] = useState(false);
  const [runOpen, setRunOpen] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [saveError, setSaveError] = useState<Error | undefined>();
  const [saving, setSaving] = useState(false);
  const byId = useMemo(() => new Map(p.components.map((c) => [c.id, c])), [p.components]);
  const dirty = JSON.stringify(doc) !== saved;

  /** A new document; edits of one field within a second are one undo step. */
  const commit = useCallback((next: WorkflowDoc, coalesce?: string) => {
    const now = Date.now();
    const same = coalesce !== undefined && last.current?.key === coalesce && now - last.current.at < 1000;
    last.current = coalesce ? { key: coalesce, at: now } : undefined;
    setH((cur) => (same ? { ...cur, present: next } : history.push(cur, next)));
    setMessage(undefined);
  }, []);

  // Validated as you go: the latest document, 300 ms after the last edit.
  useEffect(() => {
    const ac = new AbortController();
    const t = setTimeout(() => {
      setValidating(true);
      api
        .validate(doc, ac.signal)
        .then((r) => setValidation(r))
        .catch((e: unknown) => {
          if (!ac.signal.aborted && e instanceof ApiError) setMessage(`validation failed: ${e.message}`);
        })
        .finally(() => {
          if (!ac.signal.aborted) setValidating(false);
        });
    }, 300);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [doc]);

  const undo = useCallback(() => setH((cur) => history.undo(cur)), []);
  const redo = useCallback(() => setH((cur) => history.redo(cur)), []);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || readOnly) return;
      // Inside a text field, the browser's own undo edits the text.
      if ((e.target as HTMLElement).closest('input, textarea, select')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [undo, redo, readOnly]);

  // A selected node that an undo or a JSON edit removed is no longer selected.
  useEffect(() => {
    if (selected && !doc.nodes.some((n) => n.id === selected)) setSelected(undefined);
  }, [doc, selected]);

  const add = (c: ComponentDoc) => {
    const { doc: next, id } = addNode(doc, {
      type: c.id,
      config: (emptyValue(fieldOf(c.configSchema)) ?? {}) as Record<string, unknown>,
    });
    commit(next);
    setSelected(id);
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const r = await api.save(doc);
      setSaved(JSON.stringify(doc));
      setVersion(r.version);
      setMessage(r.created ? `Saved version ${r.version}` : `No changes: version ${r.version} is the same`);
      if (p.isNew || doc.name !== p.initial.name)
        window.history.replaceState(null, '', href({ page: 'editor', name: doc.name }));
    } catch (e) {
      setSaveError(e as Error);
    } finally {
      setSaving(false);
    }
  };

  const diagnostics = validation?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const selectedNode = doc.nodes.find((n) => n.id === selected);

  return (
    <div className="editor">
      <div className="toolbar" role="toolbar" aria-label="workflow">
        <h1>
          {doc.name}
          {version !== undefined ? (
            <span className="version">v{version}</span>
          ) : (
            <span className="version">new</span>
          )}
          {dirty ? (
            <span className="dirty" title="unsaved changes">
              • unsaved
            </span>
          ) : null}
        </h1>
        {!readOnly ? (
          <>
            <button
              type="button"
              onClick={undo}
              disabled={h.past.length === 0}
              aria-keyshortcuts="Control+Z"
              title="Undo (Ctrl+Z)"
            >
              ↶ Undo
            </button>
            <button
              type="button"
              onClick={redo}
              disabled={h.future.length === 0}
              aria-keyshortcuts="Control+Shift+Z"
              title="Redo (Ctrl+Shift+Z)"
            >
              ↷ Redo
            </button>
            <button type="button" onClick={() => setCatalogOpen(!catalogOpen)} aria-pressed={catalogOpen}>
              + Add component
            </button>
          </>
        ) : (
          <span className="muted">View only: this token's scope is “{p.scope}”.</span>
        )}
        <button type="button" onClick={() => setJsonOpen(!jsonOpen)} aria-pressed={jsonOpen}>
          {'{ }'} JSON
        </button>
        <span
          className={`status ${errors ? 'error' : warnings ? 'warning' : 'ok'}`}
          role="status"
          aria-live="polite"
          data-testid="validation-status"
        >
          {validating && !validation
            ? 'validating…'
            : errors
              ? `${errors} error${errors > 1 ? 's' : ''}`
              : warnings
                ? `valid, ${warnings} warning${warnings > 1 ? 's' : ''}`
                : 'valid'}
        </span>
        <span className="spacer" />
        {version !== undefined ? <a href={href({ page: 'runs', workflow: doc.name })}>Runs</a> : null}
        {can(p.scope, 'write') ? (
          <button
            type="button"
            className="primary"
            onClick={() => void save()}
            disabled={saving || !dirty || errors > 0}
            title={errors ? 'fix the errors first' : undefined}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
        ) : null}
        {can(p.scope, 'run') ? (
          <button type="button" onClick={() => setRunOpen(true)} disabled={version === undefined}>
            ▶ Run
          </button>
        ) : null}
      </div>
      {message ? (
        <div className="message" role="status">
          {message}
        </div>
      ) : null}
      {saveError ? <ErrorBox error={saveError} /> : null}
      <div className="workspace">
        {catalogOpen && !readOnly ? (
          <Catalog components={p.components} onAdd={add} onClose={() => setCatalogOpen(false)} />
        ) : null}
        <WorkflowCanvas
          doc={doc}
          components={byId}
          diagnostics={diagnostics}
          selected={selected}
          onSelect={setSelected}
          onChange={(d) => commit(d)}
          readOnly={readOnly}
        />
        {jsonOpen ? <JsonPane doc={doc} readOnly={readOnly} onDoc={(d) => commit(d, 'json')} /> : null}
        {selectedNode ? (
          <Inspector
            key={selectedNode.id}
            doc={doc}
            nodeId={selectedNode.id}
            component={byId.get(selectedNode.type)}
            diagnostics={diagnostics}
            lineage={validation?.lineage}
            readOnly={readOnly}
            onConfig={(config) =>
              commit(setConfig(doc, selectedNode.id, config), `config:${selectedNode.id}`)
            }
            onDoc={(d, select) => {
              commit(d);
              if (select) setSelected(select);
            }}
            onDelete={() => {
              commit(removeNodes(doc, [selectedNode.id]));
              setSelected(undefined);
            }}
          />
        ) : (
          <WorkflowPanel
            doc={doc}
            readOnly={readOnly}
            isNew={p.isNew}
            connections={p.connections}
            validation={validation}
            schedule={p.schedule}
            onDoc={(d, key) => commit(d, key)}
            onSelect={setSelected}
          />
        )}
      </div>
      {runOpen ? (
        <RunDialog
          doc={doc}
          version={version}
          dirty={dirty}
          onClose={() => setRunOpen(false)}
          onRun={async (params) => {
            const run = await api.startRun(doc.name, params);
            navigate({ page: 'run', id: run.id });
          }}
        />
      ) : null}
    </div>
  );
}

/** With no node selected: the workflow's own settings and every diagnostic. */
function WorkflowPanel(p: {
  doc: WorkflowDoc;
  readOnly: boolean;
  isNew: boolean;
  connections: ConnectionSummary[];
  validation: ValidateResult | undefined;
  schedule: EditorProps['schedule'];
  onDoc: (d: WorkflowDoc, key: string) => void;
  onSelect: (id: string) => void;
}) {
  const { doc } = p;
  const set = (key: string, value: unknown) => {
    const next: WorkflowDoc = { ...doc };
    if (value === '' || value === undefined) delete next[key];
    else next[key] = value;
    p.onDoc(next, `workflow:${key}`);
  };
  const diags = p.validation?.diagnostics ?? [];
  return (
    <aside className="inspector workflow-panel" aria-label="workflow settings">
      <h2>Workflow</h2>
      <fieldset disabled={p.readOnly}>
        <div className="field">
          <label htmlFor="wf-name">Name</label>
          <input
            id="wf-name"
            value={doc.name}
            readOnly={!p.isNew}
            onChange={(e) => set('name', e.target.value)}
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor="wf-description">Description</label>
          <textarea
            id="wf-description"
            rows={3}
            value={doc.description ?? ''}
            onChange={(e) => set('description', e.target.value)}
          />
        </div>
        <div className="field inline">
          <label htmlFor="wf-connection">Connection</label>
          <select
            id="wf-connection"
            value={doc.connection ?? 'local'}
            onChange={(e) => set('connection', e.target.value)}
          >
            {[...new Set([doc.connection ?? 'local', ...p.connections.map((c) => c.name)])].map((c) => (
              <option key={c} value={c}>
                {c}
                {p.connections.find((x) => x.name === c)
                  ? ` (${p.connections.find((x) => x.name === c)!.dialect})`
                  : ''}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      <h3>Parameters</h3>
      {Object.keys(doc.params ?? {}).length ? (
        <ul className="plain">
          {Object.entries(doc.params ?? {}).map(([k, s]) => (
            <li key={k} className="mono">
              :{k} <span className="type">{s.type}</span>
              {s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None (add them in the JSON: "params").</p>
      )}
      <h3>Schedule</h3>
      {p.schedule ? (
        <p>
          <span className="mono">{p.schedule.cron}</span> in {p.schedule.timezone}; next{' '}
          {inZone(p.schedule.nextFireAt, p.schedule.timezone)}
        </p>
      ) : doc.schedule ? (
        <p className="mono">
          {doc.schedule.cron} {doc.schedule.timezone ?? 'UTC'} (in force once saved)
        </p>
      ) : (
        <p className="muted">Not scheduled.</p>
      )}
      <h3>Diagnostics</h3>
      {diags.length === 0 ? (
        <p className="muted">{p.validation ? 'None: the workflow is valid.' : 'Validating…'}</p>
      ) : null}
      <ul className="node-diagnostics">
        {diags.map((d, i) => (
          <li key={i} className={d.severity}>
            <span className="code">{d.code}</span>{' '}
            {d.nodeId ? (
              <button type="button" className="link" onClick={() => p.onSelect(d.nodeId!)}>
                {d.nodeId}
              </button>
            ) : null}{' '}
            {d.message}
            {d.hint ? <div className="hint">{d.hint}</div> : null}
          </li>
        ))}
      </ul>
      {p.validation?.offlineReason ? <p className="muted">{p.validation.offlineReason}</p> : null}
    </aside>
  );
}

/** The document as JSON, editable: a valid document replaces the canvas's at once. */
function JsonPane(p: { doc: WorkflowDoc; readOnly: boolean; onDoc: (d: WorkflowDoc) => void }) {
  const [text, setText] = useState(() => JSON.stringify(p.doc, null, 2));
  const [error, setError] = useState<string | undefined>();
  const mine = useRef<WorkflowDoc | undefined>(undefined);
  // An edit made elsewhere (canvas, form, undo) is shown; this pane's own edit is left as typed.
  useEffect(() => {
    if (p.doc !== mine.current) {
      setText(JSON.stringify(p.doc, null, 2));
      setError(undefined);
    }
  }, [p.doc]);
  return (
    <section className="json-pane" aria-label="workflow document (JSON)">
      <h2>Document</h2>
      <textarea
        spellCheck={false}
        value={text}
        readOnly={p.readOnly}
        aria-label="workflow document as JSON"
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          let parsed: unknown;
          try {
            parsed = JSON.parse(e.target.value);
          } catch (err) {
            setError((err as Error).message);
            return;
          }
          const d = asWorkflowDoc(parsed);
          if (typeof d === 'string') {
            setError(d);
            return;
          }
          setError(undefined);
          mine.current = d;
          p.onDoc(d);
        }}
      />
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  );
}
