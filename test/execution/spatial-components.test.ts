/**
 * The spatial components (DESIGN.md §1.8) executed on DuckDB and PostgreSQL + PostGIS over the
 * seeded stores and customers of test/support/spatial-data.ts, against answers computed here with
 * the haversine formula and h3-js. Pairs whose distance is within a hair of a threshold are left
 * out of the comparison (§1.8: a point farther than 0.5% of the distance from a boundary is
 * classified the same everywhere).
 */
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { beforeAll, expect, it } from 'vitest';
import { analyzeWorkflow, type Catalog } from '../../compiler/index.js';
import { normalize } from '../support/compare.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import {
  CUSTOMERS,
  STORES,
  allPairs,
  haversine,
  spatialCatalog,
  spatialLoadStatements,
  spatialSources,
} from '../support/spatial-data.js';
import { previewRows, runWorkflow, workflow, type NodeDoc } from '../support/workflow-run.js';

type Plain = ReturnType<typeof normalize>;

function withCatalog(ctx: EngineContext, catalog: Catalog): EngineContext {
  return Object.create(ctx, { catalog: { value: catalog } }) as EngineContext;
}

async function rowsOf(ctx: EngineContext, nodes: NodeDoc[], node: string, limit = 1000) {
  const rs = await previewRows(ctx, workflow(nodes), node, { limit });
  return rs.rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalize(v)])),
  ) as Array<Record<string, Plain>>;
}

const key = (...xs: unknown[]) => xs.join('|');

forEachEngine('spatial_cmp', (base) => {
  const ctx = withCatalog(base, spatialCatalog(base.schema));
  beforeAll(async () => {
    for (const sql of spatialLoadStatements(base.name, base.schema)) await base.engine.exec(sql);
  });
  const sources = () => spatialSources(ctx.schema) as NodeDoc[];

  it('spatial.point makes points (null coordinates give a null point)', async () => {
    const rows = await rowsOf(
      ctx,
      [
        ...sources(),
        {
          id: 'xy',
          type: 'compute',
          inputs: { in: 'customers' },
          config: { columns: { x: 'st_x(home)', y: 'st_y(home)', none: 'home IS NULL' } },
        },
      ],
      'xy',
    );
    expect(rows).toHaveLength(CUSTOMERS.length);
    for (const r of rows) {
      const c = CUSTOMERS.find((x) => x.customer_id === r['customer_id'])!;
      expect(r['none']).toBe(c.lon === null);
      if (c.lon !== null) {
        // 180 and -180 are one meridian: engines may write either.
        expect(Math.abs(((Number(r['x']) - c.lon + 540) % 360) - 180)).toBeLessThan(1e-9);
        expect(r['y']).toBeCloseTo(c.lat!, 9);
      }
    }
  });

  it('spatial.join dwithin pairs every customer with the stores within 2 km, with the distance', async () => {
    const rows = await rowsOf(
      ctx,
      [
        ...sources(),
        {
          id: 'j',
          type: 'spatial.join',
          inputs: { left: 'customers', right: 'stores' },
          config: {
            predicate: 'dwithin',
            left: 'home',
            right: 'location',
            distance: 2000,
            select: ['left.customer_id', 'right.store_id'],
            distanceAs: 'metres',
          },
        },
      ],
      'j',
      1000,
    );
    const borderline = new Set(
      allPairs()
        .filter((p) => Math.abs(p.d - 2000) < 0.01)
        .map((p) => key(p.c.customer_id, p.s.store_id)),
    );
    const want = allPairs().filter((p) => p.d <= 2000 && !borderline.has(key(p.c.customer_id, p.s.store_id)));
    const got = rows.filter((r) => !borderline.has(key(r['customer_id'], r['store_id'])));
    expect(want.length).toBeGreaterThan(50);
    expect(got.map((r) => key(r['customer_id'], r['store_id'])).sort()).toEqual(
      want.map((p) => key(p.c.customer_id, p.s.store_id)).sort(),
    );
    for (const r of got) {
      const p = want.find((x) => x.c.customer_id === r['customer_id'] && x.s.store_id === r['store_id'])!;
      expect(Math.abs(Number(r['metres']) - p.d)).toBeLessThan(1e-6 * Math.max(1, p.d));
    }
    // Across the date line and near the pole too.
    expect(got.some((r) => r['customer_id'] === 900 && r['store_id'] === 90)).toBe(true);
    expect(got.some((r) => r['customer_id'] === 902 && r['store_id'] === 91)).toBe(true);
  });

  it('spatial.join kind left keeps customers beyond every store radius (a per-store distance)', async () => {
    const rows = await rowsOf(
      ctx,
      [
        ...sources(),
        {
          id: 'j',
          type: 'spatial.join',
          inputs: { left: 'customers', right: 'stores' },
          config: {
            predicate: 'dwithin',
            left: 'home',
            right: 'location',
            distance: 'radius',
            kind: 'left',
            select: ['left.customer_id', 'right.store_id'],
          },
        },
      ],
      'j',
      1000,
    );
    const pairs = allPairs();
    const near = (c: number) => pairs.filter((p) => p.c.customer_id === c && p.d <= p.s.radius);
    const ambiguous = (c: number) =>
      pairs.some((p) => p.c.customer_id === c && Math.abs(p.d - p.s.radius) < 0.01);
    for (const c of CUSTOMERS) {
      if (ambiguous(c.customer_id)) continue;
      const mine = rows.filter((r) => r['customer_id'] === c.customer_id);
      const want = near(c.customer_id);
      if (want.length === 0) expect(mine).toEqual([{ customer_id: c.customer_id, store_id: null }]);
      else expect(mine.map((r) => r['store_id']).sort()).toEqual(want.map((p) => p.s.store_id).sort());
    }
  });

  it('spatial.buffer and spatial.join contains/within/intersects agree with the distance to the store', async () => {
    const radius = 1500;
    const nodes: NodeDoc[] = [
      ...sources(),
      {
        id: 'zones',
        type: 'spatial.buffer',
        inputs: { in: 'stores' },
        config: { geography: 'location', distance: radius, as: 'zone' },
      },
    ];
    const join = (predicate: string, left: string, right: string, l: string, r: string): NodeDoc => ({
      id: predicate,
      type: 'spatial.join',
      inputs: { left, right },
      config: { predicate, left: l, right: r, select: ['left.store_id', 'right.customer_id'] },
    });
    const contains = await rowsOf(
      ctx,
      [...nodes, join('contains', 'zones', 'customers', 'zone', 'home')],
      'contains',
      1000,
    );
    const intersects = await rowsOf(
      ctx,
      [...nodes, join('intersects', 'zones', 'customers', 'zone', 'home')],
      'intersects',
      1000,
    );
    const within = await rowsOf(
      ctx,
      [
        ...nodes,
        {
          id: 'within',
          type: 'spatial.join',
          inputs: { left: 'customers', right: 'zones' },
          config: {
            predicate: 'within',
            left: 'home',
            right: 'zone',
            select: ['right.store_id', 'left.customer_id'],
          },
        },
      ],
      'within',
      1000,
    );
    // The buffer is a 32-sided polygon inside the circle: within 0.5% of the radius is a toss-up.
    const pairs = allPairs();
    const clear = pairs.filter((p) => Math.abs(p.d - radius) > 0.006 * radius);
    const want = clear
      .filter((p) => p.d < radius)
      .map((p) => key(p.s.store_id, p.c.customer_id))
      .sort();
    const unclear = new Set(
      pairs.filter((p) => !clear.includes(p)).map((p) => key(p.s.store_id, p.c.customer_id)),
    );
    for (const got of [contains, intersects, within])
      expect(
        got
          .map((r) => key(r['store_id'], r['customer_id']))
          .filter((k) => !unclear.has(k))
          .sort(),
      ).toEqual(want);
    // The buffer's area is the 32-sided polygon's within 1%.
    const polygon = 16 * radius * radius * Math.sin(Math.PI / 16);
    const areas = await rowsOf(
      ctx,
      [
        ...nodes,
        { id: 'a', type: 'compute', inputs: { in: 'zones' }, config: { columns: { area: 'st_area(zone)' } } },
      ],
      'a',
    );
    for (const r of areas)
      if (r['store_id'] !== 92) expect(Math.abs(Number(r['area']) / polygon - 1)).toBeLessThan(0.01);
      else expect(r['area']).toBeNull();
  });

  it('spatial.nearest gives each customer its k nearest stores, ties to the lower store id', async () => {
    const rows = await rowsOf(
      ctx,
      [
        ...sources(),
        {
          id: 'n',
          type: 'spatial.nearest',
          inputs: { left: 'customers', right: 'stores' },
          config: { left: 'home', right: 'location', k: 2 },
        },
      ],
      'n',
      1000,
    );
    const pairs = allPairs();
    for (const c of CUSTOMERS) {
      const mine = rows
        .filter((r) => r['customer_id'] === c.customer_id)
        .sort((a, b) => Number(a['rank']) - Number(b['rank']));
      if (c.lon === null) {
        expect(mine).toHaveLength(1);
        expect([mine[0]!['store_id'], mine[0]!['distance'], mine[0]!['rank']]).toEqual([null, null, null]);
        continue;
      }
      const want = pairs
        .filter((p) => p.c.customer_id === c.customer_id)
        .sort((a, b) => a.d - b.d || a.s.store_id - b.s.store_id)
        .slice(0, 2);
      expect(mine.map((r) => r['rank'])).toEqual([1, 2]);
      expect(mine.map((r) => r['store_id'])).toEqual(want.map((p) => p.s.store_id));
      mine.forEach((r, i) =>
        expect(Math.abs(Number(r['distance']) - want[i]!.d)).toBeLessThan(1e-6 * Math.max(1, want[i]!.d)),
      );
      // The right columns come along (name, and lon/lat prefixed right_).
      expect(mine[0]!['name']).toBe(want[0]!.s.name);
      expect(mine[0]!['right_lon']).toBe(want[0]!.s.lon);
    }
  });

  it('spatial.nearest with maxDistance keeps customers with no store that near, once, with nulls', async () => {
    const rows = await rowsOf(
      ctx,
      [
        ...sources(),
        {
          id: 'n',
          type: 'spatial.nearest',
          inputs: { left: 'customers', right: 'stores' },
          config: { left: 'home', right: 'location', maxDistance: 1000, distanceAs: 'metres', rankAs: 'r' },
        },
      ],
      'n',
      1000,
    );
    const pairs = allPairs();
    expect(rows).toHaveLength(CUSTOMERS.length);
    for (const r of rows) {
      const nearest = pairs.filter((p) => p.c.customer_id === r['customer_id']).sort((a, b) => a.d - b.d)[0];
      if (nearest && Math.abs(nearest.d - 1000) < 0.01) continue;
      if (!nearest || nearest.d > 1000)
        expect([r['store_id'], r['metres'], r['r']]).toEqual([null, null, null]);
      else expect([r['store_id'], r['r']]).toEqual([nearest.s.store_id, 1]);
    }
  });

  it('h3.from_point and h3.polyfill give the cells h3-js gives (DuckDB), UNSUPPORTED on PostgreSQL without h3', async () => {
    const nodes: NodeDoc[] = [
      ...sources(),
      {
        id: 'cells',
        type: 'h3.from_point',
        inputs: { in: 'customers' },
        config: { geography: 'home', resolution: 8 },
      },
      {
        id: 'cells_xy',
        type: 'h3.from_point',
        inputs: { in: 'customers_raw' },
        config: { lon: 'lon', lat: 'lat', resolution: 9, as: 'cell' },
      },
      {
        id: 'zones',
        type: 'spatial.buffer',
        inputs: { in: 'stores' },
        config: { geography: 'location', distance: 1000 },
      },
      {
        id: 'fill',
        type: 'h3.polyfill',
        inputs: { in: 'zones' },
        config: { geography: 'location', resolution: 9 },
      },
    ];
    if (ctx.name === 'postgres') {
      const a = analyzeWorkflow(workflow(nodes), { dialect: 'postgres', catalog: ctx.catalog });
      const unsupported = a.diagnostics.filter((d) => d.code === 'UNSUPPORTED').map((d) => d.nodeId);
      expect(unsupported.sort()).toEqual(['cells', 'cells_xy', 'fill']);
      return;
    }
    for (const r of await rowsOf(ctx, nodes, 'cells')) {
      const c = CUSTOMERS.find((x) => x.customer_id === r['customer_id'])!;
      expect(r['h3']).toBe(c.lon === null ? null : latLngToCell(c.lat!, c.lon, 8));
    }
    for (const r of await rowsOf(ctx, nodes, 'cells_xy')) {
      const c = CUSTOMERS.find((x) => x.customer_id === r['customer_id'])!;
      expect(r['cell']).toBe(c.lon === null ? null : latLngToCell(c.lat!, c.lon, 9));
    }
    // Polyfill: the cells whose centre is in the 1 km buffer (a toss-up within 0.5% of its edge).
    const fill = await rowsOf(ctx, nodes, 'fill', 1000);
    expect(Object.keys(fill[0]!)).toEqual(['store_id', 'name', 'lon', 'lat', 'radius', 'h3']);
    for (const s of STORES) {
      const got = new Set(fill.filter((r) => r['store_id'] === s.store_id).map((r) => String(r['h3'])));
      if (s.lon === null) {
        expect(got.size).toBe(0);
        continue;
      }
      const around = gridDisk(latLngToCell(s.lat!, s.lon, 9), 8);
      const distance = (c: string) => {
        const [lat, lon] = cellToLatLng(c);
        return haversine(s.lon!, s.lat!, lon, lat);
      };
      for (const c of around) {
        const d = distance(c);
        if (d < 1000 * 0.994) expect(got.has(c), `${s.store_id} ${c}`).toBe(true);
        if (d > 1000) expect(got.has(c), `${s.store_id} ${c}`).toBe(false);
      }
      expect([...got].every((c) => around.includes(c))).toBe(true);
    }
  });

  it('invalid WKT fails the run naming the node, and nothing is written', async () => {
    const target = `${ctx.out}.sp_parsed`;
    const wf = workflow([
      {
        id: 'raw',
        type: 'source.values',
        config: {
          columns: [{ name: 'wkt', type: 'string' }],
          rows: [['POINT(1 2)'], ['POLYGN((0 0, 1 0, 1 1, 0 0))']],
        },
      },
      {
        id: 'parse',
        type: 'compute',
        inputs: { in: 'raw' },
        config: { columns: { g: 'st_geogfromtext(wkt)' } },
      },
      {
        id: 'out',
        type: 'output.table',
        inputs: { in: 'parse' },
        config: { table: target, mode: 'replace' },
      },
    ]);
    const error = await runWorkflow(ctx, wf).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      ctx.name === 'duckdb'
        ? /node "parse": st_geogfromtext: unknown geometry type POLYGN/
        : /parse error - invalid geometry/,
    );
    const exists = await ctx.engine.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = '${ctx.out}' AND table_name = 'sp_parsed'`,
    );
    expect(Number(normalize(exists.rows[0]!['n']))).toBe(0);
  });

  it('an H3 resolution outside 0–15 is refused before anything runs', async () => {
    const a = analyzeWorkflow(
      workflow([
        ...sources(),
        {
          id: 'cells',
          type: 'h3.from_point',
          inputs: { in: 'customers' },
          config: { geography: 'home', resolution: 16 },
        },
        {
          id: 'expr',
          type: 'compute',
          inputs: { in: 'customers' },
          config: { columns: { c: 'h3_from_point(home, 16)' } },
        },
      ]),
      { dialect: ctx.dialect, catalog: ctx.catalog },
    );
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.find((d) => d.nodeId === 'cells')?.message).toMatch(/16|resolution|15/);
    expect(errors.find((d) => d.nodeId === 'expr')?.message).toMatch(/H3 resolution 16 is outside 0–15/);
  });
});
