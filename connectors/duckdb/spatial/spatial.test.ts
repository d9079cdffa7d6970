/**
 * edgeflow's own geography code for DuckDB, unit by unit: WKT and WKB, the sphere's measures and
 * predicates where the answer is known exactly, the grid prefilter's promise (a pair within the
 * distance always meets in the left's home cell, once), and the k-nearest index against brute
 * force. The SQL functions built on them are executed in test/execution/spatial-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { wkbToWkt } from '../../values.js';
import { GeographyError, readWkb, writeWkb, type Geometry } from './geometry.js';
import { boxOf, cellOf, coverCells, homeOf, reachOf } from './grid.js';
import { NearestIndex } from './nearest.js';
import { buffer, union } from './planar.js';
import { EARTH_RADIUS_M, area, covers, distance, haversineMetres, intersects, prepare } from './sphere.js';
import { parseGeoJson, parseWkt, toGeoJson } from './text.js';

const P = (wkt: string) => prepare(parseWkt(wkt));

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WKT, WKB and GeoJSON', () => {
  it('reads WKT and writes the same text back through WKB', () => {
    for (const wkt of [
      'POINT(1 2)',
      'POINT EMPTY',
      'LINESTRING(0 0,1 1,2 0)',
      'POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 3,2 2))',
      'MULTIPOINT((1 2),(3 4))',
      'MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))',
      'GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))',
      'POLYGON EMPTY',
    ])
      expect(wkbToWkt(writeWkb(parseWkt(wkt)))).toBe(wkt);
    expect(wkbToWkt(writeWkb(parseWkt('MULTIPOINT(1 2, 3 4)')))).toBe('MULTIPOINT((1 2),(3 4))');
    expect(wkbToWkt(writeWkb(parseWkt(' srid=4326;point ( -3.5   40 ) ')))).toBe('POINT(-3.5 40)');
  });

  it('says what is wrong with text that is not a geography, and where', () => {
    const wrong = (wkt: string, message: RegExp) => expect(() => parseWkt(wkt)).toThrow(message);
    wrong('POLYGN((0 0,1 0,1 1,0 0))', /unknown geometry type POLYGN at character 1/);
    wrong('POINT(1)', /expected a number at character 8/);
    wrong('POINT(1 2 3)', /only two coordinates/);
    wrong('POINT Z (1 2 3)', /a geography has two dimensions/);
    wrong('POLYGON((0 0,1 0,1 1))', /needs at least four positions/);
    wrong('POLYGON((0 0,1 0,1 1,0 1))', /is not closed/);
    wrong('POINT(10 95)', /latitude 95, outside \[-90, 90\]/);
    wrong('POINT(200 5)', /longitude 200, outside \[-180, 180\]/);
    wrong('POINT(1 2) junk', /unexpected text after the geometry/);
    wrong('SRID=3857;POINT(1 2)', /SRID 4326/);
    expect(() => parseWkt('')).toThrow(GeographyError);
  });

  it('reads and writes GeoJSON geometry objects', () => {
    const g = parseGeoJson('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}');
    expect(JSON.parse(toGeoJson(g))).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    });
    expect(toGeoJson(parseWkt('POINT(1.1234567891234 2)'))).toBe(
      '{"type":"Point","coordinates":[1.123456789,2]}',
    );
    expect(() => parseGeoJson('{"type":"Feature"}')).toThrow(/not a GeoJSON geometry type/);
    expect(() => parseGeoJson('nope')).toThrow(/not JSON/);
  });

  it('reads PostGIS EWKB (SRID flag) and drops Z', () => {
    // EWKB point with SRID 4326 and Z: type 0xA0000001.
    const b = Buffer.from('01010000a0e6100000000000000000f03f00000000000000400000000000000840', 'hex');
    expect(readWkb(b)).toEqual({ type: 'Point', coords: [1, 2] });
  });
});

describe('the sphere', () => {
  it('measures exactly where the answer is known', () => {
    const R = EARTH_RADIUS_M;
    expect(area(P('POLYGON((0 0,90 0,0 90,0 0))')) / ((Math.PI * R * R) / 2)).toBeCloseTo(1, 12);
    // The same octant written clockwise: a polygon is the smaller of its two sides.
    expect(area(P('POLYGON((0 0,0 90,90 0,0 0))')) / ((Math.PI * R * R) / 2)).toBeCloseTo(1, 12);
    expect(distance(P('POINT(0 0)'), P('POINT(0 90)')) * R).toBeCloseTo((Math.PI / 2) * R, 6);
    expect(haversineMetres(-179.9, 0, 179.9, 0)).toBeCloseTo(0.2 * (Math.PI / 180) * R, 6);
  });

  it('decides containment of huge polygons (a point beyond 90° of some vertex)', () => {
    for (const band of [
      P('POLYGON((-100 -10,0 -10,100 -10,100 10,0 10,-100 10,-100 -10))'),
      P('POLYGON((-100 -10,-100 10,0 10,100 10,100 -10,0 -10,-100 -10))'),
    ]) {
      expect(covers(band, P('POINT(0 0)'))).toBe(true);
      expect(covers(band, P('POINT(60 5)'))).toBe(true);
      expect(covers(band, P('POINT(180 0)'))).toBe(false);
      expect(covers(band, P('POINT(0 30)'))).toBe(false);
    }
  });

  it('finds lines that cross, and polygons within polygons', () => {
    expect(intersects(P('LINESTRING(0 0,10 10)'), P('LINESTRING(0 10,10 0)'))).toBe(true);
    expect(intersects(P('LINESTRING(0 0,10 0)'), P('LINESTRING(0 1,10 1)'))).toBe(false);
    // The antipodal crossing of two great circles is not a crossing of the arcs.
    expect(intersects(P('LINESTRING(0 0,10 0)'), P('LINESTRING(-175 -5,-175 5)'))).toBe(false);
    expect(intersects(P('POLYGON((0 0,10 0,10 10,0 10,0 0))'), P('POLYGON((2 2,3 2,3 3,2 2))'))).toBe(true);
    expect(covers(P('POLYGON((0 0,10 0,10 10,0 10,0 0))'), P('POLYGON((9 9,11 9,11 11,9 9))'))).toBe(false);
  });
});

describe('buffers and unions', () => {
  it('buffers a point to a 32-sided geodesic polygon, also at a pole', () => {
    for (const [lon, lat] of [
      [-3.7, 40.4],
      [0, 90],
      [180, 0],
      [0, -89.9999],
    ] as const) {
      const b = buffer({ type: 'Point', coords: [lon, lat] }, 1000);
      const ring = (b as Geometry & { type: 'Polygon' }).rings[0]!;
      expect(ring.length).toBe(33 * 2);
      for (let i = 0; i < ring.length; i += 2)
        expect(haversineMetres(lon, lat, ring[i]!, ring[i + 1]!)).toBeCloseTo(1000, 3);
      expect(area(prepare(b)) / (16 * 1000 * 1000 * Math.sin(Math.PI / 16))).toBeCloseTo(1, 3);
    }
  });

  it('unions overlapping shapes, refusing ones spread around the globe', () => {
    const u = union([
      parseWkt('POLYGON((0 0,2 0,2 1,0 1,0 0))'),
      parseWkt('POLYGON((1 0,3 0,3 1,1 1,1 0))'),
    ])!;
    expect(u.type).toBe('Polygon');
    // Within the great-circle top edges' bulge (the union's top follows the two squares' arcs).
    expect(area(prepare(u)) / area(P('POLYGON((0 0,3 0,3 1,0 1,0 0))'))).toBeCloseTo(1, 3);
    expect(union([])).toBeUndefined();
    expect(() => union([parseWkt('POINT(0 0)'), parseWkt('POINT(179 0)')])).toThrow(
      /spread over more than 80°/,
    );
  });
});

describe('the grid prefilter', () => {
  it('a pair within the distance always meets in the left shape’s home cell, and only once', () => {
    const r = mulberry32(7);
    const shapes = (n: number, around: [number, number], spread: number) =>
      Array.from({ length: n }, () => {
        const lon = around[0] + (r() - 0.5) * spread;
        const lat = Math.max(-89.99, Math.min(89.99, around[1] + (r() - 0.5) * spread));
        return r() < 0.3
          ? buffer({ type: 'Point', coords: [((lon + 540) % 360) - 180, lat] }, 50 + r() * 500)
          : ({ type: 'Point', coords: [((lon + 540) % 360) - 180, lat] } as Geometry);
      });
    for (const [around, spread] of [
      [[-3.7, 40.4], 0.1],
      [[180, 0], 0.1],
      [[0, 89.9], 0.3],
    ] as const) {
      const left = shapes(80, [...around], spread);
      const right = shapes(40, [...around], spread);
      const d = 800;
      const leftReach = Math.max(...left.map((g) => reachOf(prepare(g))));
      const size = Math.max(d + leftReach, 1);
      for (const l of left) {
        const pl = prepare(l);
        const [lon, lat] = homeOf(pl);
        const home = cellOf(lon, lat, size);
        for (const g of right) {
          const pr = prepare(g);
          const cells = coverCells(boxOf(g, pr), size, d + leftReach);
          expect(new Set(cells).size).toBe(cells.length);
          if (distance(pl, pr) * EARTH_RADIUS_M <= d)
            expect(cells, `${JSON.stringify(around)}`).toContain(home);
        }
      }
    }
  });
});

describe('the k-nearest index', () => {
  it('finds what brute force finds, ties to the lower index', () => {
    const r = mulberry32(11);
    const shapes = Array.from({ length: 300 }, (_, i) =>
      i % 50 === 0 ? undefined : prepare({ type: 'Point', coords: [-4 + r() * 0.5, 40 + r() * 0.5] }),
    );
    // Two shapes at one place: the lower index wins the tie.
    shapes[7] = shapes[8] = prepare({ type: 'Point', coords: [-3.8, 40.2] });
    const index = new NearestIndex(shapes);
    for (let q = 0; q < 100; q++) {
      const query = prepare({
        type: 'Point',
        coords: q === 0 ? [-3.8, 40.2] : [-4 + r() * 0.5, 40 + r() * 0.5],
      });
      const brute = shapes
        .map((s, i) => ({ i, d: s ? distance(query, s) : Infinity }))
        .filter((x) => Number.isFinite(x.d))
        .sort((a, b) => a.d - b.d || a.i - b.i);
      expect(index.nearest(query, 3)).toEqual(brute.slice(0, 3).map((x) => x.i));
      const within = 2000 / EARTH_RADIUS_M;
      expect(index.nearest(query, 5, within)).toEqual(
        brute
          .filter((x) => x.d <= within)
          .slice(0, 5)
          .map((x) => x.i),
      );
    }
    expect(index.nearest(prepare({ type: 'Point', coords: [-3.8, 40.2] }), 1)).toEqual([7]);
  });
});
