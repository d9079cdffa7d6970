import { z } from 'zod';
import type { ColumnInfo } from '../catalog.js';
import type { Column } from '../schema/relation.js';
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
    'come from the live connection, or from `columns` when declared.',
  inputs: [],
  outputs: [{ name: 'out', description: 'the rows of the query' }],
  config: z.strictObject({
    sql: z.string().min(1).describe('one SELECT statement in the connection’s dialect'),
    columns: z
      .array(columnDecl)
      .min(1)
      .optional()
      .describe('the result columns, when there is no live connection to ask'),
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
    const columns = declaredColumns(ctx, ctx.config.columns) ?? ctx.catalog.describeQuery?.(sql);
    if (!columns) {
      ctx.error('SCHEMA_UNKNOWN', 'the columns of this query are not known without a connection', {
        key: ['sql'],
        hint: 'validate against a reachable connection, or declare "columns": [{"name": "id", "type": "bigint"}, …]',
      });
      return undefined;
    }
    const out: Column[] = columns.map((c) => ({
      name: c.name,
      type: c.type,
      from: [{ table: `(${ctx.node.id} query)`, column: c.name }],
    }));
    if (!ctx.checkUnique(out, ['columns'])) return undefined;
    return {
      outputs: { out: { columns: out } },
      build: () => ({
        out: {
          kind: 'select',
          items: out.map((c) => selectItem(col(c, '_q'), c.name)),
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
