import { z } from 'zod';
import { findColumn } from '../expr/resolve.js';
import { lowerName, type Column, type ColumnOrigin } from '../schema/relation.js';
import { commonType, formatType, sameType, type PortableType } from '../schema/types.js';
import type { Query, SqlExpr } from '../sql/ast.js';
import { defineComponent } from './component.js';
import { checkKeyColumns, col, selectItem } from './shapes.js';

export const union = defineComponent({
  id: 'union',
  category: 'combine',
  summary: 'Stacks the rows of several inputs.',
  description:
    'By position by default: every input has the same number of columns with compatible types, and the names ' +
    'of the first input are used. With `byName`, columns are matched by name (case-insensitively) and a column ' +
    'missing from an input is null there. `mode: distinct` removes duplicate rows. Types are widened to a ' +
    'common type (int + double → double); text and numbers do not mix.',
  inputs: [{ name: 'in', description: 'two or more inputs', many: true }],
  outputs: [{ name: 'out', description: 'all rows' }],
  config: z.strictObject({
    mode: z.enum(['all', 'distinct']).default('all'),
    byName: z.boolean().default(false).describe('align columns by name and fill missing ones with null'),
  }),
  example: {
    title: 'Online and in-store orders together',
    inputs: { in: ['orders', 'orders'] },
    config: { mode: 'all', byName: true },
  },
  dialectNotes: { bigquery: 'UNION DISTINCT / UNION ALL' },
  analyze(ctx) {
    const rels = ctx.inputs['in'] ?? [];
    if (rels.length < 2)
      ctx.warn('INVALID_VALUE', 'a union of one input is that input', {
        hint: 'add another input, or remove the union',
      });
    const first = rels[0]!;
    // names[i] and types[i] of the output; pick[r][i] is input r's column for output i (or none).
    let names: string[];
    const pick: Array<Array<Column | undefined>> = [];
    if (ctx.config.byName) {
      names = [];
      // The names so far, lower-cased: a set, not a scan of the names per column.
      const seen = new Set<string>();
      for (const r of rels)
        for (const c of r.schema.columns) {
          const lower = lowerName(c.name);
          if (seen.has(lower)) continue;
          seen.add(lower);
          names.push(c.name);
        }
      for (const r of rels)
        pick.push(
          names.map((n) => {
            const c = findColumn(r.schema.columns, n);
            return c === 'ambiguous' ? undefined : c;
          }),
        );
    } else {
      names = first.schema.columns.map((c) => c.name);
      let ok = true;
      for (let i = 0; i < rels.length; i++) {
        const r = rels[i]!;
        if (r.schema.columns.length !== names.length) {
          ctx.error(
            'TYPE_MISMATCH',
            `input ${i + 1} ("${r.ref.node}") has ${r.schema.columns.length} columns but input 1 has ${names.length}`,
            {
              hint: 'select the same columns in each input, or set "byName": true',
            },
          );
          ok = false;
        }
        pick.push(r.schema.columns.slice(0, names.length));
      }
      if (!ok) return undefined;
    }
    // Loops rather than callbacks: a callback reading ctx would keep the context alive as long as
    // the build closure, which shares its scope.
    const types: PortableType[] = [];
    let ok = true;
    for (let i = 0; i < names.length; i++) {
      let t: PortableType = { kind: 'null' };
      for (let r = 0; r < pick.length; r++) {
        const c = pick[r]![i];
        if (!c) continue;
        const next = commonType(t, c.type);
        if (!next) {
          ctx.error(
            'TYPE_MISMATCH',
            `column "${names[i]}" is ${formatType(t)} in one input and ${formatType(c.type)} in input ${r + 1} ("${rels[r]!.ref.node}")`,
            {
              hint: 'cast it to one type in each input',
            },
          );
          ok = false;
        } else t = next;
      }
      types.push(t);
    }
    if (!ok) return undefined;
    // Lists made at their size: they are kept with the analysis (one grown by push keeps 16
    // spare slots).
    const columns = new Array<Column>(names.length);
    for (let i = 0; i < names.length; i++) {
      const from = new Array<ColumnOrigin>(pick.length);
      let found = 0;
      for (let r = 0; r < pick.length; r++) {
        const c = pick[r]![i];
        if (c) from[found++] = { node: rels[r]!.ref.node, port: rels[r]!.ref.port, column: c.name };
      }
      from.length = found;
      columns[i] = { name: names[i]!, type: types[i]!, from };
    }
    if (!ctx.checkUnique(columns)) return undefined;
    if (
      ctx.config.mode === 'distinct' &&
      !checkKeyColumns(ctx, columns, ['mode'], 'compared for a distinct union')
    )
      return undefined;
    // Each output column reads its input columns (lineage); a distinct union compares whole rows.
    const distinct = ctx.config.mode === 'distinct';
    return {
      outputs: { out: { columns } },
      reads: distinct ? { allOutputs: true } : {},
      build: (b) => {
        const wanted = names.flatMap((name, i) => (b.wants(name) ? [i] : []));
        const queries: Query[] = rels.map((_, r) => ({
          kind: 'select',
          items: wanted.map((i) => {
            const name = names[i]!;
            const c = pick[r]![i];
            const t = types[i]!;
            const e: SqlExpr = !c
              ? { k: 'lit', type: t, value: null }
              : sameType(c.type, t)
                ? col(c)
                : { k: 'cast', arg: col(c), type: t };
            return selectItem(e, name);
          }),
          from: b.input('in', r),
        }));
        return { out: { kind: 'union', all: !distinct, queries } };
      },
    };
  },
});
