/**
 * The `sqlserver` connection type (SQL Server, Azure SQL, Azure Synapse with `synapse: true`): its
 * password resolved where the connector is built, among the secrets, never repeated by a config
 * error; the tsql dialect, with Synapse's option.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredDialectOptions, connectorOptions, DIALECT_OF, openConnector } from '../connections.js';
import { ConfigError, loadConfig, type LoadedConfig } from './load.js';
import { configSchema } from './schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-sqlserver-config-'));
const SECRET = 'CanaryMsSqlPassw0rd-6b1f0c9e';

function load(yaml: string): LoadedConfig {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig(file, {});
}

describe('config: sqlserver connections', () => {
  it('maps to the SQL Server connector, with the password among the secrets', () => {
    const l = load(
      `connections:\n  ms: { type: sqlserver, server: db.example.test, port: 14330, database: analytics, user: reader, password: '\${env:MS_PASS}', poolSize: 2, statementTimeout: 30s }\n`,
    );
    const c = connectorOptions(l, 'ms', { env: { MS_PASS: SECRET } });
    expect(c).toEqual({
      type: 'sqlserver',
      options: {
        server: 'db.example.test',
        port: 14330,
        database: 'analytics',
        user: 'reader',
        password: SECRET,
        poolSize: 2,
        timeoutMs: 30_000,
        secrets: [SECRET],
      },
    });
    expect(DIALECT_OF.sqlserver).toBe('tsql');
    expect(configuredDialectOptions(l.config.connections['ms']!)).toEqual({});
  });

  it('passes synapse: true to the connector and the dialect', () => {
    const l = load(
      `connections:\n  syn: { type: sqlserver, server: ws.sql.azuresynapse.net, database: pool1, user: u, password: p4ssword, synapse: true }\n`,
    );
    expect(connectorOptions(l, 'syn').options).toMatchObject({ synapse: true });
    expect(configuredDialectOptions(l.config.connections['syn']!)).toEqual({ synapse: true });
  });

  it('refuses a connection without server, database, user or password', () => {
    const full = { type: 'sqlserver', server: 's', database: 'd', user: 'u', password: 'p' };
    for (const key of ['server', 'database', 'user', 'password']) {
      const ms = Object.fromEntries(Object.entries(full).filter(([k]) => k !== key));
      expect(configSchema.safeParse({ connections: { ms } }).success, key).toBe(false);
    }
    expect(configSchema.safeParse({ connections: { ms: full } }).success).toBe(true);
  });

  it('never repeats the password in a config error', () => {
    let err: unknown;
    try {
      load(
        `connections:\n  ms: { type: sqlserver, server: 1, database: d, user: u, password: ${SECRET}, bogus: 1 }\n`,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(JSON.stringify(err) + String(err) + ((err as Error).stack ?? '')).not.toContain(SECRET);
  });

  it('opens the connector lazily: no connection is made before the first statement', async () => {
    const l = load(
      `connections:\n  ms: { type: sqlserver, server: db.example.test, database: d, user: u, password: ${SECRET} }\n`,
    );
    const c = await openConnector(l, 'ms');
    expect([c.type, c.dialect]).toEqual(['sqlserver', 'tsql']);
    await c.close();
  });
});
