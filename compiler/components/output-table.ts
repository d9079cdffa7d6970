import { z } from 'zod';
import { isTemporal } from '../schema/types.js';
import type { TableHints } from '../sql/ast.js';
import { defineComponent } from './component.js';
import { columnList, columnName, pickColumns } from './shapes.js';

export const outputTable = defineComponent({
  id: 'output.table',
  category: 'output',
  summary: 'Writes its input to a table.',
  description:
    '`mode`: replace (default) builds the new table and swaps it in atomically, whatever was there before; ' +
    'append inserts the rows; merge updates rows whose `keys` match and inserts the others (null keys never ' +
    'match); create fails if the table exists. append, merge and create create a missing table. ' +
    '`clusterBy` and `partitionBy` are hints used where the warehouse has them (BigQuery, Snowflake clustering).',
  inputs: [{ name: 'in', description: 'rows to write' }],
  outputs: [],
  config: z.strictObject({
    table: z.string().min(1).describe('qualified target table, e.g. analytics.store_revenue'),
    mode: z.enum(['replace', 'append', 'merge', 'create']).default('replace'),
    keys: columnList.min(1).optional().describe('merge keys'),
    clusterBy: columnList.min(1).max(4).optional().describe('clustering hint'),
    partitionBy: columnName.optional().describe('partitioning hint: a date or timestamp column'),
  }),
  example: {
    title: 'Write store revenue, replacing the previous result',
    inputs: { in: 'revenue' },
    config: { table: 'analytics.store_revenue', mode: 'replace' },
  },
  dialectNotes: {
    duckdb: 'CREATE OR REPLACE TABLE; MERGE INTO',
    postgres: 'build beside the target, then DROP + RENAME in one transaction; MERGE (15+)',
    bigquery: 'CREATE OR REPLACE TABLE with PARTITION BY / CLUSTER BY; MERGE',
    snowflake: 'CREATE OR REPLACE TABLE with CLUSTER BY; MERGE',
    oracle:
      'build beside the target, then DROP + RENAME (DDL commits: not atomic); IF [NOT] EXISTS as PL/SQL blocks; MERGE … ON ( … )',
  },
  analyze(ctx) {
    const { table, mode, keys, clusterBy, partitionBy } = ctx.config;
    const parts = ctx.dialect.parseTableName(table);
    if (typeof parts === 'string') {
      ctx.error('INVALID_NAME', parts, { key: ['table'] });
      return undefined;
    }
    const rel = ctx.input();
    if (mode === 'merge' && !keys) {
      ctx.error('MISSING_FIELD', 'merge needs "keys": the columns that identify a row', {
        key: ['keys'],
        hint: 'e.g. "keys": ["order_id"]',
      });
      return undefined;
    }
    if (mode !== 'merge' && keys)
      ctx.warn('INVALID_VALUE', `keys are only used by mode merge (mode is ${mode})`, { key: ['keys'] });
    const keyCols = keys ? pickColumns(ctx, keys, ['keys']) : [];
    const cluster = clusterBy ? pickColumns(ctx, clusterBy, ['clusterBy']) : [];
    const partition = partitionBy ? ctx.column(partitionBy, ['partitionBy']) : undefined;
    if (!keyCols || !cluster || (partitionBy && !partition)) return undefined;
    if (partition && !isTemporal(partition.type)) {
      ctx.error(
        'TYPE_MISMATCH',
        `partitionBy needs a date or timestamp column; "${partition.name}" is ${partition.type.kind}`,
        { key: ['partitionBy'] },
      );
      return undefined;
    }
    const { caps, title } = ctx.dialect;
    if (partition && !caps.partitionHint)
      ctx.warn('UNSUPPORTED', `partitionBy is ignored on ${title}`, { key: ['partitionBy'] });
    if (cluster.length && !caps.clusterHint)
      ctx.warn('UNSUPPORTED', `clusterBy is ignored on ${title}`, { key: ['clusterBy'] });
    const hints: TableHints = {
      ...(partition && caps.partitionHint
        ? { partitionBy: { name: partition.name, type: partition.type } }
        : {}),
      ...(cluster.length && caps.clusterHint ? { clusterBy: cluster.map((c) => c.name) } : {}),
    };
    return {
      outputs: {},
      write: {
        table: parts,
        tableText: table,
        mode,
        keys: keyCols.map((k) => k.name),
        columns: rel.schema.columns,
        ...(hints.partitionBy || hints.clusterBy ? { hints } : {}),
      },
    };
  },
});
