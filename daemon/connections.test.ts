import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from './config/load.js';
import type { ConnectionConfig } from './config/schema.js';
import { ConnectionError, connectorOptions, openConnector } from './connections.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-connections-'));

function loaded(connections: Record<string, ConnectionConfig>): LoadedConfig {
  return { config: { listen: '127.0.0.1:0', state: 'state.db', connections }, baseDir: dir };
}

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  '-----END PRIVATE KEY-----',
].join('\n');

describe('connections: config to connector options', () => {
  it('maps DuckDB, resolving its path against the config’s directory', () => {
    const c = connectorOptions(
      loaded({ local: { type: 'duckdb', path: 'wh.duckdb', statementTimeout: 30_000, poolSize: 2 } }),
      'local',
      { readOnly: true },
    );
    expect(c).toEqual({
      type: 'duckdb',
      options: { path: path.join(dir, 'wh.duckdb'), readOnly: true, timeoutMs: 30_000, poolSize: 2 },
    });
  });

  it('resolves a PostgreSQL URL and hands over its password, as written and decoded', () => {
    const c = connectorOptions(
      loaded({
        pg: {
          type: 'postgres',
          url: 'postgres://etl:${env:PG_PASS}@db:5432/wh',
          poolSize: 8,
          statementTimeout: 5000,
        },
      }),
      'pg',
      { env: { PG_PASS: 's%40cret-pw' } },
    );
    expect(c.type).toBe('postgres');
    if (c.type !== 'postgres') return;
    expect(c.options).toMatchObject({
      url: 'postgres://etl:s%40cret-pw@db:5432/wh',
      max: 8,
      timeoutMs: 5000,
    });
    expect(c.options.secrets).toEqual(
      expect.arrayContaining(['postgres://etl:s%40cret-pw@db:5432/wh', 's%40cret-pw', 's@cret-pw']),
    );
  });

  it('maps BigQuery: the key file’s JSON text, bytes billed, price, timeout', () => {
    const key = JSON.stringify({
      type: 'service_account',
      private_key: PEM,
      private_key_id: 'kid-0123456789',
    });
    writeFileSync(path.join(dir, 'bq.json'), key);
    for (const keyFile of ['${file:bq.json}', 'bq.json', '${env:BQ_KEY}']) {
      const c = connectorOptions(
        loaded({
          bq: {
            type: 'bigquery',
            projectId: 'acme',
            location: 'EU',
            keyFile,
            maxBytesBilled: 10_000_000_000,
            pricePerTiB: 5,
            statementTimeout: 60_000,
          },
        }),
        'bq',
        { env: { BQ_KEY: key } },
      );
      if (c.type !== 'bigquery') throw new Error(c.type);
      expect(c.options).toMatchObject({
        projectId: 'acme',
        location: 'EU',
        keyJson: key,
        maxBytesBilled: 10_000_000_000,
        pricePerTiB: 5,
        timeoutMs: 60_000,
      });
      expect(c.options.secrets).toEqual(expect.arrayContaining([key, 'kid-0123456789', PEM.split('\n')[1]]));
    }
  });

  it('maps Snowflake: user, key and passphrase, warehouse, role', () => {
    writeFileSync(path.join(dir, 'sf.p8'), PEM);
    const c = connectorOptions(
      loaded({
        sf: {
          type: 'snowflake',
          account: 'xy123',
          user: 'ETL',
          privateKey: '${file:sf.p8}',
          privateKeyPassphrase: '${env:SF_PASS}',
          warehouse: 'WH',
          database: 'DB',
          schema: 'PUBLIC',
          role: 'R',
          statementTimeout: 2000,
        },
      }),
      'sf',
      { env: { SF_PASS: 'pass-phrase-123' } },
    );
    expect(c).toEqual({
      type: 'snowflake',
      options: {
        account: 'xy123',
        username: 'ETL',
        privateKey: PEM,
        privateKeyPassphrase: 'pass-phrase-123',
        warehouse: 'WH',
        database: 'DB',
        schema: 'PUBLIC',
        role: 'R',
        timeoutMs: 2000,
        cacheDir: path.join(dir, 'snowflake-cache'),
        secrets: expect.arrayContaining([PEM, 'pass-phrase-123', PEM.split('\n')[2]]),
      },
    });
  });

  it('maps Databricks: host, warehouse, catalog; the token, or the OAuth secret and its Basic form', () => {
    const pat = connectorOptions(
      loaded({
        dbx: {
          type: 'databricks',
          host: 'https://dbc-1.cloud.databricks.com',
          warehouseId: 'w1',
          token: '${env:DBX_TOKEN}',
          catalog: 'main',
          schema: 'sales',
          statementTimeout: 3000,
        },
      }),
      'dbx',
      { env: { DBX_TOKEN: 'dapi-secret-token-1' } },
    );
    expect(pat).toEqual({
      type: 'databricks',
      options: {
        host: 'https://dbc-1.cloud.databricks.com',
        warehouseId: 'w1',
        token: 'dapi-secret-token-1',
        catalog: 'main',
        schema: 'sales',
        timeoutMs: 3000,
        secrets: ['dapi-secret-token-1'],
      },
    });
    const m2m = connectorOptions(
      loaded({
        dbx: {
          type: 'databricks',
          host: 'dbc-1.cloud.databricks.com',
          warehouseId: 'w1',
          clientId: 'sp-1',
          clientSecret: '${env:DBX_SECRET}',
        },
      }),
      'dbx',
      { env: { DBX_SECRET: 'dose-oauth-secret' } },
    );
    expect(m2m.options).toMatchObject({ clientId: 'sp-1', clientSecret: 'dose-oauth-secret' });
    expect((m2m.options as { secrets?: readonly string[] }).secrets).toEqual(
      expect.arrayContaining(['dose-oauth-secret', Buffer.from('sp-1:dose-oauth-secret').toString('base64')]),
    );
  });

  it('names the variable or file of a secret it cannot resolve, never a value', () => {
    const missing = (url: string) => {
      try {
        connectorOptions(loaded({ pg: { type: 'postgres', url } }), 'pg', { env: {} });
      } catch (e) {
        return e as ConnectionError;
      }
      throw new Error('resolved');
    };
    const env = missing('postgres://u:${env:NOT_SET_ANYWHERE}@h/db');
    expect(env).toBeInstanceOf(ConnectionError);
    expect(env.code).toBe('SECRET_UNRESOLVED');
    expect(env.message).toBe('connection "pg": url: environment variable NOT_SET_ANYWHERE is not set');
    expect(env.hint).toBe("set it in the daemon's environment");
    const file = missing('${file:no/such/secret}');
    expect(file.message).toBe('connection "pg": url: cannot read secret file no/such/secret: ENOENT');
  });

  it('opens a Databricks connector from the config (against the local fake of its API)', async () => {
    const { FakeDatabricks } = await import('../connectors/databricks/fake-server.js');
    const fake = await FakeDatabricks.start({ token: 'dapi-config-token' });
    fake.on('SELECT 42 AS x', { columns: [{ name: 'x', type: 'int' }], rows: [['42']] });
    process.env['EDGEFLOW_TEST_DBX_TOKEN'] = 'dapi-config-token';
    try {
      const c = await openConnector(
        loaded({
          dbx: {
            type: 'databricks',
            host: fake.url,
            warehouseId: 'w9',
            token: '${env:EDGEFLOW_TEST_DBX_TOKEN}',
            catalog: 'main',
          },
        }),
        'dbx',
      );
      expect([c.type, c.dialect]).toEqual(['databricks', 'databricks']);
      expect((await c.execute('SELECT 42 AS x')).rows).toEqual([{ x: 42 }]);
      expect(fake.submits()[0]).toMatchObject({ warehouse_id: 'w9', catalog: 'main' });
      await c.close();
    } finally {
      delete process.env['EDGEFLOW_TEST_DBX_TOKEN'];
      await fake.close();
    }
  });

  it('refuses an unknown connection with the configured names', async () => {
    await expect(openConnector(loaded({}), 'nope')).rejects.toMatchObject({
      code: 'UNKNOWN_CONNECTION',
      hint: 'configured connections: none',
    });
  });
});

describe('connections: drivers load lazily', () => {
  it('a DuckDB-only daemon loads neither snowflake-sdk nor the BigQuery client', async () => {
    const root = path.resolve(import.meta.dirname, '..');
    const script = `
      import { createRequire } from 'node:module';
      import { openConnector } from './daemon/connections.ts';
      const c = await openConnector(
        { config: { listen: '', state: '', connections: { local: { type: 'duckdb', path: ':memory:' } } }, baseDir: '.' },
        'local',
      );
      const r = await c.execute('SELECT 42 AS x');
      await c.close();
      const has = (part) => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes(part));
      const before = { snowflake: has('/snowflake-sdk/'), bigquery: has('/@google-cloud/'), pg: has('/node_modules/pg/') };
      // The check itself works: loading the PostgreSQL connector shows up in it.
      await import('./connectors/postgres/index.ts');
      console.log(JSON.stringify({ rows: r.rows, ...before, pgAfter: has('/node_modules/pg/') }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root },
    );
    expect(JSON.parse(stdout)).toEqual({
      rows: [{ x: 42 }],
      snowflake: false,
      bigquery: false,
      pg: false,
      pgAfter: true,
    });
  });
});
