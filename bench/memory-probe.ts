/**
 * Child process of the connectors benchmark: opens the connectors of one configuration, runs
 * `SELECT 1` on each, and prints its resident memory. A fresh process per configuration, so
 * what a driver costs shows as the difference (drivers load only when their connection opens).
 *
 *   tsx bench/memory-probe.ts duckdb
 *   tsx bench/memory-probe.ts all <bigquery fake url> <snowflake fake url> [postgres url]
 */
import type { Connector } from '../connectors/connector.js';
import { openDuckDb } from '../connectors/duckdb/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const [mode, bigqueryUrl, snowflakeUrl, postgresUrl] = process.argv.slice(2);
  const open: Connector[] = [await openDuckDb({ path: ':memory:' })];
  if (mode === 'all') {
    const { openBigQuery } = await import('../connectors/bigquery/index.js');
    const { openSnowflake } = await import('../connectors/snowflake/index.js');
    const { openPostgres } = await import('../connectors/postgres/index.js');
    open.push(await openBigQuery({ projectId: 'bench', location: 'EU', apiEndpoint: bigqueryUrl! }));
    open.push(
      await openSnowflake({
        account: 'bench',
        username: 'BENCH',
        password: 'bench-password',
        accessUrl: snowflakeUrl!,
      }),
    );
    // The pg driver opens no socket until a statement runs; without a server its cost is the module.
    open.push(await openPostgres({ url: postgresUrl ?? 'postgres://bench@127.0.0.1:1/bench' }));
  }
  for (const c of open.slice(0, mode === 'all' && !postgresUrl ? -1 : undefined))
    await c.execute(c.type === 'snowflake' ? 'SELECT 1 AS "x"' : 'SELECT 1 AS x');
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ mode, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, connectors: open.map((c) => c.type) })}\n`,
  );
  await Promise.all(open.map((c) => c.close()));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
