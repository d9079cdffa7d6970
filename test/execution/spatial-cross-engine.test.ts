/**
 * Two independent implementations checking each other (DESIGN.md §1.8): the same spatial
 * workflows on DuckDB (edgeflow's own functions) and on PostgreSQL + PostGIS give the same rows
 * within the tolerances of §1.8 — distances to 1e-6, buffer areas within 1%, and a point farther
 * than 0.5% of the distance from a boundary classified the same.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeWorkflow, compilePreview, type DialectName } from '../../compiler/index.js';
import { normalize } from '../support/compare.js';
import { openDuckDb, type DuckDbTestDb } from '../support/duckdb.js';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  resetSchemas,
  type PgTestDb,
} from '../support/postgres.js';
import { allPairs, spatialCatalog, spatialLoadStatements, spatialSources } from '../support/spatial-data.js';
import { workflow, type NodeDoc } from '../support/workflow-run.js';

const SCHEMA = 'spatial_x';
type Row = Record<string, ReturnType<typeof normalize>>;

describePostgres('the same spatial workflows on DuckDB and PostGIS', () => {
  let duck: DuckDbTestDb;
  let pg: PgTestDb;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.exec(`CREATE SCHEMA ${SCHEMA}`);
    for (const sql of spatialLoadStatements('duckdb', SCHEMA)) await duck.exec(sql);
    pg = await connectPostgres();
    await resetSchemas(pg, [SCHEMA]);
    for (const sql of spatialLoadStatements('postgres', SCHEMA)) await pg.exec(sql);
  });
  afterAll(async () => {
    duck.close();
    await dropSchemas(pg, [SCHEMA]);
    await pg.close();
  });

  /** The node's rows on both engines. */
  async function both(nodes: NodeDoc[], node: string): Promise<Record<'duckdb' | 'postgres', Row[]>> {
    const wf = workflow([...(spatialSources(SCHEMA) as NodeDoc[]), ...nodes]);
    const run = async (
      dialect: DialectName,
      query: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }>,
    ) => {
      const a = analyzeWorkflow(wf, { dialect, catalog: spatialCatalog(SCHEMA) });
      if (!a.valid) throw new Error(JSON.stringify(a.diagnostics));
      const { query: q } = compilePreview(a, { node, paramMode: 'literal', limit: 1000 });
      return (await query(q!.sql)).rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalize(v)])),
      );
    };
    return {
      duckdb: await run('duckdb', (sql) => duck.query(sql)),
      postgres: await run('postgres', (sql) => pg.query(sql)),
    };
  }

  const key = (r: Row, ...cols: string[]) => cols.map((c) => String(r[c])).join('|');

  it('spatial.join dwithin: the same pairs and distances', async () => {
    const r = await both(
      [
        {
          id: 'j',
          type: 'spatial.join',
          inputs: { left: 'customers', right: 'stores' },
          config: {
            predicate: 'dwithin',
            left: 'home',
            right: 'location',
            distance: 2500,
            select: ['left.customer_id', 'right.store_id'],
            distanceAs: 'm',
          },
        },
      ],
      'j',
    );
    expect(r.duckdb.length).toBeGreaterThan(100);
    const pg = new Map(r.postgres.map((x) => [key(x, 'customer_id', 'store_id'), x]));
    expect([...pg.keys()].sort()).toEqual(r.duckdb.map((x) => key(x, 'customer_id', 'store_id')).sort());
    for (const x of r.duckdb) {
      const y = pg.get(key(x, 'customer_id', 'store_id'))!;
      expect(Math.abs(Number(x['m']) - Number(y['m']))).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Number(x['m'])),
      );
    }
  });

  it('spatial.buffer then contains: areas within 1%, points clear of the edge classified alike', async () => {
    const radius = 1200;
    const nodes: NodeDoc[] = [
      {
        id: 'zones',
        type: 'spatial.buffer',
        inputs: { in: 'stores' },
        config: { geography: 'location', distance: radius, as: 'zone' },
      },
      {
        id: 'areas',
        type: 'compute',
        inputs: { in: 'zones' },
        config: {
          columns: { area: 'st_area(zone)', cx: 'st_x(st_centroid(zone))', cy: 'st_y(st_centroid(zone))' },
        },
      },
      {
        id: 'j',
        type: 'spatial.join',
        inputs: { left: 'zones', right: 'customers' },
        config: {
          predicate: 'contains',
          left: 'zone',
          right: 'home',
          select: ['left.store_id', 'right.customer_id'],
        },
      },
    ];
    const areas = await both(nodes, 'areas');
    for (const x of areas.duckdb) {
      const y = areas.postgres.find((p) => p['store_id'] === x['store_id'])!;
      if (x['area'] === null) {
        expect(y['area']).toBeNull();
        continue;
      }
      expect(Math.abs(Number(x['area']) / Number(y['area']) - 1)).toBeLessThan(0.01);
      // The centroids of the two circles: within 0.5% of the radius.
      const [dx, dy] = [Number(x['cx']) - Number(y['cx']), Number(x['cy']) - Number(y['cy'])];
      const metres = Math.hypot(dx * 111_195 * Math.cos((Number(y['cy']) * Math.PI) / 180), dy * 111_195);
      if (Math.abs(Number(y['cy'])) < 89) expect(metres).toBeLessThan(0.005 * radius);
    }
    const pairs = await both(nodes, 'j');
    const edge = new Set(
      allPairs()
        .filter((p) => Math.abs(p.d - radius) <= 0.01 * radius)
        .map((p) => `${p.s.store_id}|${p.c.customer_id}`),
    );
    const clear = (rows: Row[]) =>
      rows
        .map((x) => key(x, 'store_id', 'customer_id'))
        .filter((k) => !edge.has(k))
        .sort();
    expect(clear(pairs.duckdb).length).toBeGreaterThan(50);
    expect(clear(pairs.postgres)).toEqual(clear(pairs.duckdb));
  });

  it('spatial.nearest: the same neighbours, ranks and distances', async () => {
    const r = await both(
      [
        {
          id: 'n',
          type: 'spatial.nearest',
          inputs: { left: 'customers', right: 'stores' },
          config: { left: 'home', right: 'location', k: 3, maxDistance: 5000 },
        },
      ],
      'n',
    );
    const cols = ['customer_id', 'rank', 'store_id'];
    expect(r.postgres.map((x) => key(x, ...cols)).sort()).toEqual(
      r.duckdb.map((x) => key(x, ...cols)).sort(),
    );
    const pg = new Map(r.postgres.map((x) => [key(x, ...cols), x]));
    for (const x of r.duckdb) {
      const y = pg.get(key(x, ...cols))!;
      if (x['distance'] === null) expect(y['distance']).toBeNull();
      else
        expect(Math.abs(Number(x['distance']) - Number(y['distance']))).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Number(x['distance'])),
        );
    }
  });

  // PostGIS unions geometry in longitude/latitude: the stores by the date line and the pole, whose
  // buffers wrap around there, are left out (the README says so).
  it('a union of the overlapping buffers of each group of stores: areas within 1%', async () => {
    const r = await both(
      [
        { id: 'madrid', type: 'filter', inputs: { in: 'stores' }, config: { where: 'store_id < 90' } },
        {
          id: 'zones',
          type: 'spatial.buffer',
          inputs: { in: 'madrid' },
          config: { geography: 'location', distance: 2000 },
        },
        {
          id: 'tagged',
          type: 'compute',
          inputs: { in: 'zones' },
          config: { columns: { west: 'lon < -3.7' } },
        },
        {
          id: 'u',
          type: 'aggregate',
          inputs: { in: 'tagged' },
          config: { groupBy: ['west'], measures: { area: 'st_area(st_union_agg(location))', n: 'count(*)' } },
        },
      ],
      'u',
    );
    for (const x of r.duckdb) {
      const y = r.postgres.find((p) => p['west'] === x['west'])!;
      expect(Number(x['n'])).toBeGreaterThan(2);
      expect(Math.abs(Number(x['area']) / Number(y['area']) - 1)).toBeLessThan(0.01);
    }
  });
});
