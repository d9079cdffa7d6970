/**
 * Tables and columns from INFORMATION_SCHEMA: per dataset (`project`.`dataset`.INFORMATION_SCHEMA)
 * when the dataset is known, per region (`project`.`region-eu`.INFORMATION_SCHEMA) otherwise.
 * These are ordinary query jobs (labelled, capped by maxBytesBilled; BigQuery bills at least 10 MB
 * for each). https://cloud.google.com/bigquery/docs/information-schema-intro
 */
import type { TableInfo } from '../../compiler/catalog.js';
import type { TableListing } from '../connector.js';
import { connectorError, failureOf } from './errors.js';
import { bigqueryToPortable } from './types.js';

export type RunQuery = (
  sql: string,
  params: unknown[],
  paramNames: string[],
) => Promise<Array<Record<string, unknown>>>;

export interface IntrospectionSettings {
  projectId: string;
  location: string | undefined;
  secrets: readonly string[];
}

/** A backquoted identifier (project ids contain `-`); backslash escapes as in string literals. */
function quote(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

export function introspection(run: RunQuery, s: IntrospectionSettings) {
  const region = (view: string) => {
    if (!s.location)
      throw connectorError(
        `listing every BigQuery dataset needs the connection's location (EU, US, europe-west1…) to read ` +
          `region-<location>.INFORMATION_SCHEMA.${view}; set location in the connection config, or name the dataset`,
        'permanent',
        'locationRequired',
        { secrets: s.secrets },
      );
    return `${quote(s.projectId)}.${quote(`region-${s.location.toLowerCase()}`)}.INFORMATION_SCHEMA.${view}`;
  };
  const dataset = (project: string, name: string, view: string) =>
    `${quote(project)}.${quote(name)}.INFORMATION_SCHEMA.${view}`;

  return {
    async listTables(opts: { schema?: string } = {}): Promise<TableListing[]> {
      let source: string;
      if (opts.schema) {
        const [project, name] = opts.schema.includes('.')
          ? [
              opts.schema.slice(0, opts.schema.lastIndexOf('.')),
              opts.schema.slice(opts.schema.lastIndexOf('.') + 1),
            ]
          : [s.projectId, opts.schema];
        source = dataset(project, name, 'TABLES');
      } else source = region('TABLES');
      const rows = await run(
        `SELECT table_catalog, table_schema, table_name, table_type FROM ${source} ORDER BY table_schema, table_name`,
        [],
        [],
      );
      return rows.map((r) => ({
        parts: [String(r['table_catalog']), String(r['table_schema']), String(r['table_name'])],
        kind: /VIEW/.test(String(r['table_type'])) ? 'view' : 'table',
      }));
    },

    async describeTable(parts: readonly string[]): Promise<TableInfo | undefined> {
      const table = parts.at(-1);
      if (!table || parts.length > 3) return undefined;
      const source =
        parts.length === 1
          ? region('COLUMNS')
          : dataset(parts.length === 3 ? parts[0]! : s.projectId, parts.at(-2)!, 'COLUMNS');
      let rows: Array<Record<string, unknown>>;
      try {
        rows = await run(
          `SELECT table_catalog, table_schema, table_name, column_name, data_type, is_nullable FROM ${source} ` +
            `WHERE table_name = @table AND is_hidden = 'NO' ORDER BY table_schema, ordinal_position`,
          [table],
          ['table'],
        );
      } catch (e) {
        // The dataset does not exist (in this location): then neither does the table.
        if (
          (e as { details?: { code?: string } }).details?.code === 'notFound' ||
          failureOf(e).reason === 'notFound'
        )
          return undefined;
        throw e;
      }
      if (rows.length === 0) return undefined;
      const datasets = [...new Set(rows.map((r) => String(r['table_schema'])))];
      if (datasets.length > 1)
        throw connectorError(
          `table ${table} exists in several datasets (${datasets.join(', ')}); name it as dataset.table`,
          'permanent',
          'ambiguousTable',
          { secrets: s.secrets },
        );
      const first = rows[0]!;
      return {
        parts: [String(first['table_catalog']), String(first['table_schema']), String(first['table_name'])],
        columns: rows.map((r) => ({
          name: String(r['column_name']),
          type: bigqueryToPortable(String(r['data_type'])),
          nullable: r['is_nullable'] === 'YES',
        })),
      };
    },
  };
}
