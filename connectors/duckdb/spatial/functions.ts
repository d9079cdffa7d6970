/**
 * edgeflow's spatial functions as DuckDB scalar functions, registered on every DuckDB instance
 * edgeflow opens (./instances.ts), so the embedded default has the whole spatial pack offline: the
 * spatial and h3 extensions cannot be downloaded behind a firewall. The compiler's DuckDB dialect
 * writes calls of these names (compiler/dialects/spatial-duckdb.ts).
 *
 * Geography is DuckDB's core GEOMETRY (WKB). DuckDB hands a function whole chunks (up to 2,048
 * rows) on Node's main thread: each function loops over a chunk with the cheapest path for points,
 * and parses a repeated shape (a store's polygon, read once per customer) once, from a cache.
 *
 * A function that can fail on a value takes, last, the name of the relation (the workflow node)
 * it runs in, so the error says where: `node "parse": st_geogfromtext: … at character 7 of …`.
 */
import {
  BOOLEAN,
  DOUBLE,
  DuckDBGeometryValue,
  DuckDBScalarFunction,
  GEOMETRY,
  INTEGER,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBListVector,
  type DuckDBScalarFunctionInfo,
  type DuckDBType,
  type DuckDBVector,
} from '@duckdb/node-api';
import { wkbToWkt } from '../../values.js';
import { GeographyError, pointWkb, readPointWkb, readWkb, writeWkb, type Geometry } from './geometry.js';
import { boxOf, cellOf, coverCells, homeOf, reachOf } from './grid.js';
import {
  cellBoundary,
  cellCenter,
  cellOfLonLat,
  cellParent,
  cellResolution,
  checkResolution,
  polyfill,
} from './h3.js';
import { NearestIndex } from './nearest.js';
import { buffer, union } from './planar.js';
import {
  EARTH_RADIUS_M,
  area,
  centroid,
  covers,
  distance,
  haversineMetres,
  intersects,
  length,
  prepare,
  type Prepared,
} from './sphere.js';
import { parseGeoJson, parseWkt, toGeoJson } from './text.js';

/** A value of one row, or a failure to report. */
type Compute = (row: number) => unknown;

interface Definition {
  name: string;
  returns: DuckDBType;
  params: DuckDBType[];
  /** Called once per chunk with its vectors; returns the per-row computation. */
  chunk(args: DuckDBVector[], rows: number): Compute;
}

const geometryValue = (bytes: Uint8Array) => new DuckDBGeometryValue(bytes);
const wkbOf = (v: DuckDBVector, i: number): Uint8Array | null => {
  const g = v.getItem(i) as DuckDBGeometryValue | null;
  return g ? g.bytes : null;
};

/** Shapes parsed once per distinct WKB, for the shapes a join reads again and again. */
class ShapeCache {
  private readonly shapes = new Map<string, { g: Geometry; p: Prepared }>();

  get(bytes: Uint8Array): { g: Geometry; p: Prepared } {
    // A point is cheaper to parse than to look up.
    if (bytes.length <= 21) {
      const g = readWkb(bytes);
      return { g, p: prepare(g) };
    }
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let hit = this.shapes.get(key);
    if (!hit) {
      const g = readWkb(bytes);
      hit = { g, p: prepare(g) };
      if (this.shapes.size >= 512) this.shapes.clear();
      this.shapes.set(key, hit);
    }
    return hit;
  }
}

const cache = new ShapeCache();
const shape = (bytes: Uint8Array) => cache.get(bytes);
const xy: [number, number] = [0, 0];
const xy2: [number, number] = [0, 0];

/** Both WKB points: [lon1, lat1] in xy, [lon2, lat2] in xy2. */
function bothPoints(a: Uint8Array, b: Uint8Array): boolean {
  return readPointWkb(a, xy) && readPointWkb(b, xy2) && !Number.isNaN(xy[0]) && !Number.isNaN(xy2[0]);
}

function metresBetween(a: Uint8Array, b: Uint8Array): number | null {
  if (bothPoints(a, b)) return haversineMetres(xy[0], xy[1], xy2[0], xy2[1]);
  const d = distance(shape(a).p, shape(b).p);
  return Number.isNaN(d) ? null : d * EARTH_RADIUS_M;
}

/** A GEOMETRY → value function of one shape. */
function ofShape(
  name: string,
  returns: DuckDBType,
  f: (s: { g: Geometry; p: Prepared }, bytes: Uint8Array) => unknown,
): Definition {
  return {
    name,
    returns,
    params: [GEOMETRY],
    chunk:
      ([g]) =>
      (i) => {
        const b = wkbOf(g!, i);
        return b === null ? null : f(shape(b), b);
      },
  };
}

/** A relation name (the last argument of failing functions) as a message prefix. */
function where(v: DuckDBVector | undefined, i: number): string {
  const n = v?.getItem(i);
  return typeof n === 'string' && n ? `node "${n}": ` : '';
}

const text = (v: DuckDBVector, i: number) => v.getItem(i) as string | null;
const num = (v: DuckDBVector, i: number) => v.getItem(i) as number | null;

const DEFINITIONS: Definition[] = [
  {
    name: 'edgeflow_st_point',
    returns: GEOMETRY,
    params: [DOUBLE, DOUBLE],
    chunk:
      ([x, y]) =>
      (i) => {
        const lon = num(x!, i);
        const lat = num(y!, i);
        if (lon === null || lat === null || !Number.isFinite(lon) || !(lat >= -90 && lat <= 90)) return null;
        const wrapped = lon >= -180 && lon <= 180 ? lon : ((((lon + 180) % 360) + 360) % 360) - 180;
        return geometryValue(pointWkb(wrapped, lat));
      },
  },
  {
    name: 'edgeflow_st_geogfromtext',
    returns: GEOMETRY,
    params: [VARCHAR, VARCHAR],
    chunk:
      ([t]) =>
      (i) => {
        const s = text(t!, i);
        return s === null ? null : geometryValue(writeWkb(parseWkt(s)));
      },
  },
  {
    name: 'edgeflow_st_geogfromgeojson',
    returns: GEOMETRY,
    params: [VARCHAR, VARCHAR],
    chunk:
      ([t]) =>
      (i) => {
        const s = text(t!, i);
        return s === null ? null : geometryValue(writeWkb(parseGeoJson(s)));
      },
  },
  ...(['x', 'y'] as const).map((axis): Definition => ({
    name: `edgeflow_st_${axis}`,
    returns: DOUBLE,
    params: [GEOMETRY, VARCHAR],
    chunk:
      ([g]) =>
      (i) => {
        const b = wkbOf(g!, i);
        if (b === null) return null;
        if (readPointWkb(b, xy)) return Number.isNaN(xy[0]) ? null : axis === 'x' ? xy[0] : xy[1];
        const s = readWkb(b);
        if (s.type === 'Point') return s.coords.length ? s.coords[axis === 'x' ? 0 : 1] : null;
        throw new GeographyError(`st_${axis} takes a point, got a ${s.type}`);
      },
  })),
  ofShape('edgeflow_st_astext', VARCHAR, (_s, b) => wkbToWkt(b) ?? null),
  ofShape('edgeflow_st_asgeojson', VARCHAR, (s) => toGeoJson(s.g)),
  ofShape('edgeflow_st_area', DOUBLE, (s) => area(s.p)),
  ofShape('edgeflow_st_length', DOUBLE, (s) => length(s.p)),
  {
    // A point reaches nowhere: the common case, answered without parsing.
    name: 'edgeflow_st_reach',
    returns: DOUBLE,
    params: [GEOMETRY],
    chunk:
      ([g]) =>
      (i) => {
        const b = wkbOf(g!, i);
        if (b === null) return null;
        return readPointWkb(b, xy) ? 0 : reachOf(shape(b).p);
      },
  },
  ofShape('edgeflow_st_centroid', GEOMETRY, (s) => {
    const c = centroid(s.p);
    // An empty shape has no centroid: GEOMETRYCOLLECTION EMPTY, as PostGIS and BigQuery write it.
    return geometryValue(c ? pointWkb(c[0], c[1]) : writeWkb({ type: 'GeometryCollection', parts: [] }));
  }),
  {
    name: 'edgeflow_st_distance',
    returns: DOUBLE,
    params: [GEOMETRY, GEOMETRY],
    chunk:
      ([a, b]) =>
      (i) => {
        const x = wkbOf(a!, i);
        const y = wkbOf(b!, i);
        return x === null || y === null ? null : metresBetween(x, y);
      },
  },
  {
    name: 'edgeflow_st_dwithin',
    returns: BOOLEAN,
    params: [GEOMETRY, GEOMETRY, DOUBLE],
    chunk:
      ([a, b, d]) =>
      (i) => {
        const x = wkbOf(a!, i);
        const y = wkbOf(b!, i);
        const m = num(d!, i);
        if (x === null || y === null || m === null) return null;
        if (bothPoints(x, y)) return haversineMetres(xy[0], xy[1], xy2[0], xy2[1]) <= m;
        const r = m / EARTH_RADIUS_M;
        const px = shape(x).p;
        const py = shape(y).p;
        if (px.empty || py.empty) return false;
        return distance(px, py, { beyond: r, atMost: r }) <= r;
      },
  },
  {
    name: 'edgeflow_st_intersects',
    returns: BOOLEAN,
    params: [GEOMETRY, GEOMETRY],
    chunk:
      ([a, b]) =>
      (i) => {
        const x = wkbOf(a!, i);
        const y = wkbOf(b!, i);
        return x === null || y === null ? null : intersects(shape(x).p, shape(y).p);
      },
  },
  {
    name: 'edgeflow_st_covers',
    returns: BOOLEAN,
    params: [GEOMETRY, GEOMETRY],
    chunk:
      ([a, b]) =>
      (i) => {
        const x = wkbOf(a!, i);
        const y = wkbOf(b!, i);
        return x === null || y === null ? null : covers(shape(x).p, shape(y).p);
      },
  },
  {
    name: 'edgeflow_st_buffer',
    returns: GEOMETRY,
    params: [GEOMETRY, DOUBLE, VARCHAR],
    chunk:
      ([g, d]) =>
      (i) => {
        const b = wkbOf(g!, i);
        const m = num(d!, i);
        if (b === null || m === null) return null;
        return geometryValue(writeWkb(buffer(shape(b).g, m)));
      },
  },
  {
    name: 'edgeflow_st_union',
    returns: GEOMETRY,
    params: [LIST(GEOMETRY), VARCHAR],
    chunk: ([l]) => {
      const list = l as DuckDBListVector;
      return (i) => {
        if (list.getItemVector(i) === null) return null;
        const child = list.childVector;
        const start = list.getEntryOffset(i);
        const shapes: Geometry[] = [];
        for (let j = start; j < start + list.getEntryLength(i); j++) {
          const b = wkbOf(child, j);
          if (b !== null) shapes.push(readWkb(b));
        }
        const u = union(shapes);
        return u ? geometryValue(writeWkb(u)) : null;
      };
    },
  },
  {
    name: 'edgeflow_h3_from_point',
    returns: VARCHAR,
    params: [GEOMETRY, INTEGER, VARCHAR],
    chunk:
      ([g, r]) =>
      (i) => {
        const b = wkbOf(g!, i);
        const res = num(r!, i);
        if (b === null || res === null) return null;
        checkResolution(res, 'h3_from_point');
        if (!readPointWkb(b, xy)) {
          const s = readWkb(b);
          if (s.type !== 'Point') throw new GeographyError(`h3_from_point takes a point, got a ${s.type}`);
          return null;
        }
        return Number.isNaN(xy[0]) ? null : cellOfLonLat(xy[0], xy[1], res);
      },
  },
  {
    name: 'edgeflow_h3_from_lonlat',
    returns: VARCHAR,
    params: [DOUBLE, DOUBLE, INTEGER, VARCHAR],
    chunk:
      ([x, y, r]) =>
      (i) => {
        const lon = num(x!, i);
        const lat = num(y!, i);
        const res = num(r!, i);
        if (lon === null || lat === null || res === null) return null;
        checkResolution(res, 'h3_from_point');
        if (!Number.isFinite(lon) || !(lat >= -90 && lat <= 90)) return null;
        return cellOfLonLat(lon, lat, res);
      },
  },
  {
    name: 'edgeflow_h3_boundary',
    returns: GEOMETRY,
    params: [VARCHAR, VARCHAR],
    chunk:
      ([c]) =>
      (i) => {
        const s = text(c!, i);
        return s === null ? null : geometryValue(writeWkb(cellBoundary(s)));
      },
  },
  {
    name: 'edgeflow_h3_center',
    returns: GEOMETRY,
    params: [VARCHAR, VARCHAR],
    chunk:
      ([c]) =>
      (i) => {
        const s = text(c!, i);
        return s === null ? null : geometryValue(writeWkb(cellCenter(s)));
      },
  },
  {
    name: 'edgeflow_h3_resolution',
    returns: INTEGER,
    params: [VARCHAR, VARCHAR],
    chunk:
      ([c]) =>
      (i) => {
        const s = text(c!, i);
        return s === null ? null : cellResolution(s);
      },
  },
  {
    name: 'edgeflow_h3_parent',
    returns: VARCHAR,
    params: [VARCHAR, INTEGER, VARCHAR],
    chunk:
      ([c, r]) =>
      (i) => {
        const s = text(c!, i);
        const res = num(r!, i);
        return s === null || res === null ? null : cellParent(s, res);
      },
  },
  {
    name: 'edgeflow_h3_polyfill',
    returns: LIST(VARCHAR),
    params: [GEOMETRY, INTEGER, VARCHAR],
    chunk:
      ([g, r]) =>
      (i) => {
        const b = wkbOf(g!, i);
        const res = num(r!, i);
        if (b === null || res === null) return listValue([]);
        return listValue(polyfill(shape(b).g, res));
      },
  },
  {
    name: 'edgeflow_grid_home',
    returns: DOUBLE,
    params: [GEOMETRY, DOUBLE],
    chunk:
      ([g, s]) =>
      (i) => {
        const b = wkbOf(g!, i);
        const size = num(s!, i);
        if (b === null || size === null) return null;
        if (readPointWkb(b, xy)) return Number.isNaN(xy[0]) ? null : cellOf(xy[0], xy[1], size);
        const p = shape(b).p;
        if (p.empty) return null;
        const [lon, lat] = homeOf(p);
        return cellOf(lon, lat, size);
      },
  },
  {
    name: 'edgeflow_grid_cover',
    returns: LIST(DOUBLE),
    params: [GEOMETRY, DOUBLE, DOUBLE],
    chunk:
      ([g, s, e]) =>
      (i) => {
        const b = wkbOf(g!, i);
        const size = num(s!, i);
        const expand = num(e!, i);
        if (b === null || size === null || expand === null) return listValue([]);
        if (readPointWkb(b, xy)) {
          if (Number.isNaN(xy[0])) return listValue([]);
          const box = { south: xy[1], north: xy[1], west: xy[0], east: xy[0], allLongitudes: false };
          return listValue(coverCells(box, size, expand));
        }
        const sh = shape(b);
        if (sh.p.empty) return listValue([]);
        return listValue(coverCells(boxOf(sh.g, sh.p), size, expand));
      },
  },
  {
    name: 'edgeflow_st_knn',
    returns: LIST(INTEGER),
    params: [GEOMETRY, LIST(GEOMETRY), INTEGER, DOUBLE],
    chunk: ([g, l, kv, m]) => {
      const list = l as DuckDBListVector;
      // The right side is one list, the same for every row: indexed once per chunk.
      let built: { start: number; count: number; index: NearestIndex } | undefined;
      const indexFor = (i: number) => {
        const start = list.getEntryOffset(i);
        const count = list.getEntryLength(i);
        if (!built || built.start !== start || built.count !== count) {
          const child = list.childVector;
          const shapes: Array<Prepared | undefined> = [];
          for (let j = start; j < start + count; j++) {
            const b = wkbOf(child, j);
            shapes.push(b === null ? undefined : shape(b).p);
          }
          built = { start, count, index: new NearestIndex(shapes) };
        }
        return built.index;
      };
      return (i) => {
        const b = wkbOf(g!, i);
        const k = num(kv!, i);
        const maxd = num(m!, i);
        if (b === null || k === null || list.getItemVector(i) === null) return listValue([0]);
        const found = indexFor(i).nearest(shape(b).p, k, maxd === null ? Infinity : maxd / EARTH_RADIUS_M);
        return listValue(found.length ? found.map((x) => x + 1) : [0]);
      };
    },
  },
];

/** The names registered, for tests and the README. */
export const SPATIAL_FUNCTIONS: readonly string[] = DEFINITIONS.map((d) => d.name);

function create(def: Definition): DuckDBScalarFunction {
  // The functions that can fail take the relation's name last (a VARCHAR after other arguments).
  const relationArg =
    def.params.length > 1 && def.params[def.params.length - 1] === VARCHAR ? def.params.length - 1 : -1;
  const fn = def.name.replace(/^edgeflow_/, '');
  return DuckDBScalarFunction.create({
    name: def.name,
    returnType: def.returns,
    parameterTypes: def.params,
    // Every function sees its nulls: each gives null for a null argument itself.
    specialHandling: true,
    mainFunction: (info: DuckDBScalarFunctionInfo, input: DuckDBDataChunk, out: DuckDBVector) => {
      const rows = input.rowCount;
      const args = Array.from({ length: input.columnCount }, (_, c) => input.getColumnVector(c));
      let row = 0;
      try {
        const compute = def.chunk(args, rows);
        for (; row < rows; row++) out.setItem(row, compute(row) as never);
        out.flush();
      } catch (e) {
        const at = relationArg >= 0 ? where(args[relationArg], Math.min(row, rows - 1)) : '';
        const message = e instanceof GeographyError ? e.message : `internal error: ${(e as Error).message}`;
        info.setError(`${at}${/^[a-z][a-z0-9_.]*: /.test(message) ? '' : `${fn}: `}${message}`);
      }
    },
  });
}

/**
 * Registers every function on the connection's database (functions are visible to every
 * connection of the instance). Registration is an API call, not SQL: it works after the
 * instance's configuration is locked.
 */
export function registerSpatialFunctions(conn: DuckDBConnection): void {
  for (const def of DEFINITIONS) {
    const f = create(def);
    try {
      conn.registerScalarFunction(f);
    } finally {
      f.destroySync();
    }
  }
}
