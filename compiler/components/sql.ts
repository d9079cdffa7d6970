import { z } from 'zod';
import type { Column } from '../schema/relation.js';
import { defineComponent } from './component.js';
import { col, columnDecl, selectItem } from './shapes.js';
import { rawSqlColumns, trimStatement } from './source-sql.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const sqlComponent = defineComponent({
  id: 'sql',
  category: 'transform',
  summary: 'A SELECT in the connection’s own dialect that reads its input as {{in}}.',
  description:
    'An escape hatch for what the portable components cannot say. `sql` is one SELECT in the dialect of the ' +
    'connection; `{{in}}` stands for the input relation. It is not portable across warehouses. Its columns come ' +
    'from the live connection, which describes the query with {{in}} standing for its input; `columns`, when ' +
    'declared, lets it compile offline and is checked against what the warehouse returns.',
  inputs: [{ name: 'in', description: 'the relation the query reads as {{in}}' }],
  outputs: [{ name: 'out', description: 'the rows of the query' }],
  config: z.strictObject({
    sql: z.string().min(1).describe('one SELECT reading {{in}}'),
    columns: z
      .array(columnDecl)
      .min(1)
      .optional()
      .describe(
        'the result columns: needed offline or for another dialect; checked against the warehouse when it is reachable',
      ),
  }),
  example: {
    title: 'Median order amount per store',
    inputs: { in: 'orders' },
    config: {
      sql: 'SELECT store_id, median(amount) AS median_amount FROM {{in}} GROUP BY store_id',
      columns: [
        { name: 'store_id', type: 'bigint' },
        { name: 'median_amount', type: 'double' },
      ],
    },
  },
  analyze(ctx) {
    const sql = trimStatement(ctx.config.sql);
    if (sql.includes('\u0000')) {
      ctx.error('INVALID_VALUE', 'the query contains a NUL character', { key: ['sql'] });
      return undefined;
    }
    const names = [...sql.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    const unknown = names.filter((n) => n !== 'in');
    if (unknown.length) {
      ctx.error('UNKNOWN_PORT', `{{${unknown[0]}}} is not an input of this node`, {
        key: ['sql'],
        hint: 'the input is written {{in}}',
      });
      return undefined;
    }
    if (names.length === 0) {
      ctx.error('MISSING_INPUT', 'the query does not read its input', {
        key: ['sql'],
        hint: 'write {{in}} where the input relation goes: SELECT … FROM {{in}}',
      });
      return undefined;
    }
    const declared = rawSqlColumns(ctx, ctx.config.columns);
    if (!declared) return undefined;
    const rel = ctx.input();
    const columns: Column[] = declared.map((c) => ({
      name: c.name,
      type: c.type,
      // The SQL is opaque, so each column may come from any input column.
      from: rel.schema.columns.map((ic) => ({ node: rel.ref.node, port: rel.ref.port, column: ic.name })),
    }));
    if (!ctx.checkUnique(columns, ['columns'])) return undefined;
    return {
      outputs: { out: { columns } },
      build: (b) => ({
        out: {
          kind: 'select',
          items: columns.map((c) => selectItem(col(c, '_q'), c.name)),
          from: { kind: 'subquery', query: { kind: 'raw', sql, inputs: { in: b.input('in') } }, alias: '_q' },
        },
      }),
    };
  },
});
