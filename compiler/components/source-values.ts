import { z } from 'zod';
import type { Column } from '../schema/relation.js';
import { formatType, type PortableType } from '../schema/types.js';
import type { Query, SqlExpr } from '../sql/ast.js';
import { isValidDate, isValidTimestamp } from '../expr/parser.js';
import { defineComponent, type AnalyzeContext, type ConfigKey } from './component.js';
import { columnDecl, declaredType, selectItem } from './shapes.js';

type Json = string | number | boolean | null;

/**
 * A JSON value as a typed SQL literal of `type`, or a message saying why it does not fit.
 * Shared by source.values and fill_nulls.
 */
export function jsonLiteral(value: unknown, type: PortableType): SqlExpr | string {
  if (value === null) return { k: 'lit', type, value: null };
  const bad = `${JSON.stringify(value)} is not a ${formatType(type)}`;
  switch (type.kind) {
    case 'int':
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value) ? { k: 'lit', type, value } : bad;
    case 'double':
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? { k: 'lit', type, value } : bad;
    case 'string':
      return typeof value === 'string'
        ? value.includes('\u0000')
          ? 'text cannot contain NUL'
          : { k: 'lit', type, value }
        : `${bad}; quote it as "…"`;
    case 'bool':
      return typeof value === 'boolean' ? { k: 'lit', type, value } : bad;
    case 'date':
      return typeof value === 'string' && isValidDate(value)
        ? { k: 'lit', type, value }
        : `${bad} (write "YYYY-MM-DD")`;
    case 'timestamp':
    case 'timestamptz':
      return typeof value === 'string' && isValidTimestamp(value)
        ? { k: 'lit', type, value }
        : `${bad} (write "YYYY-MM-DD HH:MM:SS")`;
    default:
      return typeof value === 'string' ? { k: 'lit', type, value } : bad;
  }
}

export const sourceValues = defineComponent({
  id: 'source.values',
  category: 'source',
  summary: 'A small table written inline: lookup lists, mappings, test data.',
  description:
    'Rows given in the workflow itself. Every value is a JSON literal checked against its column type ' +
    '(dates and timestamps as "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS" text); null is allowed anywhere. ' +
    'Meant for tens or hundreds of rows; load larger data into the warehouse.',
  inputs: [],
  outputs: [{ name: 'out', description: 'the rows given' }],
  config: z.strictObject({
    columns: z.array(columnDecl).min(1).describe('[{"name", "type"}]'),
    rows: z
      .array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])))
      .max(10_000)
      .describe('rows of JSON values, one per column'),
  }),
  example: {
    title: 'Region names by code',
    config: {
      columns: [
        { name: 'code', type: 'string' },
        { name: 'region', type: 'string' },
      ],
      rows: [
        ['N', 'North'],
        ['S', 'South'],
      ],
    },
  },
  analyze(ctx) {
    const types = ctx.config.columns.map((c, i) => declaredType(ctx, c.type, ['columns', i, 'type']));
    if (types.some((t) => !t)) return undefined;
    const cols: Column[] = ctx.config.columns.map((c, i) => ({
      name: ctx.newName(c.name),
      type: types[i]!,
      from: [],
    }));
    if (!ctx.checkUnique(cols, ['columns'])) return undefined;
    const rows = literalRows(ctx, ctx.config.rows, cols, ['rows']);
    if (!rows) return undefined;
    return {
      outputs: { out: { columns: cols } },
      build: () => ({ out: valuesQuery(cols, rows) }),
    };
  },
});

function literalRows(
  ctx: AnalyzeContext<unknown>,
  rows: readonly Json[][],
  cols: Column[],
  key: ConfigKey,
): SqlExpr[][] | undefined {
  const out: SqlExpr[][] = [];
  let ok = true;
  rows.forEach((row, r) => {
    if (row.length !== cols.length) {
      ctx.error(
        'INVALID_VALUE',
        `row ${r + 1} has ${row.length} values but there are ${cols.length} columns`,
        { key: [...key, r] },
      );
      ok = false;
      return;
    }
    out.push(
      row.map((v, c) => {
        const lit = jsonLiteral(v, cols[c]!.type);
        if (typeof lit === 'string') {
          ctx.error('INVALID_VALUE', `column "${cols[c]!.name}": ${lit}`, { key: [...key, r, c] });
          ok = false;
          return { k: 'lit', type: cols[c]!.type, value: null } as SqlExpr;
        }
        return lit;
      }),
    );
  });
  return ok ? out : undefined;
}

/** `SELECT CAST(v AS t) AS c, … UNION ALL …`: the one form every dialect accepts. */
function valuesQuery(cols: Column[], rows: SqlExpr[][]): Query {
  // Numbers are cast so every row has the declared type; text, booleans and typed date literals
  // already do, and a null renders as CAST(NULL AS type).
  const typed = (e: SqlExpr, t: PortableType): SqlExpr =>
    e.k === 'lit' && typeof e.value === 'number' ? { k: 'cast', arg: e, type: t } : e;
  if (rows.length === 0) {
    return {
      kind: 'select',
      items: cols.map((c) => selectItem({ k: 'lit', type: c.type, value: null }, c.name)),
      limit: 0,
    };
  }
  const selects: Query[] = rows.map((row) => ({
    kind: 'select',
    items: row.map((v, i) => selectItem(typed(v, cols[i]!.type), cols[i]!.name)),
  }));
  return selects.length === 1 ? selects[0]! : { kind: 'union', all: true, queries: selects };
}
