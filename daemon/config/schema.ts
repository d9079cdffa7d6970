/**
 * The config file (DESIGN.md §1.4). Secrets are written `${env:NAME}` or `${file:PATH}` and stay
 * unresolved here: only the connector that needs one resolves it.
 */
import { z } from 'zod';

const secret = z.string().min(1).describe('a value, or ${env:NAME} / ${file:PATH}');
const schemaList = z.array(z.string().min(1)).min(1);

const common = {
  writeSchemas: schemaList.optional().describe('outputs may only write to these schemas'),
  stagingSchema: z
    .string()
    .min(1)
    .optional()
    .describe('where run-scoped intermediate tables go (default edgeflow_staging)'),
};

export const duckdbConnection = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().min(1).default('./.edgeflow/local.duckdb').describe('database file, or :memory:'),
  allowExtensionInstall: z.boolean().optional().describe('let DuckDB download extensions (off by default)'),
  ...common,
});

export const postgresConnection = z.strictObject({
  type: z.literal('postgres'),
  url: secret.describe('postgres://user:password@host:port/db'),
  ...common,
});

export const bigqueryConnection = z.strictObject({
  type: z.literal('bigquery'),
  projectId: z.string().min(1),
  location: z.string().min(1).optional(),
  keyFile: secret
    .optional()
    .describe('service-account key JSON; application default credentials when absent'),
  maxBytesBilled: z
    .union([z.string(), z.number()])
    .optional()
    .describe('e.g. 10GB; a query that would bill more fails'),
  ...common,
});

export const snowflakeConnection = z.strictObject({
  type: z.literal('snowflake'),
  account: z.string().min(1),
  user: z.string().min(1),
  password: secret.optional(),
  privateKey: secret.optional(),
  warehouse: z.string().min(1).optional(),
  database: z.string().min(1).optional(),
  schema: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  ...common,
});

export const connectionSchema = z.discriminatedUnion('type', [
  duckdbConnection,
  postgresConnection,
  bigqueryConnection,
  snowflakeConnection,
]);

export const configSchema = z.strictObject({
  listen: z.string().min(1).default('127.0.0.1:8787').describe('host:port; never 0.0.0.0 unless asked'),
  state: z.string().min(1).default('./.edgeflow/state.db').describe('SQLite run state'),
  connections: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'a connection name is lower-case letters, digits and _'),
    connectionSchema,
  ),
  assistant: z
    .strictObject({ baseURL: secret.optional(), model: z.string().min(1), apiKey: secret.optional() })
    .optional(),
});

export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type Config = z.infer<typeof configSchema>;
export type ConnectionType = ConnectionConfig['type'];
