/**
 * The schema-driven forms: every component's config schema (the catalog as the daemon answers it)
 * read as fields, values kept, converted and parsed as a form edits them, diagnostics placed on
 * their field, and the form rendered (react-dom/server, no browser) with its labels, expression
 * fields and the diagnostics under them.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { describeComponents } from '../../../compiler/docs.js';
import type { Diagnostic } from '../types.js';
import {
  convertVariant,
  diagnosticsByConfigPath,
  emptyValue,
  fieldOf,
  joinPath,
  matches,
  newKey,
  parseLiteral,
  parseNumber,
  renameKey,
  variantIndex,
  withProp,
  type Field,
} from './schema.js';
import { SchemaForm } from './schema-form.js';

const catalog = describeComponents();
const schemaOf = (id: string) => catalog.find((c) => c.id === id)!.configSchema;

function kinds(f: Field, out: string[] = []): string[] {
  out.push(f.kind);
  if (f.kind === 'list') kinds(f.item, out);
  if (f.kind === 'map') kinds(f.value, out);
  if (f.kind === 'object') for (const p of f.props) kinds(p.field, out);
  if (f.kind === 'union') for (const v of f.variants) kinds(v.field, out);
  return out;
}

describe('config schema → form fields', () => {
  it('reads every component of the catalog as a form, with no field left to raw JSON but a table of rows', () => {
    for (const c of catalog) {
      const f = fieldOf(c.configSchema);
      expect(f.kind, c.id).toBe('object');
      const raw = kinds(f).filter((k) => k === 'json');
      // source.values' rows are a list of lists of literals: a list of lists of literal fields.
      expect(raw, c.id).toEqual([]);
    }
  });

  it('reads a filter: one required expression field, with the function kinds it accepts', () => {
    const f = fieldOf(schemaOf('filter'));
    expect(f).toMatchObject({
      kind: 'object',
      props: [{ name: 'where', required: true, field: { kind: 'text', expression: ['scalar'] } }],
    });
  });

  it('reads an aggregate: a list of column names and a map of aggregate expressions', () => {
    const f = fieldOf(schemaOf('aggregate'));
    if (f.kind !== 'object') throw new Error('object expected');
    const byName = Object.fromEntries(f.props.map((p) => [p.name, p]));
    expect(byName['groupBy']).toMatchObject({
      required: false,
      field: { kind: 'list', item: { kind: 'text', column: true } },
    });
    expect(byName['measures']).toMatchObject({
      required: true,
      field: { kind: 'map', value: { kind: 'text', expression: ['scalar', 'aggregate'] } },
    });
  });

  it('reads enums with their default, unions of a name or an object, and integer-or-constant', () => {
    const join = fieldOf(schemaOf('join'));
    if (join.kind !== 'object') throw new Error('object expected');
    expect(join.props.find((p) => p.name === 'kind')!.field).toMatchObject({
      kind: 'enum',
      default: 'inner',
    });
    const select = join.props.find((p) => p.name === 'select')!.field;
    expect(select).toMatchObject({ kind: 'list', item: { kind: 'union' } });
    const win = fieldOf(schemaOf('window'));
    if (win.kind !== 'object') throw new Error('object expected');
    const frame = win.props.find((p) => p.name === 'frame')!.field;
    expect(frame).toMatchObject({
      kind: 'object',
      props: expect.arrayContaining([
        expect.objectContaining({ name: 'from', field: expect.objectContaining({ kind: 'union' }) }),
      ]),
    });
  });

  it('starts a new value with what is required, and the default where there is one', () => {
    expect(emptyValue(fieldOf(schemaOf('filter')))).toEqual({ where: '' });
    expect(emptyValue(fieldOf(schemaOf('aggregate')))).toEqual({ measures: {} });
    expect(emptyValue(fieldOf(schemaOf('output.table')))).toEqual({ table: '' });
    expect(emptyValue(fieldOf(schemaOf('union')))).toEqual({});
    expect(emptyValue({ kind: 'enum', options: ['a', 'b'], default: 'b' })).toBe('b');
  });
});

describe('values as the form edits them', () => {
  const sortItem = (() => {
    const f = fieldOf(schemaOf('sort'));
    if (f.kind !== 'object' || f.props[0]!.field.kind !== 'list') throw new Error('sort.by expected');
    const item = f.props[0]!.field.item;
    if (item.kind !== 'union') throw new Error('union expected');
    return item;
  })();

  it('picks the union variant that holds a value, and converts between them keeping the text', () => {
    expect(variantIndex(sortItem, 'amount')).toBe(0);
    expect(variantIndex(sortItem, { expr: 'amount', desc: true })).toBe(1);
    const asObject = convertVariant('amount', sortItem.variants[1]!.field);
    expect(asObject).toEqual({ expr: 'amount' });
    expect(matches(sortItem.variants[1]!.field, asObject)).toBe(true);
    expect(convertVariant({ expr: 'amount', desc: true }, sortItem.variants[0]!.field)).toBe('amount');
  });

  it('parses literals and numbers as typed', () => {
    expect(parseLiteral('0', ['string', 'number', 'boolean'])).toBe(0);
    expect(parseLiteral('true', ['string', 'number', 'boolean'])).toBe(true);
    expect(parseLiteral('n/a', ['string', 'number', 'boolean'])).toBe('n/a');
    expect(parseLiteral('null', ['string', 'null'])).toBe(null);
    expect(parseLiteral('null', ['string'])).toBe('null');
    expect(parseNumber('3', true)).toBe(3);
    expect(parseNumber('3.5', true)).toBeUndefined();
    expect(parseNumber('3.5', false)).toBe(3.5);
    expect(parseNumber('', false)).toBeUndefined();
  });

  it('sets and removes optional properties, renames map keys in place, finds new keys', () => {
    expect(withProp({ table: 't' }, 'mode', 'append')).toEqual({ table: 't', mode: 'append' });
    expect(withProp({ table: 't', mode: 'append' }, 'mode', undefined)).toEqual({ table: 't' });
    expect(Object.keys(renameKey({ a: 1, b: 2, c: 3 }, 'b', 'z'))).toEqual(['a', 'z', 'c']);
    expect(renameKey({ a: 1, b: 2 }, 'a', 'b')).toEqual({ a: 1, b: 2 });
    expect(newKey({ column_1: 'x' })).toBe('column_2');
  });

  it("places diagnostics on the field of the compiler's path", () => {
    expect(joinPath('', 'measures')).toBe('measures');
    expect(joinPath('measures', 'revenue')).toBe('measures.revenue');
    expect(joinPath('columns', 1)).toBe('columns[1]');
    const diags = [
      { path: '$.nodes[2].config.where', code: 'EXPR_SYNTAX' },
      { path: '$.nodes[2].config.measures.m', code: 'UNKNOWN_COLUMN' },
      { path: '$.nodes[3].config.where', code: 'EXPR_SYNTAX' },
      { path: '$.nodes[2].inputs.in', code: 'UNKNOWN_NODE' },
    ];
    const byPath = diagnosticsByConfigPath(diags, 2);
    expect([...byPath.keys()].sort()).toEqual(['measures.m', 'where']);
  });
});

describe('the rendered form', () => {
  const render = (id: string, value: unknown, diagnostics: Diagnostic[] = [], columns: string[] = []) =>
    renderToStaticMarkup(
      createElement(SchemaForm, {
        field: fieldOf(schemaOf(id)),
        value,
        onChange: () => undefined,
        ctx: { diagnostics: diagnosticsByConfigPath(diagnostics, 1), columns },
      }),
    );

  it('an expression field is a labelled text area marked as an expression, with its error under it', () => {
    const html = render('filter', { where: 'amout > 3' }, [
      {
        code: 'UNKNOWN_COLUMN',
        severity: 'error',
        message: 'column "amout" not found in input "orders"',
        hint: 'did you mean "amount"?',
        path: '$.nodes[1].config.where',
        nodeId: 'f',
        span: { start: 0, end: 5, line: 1, column: 1 },
      },
    ]);
    expect(html).toMatch(
      /<label for="([^"]+)">where<span class="required"[^>]*> \*<\/span><span class="badge"[^>]*>expression<\/span><\/label><textarea id="\1" class="expr"/,
    );
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('column &quot;amout&quot; not found in input &quot;orders&quot;');
    expect(html).toContain('did you mean &quot;amount&quot;?');
    expect(html).toMatch(
      /aria-describedby="([^"]+)"[\s\S]*<ul class="field-diagnostics" id="\1" role="alert">/,
    );
  });

  it('an aggregate has its measures as named entries and column suggestions for groupBy', () => {
    const html = render(
      'aggregate',
      { groupBy: ['store_id'], measures: { revenue: 'sum(amount)' } },
      [],
      ['store_id', 'amount'],
    );
    expect(html).toContain('<option value="store_id">');
    expect(html).toContain('value="revenue"');
    expect(html).toContain('sum(amount)');
    expect(html).toContain('+ add entry');
    expect(html).toMatch(/<legend>groupBy<\/legend>/);
  });

  it('an output has its enum with the default shown and optional lists behind a button', () => {
    const html = render('output.table', { table: 'analytics.t' });
    expect(html).toContain('(default: replace)');
    expect(html).toContain('+ keys');
    expect(html).toContain('value="analytics.t"');
  });
});
