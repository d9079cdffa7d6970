/** The configured connections, as list_connections and GET /v1/connections answer them. */
import { z } from 'zod';
import { DIALECT_NAMES, type DialectName } from '../../../compiler/dialects/index.js';

export const Dialect = z.enum(DIALECT_NAMES as [DialectName, ...DialectName[]]);

export const ConnectionSummary = z.object({
  name: z.string(),
  type: z.string().describe('duckdb, postgres, bigquery, snowflake, databricks or redshift'),
  dialect: Dialect,
  writeSchemas: z.array(z.string()).optional().describe('the only schemas outputs may write to'),
  stagingSchema: z.string().optional(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

export const ConnectionList = z.object({ connections: z.array(ConnectionSummary) });
export type ConnectionList = z.infer<typeof ConnectionList>;
