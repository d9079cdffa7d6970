/**
 * The `oracle` connection type: its password resolved where the connector is built, among the
 * secrets, never repeated by a config error; the oracle dialect.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredDialectOptions, connectorOptions, DIALECT_OF } from '../connections.js';
import { ConfigError, loadConfig, type LoadedConfig } from './load.js';
import { configSchema } from './schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-oracle-config-'));
const SECRET = 'CanaryOraclePassw0rd-3d9a7e21';

function load(yaml: string): LoadedConfig {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig(file, {});
}

describe('config: oracle connections', () => {
  it('maps to the Oracle connector, with the password among the secrets', () => {
    const l = load(
      `connections:\n  ora: { type: oracle, connectString: 'db.example.test:1521/ORCLPDB1', user: ETL, password: '\${env:ORA_PASS}', schema: ANALYTICS, statementTimeout: 30s }\n`,
    );
    expect(connectorOptions(l, 'ora', { env: { ORA_PASS: SECRET } })).toEqual({
      type: 'oracle',
      options: {
        connectString: 'db.example.test:1521/ORCLPDB1',
        user: 'ETL',
        password: SECRET,
        schema: 'ANALYTICS',
        timeoutMs: 30_000,
        secrets: [SECRET],
      },
    });
    expect(DIALECT_OF.oracle).toBe('oracle');
    expect(configuredDialectOptions(l.config.connections['ora']!)).toEqual({});
  });

  it('refuses a connection without connectString, user or password', () => {
    const full = { type: 'oracle', connectString: 'h:1521/s', user: 'u', password: 'p' };
    for (const key of ['connectString', 'user', 'password']) {
      const ora = Object.fromEntries(Object.entries(full).filter(([k]) => k !== key));
      expect(configSchema.safeParse({ connections: { ora } }).success, key).toBe(false);
    }
    expect(configSchema.safeParse({ connections: { ora: full } }).success).toBe(true);
  });

  it('never repeats the password in a config error', () => {
    let err: unknown;
    try {
      load(
        `connections:\n  ora: { type: oracle, connectString: 1, user: u, password: ${SECRET}, bogus: 1 }\n`,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(JSON.stringify(err) + String(err) + ((err as Error).stack ?? '')).not.toContain(SECRET);
  });
});
