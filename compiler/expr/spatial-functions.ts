/**
 * The spatial pack's functions (DESIGN.md §1.8): type checks and meanings. A geography is a WGS84
 * longitude/latitude shape; measures are on a sphere of radius 6,371,008.8 m, in metres and square
 * metres; H3 cells are lower-case hexadecimal text. Each dialect renders them in
 * compiler/dialects/spatial-*.ts.
 */
import type { ArgInfo, FunctionSig } from './functions.js';
import { T, formatType, isInteger, isNumeric, isWildcard, type PortableType } from '../schema/types.js';

const geo = (a: ArgInfo | undefined) => a === undefined || a.type.kind === 'geography' || isWildcard(a.type);
const num = (a: ArgInfo | undefined) => a === undefined || isNumeric(a.type) || isWildcard(a.type);
const int = (a: ArgInfo | undefined) => a === undefined || isInteger(a.type) || isWildcard(a.type);
const str = (a: ArgInfo | undefined) => a === undefined || a.type.kind === 'string' || isWildcard(a.type);

type Kind = 'geography' | 'number' | 'integer' | 'text';
const CHECKS: Record<Kind, (a: ArgInfo | undefined) => boolean> = {
  geography: geo,
  number: num,
  integer: int,
  text: str,
};
const HINTS: Record<Kind, string> = {
  geography: 'make one with st_point(lon, lat) or st_geogfromtext(wkt)',
  number: 'cast it to a number first',
  integer: 'write a whole number, or cast it: CAST(x AS int)',
  text: 'cast it: CAST(x AS string)',
};

/** `returns` for a function of fixed argument kinds. */
function typed(name: string, kinds: Kind[], result: PortableType) {
  return (args: ArgInfo[]) => {
    for (let i = 0; i < args.length; i++) {
      const k = kinds[i]!;
      if (!CHECKS[k](args[i]))
        return `${name} expects ${k === 'geography' ? 'a geography' : k === 'integer' ? 'an integer' : k === 'number' ? 'a number' : 'text'} as argument ${i + 1}, got ${formatType(args[i]!.type)}; ${HINTS[k]}`;
    }
    return result;
  };
}

/** A resolution written as a literal must be 0–15 (checked when the workflow is validated). */
function resolutionProblem(args: ArgInfo[], index: number) {
  const r = args[index]?.literal;
  if (typeof r === 'number' && (!Number.isInteger(r) || r < 0 || r > 15))
    return {
      index,
      message: `H3 resolution ${r} is outside 0–15`,
      hint: 'resolution 0 is ~1,100 km across, 8 ~0.9 km, 9 ~0.35 km, 15 ~1 m',
    };
  return undefined;
}

function sig(
  name: string,
  signature: string,
  example: string,
  doc: string,
  kinds: Kind[],
  result: PortableType,
  extra: Partial<FunctionSig> = {},
): FunctionSig {
  return {
    name,
    kind: 'scalar',
    minArgs: kinds.length,
    maxArgs: kinds.length,
    signature,
    example,
    doc,
    returns: typed(name, kinds, result),
    ...extra,
  };
}

const G = T.geography;

export const SPATIAL_FUNCTIONS: FunctionSig[] = [
  sig(
    'st_point',
    'st_point(lon, lat)',
    'st_point(lon, lat)',
    'the point at a longitude and latitude (degrees, WGS84); a longitude outside [-180, 180] wraps around, a latitude outside [-90, 90] gives null',
    ['number', 'number'],
    G,
  ),
  sig(
    'st_geogfromtext',
    "st_geogfromtext('POINT(lon lat)')",
    'st_geogfromtext(code)',
    "a geography from WKT (POINT, LINESTRING, POLYGON, MULTI…, GEOMETRYCOLLECTION; `SRID=4326;` allowed); text that is not WKT, or a latitude outside [-90, 90], is an error naming the node (PostgreSQL: PostGIS's error; it wraps out-of-range coordinates)",
    ['text'],
    G,
  ),
  sig(
    'st_geogfromgeojson',
    'st_geogfromgeojson(\'{"type": "Point", …}\')',
    'st_geogfromgeojson(code)',
    'a geography from a GeoJSON geometry object (not a Feature); anything else is an error',
    ['text'],
    G,
  ),
  sig(
    'st_x',
    'st_x(point)',
    'st_x(location)',
    "a point's longitude; null for an empty point; an error for other shapes",
    ['geography'],
    T.double,
  ),
  sig(
    'st_y',
    'st_y(point)',
    'st_y(location)',
    "a point's latitude; null for an empty point; an error for other shapes",
    ['geography'],
    T.double,
  ),
  sig(
    'st_astext',
    'st_astext(g)',
    'st_astext(zone)',
    'WKT text, as rows carry geography (`POINT(-3.7 40.4)`)',
    ['geography'],
    T.string,
  ),
  sig(
    'st_asgeojson',
    'st_asgeojson(g)',
    'st_asgeojson(zone)',
    'a GeoJSON geometry object as text, for clients that draw (coordinates to 9 decimals, about 0.1 mm)',
    ['geography'],
    T.string,
  ),
  sig(
    'st_distance',
    'st_distance(a, b)',
    'st_distance(location, st_point(-3.7038, 40.4168))',
    'the shortest distance in metres between two shapes on the sphere (the haversine formula for two points); 0 when they intersect; null when one is empty',
    ['geography', 'geography'],
    T.double,
  ),
  sig(
    'st_area',
    'st_area(g)',
    'st_area(zone)',
    'area in square metres on the sphere (0 for points and lines; holes subtract)',
    ['geography'],
    T.double,
  ),
  sig(
    'st_length',
    'st_length(g)',
    'st_length(zone)',
    "length of the lines in metres on the sphere (0 for points and polygons: a polygon's perimeter is not its length)",
    ['geography'],
    T.double,
  ),
  sig(
    'st_intersects',
    'st_intersects(a, b)',
    'st_intersects(zone, location)',
    'true when the shapes share a point (touching counts)',
    ['geography', 'geography'],
    T.bool,
  ),
  sig(
    'st_contains',
    'st_contains(a, b)',
    'st_contains(zone, location)',
    "true when no point of b lies outside a; b on a's boundary counts as contained (ST_Covers)",
    ['geography', 'geography'],
    T.bool,
  ),
  sig(
    'st_within',
    'st_within(a, b)',
    'st_within(location, zone)',
    'st_contains(b, a): a lies in b, its boundary included (ST_CoveredBy)',
    ['geography', 'geography'],
    T.bool,
  ),
  sig(
    'st_dwithin',
    'st_dwithin(a, b, metres)',
    'st_dwithin(location, st_point(-3.7038, 40.4168), 2000)',
    'st_distance(a, b) <= metres, with the cheapest test each warehouse has (PostgreSQL: a GiST index applies)',
    ['geography', 'geography', 'number'],
    T.bool,
  ),
  sig(
    'st_buffer',
    'st_buffer(g, metres)',
    'st_buffer(location, 500)',
    'the shape grown by a distance in metres: a geodesic polygon (8 segments per quarter circle); a negative distance shrinks polygons and empties points and lines; warehouses agree within 1% of area',
    ['geography', 'number'],
    G,
  ),
  sig(
    'st_centroid',
    'st_centroid(g)',
    'st_centroid(zone)',
    "the centroid on the sphere of the shape's highest dimension (area-weighted for polygons)",
    ['geography'],
    G,
  ),
  {
    name: 'st_union_agg',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'st_union_agg(g)',
    example: 'st_union_agg(zone)',
    doc: 'the union of the non-null shapes of a group (overlaps dissolved)',
    returns: typed('st_union_agg', ['geography'], G),
  },
  sig(
    'h3_from_point',
    'h3_from_point(point, resolution)',
    'h3_from_point(location, 8)',
    'the H3 cell (lower-case hex text) holding a point at a resolution 0–15; null for a null or empty point; an error for other shapes or a resolution outside 0–15',
    ['geography', 'integer'],
    T.string,
    { checkValues: (args) => resolutionProblem(args, 1) },
  ),
  sig(
    'h3_boundary',
    'h3_boundary(cell)',
    'h3_boundary(cell)',
    "the cell's hexagon (or pentagon) as a polygon",
    ['text'],
    G,
  ),
  sig('h3_center', 'h3_center(cell)', 'h3_center(cell)', "the cell's centre as a point", ['text'], G),
  sig(
    'h3_resolution',
    'h3_resolution(cell)',
    'h3_resolution(cell)',
    "the cell's resolution, 0–15",
    ['text'],
    T.int,
  ),
  sig(
    'h3_parent',
    'h3_parent(cell, resolution)',
    'h3_parent(cell, 5)',
    "the cell's ancestor at a coarser resolution; null when the resolution is finer than the cell's",
    ['text', 'integer'],
    T.string,
    { checkValues: (args) => resolutionProblem(args, 1) },
  ),
];
