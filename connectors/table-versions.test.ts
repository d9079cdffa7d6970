/**
 * The change signals the result cache (daemon/cache) reads, on the warehouses that cannot run here,
 * through the real client libraries against the local fakes: BigQuery's table resource
 * (`creationTime`, `lastModifiedTime`; none for a view or a table with a streaming buffer) and
 * Snowflake's INFORMATION_SCHEMA.TABLES (`CREATED`, `LAST_ALTERED`; none for a view). DuckDB and
 * PostgreSQL are covered on the real engines by daemon/cache/cache.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from './connector.js';
import { FakeBigQuery } from './bigquery/fake-server.js';
import { openBigQuery } from './bigquery/index.js';
import { FakeSnowflake, type FakeQueryRequest } from './snowflake/fake-server.js';
import { openSnowflake } from './snowflake/index.js';

describe('BigQuery table versions', () => {
  let fake: FakeBigQuery;
  let bq: Connector;
  beforeAll(async () => {
    fake = await FakeBigQuery.start();
    bq = await openBigQuery({
      projectId: 'acme',
      location: 'EU',
      apiEndpoint: fake.url,
      retryDelaysMs: [10],
    });
  });
  afterAll(async () => {
    await bq.close();
    await fake.close();
  });

  it('come from lastModifiedTime and creationTime; a view or a streaming buffer has none', async () => {
    fake.tables.set('acme.shop.orders', {
      type: 'TABLE',
      creationTime: '1700000000000',
      lastModifiedTime: '1700000500000',
      numBytes: '4096',
    });
    fake.tables.set('acme.shop.v', { type: 'VIEW', creationTime: '1', lastModifiedTime: '2' });
    fake.tables.set('other.shop.live', {
      type: 'TABLE',
      creationTime: '1',
      lastModifiedTime: '2',
      numBytes: '10',
      streamingBuffer: { estimatedRows: '5' },
    });
    const read = () =>
      bq.tableVersions!([
        ['shop', 'orders'],
        ['shop', 'v'],
        ['other', 'shop', 'live'],
        ['shop', 'missing'],
      ]);
    const first = await read();
    expect(first).toEqual([
      { version: 'created:1700000000000;modified:1700000500000', bytes: 4096 },
      { version: null, bytes: null },
      { version: null, bytes: 10 },
      undefined,
    ]);
    // A write moves lastModifiedTime: another version.
    fake.tables.set('acme.shop.orders', {
      ...fake.tables.get('acme.shop.orders'),
      lastModifiedTime: '1700000600000',
    });
    expect((await read())[0]?.version).not.toBe(first[0]?.version);
    expect((await bq.tableVersions!([['shop', 'orders']], { sizeOnly: true }))[0]).toEqual({
      version: null,
      bytes: 4096,
    });
  });
});

describe('Snowflake table versions', () => {
  const fake = new FakeSnowflake({ account: 'xy12345', users: { ETL: { password: 'pw' } } });
  let sf: Connector;
  const tables: Record<string, [string, string, string, string]> = {
    'SALES.ORDERS': ['BASE TABLE', '2024-01-01 00:00:00.000', '2024-06-01 10:00:00.000', '2048'],
    'SALES.V': ['VIEW', '2024-01-01 00:00:00.000', '2024-01-01 00:00:00.000', ''],
  };
  beforeAll(async () => {
    fake.script(/INFORMATION_SCHEMA\.TABLES/, (req: FakeQueryRequest) => {
      const b = req.bindings ?? {};
      const key = `${String(b['1']?.value)}.${String(b['2']?.value)}`;
      const t = tables[key];
      return {
        columns: ['TABLE_TYPE', 'IS_TRANSIENT', 'CREATED', 'LAST_ALTERED']
          .map((name) => ({ name, type: 'text' }))
          .concat([{ name: 'BYTES', type: 'fixed' }]),
        rows: t ? [[t[0], 'NO', t[1], t[2], t[3] || null]] : [],
      };
    });
    await fake.start();
    sf = await openSnowflake({
      account: 'xy12345',
      username: 'ETL',
      password: 'pw',
      accessUrl: fake.url,
      database: 'DB',
    });
  });
  afterAll(async () => {
    await sf.close();
    await fake.stop();
  });

  it('come from CREATED and LAST_ALTERED; a view has none', async () => {
    const got = await sf.tableVersions!([
      ['SALES', 'ORDERS'],
      ['SALES', 'V'],
      ['SALES', 'NOPE'],
    ]);
    expect(got[0]).toEqual({
      version: 'created:2024-01-01 00:00:00.000;altered:2024-06-01 10:00:00.000',
      bytes: 2048,
    });
    expect(got[1]).toEqual({ version: null, bytes: null });
    expect(got[2]).toBeUndefined();
    tables['SALES.ORDERS']![2] = '2024-06-02 08:00:00.000';
    expect((await sf.tableVersions!([['SALES', 'ORDERS']]))[0]?.version).toMatch(/altered:2024-06-02/);
  });
});
