import { z } from 'zod';
import { TableColumn, type Column } from '../schema/relation.js';
import { sameType, formatType } from '../schema/types.js';
import { didYouMean } from '../suggest.js';
import { defineComponent } from './component.js';
import { col, columnDecl, declaredType, selectItem } from './shapes.js';
import { findColumn } from '../expr/resolve.js';

export const sourceTable = defineComponent({
  id: 'source.table',
  category: 'source',
  streaming: true,
  summary: 'Reads a table or view of the connection.',
  description:
    'Reads every row of a table or view. `table` is the name as the warehouse writes it (`schema.table`, or ' +
    '`project.dataset.table` on BigQuery); unquoted parts fold as the warehouse folds them (upper-case on ' +
    'Snowflake, lower-case on PostgreSQL). `columns` picks a subset; with column types (`{"name", "type"}`) it ' +
    'also declares the schema, so the workflow compiles without a live connection.',
  inputs: [],
  outputs: [{ name: 'out', description: 'the rows of the table' }],
  config: z.strictObject({
    table: z.string().min(1).describe('qualified table name, e.g. main.orders'),
    columns: z
      .array(z.union([z.string().min(1), columnDecl]))
      .min(1)
      .optional()
      .describe('columns to read (all when absent); {"name","type"} items also declare the schema'),
  }),
  example: { title: 'Read the orders table', config: { table: 'main.orders' } },
  analyze(ctx) {
    const { table, columns } = ctx.config;
    const parts = ctx.dialect.parseTableName(table);
    if (typeof parts === 'string') {
      ctx.error('INVALID_NAME', parts, { key: ['table'] });
      return undefined;
    }
    const info = ctx.catalog.getTable(parts);
    const tableText = table;
    let cols: Array<{ name: string; type: Column['type'] }> = [];
    if (info) {
      if (!columns) cols = info.columns;
      else {
        columns.forEach((c, i) => {
          const name = typeof c === 'string' ? c : c.name;
          const found = findColumn(info.columns, name);
          if (!found || found === 'ambiguous') {
            ctx.error('UNKNOWN_COLUMN', `column "${name}" not found in table ${table}`, {
              key: ['columns', i],
              hint: didYouMean(
                name,
                info.columns.map((x) => x.name),
                'columns of the table',
              ),
            });
            return;
          }
          if (typeof c !== 'string') {
            const declared = declaredType(ctx, c.type, ['columns', i, 'type']);
            if (declared && !sameType(declared, found.type)) {
              ctx.warn(
                'TYPE_MISMATCH',
                `column "${found.name}" is declared ${formatType(declared)} but the table has ${formatType(found.type)}`,
                {
                  key: ['columns', i, 'type'],
                  hint: `the table's type (${formatType(found.type)}) is used; cast it with a cast node if you need another`,
                },
              );
            }
          }
          cols.push(found);
        });
      }
    } else {
      const declared = columns?.every((c) => typeof c !== 'string');
      if (declared && columns) {
        columns.forEach((c, i) => {
          if (typeof c === 'string') return;
          const t = declaredType(ctx, c.type, ['columns', i, 'type']);
          // A declared name means what it would unquoted in the warehouse (STORE_ID on Snowflake).
          if (t) cols.push({ name: ctx.newName(c.name), type: t });
        });
        if (ctx.catalog.live) {
          ctx.error('UNKNOWN_TABLE', `table ${table} was not found in the connection`, {
            key: ['table'],
            hint: didYouMean(table, ctx.catalog.tableNames(), 'tables'),
          });
        }
      } else if (ctx.catalog.live) {
        ctx.error('UNKNOWN_TABLE', `table ${table} was not found in the connection`, {
          key: ['table'],
          hint: didYouMean(table, ctx.catalog.tableNames(), 'tables'),
        });
        return undefined;
      } else {
        ctx.error('SCHEMA_UNKNOWN', `the columns of ${table} are not known without a connection`, {
          key: ['table'],
          hint: 'validate against a reachable connection, or declare them: "columns": [{"name": "id", "type": "bigint"}, …]',
        });
        return undefined;
      }
    }
    const outCols: Column[] = cols.map((c) => new TableColumn(c.name, c.type, tableText));
    if (!ctx.checkUnique(outCols, ['columns'])) return undefined;
    const from = { kind: 'table' as const, parts: info?.parts ?? parts };
    return {
      outputs: { out: { columns: outCols } },
      // It reads no input; it lists the columns its readers need, never `*`: a column added to the
      // table later cannot change what flows on.
      reads: {},
      build: (b) => ({
        out: {
          kind: 'select',
          items: outCols.filter((c) => b.wants(c.name)).map((c) => selectItem(col(c), c.name)),
          from,
        },
      }),
    };
  },
});
