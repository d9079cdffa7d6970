import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../../test/support/daemon-process.js';

/**
 * h3-js holds ~9 MB resident once loaded; a DuckDB connection registers every spatial function when
 * it opens. In a process of its own (the test runner's module cache is shared between files).
 */
const SCRIPT = `
import { createRequire } from 'node:module';
import { openDuckDb } from ${JSON.stringify(path.join(REPO, 'connectors', 'duckdb', 'index.ts'))};
const cache = createRequire(import.meta.url).cache;
const h3Loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/h3-js/'));
const c = await openDuckDb({ path: ':memory:' });
const seen = [h3Loaded()];
await c.execute("SELECT edgeflow_st_distance(edgeflow_st_point(0, 0), edgeflow_st_point(1, 0)) AS d");
seen.push(h3Loaded());
const r = await c.execute("SELECT edgeflow_h3_from_lonlat(2.17, 41.38, 9, 'n') AS cell");
seen.push(h3Loaded());
await c.close();
console.log(JSON.stringify({ seen, cell: r.rows[0].cell }));
`;

describe('spatial libraries', () => {
  it('loads h3-js with the first H3 function call, not when a connection opens', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { cwd: REPO, timeout: 60_000 },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seen: boolean[]; cell: string };
    expect(out.seen).toEqual([false, false, true]);
    // The cell of that point as h3-js itself computes it, here, without DuckDB.
    expect(out.cell).toBe(latLngToCell(41.38, 2.17, 9));
  }, 90_000);
});
