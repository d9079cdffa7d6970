/**
 * A form generated from a component's config JSON Schema (./schema.ts reads it as fields). Every
 * field shows the diagnostics whose path is its own, under it; expression fields are monospaced
 * text areas; a column field suggests the input's columns.
 */
import { useId, useState, type ReactNode } from 'react';
import type { Diagnostic } from '../types.js';
import {
  convertVariant,
  emptyValue,
  formatLiteral,
  joinPath,
  newKey,
  parseLiteral,
  parseNumber,
  renameKey,
  variantIndex,
  withProp,
  type Field,
} from './schema.js';

export interface FormContext {
  /** Diagnostics by config path (`where`, `measures.revenue`, `columns[1].expr`). */
  diagnostics: Map<string, Diagnostic[]>;
  /** The input's column names, suggested in column fields. */
  columns: readonly string[];
  /** A datalist id holding `columns`. */
  columnsListId?: string;
}

interface Props {
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  path: string;
  label: string;
  required?: boolean;
  ctx: FormContext;
}

export function SchemaForm(props: {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FormContext;
}) {
  const listId = useId();
  const ctx = { ...props.ctx, columnsListId: listId };
  return (
    <div className="schema-form">
      <datalist id={listId}>
        {props.ctx.columns.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <FieldView
        field={props.field}
        value={props.value}
        onChange={props.onChange}
        path=""
        label="config"
        required
        ctx={ctx}
      />
    </div>
  );
}

function Diagnostics({ list, id }: { list: Diagnostic[] | undefined; id: string }) {
  if (!list?.length) return null;
  return (
    <ul className="field-diagnostics" id={id} role="alert">
      {list.map((d, i) => (
        <li key={i} className={d.severity}>
          <span className="code">{d.code}</span> {d.message}
          {d.span ? <span className="where"> (column {d.span.column})</span> : null}
          {d.hint ? <div className="hint">{d.hint}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function Labelled(props: {
  id: string;
  label: string;
  required?: boolean;
  field: Field;
  children: ReactNode;
  diags?: Diagnostic[];
  inline?: boolean;
}) {
  const { field } = props;
  return (
    <div className={`field field-${field.kind}${props.inline ? ' inline' : ''}`}>
      <label htmlFor={props.id}>
        {props.label}
        {props.required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
        {field.kind === 'text' && field.expression ? (
          <span className="badge" title={`accepts ${field.expression.join(', ')} functions`}>
            expression
          </span>
        ) : null}
      </label>
      {props.children}
      {field.description ? <div className="description">{field.description}</div> : null}
      <Diagnostics list={props.diags} id={`${props.id}-diagnostics`} />
    </div>
  );
}

function FieldView(p: Props): ReactNode {
  const { field, value, onChange, path, ctx } = p;
  const id = `f-${useId().replace(/:/g, '')}`;
  const diags = ctx.diagnostics.get(path);
  const invalid = diags?.some((d) => d.severity === 'error') ?? false;
  const describedBy = diags?.length ? `${id}-diagnostics` : undefined;
  const aria = { 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy };
  const optional = !p.required;

  switch (field.kind) {
    case 'text': {
      const text = typeof value === 'string' ? value : '';
      const set = (t: string) => onChange(t === '' && optional ? undefined : t);
      return (
        <Labelled id={id} label={p.label} required={p.required} field={field} diags={diags}>
          {field.expression ? (
            <textarea
              id={id}
              className="expr"
              rows={Math.min(6, Math.max(1, text.split('\n').length))}
              spellCheck={false}
              value={text}
              onChange={(e) => set(e.target.value)}
              {...aria}
            />
          ) : (
            <input
              id={id}
              type="text"
              value={text}
              spellCheck={false}
              list={field.column ? ctx.columnsListId : undefined}
              onChange={(e) => set(e.target.value)}
              {...aria}
            />
          )}
        </Labelled>
      );
    }
    case 'enum':
      return (
        <Labelled id={id} label={p.label} required={p.required} field={field} diags={diags} inline>
          <select
            id={id}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
            {...aria}
          >
            {optional ? (
              <option value="">
                {field.default !== undefined ? `(default: ${String(field.default)})` : '—'}
              </option>
            ) : null}
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </Labelled>
      );
    case 'number':
      return <NumberField {...p} id={id} aria={aria} diags={diags} field={field} />;
    case 'boolean':
      return (
        <Labelled id={id} label={p.label} required={p.required} field={field} diags={diags} inline>
          <input
            id={id}
            type="checkbox"
            checked={value === true || (value === undefined && field.default === true)}
            onChange={(e) =>
              onChange(
                optional && e.target.checked === (field.default ?? false) ? undefined : e.target.checked,
              )
            }
            {...aria}
          />
        </Labelled>
      );
    case 'const':
      return (
        <Labelled id={id} label={p.label} required={p.required} field={field} diags={diags} inline>
          <output id={id}>{JSON.stringify(field.value)}</output>
        </Labelled>
      );
    case 'literal':
      return (
        <Labelled id={id} label={p.label} required={p.required} field={field} diags={diags}>
          <input
            id={id}
            type="text"
            value={formatLiteral(value)}
            placeholder={field.types.join(' | ')}
            onChange={(e) => onChange(parseLiteral(e.target.value, field.types))}
            {...aria}
          />
        </Labelled>
      );
    case 'list':
      return <ListField {...p} field={field} id={id} diags={diags} />;
    case 'map':
      return <MapField {...p} field={field} id={id} diags={diags} />;
    case 'object':
      return <ObjectField {...p} field={field} id={id} diags={diags} />;
    case 'union': {
      const i = variantIndex(field, value);
      const variant = field.variants[i]!;
      return (
        <div className="field field-union">
          <div className="union-switch" role="radiogroup" aria-label={`${p.label}: kind`}>
            {field.variants.map((v, j) => (
              <button
                type="button"
                key={j}
                role="radio"
                aria-checked={i === j}
                className={i === j ? 'on' : ''}
                onClick={() => onChange(convertVariant(value, v.field))}
              >
                {v.label}
              </button>
            ))}
          </div>
          <FieldView
            {...p}
            field={{
              ...variant.field,
              ...(field.description && !variant.field.description ? { description: field.description } : {}),
            }}
          />
        </div>
      );
    }
    case 'json':
      return <JsonField {...p} id={id} diags={diags} />;
  }
}

function NumberField(
  p: Props & {
    id: string;
    aria: object;
    diags: Diagnostic[] | undefined;
    field: Extract<Field, { kind: 'number' }>;
  },
) {
  const [text, setText] = useState<string | undefined>(undefined);
  const shown = text ?? (typeof p.value === 'number' ? String(p.value) : '');
  return (
    <Labelled id={p.id} label={p.label} required={p.required} field={p.field} diags={p.diags} inline>
      <input
        id={p.id}
        type="number"
        step={p.field.integer ? 1 : 'any'}
        min={p.field.minimum}
        max={p.field.maximum}
        value={shown}
        placeholder={p.field.default !== undefined ? String(p.field.default) : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const n = parseNumber(e.target.value, p.field.integer);
          if (n !== undefined || e.target.value === '') p.onChange(n);
        }}
        onBlur={() => setText(undefined)}
        {...p.aria}
      />
    </Labelled>
  );
}

function ListField(
  p: Props & { field: Extract<Field, { kind: 'list' }>; id: string; diags: Diagnostic[] | undefined },
) {
  const list = Array.isArray(p.value) ? p.value : [];
  const set = (next: unknown[]) => p.onChange(next.length === 0 && !p.required ? undefined : next);
  const move = (i: number, d: number) => {
    const next = [...list];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x);
    set(next);
  };
  return (
    <fieldset className="field field-list">
      <legend>
        {p.label}
        {p.required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </legend>
      {p.field.description ? <div className="description">{p.field.description}</div> : null}
      <Diagnostics list={p.diags} id={`${p.id}-diagnostics`} />
      <ol>
        {list.map((item, i) => (
          <li key={i}>
            <FieldView
              field={p.field.item}
              value={item}
              onChange={(v) => set(list.map((x, j) => (j === i ? v : x)))}
              path={joinPath(p.path, i)}
              label={`${p.label} ${i + 1}`}
              required
              ctx={p.ctx}
            />
            <div className="item-actions">
              <button
                type="button"
                aria-label={`move ${p.label} ${i + 1} up`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`move ${p.label} ${i + 1} down`}
                disabled={i === list.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                aria-label={`remove ${p.label} ${i + 1}`}
                onClick={() => set(list.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </div>
          </li>
        ))}
      </ol>
      <button type="button" className="add" onClick={() => set([...list, emptyValue(p.field.item)])}>
        + add {p.label}
      </button>
    </fieldset>
  );
}

function MapField(
  p: Props & { field: Extract<Field, { kind: 'map' }>; id: string; diags: Diagnostic[] | undefined },
) {
  const map =
    p.value && typeof p.value === 'object' && !Array.isArray(p.value)
      ? (p.value as Record<string, unknown>)
      : {};
  const entries = Object.entries(map);
  const set = (next: Record<string, unknown>) =>
    p.onChange(Object.keys(next).length === 0 && !p.required ? undefined : next);
  return (
    <fieldset className="field field-map">
      <legend>
        {p.label}
        {p.required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </legend>
      {p.field.description ? <div className="description">{p.field.description}</div> : null}
      <Diagnostics list={p.diags} id={`${p.id}-diagnostics`} />
      {entries.map(([key, v], i) => (
        <div className="map-entry" key={i}>
          <KeyInput
            value={key}
            label={`${p.label}: name of entry ${i + 1}`}
            columnsListId={p.ctx.columnsListId}
            onRename={(k) => set(renameKey(map, key, k))}
          />
          <FieldView
            field={p.field.value}
            value={v}
            onChange={(nv) => set({ ...map, [key]: nv })}
            path={joinPath(p.path, key)}
            label={key}
            required
            ctx={p.ctx}
          />
          <button
            type="button"
            aria-label={`remove ${key}`}
            onClick={() => {
              const { [key]: _gone, ...rest } = map;
              set(rest);
            }}
          >
            ✕
          </button>
        </div>
      ))}
      <button
        type="button"
        className="add"
        onClick={() => set({ ...map, [newKey(map)]: emptyValue(p.field.value) })}
      >
        + add entry
      </button>
    </fieldset>
  );
}

/** A map key, renamed when the edit is done (a key typed letter by letter would reorder nothing, but
 * each keystroke would be a rename). */
function KeyInput(p: {
  value: string;
  label: string;
  columnsListId?: string | undefined;
  onRename: (k: string) => void;
}) {
  const [text, setText] = useState<string | undefined>(undefined);
  const commit = () => {
    if (text !== undefined && text.trim() !== '' && text !== p.value) p.onRename(text.trim());
    setText(undefined);
  };
  return (
    <input
      className="map-key"
      aria-label={p.label}
      value={text ?? p.value}
      list={p.columnsListId}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

function ObjectField(
  p: Props & { field: Extract<Field, { kind: 'object' }>; id: string; diags: Diagnostic[] | undefined },
) {
  const o =
    p.value && typeof p.value === 'object' && !Array.isArray(p.value)
      ? (p.value as Record<string, unknown>)
      : {};
  const top = p.path === '';
  const body = (
    <>
      {!top && p.field.description ? <div className="description">{p.field.description}</div> : null}
      <Diagnostics list={p.diags} id={`${p.id}-diagnostics`} />
      {p.field.props.map(({ name, field, required }) => {
        const present = name in o;
        const structured =
          field.kind === 'object' || field.kind === 'list' || field.kind === 'map' || field.kind === 'json';
        if (!required && !present && structured)
          return (
            <button
              type="button"
              className="add optional"
              key={name}
              onClick={() => p.onChange(withProp(o, name, emptyValue(field)))}
              title={field.description}
            >
              + {name}
            </button>
          );
        return (
          <div className="prop" key={name}>
            <FieldView
              field={field}
              value={o[name]}
              onChange={(v) => p.onChange(withProp(o, name, v))}
              path={joinPath(p.path, name)}
              label={name}
              required={required}
              ctx={p.ctx}
            />
            {!required && present && structured ? (
              <button
                type="button"
                className="remove-optional"
                onClick={() => p.onChange(withProp(o, name, undefined))}
              >
                remove {name}
              </button>
            ) : null}
          </div>
        );
      })}
    </>
  );
  if (top) return <div className="field field-object top">{body}</div>;
  return (
    <fieldset className="field field-object">
      <legend>{p.label}</legend>
      {body}
    </fieldset>
  );
}

function JsonField(p: Props & { id: string; diags: Diagnostic[] | undefined }) {
  const [text, setText] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const shown = text ?? (p.value === undefined ? '' : JSON.stringify(p.value, null, 1));
  return (
    <Labelled id={p.id} label={`${p.label} (JSON)`} required={p.required} field={p.field} diags={p.diags}>
      <textarea
        id={p.id}
        className="json"
        rows={Math.min(10, Math.max(2, shown.split('\n').length))}
        spellCheck={false}
        value={shown}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(undefined);
            p.onChange(undefined);
            return;
          }
          try {
            p.onChange(JSON.parse(e.target.value));
            setError(undefined);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
        onBlur={() => {
          if (!error) setText(undefined);
        }}
        aria-invalid={error ? true : undefined}
      />
      {error ? <div className="field-error">{error}</div> : null}
    </Labelled>
  );
}
