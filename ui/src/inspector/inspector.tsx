/**
 * The selected node: its id (renamed here), its diagnostics, and four tabs — its config as a form
 * generated from the component's JSON Schema, its output columns with types and lineage, its SQL
 * for the connection's dialect (or another), and a preview of its rows.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api.js';
import { renameNode } from '../editor/document.js';
import { diagnosticsByConfigPath, fieldOf } from '../forms/schema.js';
import { SchemaForm } from '../forms/schema-form.js';
import type { CompileResult, ComponentDoc, Diagnostic, NodeLineage, WorkflowDoc } from '../types.js';
import { ErrorBox, PreviewPanel } from './preview.js';

type Tab = 'config' | 'columns' | 'sql' | 'preview';
const DIALECTS = ['duckdb', 'postgres', 'bigquery', 'snowflake', 'databricks'];

export interface InspectorProps {
  doc: WorkflowDoc;
  nodeId: string;
  component: ComponentDoc | undefined;
  diagnostics: readonly Diagnostic[];
  lineage: readonly NodeLineage[] | undefined;
  readOnly: boolean;
  onConfig: (config: Record<string, unknown>) => void;
  onDoc: (doc: WorkflowDoc, select?: string) => void;
  onDelete: () => void;
}

export function Inspector(p: InspectorProps) {
  const [tab, setTab] = useState<Tab>('config');
  const index = p.doc.nodes.findIndex((n) => n.id === p.nodeId);
  const node = p.doc.nodes[index];
  const nodeDiags = useMemo(
    () => p.diagnostics.filter((d) => d.nodeId === p.nodeId),
    [p.diagnostics, p.nodeId],
  );
  const field = useMemo(() => fieldOf(p.component?.configSchema), [p.component]);
  const byPath = useMemo(() => diagnosticsByConfigPath(nodeDiags, index), [nodeDiags, index]);
  const inputColumns = useMemo(() => {
    const names = new Set<string>();
    for (const ref of Object.values(node?.inputs ?? {}).flat()) {
      const [from, port = 'out'] = ref.split('.');
      for (const l of p.lineage ?? [])
        if (l.node === from && l.port === port) for (const c of l.columns) names.add(c.name);
    }
    return [...names];
  }, [node, p.lineage]);
  if (!node) return null;
  const others = nodeDiags.filter(
    (d) => !d.path.startsWith(`$.nodes[${index}].config`) || p.component === undefined,
  );

  return (
    <aside className="inspector" aria-label={`node ${node.id}`}>
      <header>
        <RenameField
          key={node.id}
          id={node.id}
          readOnly={p.readOnly}
          onRename={(to) => {
            const r = renameNode(p.doc, node.id, to);
            if (typeof r === 'string') return r;
            p.onDoc(r, to);
            return undefined;
          }}
        />
        <div className="node-type">
          {node.type}
          {p.component ? (
            <span className="muted"> — {p.component.summary}</span>
          ) : (
            <span className="error-text"> — unknown component</span>
          )}
        </div>
        {!p.readOnly ? (
          <button type="button" className="danger" onClick={p.onDelete}>
            Delete node
          </button>
        ) : null}
      </header>
      {others.length ? (
        <ul className="node-diagnostics" aria-label="diagnostics of this node">
          {others.map((d, i) => (
            <li key={i} className={d.severity}>
              <span className="code">{d.code}</span> {d.message}
              {d.hint ? <div className="hint">{d.hint}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <div role="tablist" className="tabs" aria-label="node details">
        {(['config', 'columns', 'sql', 'preview'] as const).map((t) => (
          <button
            key={t}
            role="tab"
            type="button"
            aria-selected={tab === t}
            className={tab === t ? 'on' : ''}
            onClick={() => setTab(t)}
            id={`tab-${t}`}
          >
            {t === 'sql' ? 'SQL' : t[0]!.toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} className="tabpanel">
        {tab === 'config' ? (
          p.component ? (
            <fieldset disabled={p.readOnly} className="config-form">
              <SchemaForm
                field={field}
                value={node.config ?? {}}
                onChange={(v) => p.onConfig((v ?? {}) as Record<string, unknown>)}
                ctx={{ diagnostics: byPath, columns: inputColumns }}
              />
            </fieldset>
          ) : (
            <pre className="json">{JSON.stringify(node.config ?? {}, null, 2)}</pre>
          )
        ) : null}
        {tab === 'columns' ? <ColumnsTab doc={p.doc} nodeId={node.id} lineage={p.lineage} /> : null}
        {tab === 'sql' ? <SqlTab doc={p.doc} nodeId={node.id} /> : null}
        {tab === 'preview' ? <PreviewPanel doc={p.doc} node={node.id} /> : null}
      </div>
    </aside>
  );
}

function RenameField(p: { id: string; readOnly: boolean; onRename: (to: string) => string | undefined }) {
  const [text, setText] = useState(p.id);
  const [error, setError] = useState<string | undefined>();
  const commit = () => {
    if (text === p.id) return;
    const e = p.onRename(text.trim());
    setError(e);
  };
  return (
    <div className="rename">
      <label htmlFor="node-id">Node id</label>
      <input
        id="node-id"
        value={text}
        readOnly={p.readOnly}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(p.id);
            setError(undefined);
          }
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'node-id-error' : undefined}
      />
      {error ? (
        <div className="field-error" id="node-id-error">
          {error}
        </div>
      ) : null}
    </div>
  );
}

function origin(o: NodeLineage['columns'][number]['from'][number]): string {
  return 'table' in o
    ? `${o.table}.${o.column}`
    : `${o.node}${o.port !== 'out' ? `.${o.port}` : ''} → ${o.column}`;
}

function ColumnsTab(p: { doc: WorkflowDoc; nodeId: string; lineage: readonly NodeLineage[] | undefined }) {
  const mine = (p.lineage ?? []).filter((l) => l.node === p.nodeId);
  const compiled = useCompile(p.doc, p.nodeId, undefined, mine.length === 0);
  if (mine.length === 0 && compiled.result?.columns)
    return (
      <ColumnTable
        port="out"
        columns={compiled.result.columns.map((c) => ({ ...c, from: [] }))}
        note="Lineage is shown once the whole workflow is valid."
      />
    );
  if (mine.length === 0)
    return compiled.error ? (
      <ErrorBox error={compiled.error} />
    ) : (
      <p className="muted">
        {compiled.loading ? 'Working out the columns…' : 'No columns: fix the errors first.'}
      </p>
    );
  return (
    <>
      {mine.map((l) => (
        <ColumnTable key={l.port} port={l.port} columns={l.columns} />
      ))}
    </>
  );
}

function ColumnTable(p: { port: string; columns: NodeLineage['columns']; note?: string }) {
  return (
    <table className="columns">
      <caption>
        {p.port === 'write' ? 'what it writes' : `port ${p.port}`}: {p.columns.length} columns
        {p.note ? ` — ${p.note}` : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">column</th>
          <th scope="col">type</th>
          <th scope="col">computed from</th>
        </tr>
      </thead>
      <tbody>
        {p.columns.map((c) => (
          <tr key={c.name}>
            <td className="mono">{c.name}</td>
            <td className="mono type">{c.type}</td>
            <td className="mono lineage">{c.from.map(origin).join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function useCompile(doc: WorkflowDoc, node: string, dialect: string | undefined, enabled = true) {
  const [state, setState] = useState<{ result?: CompileResult; error?: Error; loading: boolean }>({
    loading: enabled,
  });
  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const t = setTimeout(() => {
      api
        .compile(doc, node, dialect, ac.signal)
        .then((result) => setState({ result, loading: false }))
        .catch((error: Error) => {
          if (!ac.signal.aborted) setState({ error, loading: false });
        });
    }, 250);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [doc, node, dialect, enabled]);
  return state;
}

function SqlTab(p: { doc: WorkflowDoc; nodeId: string }) {
  const [dialect, setDialect] = useState<string>('');
  const { result, error, loading } = useCompile(p.doc, p.nodeId, dialect || undefined);
  const invalid = error instanceof ApiError && error.code === 'INVALID_WORKFLOW';
  return (
    <section className="sql-tab" aria-busy={loading}>
      <div className="panel-actions">
        <label>
          Dialect{' '}
          <select value={dialect} onChange={(e) => setDialect(e.target.value)}>
            <option value="">the connection's{result ? ` (${result.dialect})` : ''}</option>
            {DIALECTS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        {result?.catalog === 'declared' && result.offlineReason ? (
          <span className="muted">{result.offlineReason}</span>
        ) : null}
      </div>
      {error && !invalid ? <ErrorBox error={error} /> : null}
      {invalid ? <p className="muted">The SQL is shown once this node and its inputs are valid.</p> : null}
      {result?.sql ? (
        <pre className="sql" data-testid="node-sql">
          {result.sql}
        </pre>
      ) : null}
    </section>
  );
}
