import { z } from 'zod';
import type { ColumnInfo } from '../catalog.js';
import type { Column } from '../schema/relation.js';
import { formatType, isNumeric, sameType, type PortableType } from '../schema/types.js';
import { defineComponent, type AnalyzeContext } from './component.js';
import { col, columnDecl, declaredType, selectItem } from './shapes.js';

/** Strips trailing semicolons and whitespace: the text is placed inside a subquery. */
export function trimStatement(sql: string): string {
  return sql.replace(/[\s;]+$/u, '').trim();
}

export const sourceSql = defineComponent({
  id: 'source.sql',
  category: 'source',
  summary: 'Reads the result of one SELECT written in the connection’s own SQL dialect.',
  description:
    'An escape hatch for what the portable components cannot say. `sql` is one SELECT in the dialect of the ' +
    'connection (not portable); it runs inside a subquery, so it cannot be more than one statement. Its columns ' +
    'come from the live connection, which describes the query without reading a row; `columns`, when declared, ' +
    'lets it compile offline and is checked against what the warehouse returns.',
  inputs: [],
  outputs: [{ name: 'out', description: 'the rows of the query' }],
  config: z.strictObject({
    sql: z.string().min(1).describe('one SELECT statement in the connection’s dialect'),
    columns: z
      .array(columnDecl)
      .min(1)
      .optional()
      .describe(
        'the result columns: needed offline or for another dialect; checked against the warehouse when it is reachable',
      ),
  }),
  example: {
    title: 'Orders of the last week, in DuckDB SQL',
    config: { sql: 'SELECT * FROM main.orders WHERE ordered_at > now() - INTERVAL 7 DAY' },
  },
  dialectNotes: {
    duckdb: 'DuckDB SQL',
    postgres: 'PostgreSQL SQL',
    bigquery: 'GoogleSQL',
    snowflake: 'Snowflake SQL',
  },
  analyze(ctx) {
    const sql = trimStatement(ctx.config.sql);
    if (!sql) {
      ctx.error('INVALID_VALUE', 'the query is empty', { key: ['sql'] });
      return undefined;
    }
    if (sql.includes('\u0000')) {
      ctx.error('INVALID_VALUE', 'the query contains a NUL character', { key: ['sql'] });
      return undefined;
    }
    const columns = rawSqlColumns(ctx, ctx.config.columns);
    if (!columns) return undefined;
    const out: Column[] = columns.map((c) => ({
      name: c.name,
      type: c.type,
      from: [{ table: `(${ctx.node.id} query)`, column: c.name }],
    }));
    if (!ctx.checkUnique(out, ['columns'])) return undefined;
    return {
      outputs: { out: { columns: out } },
      // The query is opaque, but only the columns its readers need are taken from it.
      reads: {},
      build: (b) => ({
        out: {
          kind: 'select',
          items: out.filter((c) => b.wants(c.name)).map((c) => selectItem(col(c, '_q'), c.name)),
          from: { kind: 'subquery', query: { kind: 'raw', sql }, alias: '_q' },
        },
      }),
    };
  },
});

export function declaredColumns(
  ctx: AnalyzeContext<unknown>,
  decl: ReadonlyArray<{ name: string; type: string }> | undefined,
): ColumnInfo[] | undefined {
  if (!decl) return undefined;
  const out: ColumnInfo[] = [];
  decl.forEach((c, i) => {
    const t = declaredType(ctx, c.type, ['columns', i, 'type']);
    if (t) out.push({ name: ctx.newName(c.name), type: t });
  });
  return out.length === decl.length ? out : undefined;
}

const DECLARE_HINT =
  'declare "columns": [{"name": "id", "type": "bigint"}, …] listing what the SELECT returns';

/**
 * The columns of a raw-SQL node (source.sql, sql): as the warehouse describes the query (the
 * caller asks it, read-only, without reading a row), or as declared — and when both are known,
 * the declaration is checked against the warehouse, column by column. Undefined, with the
 * diagnostic, when neither is known or they disagree on what exists.
 */
export function rawSqlColumns(
  ctx: AnalyzeContext<unknown>,
  decl: ReadonlyArray<{ name: string; type: string }> | undefined,
): ColumnInfo[] | undefined {
  const declared = declaredColumns(ctx, decl);
  if (decl && !declared) return undefined; // a bad type, already reported
  const described = ctx.catalog.describeQuery?.(ctx.node.id);
  if (described && 'error' in described) {
    ctx.error('SQL_ERROR', `the warehouse refused this query: ${described.error}`, {
      key: ['sql'],
      hint: "fix the SQL: it runs as one SELECT in the connection's own dialect (the message is the warehouse's)",
    });
    return undefined;
  }
  if (described && 'columns' in described) {
    if (!declared) return described.columns.map((c) => ({ name: c.name, type: c.type }));
    return checkDeclared(ctx, declared, described.columns) ? declared : undefined;
  }
  if (declared) return declared;
  const why =
    described && 'unavailable' in described
      ? described.unavailable
      : ctx.catalog.live
        ? 'the connection has not described it'
        : 'there is no live connection to describe it';
  ctx.error('SCHEMA_UNKNOWN', `the columns of this query are not known: ${why}`, {
    key: ['sql'],
    hint:
      described && 'unavailable' in described
        ? DECLARE_HINT
        : `validate against a reachable connection, or ${DECLARE_HINT}`,
  });
  return undefined;
}

/** A declared column the query does not return is an error; a type from another family a warning. */
function checkDeclared(
  ctx: AnalyzeContext<unknown>,
  declared: readonly ColumnInfo[],
  actual: readonly ColumnInfo[],
): boolean {
  const find = (name: string) =>
    actual.find((c) => c.name === name) ?? actual.find((c) => c.name.toLowerCase() === name.toLowerCase());
  let ok = true;
  declared.forEach((d, i) => {
    const a = find(d.name);
    if (!a) {
      ok = false;
      ctx.error('COLUMNS_MISMATCH', `column "${d.name}" is declared, but the query does not return it`, {
        key: ['columns', i, 'name'],
        hint: `the warehouse returns: ${actual.map((c) => `${c.name} ${formatType(c.type)}`).join(', ')}`,
      });
    } else if (!sameFamily(d.type, a.type)) {
      ctx.warn(
        'COLUMNS_MISMATCH',
        `column "${d.name}" is declared ${formatType(d.type)}, but the warehouse returns ${formatType(a.type)}`,
        {
          key: ['columns', i, 'type'],
          hint: `declare it ${formatType(a.type)}, or cast it in the SQL: expressions are checked against the declared type`,
        },
      );
    }
  });
  return ok;
}

/** Types an expression treats alike: numbers with numbers, the same kind otherwise. */
function sameFamily(a: PortableType, b: PortableType): boolean {
  return sameType(a, b) || (isNumeric(a) && isNumeric(b)) || a.kind === 'unknown' || b.kind === 'unknown';
}
