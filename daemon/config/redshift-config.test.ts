/**
 * The `redshift` connection type: over its PostgreSQL protocol (`url`) or the Redshift Data API
 * (`dataApi`), its secrets resolved where the connector is built and never repeated by a config error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePostgres, PG_URL } from '../../test/support/postgres.js';
import { connectorOptions, openConnector } from '../connections.js';
import { ConfigError, loadConfig, type LoadedConfig } from './load.js';
import { configSchema } from './schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-redshift-config-'));
const SECRET = 'CanaryRsSecretKey0123456789abcdefABCDEF';

function load(yaml: string): LoadedConfig {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig(file, {});
}

describe('config: redshift connections', () => {
  it('maps url to the pg connector, with its password among the secrets', () => {
    const l = load(
      `connections:\n  rs: { type: redshift, url: 'postgres://etl:\${env:RS_PASS}@wh.abc.us-east-1.redshift.amazonaws.com:5439/dev', poolSize: 3, statementTimeout: 30s }\n`,
    );
    const c = connectorOptions(l, 'rs', { env: { RS_PASS: SECRET } });
    expect(c).toMatchObject({
      type: 'redshift',
      options: {
        url: `postgres://etl:${SECRET}@wh.abc.us-east-1.redshift.amazonaws.com:5439/dev`,
        max: 3,
        timeoutMs: 30_000,
      },
    });
    expect((c.options as { secrets?: readonly string[] }).secrets).toContain(SECRET);
  });

  it('maps dataApi (Serverless, static keys) to the Data API connector, with the secret key among the secrets', () => {
    const l = load(
      [
        'connections:',
        '  rsd:',
        '    type: redshift',
        '    dataApi: { region: eu-west-1, database: dev, workgroupName: analytics, accessKeyId: AKIAEXAMPLE, secretAccessKey: "${env:AWS_SK}" }',
        '',
      ].join('\n'),
    );
    const c = connectorOptions(l, 'rsd', { env: { AWS_SK: SECRET } });
    expect(c).toMatchObject({
      type: 'redshift',
      options: {
        dataApi: true,
        region: 'eu-west-1',
        database: 'dev',
        workgroupName: 'analytics',
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
      },
    });
    expect((c.options as { secrets?: readonly string[] }).secrets).toContain(SECRET);
  });

  it('refuses a connection with neither or both, a cluster without dbUser or secretArn, half a key', () => {
    const bad = [
      { type: 'redshift' },
      { type: 'redshift', url: 'postgres://x', dataApi: { region: 'r', database: 'd', workgroupName: 'w' } },
      { type: 'redshift', dataApi: { region: 'r', database: 'd' } },
      { type: 'redshift', dataApi: { region: 'r', database: 'd', clusterIdentifier: 'c' } },
      { type: 'redshift', dataApi: { region: 'r', database: 'd', workgroupName: 'w', accessKeyId: 'AKIA' } },
    ];
    for (const rs of bad)
      expect(configSchema.safeParse({ connections: { rs } }).success, JSON.stringify(rs)).toBe(false);
    expect(
      configSchema.safeParse({
        connections: {
          rs: {
            type: 'redshift',
            dataApi: { region: 'r', database: 'd', clusterIdentifier: 'c', dbUser: 'u' },
          },
        },
      }).success,
    ).toBe(true);
  });

  it('never repeats the secret access key in a config error', () => {
    let err: unknown;
    try {
      load(
        `connections:\n  rsd: { type: redshift, dataApi: { region: 1, database: dev, workgroupName: w, accessKeyId: AKIA, secretAccessKey: ${SECRET}, bogus: 1 } }\n`,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(JSON.stringify(err) + String(err) + ((err as Error).stack ?? '')).not.toContain(SECRET);
  });
});

describePostgres('config: a redshift connection opens its connector', () => {
  it('over url, on the PostgreSQL protocol (here the PostgreSQL 15 of CI)', async () => {
    const l = load(`connections:\n  rs: { type: redshift, url: '\${env:RS_URL}' }\n`);
    const c = await openConnector(l, 'rs').catch((e: unknown) => e);
    // The URL comes from the daemon's environment: without it the secret is unresolved.
    expect((c as Error).message).toMatch(/RS_URL/);
    const ok = load(`connections:\n  rs: { type: redshift, url: '${PG_URL}' }\n`);
    const connector = await openConnector(ok, 'rs');
    try {
      expect([connector.type, connector.dialect]).toEqual(['redshift', 'redshift']);
      expect((await connector.execute('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    } finally {
      await connector.close();
    }
  });
});
