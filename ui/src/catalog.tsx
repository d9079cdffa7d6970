/** The component catalog, searchable, with each component's documentation and an Add button. */
import { useMemo, useState } from 'react';
import { categoryColor } from './canvas/colors.js';
import type { ComponentDoc } from './types.js';

export function Catalog(props: {
  components: readonly ComponentDoc[];
  onAdd?: (c: ComponentDoc) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  const found = useMemo(() => {
    const q = query.trim().toLowerCase();
    return props.components.filter(
      (c) =>
        !q ||
        c.id.includes(q) ||
        c.summary.toLowerCase().includes(q) ||
        c.category.includes(q) ||
        c.description.toLowerCase().includes(q),
    );
  }, [props.components, query]);
  const categories = [...new Set(found.map((c) => c.category))];
  return (
    <aside className="catalog" aria-label="component catalog">
      <header>
        <h2>Components</h2>
        <button type="button" className="icon" aria-label="close the catalog" onClick={props.onClose}>
          ✕
        </button>
      </header>
      <input
        type="search"
        placeholder="Search components…"
        aria-label="search components"
        value={query}
        autoFocus
        onChange={(e) => setQuery(e.target.value)}
      />
      {categories.map((cat) => (
        <section key={cat}>
          <h3 style={{ color: categoryColor(cat) }}>{cat}</h3>
          <ul>
            {found
              .filter((c) => c.category === cat)
              .map((c) => (
                <li key={c.id} className={open === c.id ? 'open' : ''}>
                  <div className="catalog-item">
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open === c.id}
                      onClick={() => setOpen(open === c.id ? undefined : c.id)}
                    >
                      <span className="mono">{c.id}</span>
                      <span className="muted"> {c.summary}</span>
                    </button>
                    {props.onAdd ? (
                      <button
                        type="button"
                        className="add"
                        aria-label={`add ${c.id}`}
                        data-testid={`add-${c.id}`}
                        onClick={() => props.onAdd!(c)}
                      >
                        Add
                      </button>
                    ) : null}
                  </div>
                  {open === c.id ? <ComponentDocs c={c} /> : null}
                </li>
              ))}
          </ul>
        </section>
      ))}
      {found.length === 0 ? <p className="muted">No component matches “{query}”.</p> : null}
    </aside>
  );
}

function ComponentDocs({ c }: { c: ComponentDoc }) {
  const props =
    (c.configSchema as
      { properties?: Record<string, { description?: string }>; required?: string[] } | undefined) ?? {};
  return (
    <div className="component-docs">
      <p>{c.description}</p>
      <p>
        <strong>Ports:</strong> {c.inputs.map((p) => `${p.name}${p.many ? '[]' : ''}`).join(', ') || '—'} →{' '}
        {c.outputs.map((p) => p.name).join(', ') || '—'}
      </p>
      <dl>
        {Object.entries(props.properties ?? {}).map(([k, v]) => (
          <div key={k}>
            <dt className="mono">
              {k}
              {props.required?.includes(k) ? ' *' : ''}
            </dt>
            <dd>{v.description ?? ''}</dd>
          </div>
        ))}
      </dl>
      <p>
        <strong>Example</strong> — {c.example.title}
      </p>
      <pre className="json">{JSON.stringify(c.example.node, null, 1)}</pre>
      <p className="muted">{c.dialects.map((d) => `${d.dialect}: ${d.supported ? '✓' : '✗'}`).join(' · ')}</p>
    </div>
  );
}
