/** ConnectorPool.holdUntil: a connection that is not ready yet makes its callers wait, bounded. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadedConfig } from '../executor/testing.js';
import { ConnectorPool } from './connectors.js';
import { ServiceError } from './errors.js';

const pools: ConnectorPool[] = [];
const newPool = () => {
  const pool = new ConnectorPool(loadedConfig({ local: { type: 'duckdb', path: ':memory:' } }));
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.closeAll()));
});

describe('ConnectorPool.holdUntil', () => {
  it('opens a held connection only once what it waits for has settled, even when it failed', async () => {
    const pool = newPool();
    let fail!: (e: Error) => void;
    pool.holdUntil('local', new Promise((_, reject) => (fail = reject)), {
      reason: 'seeding',
      timeoutMs: 5_000,
    });
    // The work the hold waits for gets through, and what it writes is there for the waiters.
    const own = await pool.get('local', { duringHold: true });
    let opened = false;
    const waiting = pool.get('local').then((c) => ((opened = true), c));
    await own.execute('CREATE TABLE main.seeded AS SELECT 1 AS x');
    await new Promise((r) => setTimeout(r, 50));
    expect(opened).toBe(false);
    fail(new Error('the seeding failed'));
    const c = await waiting;
    expect((await c.execute('SELECT x FROM main.seeded')).rows).toEqual([{ x: 1 }]);
  });

  it('gives up after timeoutMs with CONNECTION_UNAVAILABLE, its reason and hint', async () => {
    const pool = newPool();
    pool.holdUntil('local', new Promise(() => {}), {
      reason: 'the demo warehouse is being seeded',
      timeoutMs: 50,
      hint: 'try again when GET /readyz answers 200',
    });
    const e = await pool.get('local').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServiceError);
    expect(e).toMatchObject({
      code: 'CONNECTION_UNAVAILABLE',
      status: 503,
      details: { hint: 'try again when GET /readyz answers 200' },
    });
    expect((e as Error).message).toContain('the demo warehouse is being seeded');
  });
});
