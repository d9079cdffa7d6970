/**
 * The config file (DESIGN.md §1.4). Secrets are written `${env:NAME}` or `${file:PATH}` and stay
 * unresolved here: only daemon/connections.ts, where a connector is built, resolves them.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_MAX_NODES } from '../../compiler/workflow/model.js';
import { cacheConfigSchema } from './cache-schema.js';
import { notifySchema } from './notify-schema.js';
import { parseByteSize, parseDuration } from './units.js';

const secret = z.string().min(1).describe('a value, or ${env:NAME} / ${file:PATH}');
const schemaList = z.array(z.string().min(1)).min(1);

/**
 * The keys whose values are secrets (or may hold one, like a URL with its password): config errors
 * never repeat their values.
 */
export const SECRET_KEYS = [
  'url',
  'password',
  'privateKey',
  'privateKeyPassphrase',
  'keyFile',
  'apiKey',
  'baseURL',
  'secret',
  'token',
  'clientSecret',
  'secretAccessKey',
  'sessionToken',
] as const;

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(v)} is not a duration: write it like 500ms, 30s, 5m or 2h (a bare number is milliseconds)`,
    });
  return ms ?? 0;
});

const byteSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const bytes = parseByteSize(v);
  if (bytes === undefined)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(v)} is not a size: write it like 500MB, 10GB or 1TiB (a bare number is bytes)`,
    });
  return bytes ?? 0;
});

const poolSize = z.number().int().min(1).max(100);

/** Where the CARTO Analytics Toolbox is installed: two name parts. */
const toolbox = (example: string) =>
  z
    .string()
    .regex(/^[^.\s]+\.[^.\s]+$/, `two parts, e.g. ${example}`)
    .optional();

const common = {
  writeSchemas: schemaList.optional().describe('outputs may only write to these schemas'),
  stagingSchema: z
    .string()
    .min(1)
    .optional()
    .describe('where run-scoped intermediate tables go (default edgeflow_staging)'),
  statementTimeout: duration
    .optional()
    .describe('a statement running longer is stopped in the warehouse, e.g. 30s, 5m, 2h'),
};

export const duckdbConnection = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().min(1).default('./.edgeflow/local.duckdb').describe('database file, or :memory:'),
  allowExtensionInstall: z
    .boolean()
    .optional()
    .describe('let DuckDB download the extensions listed in `extensions` (off by default)'),
  extensions: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'an extension name, e.g. spatial'))
    .optional()
    .describe('DuckDB extensions loaded when the database opens, e.g. [spatial]; none otherwise'),
  allowFiles: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "directories DuckDB may read files from (read_csv, read_parquet…); without it DuckDB reaches no file, URL or other database. Never the daemon's state directory",
    ),
  threads: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe('DuckDB worker threads (default: one per core)'),
  memoryLimit: byteSize.optional().describe("DuckDB's memory limit, e.g. 4GB (default: 80% of RAM)"),
  poolSize: poolSize.optional().describe('statements that may run at once (default 4)'),
  ...common,
});

export const postgresConnection = z.strictObject({
  type: z.literal('postgres'),
  url: secret.describe('postgres://user:password@host:port/db'),
  poolSize: poolSize.optional().describe('connections in the pool (default 4)'),
  ...common,
});

export const bigqueryConnection = z.strictObject({
  type: z.literal('bigquery'),
  projectId: z.string().min(1),
  location: z.string().min(1).optional(),
  keyFile: secret
    .optional()
    .describe(
      'service-account key: its path, or ${file:PATH} / ${env:NAME} holding the JSON; application default credentials when absent',
    ),
  maxBytesBilled: byteSize.optional().describe('e.g. 10GB; a query that would bill more fails'),
  pricePerTiB: z.number().positive().optional().describe('USD per TiB for estimates (default 6.25)'),
  cartoToolbox: toolbox('carto-os.carto').describe(
    "the project.dataset of the CARTO Analytics Toolbox (e.g. carto-os.carto, carto-os-eu.carto): the spatial pack's H3 functions go through it",
  ),
  ...common,
});

export const snowflakeConnection = z
  .strictObject({
    type: z.literal('snowflake'),
    account: z.string().min(1),
    user: z.string().min(1),
    password: secret.optional(),
    privateKey: secret.optional().describe('the PEM key (PKCS#8): its path, or ${file:PATH} / ${env:NAME}'),
    privateKeyPassphrase: secret.optional().describe('when the private key is encrypted'),
    warehouse: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
    cartoToolbox: toolbox('CARTO.CARTO').describe(
      'the DATABASE.SCHEMA of the CARTO Analytics Toolbox (e.g. CARTO.CARTO): st_buffer goes through it',
    ),
    ...common,
  })
  .refine((c) => c.password !== undefined || c.privateKey !== undefined, {
    message: 'a Snowflake connection needs password or privateKey',
    path: ['password'],
  });

export const databricksConnection = z
  .strictObject({
    type: z.literal('databricks'),
    host: z
      .string()
      .min(1)
      .describe('the workspace URL, e.g. https://dbc-a1b2c3d4-e5f6.cloud.databricks.com'),
    warehouseId: z.string().min(1).describe('the id of the SQL warehouse statements run on'),
    token: secret.optional().describe('a personal access token (or ${env:NAME} / ${file:PATH} holding it)'),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe("OAuth M2M: the service principal's application (client) id"),
    clientSecret: secret.optional().describe('OAuth M2M: the service principal’s OAuth secret'),
    catalog: z.string().min(1).optional().describe('the Unity Catalog catalog two-part names are in'),
    schema: z.string().min(1).optional(),
    ...common,
  })
  .refine((c) => (c.token !== undefined) !== (c.clientId !== undefined && c.clientSecret !== undefined), {
    message: 'a Databricks connection needs either token, or clientId and clientSecret (OAuth M2M)',
    path: ['token'],
  });

export const redshiftConnection = z
  .strictObject({
    type: z.literal('redshift'),
    url: secret
      .optional()
      .describe(
        "over Redshift's PostgreSQL protocol: postgres://user:password@cluster.xxxx.region.redshift.amazonaws.com:5439/db",
      ),
    dataApi: z
      .strictObject({
        region: z.string().min(1),
        database: z.string().min(1),
        workgroupName: z.string().min(1).optional().describe('Redshift Serverless: the workgroup'),
        clusterIdentifier: z.string().min(1).optional().describe('a provisioned cluster'),
        dbUser: z
          .string()
          .min(1)
          .optional()
          .describe('with clusterIdentifier: IAM temporary credentials for this user'),
        secretArn: z
          .string()
          .min(1)
          .optional()
          .describe('a Secrets Manager secret with the user and password'),
        endpoint: z.string().min(1).optional().describe('another Data API endpoint (a VPC endpoint)'),
        accessKeyId: z
          .string()
          .min(1)
          .optional()
          .describe("static AWS credentials; the SDK's default chain when absent"),
        secretAccessKey: secret.optional(),
        sessionToken: secret.optional(),
      })
      .optional()
      .describe('through the Redshift Data API (HTTPS, IAM) instead of url'),
    poolSize: poolSize.optional().describe('connections in the pool, over url (default 4)'),
    ...common,
  })
  .refine((c) => (c.url !== undefined) !== (c.dataApi !== undefined), {
    message:
      'a Redshift connection needs url (its PostgreSQL protocol) or dataApi (the Redshift Data API), not both',
    path: ['url'],
  })
  .refine(
    (c) => !c.dataApi || c.dataApi.workgroupName !== undefined || c.dataApi.clusterIdentifier !== undefined,
    {
      message: 'dataApi needs workgroupName (Serverless) or clusterIdentifier (a provisioned cluster)',
      path: ['dataApi'],
    },
  )
  .refine(
    (c) =>
      !c.dataApi?.clusterIdentifier || c.dataApi.dbUser !== undefined || c.dataApi.secretArn !== undefined,
    { message: 'dataApi with clusterIdentifier needs dbUser or secretArn', path: ['dataApi'] },
  )
  .refine((c) => (c.dataApi?.accessKeyId !== undefined) === (c.dataApi?.secretAccessKey !== undefined), {
    message:
      'dataApi needs accessKeyId and secretAccessKey together (or neither, for the default credential chain)',
    path: ['dataApi'],
  });

export const sqlserverConnection = z.strictObject({
  type: z.literal('sqlserver'),
  server: z
    .string()
    .min(1)
    .describe(
      'host name: myserver.database.windows.net, myworkspace.sql.azuresynapse.net, or an on-premises host',
    ),
  port: z.number().int().min(1).max(65535).optional().describe('default 1433'),
  database: z.string().min(1),
  user: z.string().min(1).describe('a SQL authentication login'),
  password: secret,
  encrypt: z.boolean().optional().describe('TLS (default true; Azure requires it)'),
  trustServerCertificate: z
    .boolean()
    .optional()
    .describe("accept the server's certificate without checking it (development servers only)"),
  synapse: z
    .boolean()
    .optional()
    .describe(
      'an Azure Synapse dedicated SQL pool (tsql dialect without MERGE, CTE before INSERT, geography)',
    ),
  poolSize: poolSize.optional().describe('connections in the pool (default 4)'),
  ...common,
});

export const oracleConnection = z.strictObject({
  type: z.literal('oracle'),
  connectString: z
    .string()
    .min(1)
    .describe('Easy Connect host:port/service_name (e.g. db.example.com:1521/ORCLPDB1) or a TNS descriptor'),
  user: z.string().min(1),
  password: secret,
  schema: z.string().min(1).optional().describe("the schema tables are listed in (default: the user's)"),
  ...common,
});

export const connectionSchema = z.discriminatedUnion('type', [
  duckdbConnection,
  postgresConnection,
  bigqueryConnection,
  snowflakeConnection,
  databricksConnection,
  redshiftConnection,
  sqlserverConnection,
  oracleConnection,
]);

export const configSchema = z.strictObject({
  listen: z.string().min(1).default('127.0.0.1:8787').describe('host:port; never 0.0.0.0 unless asked'),
  state: z
    .string()
    .min(1)
    .default('./.edgeflow/state.db')
    .describe(
      'the run store: a SQLite file (default), or postgres://… (or ${env:NAME} / ${file:PATH} holding it) shared by several daemons',
    ),
  stateDir: z
    .string()
    .min(1)
    .optional()
    .describe("with state in PostgreSQL: the directory of this daemon's local files (default ./.edgeflow)"),
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("how people reach the daemon's web UI (links in alerts); default the listen address"),
  connections: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'a connection name is lower-case letters, digits and _'),
    connectionSchema,
  ),
  assistant: z
    .strictObject({ baseURL: secret.optional(), model: z.string().min(1), apiKey: secret.optional() })
    .optional(),
  runs: z
    .strictObject({
      maxConcurrentSteps: z
        .number()
        .int()
        .min(1)
        .max(256)
        .optional()
        .describe(
          'steps running at once in the daemon, over all connections (each connection also keeps to its poolSize)',
        ),
      stepAttempts: z
        .number()
        .int()
        .min(1)
        .max(20)
        .optional()
        .describe('tries per step when the warehouse fails transiently (1: no retry)'),
      retryBaseDelay: duration.optional().describe('the first retry waits up to this (full jitter), e.g. 1s'),
      retryMaxDelay: duration.optional().describe('no retry waits longer than this, e.g. 1m'),
      gracePeriod: duration
        .optional()
        .describe('on SIGTERM, running steps get this long to finish before they are cancelled'),
      lease: duration
        .optional()
        .describe(
          "how long a daemon's hold on a run lasts without a heartbeat (one a second): then another daemon sharing the state takes the run over (default 60s)",
        ),
      overlap: z
        .enum(['skip', 'allow'])
        .optional()
        .describe(
          "a scheduled fire while the workflow's previous run is still going: skip it (counted) or run anyway",
        ),
    })
    .optional()
    .describe('how runs execute'),
  limits: z
    .strictObject({
      maxNodes: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .optional()
        .describe(
          'nodes a workflow may have (default 2,000); a bigger document is refused before it is analysed',
        ),
      maxConcurrentCompiles: z
        .number()
        .int()
        .min(1)
        .max(64)
        .optional()
        .describe(
          'workflows validated/compiled at once by the daemon (default: the number of cores); more wait',
        ),
      previewTimeout: duration
        .optional()
        .describe('a preview or estimate running longer is stopped in the warehouse (default 60s)'),
      warehouseRequestsPerToken: z
        .number()
        .int()
        .min(1)
        .max(100)
        .optional()
        .describe(
          'previews and estimates one token may have running at once (default 2); more are refused with 429',
        ),
      mcpSessionsPerToken: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('MCP sessions one token may hold open at once (default 16)'),
    })
    .optional()
    .describe('bounds on what one request or one token may take'),
  lineage: z
    .strictObject({
      file: z.string().min(1).optional().describe('append OpenLineage run events to this file (JSON lines)'),
      url: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe('POST OpenLineage run events here, e.g. http://marquez:5000/api/v1/lineage'),
    })
    .optional()
    .describe('OpenLineage run events (START, COMPLETE, FAIL, ABORT)'),
  notify: notifySchema
    .optional()
    .describe('alerts: channels (webhook, slack, email) and the default rules (README "Alerts")'),
  cache: cacheConfigSchema
    .optional()
    .describe(
      'reused results of workflows with `cache: true`: ttl and maxSize (README "Reusing unchanged results")',
    ),
});

/** The `runs` block with its defaults filled in. */
export function runSettings(config: Config): {
  maxConcurrentSteps: number;
  stepAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  gracePeriodMs: number;
  leaseMs: number;
  overlap: 'skip' | 'allow';
} {
  const r = config.runs ?? {};
  return {
    maxConcurrentSteps: r.maxConcurrentSteps ?? 8,
    stepAttempts: r.stepAttempts ?? 3,
    retryBaseDelayMs: r.retryBaseDelay ?? 1_000,
    retryMaxDelayMs: r.retryMaxDelay ?? 60_000,
    gracePeriodMs: r.gracePeriod ?? 30_000,
    leaseMs: r.lease ?? 60_000,
    overlap: r.overlap ?? 'skip',
  };
}

/** The `limits` block with its defaults filled in. */
export function limitSettings(config: Config): {
  maxNodes: number;
  maxConcurrentCompiles: number;
  previewTimeoutMs: number;
  warehouseRequestsPerToken: number;
  mcpSessionsPerToken: number;
} {
  const l = config.limits ?? {};
  return {
    maxNodes: l.maxNodes ?? DEFAULT_MAX_NODES,
    maxConcurrentCompiles: l.maxConcurrentCompiles ?? Math.max(1, availableParallelism()),
    previewTimeoutMs: l.previewTimeout ?? 60_000,
    warehouseRequestsPerToken: l.warehouseRequestsPerToken ?? 2,
    mcpSessionsPerToken: l.mcpSessionsPerToken ?? 16,
  };
}

/** Nodes a workflow may have unless `limits.maxNodes` says otherwise: the compiler's own default. */
export { DEFAULT_MAX_NODES };

export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type Config = z.infer<typeof configSchema>;
export type ConnectionType = ConnectionConfig['type'];
