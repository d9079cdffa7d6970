/**
 * The spatial pack's functions (DESIGN.md §1.8) executed on DuckDB (edgeflow's own functions) and
 * on PostgreSQL + PostGIS, each compared with a value computed here independently: the haversine
 * formula, L'Huilier's theorem for spherical triangles, h3-js, or a shape's symmetry. Nulls, empty
 * shapes, the antimeridian, the poles and a polygon with a hole are among the cases.
 */
import { cellToBoundary, cellToLatLng, cellToParent, getResolution, latLngToCell } from 'h3-js';
import { expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/index.js';
import { normalize } from '../support/compare.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import { previewRows, workflow, type NodeDoc } from '../support/workflow-run.js';

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** The haversine formula, written here again (the code under test has its own). */
function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

/** A spherical triangle's area (m²) by L'Huilier's theorem from its sides. */
function triangleArea(p: [number, number], q: [number, number], r: [number, number]): number {
  const a = haversine(...q, ...r) / R;
  const b = haversine(...p, ...r) / R;
  const c = haversine(...p, ...q) / R;
  const s = (a + b + c) / 2;
  const t = Math.tan(s / 2) * Math.tan((s - a) / 2) * Math.tan((s - b) / 2) * Math.tan((s - c) / 2);
  return 4 * Math.atan(Math.sqrt(Math.max(0, t))) * R * R;
}

/** A convex polygon's area as a fan of triangles (positions without the closing repeat). */
const convexArea = (ps: Array<[number, number]>) =>
  ps.slice(1, -1).reduce((sum, p, i) => sum + triangleArea(ps[0]!, p, ps[i + 2]!), 0);

const SHELL: Array<[number, number]> = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];
const HOLE: Array<[number, number]> = [
  [2, 2],
  [3, 2],
  [3, 3],
  [2, 3],
];
const ring = (ps: Array<[number, number]>) => `(${[...ps, ps[0]!].map((p) => p.join(' ')).join(',')})`;
const HOLED = `POLYGON(${ring(SHELL)},${ring(HOLE)})`;

/** One row of inputs every case reads. */
const VALUES: NodeDoc = {
  id: 'v',
  type: 'source.values',
  config: {
    columns: [
      { name: 'lon', type: 'double' },
      { name: 'lat', type: 'double' },
      { name: 'nlon', type: 'double' },
      { name: 'holed', type: 'string' },
      { name: 'empty_wkt', type: 'string' },
      { name: 'geojson', type: 'string' },
      { name: 'cell', type: 'string' },
      { name: 'ok_wkt', type: 'string' },
    ],
    rows: [
      [
        -3.7038,
        40.4168,
        null,
        HOLED,
        'POINT EMPTY',
        '{"type": "LineString", "coordinates": [[0, 0], [10, 0]]}',
        '88390cb1b1fffff',
        'LINESTRING(0 0,10 0)',
      ],
    ],
  },
};

type Check = number | string | boolean | null | ((v: unknown) => void);

/** A relative tolerance check of a number. */
const near =
  (want: number, rel = 1e-6) =>
  (v: unknown) => {
    expect(typeof v).toBe('number');
    expect(Math.abs((v as number) - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));
  };

/** The expression's value on this engine, for each `[name, expression, expected]`. */
async function check(ctx: EngineContext, cases: Array<[string, string, Check]>) {
  const wf = workflow([
    VALUES,
    {
      id: 'c',
      type: 'compute',
      inputs: { in: 'v' },
      config: { columns: Object.fromEntries(cases.map(([n, e]) => [n, e])) },
    },
  ]);
  const rows = await previewRows(ctx, wf, 'c');
  const row = rows.rows[0]!;
  for (const [name, expr, want] of cases) {
    const got = normalize(row[name]);
    try {
      if (typeof want === 'function') want(got);
      else expect(got).toEqual(want);
    } catch (e) {
      throw new Error(`${ctx.name}: ${name} = ${expr} gave ${JSON.stringify(got)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

const wkt = (e: string) => `st_astext(${e})`;

forEachEngine('spatial_fn', (ctx) => {
  it('makes points, reads WKT and GeoJSON, and writes them back', async () => {
    await check(ctx, [
      ['p', wkt('st_point(lon, lat)'), 'POINT(-3.7038 40.4168)'],
      ['wrapped', wkt('st_point(190, 10)'), 'POINT(-170 10)'],
      ['off_globe', wkt('st_point(10, 95)'), null],
      ['null_lon', wkt('st_point(nlon, lat)'), null],
      ['x', 'st_x(st_point(lon, lat))', -3.7038],
      ['y', 'st_y(st_point(lon, lat))', 40.4168],
      ['x_empty', 'st_x(st_geogfromtext(empty_wkt))', null],
      ['holed', wkt('st_geogfromtext(holed)'), HOLED],
      ['srid', wkt("st_geogfromtext('SRID=4326;POINT(1 2)')"), 'POINT(1 2)'],
      ['empty', wkt('st_geogfromtext(empty_wkt)'), 'POINT EMPTY'],
      ['from_json', wkt('st_geogfromgeojson(geojson)'), 'LINESTRING(0 0,10 0)'],
      ['null_text', wkt('st_geogfromtext(CAST(null AS string))'), null],
      [
        'to_json',
        'st_asgeojson(st_geogfromtext(ok_wkt))',
        (v) =>
          expect(JSON.parse(String(v))).toEqual({
            type: 'LineString',
            coordinates: [
              [0, 0],
              [10, 0],
            ],
          }),
      ],
      ['cast', "CAST(CAST('POINT(1.5 2)' AS geography) AS string)", 'POINT(1.5 2)'],
    ]);
  });

  it('measures on the sphere of radius 6,371,008.8 m', async () => {
    const octant = (Math.PI * R * R) / 2;
    await check(ctx, [
      [
        'madrid_paris',
        'st_distance(st_point(lon, lat), st_point(2.3522, 48.8566))',
        near(haversine(-3.7038, 40.4168, 2.3522, 48.8566)),
      ],
      ['same', 'st_distance(st_point(lon, lat), st_point(lon, lat))', 0],
      // Across the antimeridian the short way, and near a pole.
      [
        'antimeridian',
        'st_distance(st_point(179.9, 0), st_point(-179.9, 0))',
        near(haversine(179.9, 0, -179.9, 0)),
      ],
      ['pole', 'st_distance(st_point(0, 90), st_point(90, 89))', near(haversine(0, 90, 90, 89))],
      [
        'to_line',
        "st_distance(st_point(0, 0), st_geogfromtext('LINESTRING(1 -1, 1 1)'))",
        near((Math.PI / 180) * R),
      ],
      ['inside', `st_distance(st_point(5, 5), st_geogfromtext(holed))`, 0],
      [
        'in_hole',
        `st_distance(st_point(2.5, 2.5), st_geogfromtext(holed))`,
        near(haversine(2.5, 2.5, 2.5, 2), 1e-3),
      ],
      ['empty_distance', 'st_distance(st_geogfromtext(empty_wkt), st_point(1, 1))', null],
      ['octant', "st_area(st_geogfromtext('POLYGON((0 0, 90 0, 0 90, 0 0))'))", near(octant)],
      ['holed_area', 'st_area(st_geogfromtext(holed))', near(convexArea(SHELL) - convexArea(HOLE))],
      ['point_area', 'st_area(st_point(lon, lat))', 0],
      ['empty_area', "st_area(st_geogfromtext('POLYGON EMPTY'))", 0],
      ['length', 'st_length(st_geogfromtext(ok_wkt))', near(((10 * Math.PI) / 180) * R)],
      ['polygon_length', 'st_length(st_geogfromtext(holed))', 0],
      ['null_area', 'st_area(CAST(null AS geography))', null],
    ]);
  });

  it('decides predicates, holes and boundaries included', async () => {
    const d = haversine(-3.7038, 40.4168, -3.69, 40.42);
    await check(ctx, [
      ['in_shell', 'st_intersects(st_geogfromtext(holed), st_point(5, 5))', true],
      ['in_hole', 'st_intersects(st_geogfromtext(holed), st_point(2.5, 2.5))', false],
      ['on_edge', 'st_intersects(st_geogfromtext(holed), st_point(10, 0))', true],
      ['outside', 'st_intersects(st_geogfromtext(holed), st_point(11, 5))', false],
      [
        'lines_cross',
        "st_intersects(st_geogfromtext(ok_wkt), st_geogfromtext('LINESTRING(5 -1, 5 1)'))",
        true,
      ],
      ['contains', 'st_contains(st_geogfromtext(holed), st_point(5, 5))', true],
      ['contains_hole', 'st_contains(st_geogfromtext(holed), st_point(2.5, 2.5))', false],
      ['contains_edge', 'st_contains(st_geogfromtext(holed), st_point(0, 5))', true],
      [
        'contains_poly',
        "st_contains(st_geogfromtext(holed), st_geogfromtext('POLYGON((5 5, 6 5, 6 6, 5 5))'))",
        true,
      ],
      [
        'over_hole',
        "st_contains(st_geogfromtext(holed), st_geogfromtext('POLYGON((1 1, 4 1, 4 4, 1 4, 1 1))'))",
        false,
      ],
      ['within', 'st_within(st_point(5, 5), st_geogfromtext(holed))', true],
      ['not_within', 'st_within(st_point(2.5, 2.5), st_geogfromtext(holed))', false],
      ['dwithin_yes', `st_dwithin(st_point(lon, lat), st_point(-3.69, 40.42), ${d * 1.005})`, true],
      ['dwithin_no', `st_dwithin(st_point(lon, lat), st_point(-3.69, 40.42), ${d * 0.995})`, false],
      [
        'antimeridian',
        "st_intersects(st_geogfromtext('POLYGON((179 -1, -179 -1, -179 1, 179 1, 179 -1))'), st_point(180, 0))",
        true,
      ],
      [
        'pole_cap',
        "st_contains(st_geogfromtext('POLYGON((0 80, 90 80, 180 80, -90 80, 0 80))'), st_point(45, 89))",
        true,
      ],
      ['empty_meets', 'st_intersects(st_geogfromtext(empty_wkt), st_point(1, 1))', false],
      ['null_meets', 'st_intersects(CAST(null AS geography), st_point(1, 1))', null],
    ]);
  });

  it('buffers within 1% of the area, and finds centroids and unions', async () => {
    // 32 segments: the area of the regular polygon inscribed in the circle.
    const gon = (r: number) => (32 / 2) * r * r * Math.sin((2 * Math.PI) / 32);
    await check(ctx, [
      ['buffer', 'st_area(st_buffer(st_point(lon, lat), 1000))', near(gon(1000), 0.01)],
      ['buffer_pole', 'st_area(st_buffer(st_point(0, 89.99), 5000))', near(gon(5000), 0.01)],
      ['buffer_antimeridian', 'st_area(st_buffer(st_point(179.99, 0), 5000))', near(gon(5000), 0.01)],
      ['buffer_covers', 'st_contains(st_buffer(st_point(lon, lat), 1000), st_point(-3.7038, 40.4218))', true],
      // An 11 km line: 2 × 1 km along it, plus the two half circles at its ends.
      [
        'buffer_line',
        "st_area(st_buffer(st_geogfromtext('LINESTRING(0 0, 0.1 0)'), 1000))",
        near(2 * 1000 * ((0.1 * Math.PI) / 180) * R + gon(1000), 0.01),
      ],
      [
        'shrink',
        "st_area(st_buffer(st_geogfromtext('POLYGON((0 0, 0.1 0, 0.1 0.1, 0 0.1, 0 0))'), -1000))",
        near(
          convexArea([
            [0.009, 0.009],
            [0.091, 0.009],
            [0.091, 0.091],
            [0.009, 0.091],
          ]),
          0.01,
        ),
      ],
      ['shrink_point', wkt('st_buffer(st_point(lon, lat), -10)'), 'POLYGON EMPTY'],
      [
        'centroid_x',
        "st_x(st_centroid(st_geogfromtext('POLYGON((0 -5, 10 -5, 10 5, 0 5, 0 -5))')))",
        near(5, 1e-9),
      ],
      [
        'centroid_y',
        "st_y(st_centroid(st_geogfromtext('POLYGON((0 -5, 10 -5, 10 5, 0 5, 0 -5))')))",
        (v) => expect(Math.abs(v as number)).toBeLessThan(1e-9),
      ],
      ['centroid_line_x', 'st_x(st_centroid(st_geogfromtext(ok_wkt)))', near(5, 1e-9)],
      ['centroid_empty', wkt('st_centroid(st_geogfromtext(empty_wkt))'), 'GEOMETRYCOLLECTION EMPTY'],
    ]);
  });

  it('unions the shapes of a group (st_union_agg)', async () => {
    const wf = workflow([
      {
        id: 'v',
        type: 'source.values',
        config: {
          columns: [
            { name: 'k', type: 'int' },
            { name: 'w', type: 'string' },
          ],
          rows: [
            [1, 'POLYGON((0 0, 2 0, 2 1, 0 1, 0 0))'],
            [1, 'POLYGON((1 0, 3 0, 3 1, 1 1, 1 0))'],
            [1, null],
            [2, 'POINT(5 5)'],
            [3, null],
          ],
        },
      },
      { id: 'g', type: 'compute', inputs: { in: 'v' }, config: { columns: { g: 'st_geogfromtext(w)' } } },
      {
        id: 'u',
        type: 'aggregate',
        inputs: { in: 'g' },
        config: {
          groupBy: ['k'],
          measures: { area: 'st_area(st_union_agg(g))', text: 'st_astext(st_union_agg(g))' },
        },
      },
      { id: 's', type: 'sort', inputs: { in: 'u' }, config: { by: ['k'] } },
    ]);
    const rows = (await previewRows(ctx, wf, 's')).rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalize(v)])),
    );
    near(
      convexArea([
        [0, 0],
        [3, 0],
        [3, 1],
        [0, 1],
      ]),
      0.005,
    )(rows[0]!['area']);
    expect(rows[1]!['text']).toBe('POINT(5 5)');
    expect(rows[2]!['text']).toBeNull();
  });

  it('gives H3 cells as h3-js does (DuckDB), or says what PostgreSQL lacks', async () => {
    const cell = latLngToCell(40.4168, -3.7038, 8);
    const cases: Array<[string, string, Check]> = [
      ['from_point', 'h3_from_point(st_point(lon, lat), 8)', cell],
      ['from_column', "h3_from_point(st_geogfromtext('POINT(-3.7038 40.4168)'), 8)", cell],
      ['pole', 'h3_from_point(st_point(0, 90), 5)', latLngToCell(90, 0, 5)],
      ['antimeridian', 'h3_from_point(st_point(180, 0), 5)', latLngToCell(0, 180, 5)],
      ['null_point', 'h3_from_point(st_point(nlon, lat), 8)', null],
      ['resolution', 'h3_resolution(cell)', getResolution('88390cb1b1fffff')],
      ['parent', 'h3_parent(cell, 5)', cellToParent('88390cb1b1fffff', 5)],
      ['finer_parent', 'h3_parent(cell, 9)', null],
      ['center_x', 'st_x(h3_center(cell))', near(cellToLatLng('88390cb1b1fffff')[1], 1e-9)],
      ['center_y', 'st_y(h3_center(cell))', near(cellToLatLng('88390cb1b1fffff')[0], 1e-9)],
      [
        'boundary',
        'st_area(h3_boundary(cell))',
        near(
          convexArea(
            cellToBoundary('88390cb1b1fffff', true)
              .slice(0, -1)
              .map(([x, y]) => [x!, y!] as [number, number]),
          ),
          1e-6,
        ),
      ],
    ];
    if (ctx.name === 'duckdb') return check(ctx, cases);
    // No h3 extension in this PostgreSQL: each is UNSUPPORTED, saying how to get it.
    for (const [name, expr] of cases) {
      const wf = workflow([
        VALUES,
        { id: 'c', type: 'compute', inputs: { in: 'v' }, config: { columns: { [name]: expr } } },
      ]);
      const a = analyzeWorkflow(wf, { dialect: 'postgres', catalog: ctx.catalog });
      const d = a.diagnostics.find((x) => x.code === 'UNSUPPORTED');
      expect(d?.message, name).toMatch(/needs the h3 extension/);
      expect(d?.hint).toMatch(/CREATE EXTENSION h3; CREATE EXTENSION h3_postgis/);
    }
  });
});
