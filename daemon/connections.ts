/** Builds connectors from the config. Secrets are resolved here and nowhere else. */
import path from 'node:path';
import type { DialectName } from '../compiler/dialects/dialect.js';
import type { Connector } from '../connectors/connector.js';
import { resolveSecret } from '../connectors/secrets.js';
import type { LoadedConfig } from './config/load.js';
import type { ConnectionConfig } from './config/schema.js';

export const DIALECT_OF: Record<ConnectionConfig['type'], DialectName> = {
  duckdb: 'duckdb',
  postgres: 'postgres',
  bigquery: 'bigquery',
  snowflake: 'snowflake',
};

export class ConnectionError extends Error {
  constructor(
    readonly code: 'UNKNOWN_CONNECTION' | 'CONNECTION_UNAVAILABLE',
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

export async function openConnector(
  loaded: LoadedConfig,
  name: string,
  opts: { readOnly?: boolean } = {},
): Promise<Connector> {
  const c = connectionConfig(loaded, name);
  switch (c.type) {
    case 'duckdb': {
      const { openDuckDb } = await import('../connectors/duckdb/index.js');
      const file = c.path === ':memory:' ? c.path : path.resolve(loaded.baseDir, c.path);
      return openDuckDb({
        path: file,
        ...(opts.readOnly !== undefined ? { readOnly: opts.readOnly } : {}),
        ...(c.allowExtensionInstall ? { allowExtensionInstall: true } : {}),
      });
    }
    case 'postgres': {
      const { openPostgres } = await import('../connectors/postgres/index.js');
      return openPostgres({ url: resolveSecret(c.url, { baseDir: loaded.baseDir }) });
    }
    default:
      throw new ConnectionError(
        'CONNECTION_UNAVAILABLE',
        `${c.type} connections cannot be opened by this version yet`,
        'the workflow still validates and compiles offline with declared source columns',
      );
  }
}
