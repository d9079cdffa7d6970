/**
 * The connectors' costs: the daemon-side overhead of one statement on DuckDB (the connector's
 * `execute` against the driver's own round trip for `SELECT 1`), and the resident memory of a
 * process with only DuckDB configured against one with all four connectors open — drivers load
 * lazily, so DuckDB alone must not pay for the BigQuery client and snowflake-sdk.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDb } from '../connectors/duckdb/index.js';
import { FakeBigQuery } from '../connectors/bigquery/fake-server.js';
import { FakeSnowflake } from '../connectors/snowflake/fake-server.js';
import { probeArgs } from './bundle.js';
import { summarize, type Summary } from './stats.js';

export interface ConnectorsBenchResult {
  overhead: Array<{ name: string; perStatementUs: Summary }>;
  memory: Array<{ config: string; rssMb: number; heapMb: number; connectors: string[] }>;
}

export async function runConnectorsBench(opts: {
  runs: number;
  log: (line: string) => void;
}): Promise<ConnectorsBenchResult> {
  opts.log('  statement overhead on DuckDB (SELECT 1)');
  const instance = await DuckDBInstance.create(':memory:');
  const raw = await instance.connect();
  const duck = await openDuckDb({ path: ':memory:' });
  // The paths run in turn, one statement each, so drift and noise fall on all of them alike.
  const paths: Array<[string, () => Promise<unknown>]> = [
    ['driver: connection.runAndReadAll', () => raw.runAndReadAll('SELECT 1 AS x')],
    ['connector: execute', () => duck.execute('SELECT 1 AS x')],
    [
      'connector: execute, labelled, with a query id callback',
      () =>
        duck.execute('SELECT 1 AS x', {
          label: { workflow: 'bench', run: 'r1', origin: 'run' },
          onQueryId: () => undefined,
        }),
    ],
    [
      'connector: execute, readOnly (a read-only transaction)',
      () => duck.execute('SELECT 1 AS x', { readOnly: true }),
    ],
  ];
  const samples = paths.map(() => [] as number[]);
  for (let i = 0; i < 300 + opts.runs; i++) {
    for (const [k, [, fn]] of paths.entries()) {
      const t = process.hrtime.bigint();
      await fn();
      if (i >= 300) samples[k]!.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  const overhead: ConnectorsBenchResult['overhead'] = paths.map(([name], k) => ({
    name,
    perStatementUs: summarize(samples[k]!),
  }));
  raw.closeSync();
  instance.closeSync();
  await duck.close();

  opts.log('  resident memory by configured connectors (child processes)');
  const bigquery = (await FakeBigQuery.start()).on('SELECT 1 AS x', {
    schema: [{ name: 'x', type: 'INT64' }],
    rows: [[1]],
  });
  const snowflake = new FakeSnowflake({ account: 'bench', users: { BENCH: { password: 'bench-password' } } });
  await snowflake.start();
  snowflake.script('SELECT 1 AS "x"', {
    columns: [{ name: 'x', type: 'fixed', precision: 1, scale: 0 }],
    rows: [['1']],
  });
  const run = async (args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', ...probeArgs('memory-probe'), ...args],
      {
        env: {
          ...process.env,
          SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
          METADATA_SERVER_DETECTION: 'none',
        },
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      rssMb: number;
      heapMb: number;
      connectors: string[];
    };
  };
  const memory: ConnectorsBenchResult['memory'] = [];
  try {
    for (let i = 0; i < 3; i++) {
      memory.push({ config: 'DuckDB only', ...(await run(['duckdb'])) });
      const pg = process.env['EDGEFLOW_TEST_PG_URL'];
      memory.push({
        config: 'DuckDB, PostgreSQL, BigQuery, Snowflake',
        ...(await run(['all', bigquery.url, snowflake.url, ...(pg ? [pg] : [])])),
      });
    }
  } finally {
    await bigquery.close();
    await snowflake.stop();
  }
  return { overhead, memory };
}
