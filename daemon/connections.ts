/**
 * Builds connectors from the config. Secrets are resolved here and nowhere else, and every resolved
 * value (with the forms a driver might echo: a URL's password, decoded) goes to the connector,
 * which redacts it from every error it raises.
 *
 * Drivers load lazily, through `import()` of the one connector a connection needs: a daemon
 * configured only for DuckDB never loads snowflake-sdk (~100 MB) or the BigQuery client.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DialectName, DialectOptions } from '../compiler/dialects/dialect.js';
import type { BigQueryOptions } from '../connectors/bigquery/options.js';
import type { Connector } from '../connectors/connector.js';
import type { DatabricksOptions } from '../connectors/databricks/options.js';
import type { DuckDbOptions } from '../connectors/duckdb/options.js';
import type { PostgresOptions } from '../connectors/postgres/options.js';
import { resolveSecret, SecretError } from '../connectors/secrets.js';
import type { RedshiftOptions } from '../connectors/redshift/options.js';
import type { SnowflakeOptions } from '../connectors/snowflake/options.js';
import type { SqlServerOptions } from '../connectors/sqlserver/options.js';
import type { OracleOptions } from '../connectors/oracle/options.js';
import type { LoadedConfig } from './config/load.js';
import { stateDirectory } from './config/state.js';
import type { ConnectionConfig } from './config/schema.js';

export const DIALECT_OF: Record<ConnectionConfig['type'], DialectName> = {
  duckdb: 'duckdb',
  postgres: 'postgres',
  bigquery: 'bigquery',
  snowflake: 'snowflake',
  databricks: 'databricks',
  redshift: 'redshift',
  sqlserver: 'tsql',
  oracle: 'oracle',
};

/**
 * What the config says about a connection's dialect (the compiler is pure: capabilities are passed
 * in). The database's own (PostgreSQL's h3 extension) come from its connector: `dialectOptions()`.
 */
export function configuredDialectOptions(c: ConnectionConfig): DialectOptions {
  if (c.type === 'sqlserver') return c.synapse ? { synapse: true } : {};
  return (c.type === 'bigquery' || c.type === 'snowflake') && c.cartoToolbox
    ? { cartoToolbox: c.cartoToolbox }
    : {};
}

export class ConnectionError extends Error {
  constructor(
    readonly code: 'UNKNOWN_CONNECTION' | 'CONNECTION_UNAVAILABLE' | 'SECRET_UNRESOLVED',
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export function connectionConfig(loaded: LoadedConfig, name: string): ConnectionConfig {
  const c = loaded.config.connections[name];
  if (!c) {
    const names = Object.keys(loaded.config.connections);
    throw new ConnectionError(
      'UNKNOWN_CONNECTION',
      `connection "${name}" is not in the config`,
      `configured connections: ${names.join(', ') || 'none'}`,
    );
  }
  return c;
}

/** A connection's connector options, secrets resolved: what `open…` of its connector takes. */
export type ConnectorOptions =
  | { type: 'duckdb'; options: DuckDbOptions }
  | { type: 'postgres'; options: PostgresOptions }
  | { type: 'bigquery'; options: BigQueryOptions }
  | { type: 'snowflake'; options: SnowflakeOptions }
  | { type: 'databricks'; options: DatabricksOptions }
  | { type: 'redshift'; options: RedshiftOptions }
  | { type: 'sqlserver'; options: SqlServerOptions }
  | { type: 'oracle'; options: OracleOptions };

export interface ResolveOptions {
  readOnly?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Maps a connection of the config to its connector's options, resolving its secrets. */
export function connectorOptions(
  loaded: LoadedConfig,
  name: string,
  opts: ResolveOptions = {},
): ConnectorOptions {
  const c = connectionConfig(loaded, name);
  const secrets = new SecretCollector(name, loaded.baseDir, opts.env ?? process.env);
  const timeout = c.statementTimeout !== undefined ? { timeoutMs: c.statementTimeout } : {};
  switch (c.type) {
    case 'duckdb':
      return {
        type: 'duckdb',
        options: {
          path: c.path === ':memory:' ? c.path : path.resolve(loaded.baseDir, c.path),
          ...(opts.readOnly !== undefined ? { readOnly: opts.readOnly } : {}),
          ...(c.allowExtensionInstall ? { allowExtensionInstall: true } : {}),
          ...(c.extensions?.length ? { extensions: c.extensions } : {}),
          ...(c.allowFiles?.length
            ? { allowFiles: c.allowFiles.map((d) => path.resolve(loaded.baseDir, d)) }
            : {}),
          ...(c.threads !== undefined ? { threads: c.threads } : {}),
          ...(c.memoryLimit !== undefined ? { memoryLimit: `${c.memoryLimit}B` } : {}),
          ...(c.poolSize !== undefined ? { poolSize: c.poolSize } : {}),
          ...timeout,
        },
      };
    case 'postgres': {
      const url = secrets.resolve('url', c.url);
      secrets.addUrlForms(url);
      return {
        type: 'postgres',
        options: {
          url,
          ...(c.poolSize !== undefined ? { max: c.poolSize } : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
    case 'bigquery': {
      const keyJson =
        c.keyFile !== undefined ? secrets.resolveFileOrText('keyFile', c.keyFile, '{') : undefined;
      if (keyJson) secrets.addKeyJsonForms(keyJson);
      return {
        type: 'bigquery',
        options: {
          projectId: c.projectId,
          ...(c.location ? { location: c.location } : {}),
          ...(keyJson ? { keyJson } : {}),
          ...(c.maxBytesBilled !== undefined ? { maxBytesBilled: c.maxBytesBilled } : {}),
          ...(c.pricePerTiB !== undefined ? { pricePerTiB: c.pricePerTiB } : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
    case 'snowflake': {
      const password = c.password !== undefined ? secrets.resolve('password', c.password) : undefined;
      const privateKey =
        c.privateKey !== undefined
          ? secrets.resolveFileOrText('privateKey', c.privateKey, '-----BEGIN')
          : undefined;
      if (privateKey) secrets.addPemForms(privateKey);
      const passphrase =
        c.privateKeyPassphrase !== undefined
          ? secrets.resolve('privateKeyPassphrase', c.privateKeyPassphrase)
          : undefined;
      return {
        type: 'snowflake',
        options: {
          account: c.account,
          username: c.user,
          ...(password !== undefined ? { password } : {}),
          ...(privateKey !== undefined ? { privateKey } : {}),
          ...(passphrase !== undefined ? { privateKeyPassphrase: passphrase } : {}),
          ...(c.warehouse ? { warehouse: c.warehouse } : {}),
          ...(c.database ? { database: c.database } : {}),
          ...(c.schema ? { schema: c.schema } : {}),
          ...(c.role ? { role: c.role } : {}),
          ...timeout,
          // The driver's OCSP/CRL caches live with the daemon's state, not in the user's home.
          cacheDir: path.join(stateDirectory(loaded), 'snowflake-cache'),
          secrets: secrets.values(),
        },
      };
    }
    case 'databricks': {
      const token = c.token !== undefined ? secrets.resolve('token', c.token) : undefined;
      const clientSecret =
        c.clientSecret !== undefined ? secrets.resolve('clientSecret', c.clientSecret) : undefined;
      // The Basic credentials of the OAuth token request, as a proxy or server could echo them.
      if (clientSecret !== undefined && c.clientId !== undefined)
        secrets.add(Buffer.from(`${c.clientId}:${clientSecret}`).toString('base64'));
      return {
        type: 'databricks',
        options: {
          host: c.host,
          warehouseId: c.warehouseId,
          ...(token !== undefined ? { token } : {}),
          ...(c.clientId !== undefined ? { clientId: c.clientId } : {}),
          ...(clientSecret !== undefined ? { clientSecret } : {}),
          ...(c.catalog ? { catalog: c.catalog } : {}),
          ...(c.schema ? { schema: c.schema } : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
    case 'sqlserver': {
      const password = secrets.resolve('password', c.password);
      return {
        type: 'sqlserver',
        options: {
          server: c.server,
          ...(c.port !== undefined ? { port: c.port } : {}),
          database: c.database,
          user: c.user,
          password,
          ...(c.encrypt !== undefined ? { encrypt: c.encrypt } : {}),
          ...(c.trustServerCertificate !== undefined
            ? { trustServerCertificate: c.trustServerCertificate }
            : {}),
          ...(c.synapse ? { synapse: true } : {}),
          ...(c.poolSize !== undefined ? { poolSize: c.poolSize } : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
    case 'oracle': {
      const password = secrets.resolve('password', c.password);
      return {
        type: 'oracle',
        options: {
          connectString: c.connectString,
          user: c.user,
          password,
          ...(c.schema ? { schema: c.schema } : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
    case 'redshift': {
      if (c.url !== undefined) {
        const url = secrets.resolve('url', c.url);
        secrets.addUrlForms(url);
        return {
          type: 'redshift',
          options: {
            url,
            ...(c.poolSize !== undefined ? { max: c.poolSize } : {}),
            ...timeout,
            secrets: secrets.values(),
          },
        };
      }
      const d = c.dataApi!;
      const secretAccessKey =
        d.secretAccessKey !== undefined ? secrets.resolve('secretAccessKey', d.secretAccessKey) : undefined;
      const sessionToken =
        d.sessionToken !== undefined ? secrets.resolve('sessionToken', d.sessionToken) : undefined;
      return {
        type: 'redshift',
        options: {
          dataApi: true,
          region: d.region,
          database: d.database,
          ...(d.workgroupName ? { workgroupName: d.workgroupName } : {}),
          ...(d.clusterIdentifier ? { clusterIdentifier: d.clusterIdentifier } : {}),
          ...(d.dbUser ? { dbUser: d.dbUser } : {}),
          ...(d.secretArn ? { secretArn: d.secretArn } : {}),
          ...(d.endpoint ? { endpoint: d.endpoint } : {}),
          ...(d.accessKeyId !== undefined && secretAccessKey !== undefined
            ? {
                credentials: {
                  accessKeyId: d.accessKeyId,
                  secretAccessKey,
                  ...(sessionToken !== undefined ? { sessionToken } : {}),
                },
              }
            : {}),
          ...timeout,
          secrets: secrets.values(),
        },
      };
    }
  }
}

export async function openConnector(
  loaded: LoadedConfig,
  name: string,
  opts: { readOnly?: boolean } = {},
): Promise<Connector> {
  const c = connectorOptions(loaded, name, opts);
  switch (c.type) {
    case 'duckdb': {
      const { openDuckDb } = await import('../connectors/duckdb/index.js');
      return openDuckDb(c.options);
    }
    case 'postgres': {
      const { openPostgres } = await import('../connectors/postgres/index.js');
      return openPostgres(c.options);
    }
    case 'bigquery': {
      const { openBigQuery } = await import('../connectors/bigquery/index.js');
      return openBigQuery(c.options);
    }
    case 'snowflake': {
      // snowflake-sdk probes cloud metadata hosts when it loads unless this is set first.
      process.env['SNOWFLAKE_DISABLE_PLATFORM_DETECTION'] ??= 'true';
      const { openSnowflake } = await import('../connectors/snowflake/index.js');
      return openSnowflake(c.options);
    }
    case 'databricks': {
      const { openDatabricks } = await import('../connectors/databricks/index.js');
      return openDatabricks(c.options);
    }
    case 'redshift': {
      const { openRedshift } = await import('../connectors/redshift/index.js');
      return openRedshift(c.options);
    }
    case 'sqlserver': {
      const { openSqlServer } = await import('../connectors/sqlserver/index.js');
      return openSqlServer(c.options);
    }
    case 'oracle': {
      const { openOracle } = await import('../connectors/oracle/index.js');
      return openOracle(c.options);
    }
  }
}

const REF = /\$\{(env|file):[^}]+\}/g;

/** Resolves one connection's secret fields and keeps every value a driver might echo. */
class SecretCollector {
  private readonly found = new Set<string>();

  constructor(
    private readonly connection: string,
    private readonly baseDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  resolve(field: string, value: string): string {
    try {
      // Each reference on its own too: a password spliced into a URL is a secret by itself.
      for (const ref of value.match(REF) ?? []) this.add(resolveSecret(ref, this.opts()));
      const resolved = resolveSecret(value, this.opts());
      this.add(resolved);
      return resolved;
    } catch (e) {
      if (!(e instanceof SecretError)) throw e;
      throw new ConnectionError(
        'SECRET_UNRESOLVED',
        `connection "${this.connection}": ${field}: ${e.message}`,
        /environment variable/.test(e.message)
          ? "set it in the daemon's environment"
          : 'check that the file exists and that the daemon may read it',
      );
    }
  }

  /**
   * A key given as its text (often through ${file:…} / ${env:…}), or as the path of a file that
   * holds it: the text is recognised by how it starts.
   */
  resolveFileOrText(field: string, value: string, textStart: string): string {
    const resolved = this.resolve(field, value);
    if (resolved.trimStart().startsWith(textStart)) return resolved;
    const file = path.resolve(this.baseDir, resolved);
    try {
      const text = readFileSync(file, 'utf8').trim();
      this.add(text);
      return text;
    } catch (e) {
      throw new ConnectionError(
        'SECRET_UNRESOLVED',
        `connection "${this.connection}": ${field}: cannot read ${resolved}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
        'give the path of the key file, or its text through ${file:PATH} or ${env:NAME}',
      );
    }
  }

  addUrlForms(url: string): void {
    try {
      const u = new URL(url);
      if (u.password) {
        this.add(u.password);
        this.add(decodeURIComponent(u.password));
      }
    } catch {
      // Not a URL (a libpq keyword string): the whole value is already kept.
    }
  }

  addKeyJsonForms(json: string): void {
    try {
      const key = JSON.parse(json) as { private_key?: unknown; private_key_id?: unknown };
      if (typeof key.private_key === 'string') this.addPemForms(key.private_key);
      if (typeof key.private_key_id === 'string') this.add(key.private_key_id);
    } catch {
      // Not JSON: the BigQuery connector says so; the whole value is already kept.
    }
  }

  /** The key's base64 body, whole and line by line, as a driver may print a part of it. */
  addPemForms(pem: string): void {
    const body = pem
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('-----'));
    this.add(body.join(''));
    for (const line of body) if (line.length >= 16) this.add(line);
  }

  values(): string[] {
    // Longest first, so a URL is redacted whole before its password is.
    return [...this.found].sort((a, b) => b.length - a.length);
  }

  add(v: string): void {
    if (v) this.found.add(v);
  }

  private opts() {
    return { env: this.env, baseDir: this.baseDir };
  }
}
