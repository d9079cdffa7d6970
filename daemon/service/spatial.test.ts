/**
 * The spatial pack through the service: a connection's capabilities reach the compiler (the
 * CARTO Analytics Toolbox location from the config, PostgreSQL's h3 extensions from its
 * catalog), and previews cut long geography with a marker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describePostgres, PG_URL } from '../../test/support/postgres.js';
import type { LoadedConfig } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { ConnectorPool } from './connectors.js';
import { MAX_PREVIEW_GEOGRAPHY_CHARS } from './geography-preview.js';
import { Service } from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-spatial-'));

function service(connections: Record<string, unknown>): Service {
  const loaded: LoadedConfig = {
    config: configSchema.parse({ state: ':memory:', connections }),
    baseDir: dir,
  };
  return new Service(loaded, new ConnectorPool(loaded));
}

/** A point's H3 cell and a 500 m buffer, on `connection`. */
const workflow = (connection: string, column: string) => ({
  edgeflow: 1,
  name: 'spatial_options',
  connection,
  nodes: [
    {
      id: 'v',
      type: 'source.values',
      config: {
        columns: [
          { name: 'lon', type: 'double' },
          { name: 'lat', type: 'double' },
        ],
        rows: [[-3.7, 40.4]],
      },
    },
    { id: 'p', type: 'spatial.point', inputs: { in: 'v' }, config: { lon: 'lon', lat: 'lat' } },
    { id: 'c', type: 'compute', inputs: { in: 'p' }, config: { columns: { x: column } } },
  ],
});

describe('the CARTO Analytics Toolbox location of a connection', () => {
  const s = service({
    bq: { type: 'bigquery', projectId: 'acme', cartoToolbox: 'carto-os-eu.carto' },
    bq_plain: { type: 'bigquery', projectId: 'acme' },
    sf: { type: 'snowflake', account: 'xy', user: 'u', password: 'p', cartoToolbox: 'CARTO.CARTO' },
    sf_plain: { type: 'snowflake', account: 'xy', user: 'u', password: 'p' },
  });
  afterAll(() => s.close());

  it('makes H3 available on BigQuery, and its absence says which key to set', async () => {
    const ok = await s.compile({
      workflow: workflow('bq', 'h3_from_point(geog, 8)'),
      offline: true,
      node: 'c',
    });
    expect(ok.sql).toMatch(/`carto-os-eu`\.carto\.H3_FROMGEOGPOINT\(geog, 8\)/);
    const no = await s.validate({ workflow: workflow('bq_plain', 'h3_from_point(geog, 8)'), offline: true });
    const d = no.diagnostics.find((x) => x.code === 'UNSUPPORTED');
    expect(d?.message).toMatch(/h3_from_point\(\) needs the CARTO Analytics Toolbox/);
    expect(d?.hint).toMatch(/set cartoToolbox on the connection/);
  });

  it('makes st_buffer available on Snowflake', async () => {
    const ok = await s.compile({
      workflow: workflow('sf', 'st_buffer(geog, 500)'),
      offline: true,
      node: 'c',
    });
    expect(ok.sql).toMatch(/CARTO\.CARTO\.ST_BUFFER\(GEOG, 500\)/);
    const no = await s.validate({ workflow: workflow('sf_plain', 'st_buffer(geog, 500)'), offline: true });
    expect(no.diagnostics.find((x) => x.code === 'UNSUPPORTED')?.message).toMatch(
      /Snowflake buffers GEOMETRY only/,
    );
  });

  it('applies to its own dialect only', async () => {
    const other = await s.validate({
      workflow: workflow('bq', 'h3_from_point(geog, 8)'),
      dialect: 'postgres',
      offline: true,
    });
    expect(other.diagnostics.find((x) => x.code === 'UNSUPPORTED')?.message).toMatch(
      /needs the h3 extension/,
    );
  });

  it('is two name parts', () => {
    const bad = configSchema.safeParse({
      connections: { bq: { type: 'bigquery', projectId: 'a', cartoToolbox: 'carto' } },
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/two parts, e\.g\. carto-os\.carto/);
  });
});

describe('previews of long geography', () => {
  const s = service({ local: { type: 'duckdb', path: ':memory:' } });
  afterAll(() => s.close());

  it('cut a long WKT with a marker saying how long it is and how to get it whole', async () => {
    // A line of 400 positions: its WKT is about 5,800 characters.
    const line = `LINESTRING(${Array.from({ length: 400 }, (_, i) => `${(-3.7 + i * 0.0001).toFixed(4)} ${(40.4 + (i % 2) * 0.0001).toFixed(4)}`).join(', ')})`;
    const wf = {
      edgeflow: 1,
      name: 'long_shape',
      nodes: [
        {
          id: 'v',
          type: 'source.values',
          config: { columns: [{ name: 'w', type: 'string' }], rows: [[line], ['POINT(1 2)']] },
        },
        {
          id: 'g',
          type: 'compute',
          inputs: { in: 'v' },
          config: { columns: { shape: 'st_geogfromtext(w)', text: 'w' } },
        },
      ],
    };
    const r = await s.preview({ workflow: wf, node: 'g' });
    expect(r.ok).toBe(true);
    const [long, short] = r.rows!;
    const shape = String(long!['shape']);
    expect(shape.startsWith('LINESTRING(-3.7 40.4,-3.6999 40.4001')).toBe(true);
    expect(shape.slice(MAX_PREVIEW_GEOGRAPHY_CHARS)).toMatch(
      /^… \[cut: \d,\d{3} characters of WKT; preview st_asgeojson\(…\) or st_area\(…\), or run the workflow, for the whole shape\]$/,
    );
    expect(short!['shape']).toBe('POINT(1 2)');
    // Only geography is cut: the same text as a string column is whole.
    expect(String(long!['text']).length).toBe(line.length);
  });
});

describePostgres('PostgreSQL says whether it has the h3 extensions', () => {
  const s = service({ pg: { type: 'postgres', url: PG_URL } });
  afterAll(() => s.close());

  it('asks pg_extension once; without h3-pg, H3 is UNSUPPORTED with the way to get it', async () => {
    const c = await s.connector('pg');
    expect(await c.dialectOptions!()).toEqual({});
    const v = await s.validate({ workflow: workflow('pg', 'h3_from_point(geog, 8)') });
    expect(v.catalog).toBe('live');
    const d = v.diagnostics.find((x) => x.code === 'UNSUPPORTED');
    expect(d?.hint).toMatch(/CREATE EXTENSION h3; CREATE EXTENSION h3_postgis;/);
  });
});
