import { z } from 'zod';
import type { ScopeRelation } from '../expr/resolve.js';
import { lowerName, nameInInput, PassedColumn, type Column, type ColumnOrigin } from '../schema/relation.js';
import { T, comparable, formatType } from '../schema/types.js';
import type { FromItem, Query, SelectItem, SqlExpr } from '../sql/ast.js';
import { defineComponent, type BuildContext, type InputRelation } from './component.js';
import { col, columnName, expression, selectItem } from './shapes.js';

const L = '_l';
const R = '_r';

const KINDS = ['inner', 'left', 'right', 'full', 'cross', 'semi', 'anti'] as const;

export const join = defineComponent({
  id: 'join',
  category: 'combine',
  summary: 'Combines two inputs on matching keys or a condition.',
  description:
    '`kind` is inner, left, right, full, cross, semi (left rows that have a match) or anti (left rows that have ' +
    'none; rows with a null key have none). Match on key pairs `on: [{"left": "customer_id", "right": "id"}]` ' +
    'or a `condition` over `left.col` and `right.col`. Keys must have comparable types. The output has all left ' +
    'columns, then all right columns, a right name that clashes getting the prefix `right_`; `select` lists ' +
    'the output columns instead (`"left.id"`, `"right.name"`, or `{"as", "expr"}`). semi and anti output the left columns.',
  inputs: [
    { name: 'left', description: 'the left rows' },
    { name: 'right', description: 'the right rows' },
  ],
  outputs: [{ name: 'out', description: 'the joined rows' }],
  config: z.strictObject({
    kind: z.enum(KINDS).default('inner').describe(KINDS.join(' | ')),
    on: z
      .array(z.strictObject({ left: columnName, right: columnName }))
      .min(1)
      .optional()
      .describe('equal key pairs'),
    condition: expression.optional().describe('a boolean expression over left.col / right.col'),
    select: z
      .array(z.union([z.string().min(1), z.strictObject({ as: z.string().min(1), expr: expression })]))
      .min(1)
      .optional()
      .describe('output columns: "left.a", "right.b", or {"as", "expr"}'),
  }),
  example: {
    title: 'Orders with their customer’s segment',
    inputs: { left: 'orders', right: 'customers' },
    config: { kind: 'left', on: [{ left: 'customer_id', right: 'customer_id' }] },
  },
  analyze(ctx) {
    const { kind, on, condition, select } = ctx.config;
    const left = ctx.input('left');
    const right = ctx.input('right');
    const label = (r: InputRelation) => `input "${r.ref.node}"`;
    const scope: ScopeRelation[] = [
      { qualifier: 'left', port: 'left', sqlAlias: L, columns: left.schema.columns, label: label(left) },
      { qualifier: 'right', port: 'right', sqlAlias: R, columns: right.schema.columns, label: label(right) },
    ];
    if (kind === 'cross') {
      if (on || condition)
        ctx.error('INVALID_VALUE', 'a cross join takes no on/condition', {
          key: [on ? 'on' : 'condition'],
          hint: 'remove it, or use kind inner',
        });
    } else if (!on && !condition) {
      ctx.error('MISSING_FIELD', `a ${kind} join needs "on" key pairs or a "condition"`, {
        hint: 'e.g. "on": [{"left": "customer_id", "right": "id"}]',
      });
      return undefined;
    } else if (on && condition) {
      ctx.error('INVALID_VALUE', 'give "on" or "condition", not both', {
        key: ['condition'],
        hint: 'put the key equality into the condition: left.a = right.b AND …',
      });
      return undefined;
    }

    const conds: SqlExpr[] = [];
    const pairs: Array<{ left: string; right: string }> = [];
    // The keys and the condition are read whatever is asked of the output.
    const always: ColumnOrigin[] = [];
    let ok = true;
    // Loops rather than forEach: a callback reading ctx would keep the context alive as long as
    // the build closure, which shares its scope.
    for (let i = 0; on && i < on.length; i++) {
      const pair = on[i]!;
      const l = ctx.column(pair.left, ['on', i, 'left'], left);
      const r = ctx.column(pair.right, ['on', i, 'right'], right);
      if (!l || !r) {
        ok = false;
        continue;
      }
      if (!comparable(l.type, r.type)) {
        ctx.error(
          'TYPE_MISMATCH',
          `join key types differ: left.${l.name} is ${formatType(l.type)}, right.${r.name} is ${formatType(r.type)}`,
          {
            key: ['on', i],
            hint: 'cast one side with a cast node so both keys have one type',
          },
        );
        ok = false;
        continue;
      }
      conds.push({ k: 'binary', op: '=', left: col(l, L), right: col(r, R), type: T.bool });
      pairs.push({ left: l.name, right: r.name });
      always.push(
        { node: left.ref.node, port: left.ref.port, column: l.name },
        { node: right.ref.node, port: right.ref.port, column: r.name },
      );
    }
    if (condition) {
      const r = ctx.expr(condition, ['condition'], scope);
      if (r) always.push(...ctx.origins(r.deps));
      if (!r) ok = false;
      else if (r.expr.type.kind !== 'bool') {
        ctx.error('TYPE_MISMATCH', 'the join condition must be true/false', { key: ['condition'] });
        ok = false;
      } else conds.push(r.expr);
    }
    if (!ok) return undefined;
    const onExpr = conds.reduce<SqlExpr | undefined>(
      (acc, c) => (acc ? { k: 'binary', op: 'and', left: acc, right: c, type: T.bool } : c),
      undefined,
    );

    const equiJoin = { kind, pairs };

    if (kind === 'semi' || kind === 'anti') {
      if (select)
        ctx.warn('INVALID_VALUE', `${kind} joins output the left columns; select is ignored`, {
          key: ['select'],
        });
      const columns = left.schema.columns;
      // `_l.*` when the left input has just the columns wanted, else the list.
      const leftItems = (b: BuildContext): SelectItem[] => {
        const wanted = columns.filter((c) => b.wants(c.name));
        return wanted.length === (b.inputColumnCount('left') ?? columns.length)
          ? [{ kind: 'star', table: L }]
          : wanted.map((c) => selectItem(col(c, L), c.name));
      };
      return {
        outputs: { out: { columns } },
        reads: { always },
        equiJoin,
        build: (b) => ({
          out: b.dialect.caps.semiJoin
            ? {
                kind: 'select',
                items: leftItems(b),
                from: {
                  kind: 'join',
                  joinType: kind,
                  left: aliased(b.input('left'), L),
                  right: aliased(b.input('right'), R),
                  on: onExpr ?? { k: 'lit', type: T.bool, value: true },
                },
              }
            : {
                kind: 'select',
                items: leftItems(b),
                from: aliased(b.input('left'), L),
                where: {
                  k: 'exists',
                  negated: kind === 'anti',
                  type: T.bool,
                  query: {
                    kind: 'select',
                    items: [selectItem({ k: 'lit', type: T.int, value: 1 }, 'one')],
                    from: aliased(b.input('right'), R),
                    ...(onExpr ? { where: onExpr } : {}),
                  },
                },
              },
        }),
      };
    }

    const items: Array<{ column: Column; expr: SqlExpr }> = [];
    // Without a select list every column is passed on: the columns are the items (the left's
    // first, each the input's own column unless renamed), their references written with the SQL.
    let passed: Column[] = [];
    if (select) {
      for (let i = 0; i < select.length; i++) {
        const item = select[i]!;
        const text = typeof item === 'string' ? item : item.expr;
        const r = ctx.expr(text, typeof item === 'string' ? ['select', i] : ['select', i, 'expr'], scope);
        if (!r) {
          ok = false;
          continue;
        }
        if (typeof item === 'string' && r.expr.k !== 'col') {
          ctx.error('INVALID_VALUE', `"${text}" is not a column`, {
            key: ['select', i],
            hint: `compute it with a name: {"as": "name", "expr": "${text}"}`,
          });
          ok = false;
          continue;
        }
        const name =
          typeof item === 'string' && r.expr.k === 'col'
            ? r.expr.name
            : ctx.newName(typeof item === 'string' ? text : item.as);
        const from = r.deps.map((d) => {
          const rel = d.port === 'left' ? left : right;
          return { node: rel.ref.node, port: rel.ref.port, column: d.column };
        });
        items.push({ column: { name, type: r.expr.type, from }, expr: r.expr });
      }
      if (!ok) return undefined;
    } else {
      // Unique by construction (each input's are, and a right name already taken is renamed), so
      // not checked again; the list is made at its size, as it is kept.
      const lefts = left.schema.columns;
      const rights = right.schema.columns;
      passed = new Array<Column>(lefts.length + rights.length);
      const taken = new Set<string>();
      for (let i = 0; i < lefts.length; i++) {
        const c = lefts[i]!;
        taken.add(lowerName(c.name));
        passed[i] = c;
      }
      for (let i = 0; i < rights.length; i++) {
        const c = rights[i]!;
        let name = c.name;
        if (taken.has(lowerName(name))) {
          name = ctx.newName(`right_${c.name}`);
          for (let n = 2; taken.has(lowerName(name)); n++) name = ctx.newName(`right_${c.name}_${n}`);
        }
        taken.add(lowerName(name));
        passed[lefts.length + i] = name === c.name ? c : new PassedColumn(name, c.type, right.ref, c.name);
      }
    }
    const columns = select ? items.map((i) => i.column) : passed;
    if (select && !ctx.checkUnique(columns, ['select'])) return undefined;
    const leftCount = left.schema.columns.length;
    return {
      outputs: { out: { columns } },
      reads: { always },
      equiJoin,
      build: (b) => {
        const from: FromItem = {
          kind: 'join',
          joinType: kind,
          left: aliased(b.input('left'), L),
          right: aliased(b.input('right'), R),
          ...(onExpr ? { on: onExpr } : {}),
        };
        const selected = select
          ? items.filter((i) => b.wants(i.column.name)).map((i) => selectItem(i.expr, i.column.name))
          : passed.flatMap((c, i) =>
              b.wants(c.name)
                ? [
                    i < leftCount
                      ? selectItem(col(c, L), c.name)
                      : selectItem(col({ name: nameInInput(c, right.ref), type: c.type }, R), c.name),
                  ]
                : [],
            );
        const q: Query = { kind: 'select', items: selected, from };
        return { out: q };
      },
    };
  },
});

function aliased(f: FromItem, alias: string): FromItem {
  if (f.kind === 'ref' || f.kind === 'table') return { ...f, alias };
  return { kind: 'subquery', query: { kind: 'select', items: [{ kind: 'star' }], from: f }, alias };
}
