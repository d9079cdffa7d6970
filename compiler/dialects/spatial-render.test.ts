/**
 * The spatial pack's exact SQL per dialect (DESIGN.md §1.8): Snowflake's and PostgreSQL-with-h3's,
 * which cannot run here, written out in full, and the options a connection adds (a CARTO
 * Analytics Toolbox location, the h3 extension) changing what is UNSUPPORTED.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../diagnostics.js';
import { parseExpression } from '../expr/parser.js';
import { resolveExpr } from '../expr/resolve.js';
import { T } from '../schema/types.js';
import { SqlWriter } from '../sql/writer.js';
import { getDialect, type DialectName, type DialectOptions } from './index.js';

const COLUMNS = [
  { name: 'g', type: T.geography },
  { name: 'zone', type: T.geography },
  { name: 'lon', type: T.double },
  { name: 'lat', type: T.double },
  { name: 'cell', type: T.string },
  { name: 'res', type: T.bigint },
];

function render(expr: string, dialect: DialectName, options?: DialectOptions): string {
  // Snowflake stores unquoted names upper-case: its columns are G, ZONE…
  const columns =
    dialect === 'snowflake' ? COLUMNS.map((c) => ({ ...c, name: c.name.toUpperCase() })) : COLUMNS;
  const resolved = resolveExpr(parseExpression(expr), [{ port: 'in', columns }], {
    params: new Map(),
    aggregates: 'allowed',
    windows: 'forbidden',
    context: 'a test',
  });
  return new SqlWriter(getDialect(dialect, options)).expr(resolved.expr);
}

function refusal(expr: string, dialect: DialectName, options?: DialectOptions): UnsupportedError {
  try {
    render(expr, dialect, options);
  } catch (e) {
    if (e instanceof UnsupportedError) return e;
    throw e;
  }
  throw new Error(`${expr} rendered on ${dialect}`);
}

describe('Snowflake spatial SQL', () => {
  const sf = (e: string, o?: DialectOptions) => render(e, 'snowflake', o);
  it('uses GEOGRAPHY functions natively', () => {
    expect(sf('st_point(lon, lat)')).toBe(
      'CASE WHEN LAT BETWEEN -90 AND 90 THEN ST_MAKEPOINT(CASE WHEN LON BETWEEN -180 AND 180 THEN LON ELSE MOD(MOD(LON + 180, 360) + 360, 360) - 180 END, LAT) END',
    );
    expect(sf('st_point(-3.7, 40.4)')).toBe(
      'CASE WHEN 40.4 BETWEEN -90 AND 90 THEN ST_MAKEPOINT(-3.7, 40.4) END',
    );
    expect(sf("st_geogfromtext('POINT(1 2)')")).toBe("TO_GEOGRAPHY('POINT(1 2)')");
    expect(sf('st_geogfromgeojson(cell)')).toBe('TO_GEOGRAPHY(CELL)');
    expect(sf('st_astext(g)')).toBe('ST_ASWKT(G)');
    expect(sf('st_asgeojson(g)')).toBe('TO_VARCHAR(ST_ASGEOJSON(G))');
    expect(sf('st_x(g) + st_y(g)')).toBe('ST_X(G) + ST_Y(G)');
    expect(sf('st_distance(g, zone)')).toBe('ST_DISTANCE(G, ZONE)');
    expect(sf('st_area(zone) + st_length(zone)')).toBe('ST_AREA(ZONE) + ST_LENGTH(ZONE)');
    expect(sf('st_intersects(zone, g)')).toBe('ST_INTERSECTS(ZONE, G)');
    expect(sf('st_contains(zone, g)')).toBe('ST_COVERS(ZONE, G)');
    expect(sf('st_within(g, zone)')).toBe('ST_COVEREDBY(G, ZONE)');
    expect(sf('st_dwithin(g, zone, 2000)')).toBe('ST_DWITHIN(G, ZONE, 2000)');
    expect(sf('st_centroid(zone)')).toBe('ST_CENTROID(ZONE)');
    expect(sf('st_union_agg(zone)')).toBe('ST_UNION_AGG(ZONE)');
    expect(sf('CAST(g AS string)')).toBe('ST_ASWKT(G)');
    expect(sf("CAST('POINT(1 2)' AS geography)")).toBe("TO_GEOGRAPHY('POINT(1 2)')");
  });

  it("spells H3 with Snowflake's own functions, from coordinates when the point is built in place", () => {
    expect(sf('h3_from_point(g, 8)')).toBe('H3_POINT_TO_CELL_STRING(G, 8)');
    expect(sf('h3_from_point(st_point(lon, lat), res)')).toBe('H3_LATLNG_TO_CELL_STRING(LAT, LON, RES)');
    expect(sf('h3_boundary(cell)')).toBe('H3_CELL_TO_BOUNDARY(CELL)');
    expect(sf('h3_center(cell)')).toBe('H3_CELL_TO_POINT(CELL)');
    expect(sf('h3_resolution(cell)')).toBe('H3_GET_RESOLUTION(CELL)');
    expect(sf('h3_parent(cell, 5)')).toBe(
      'CASE WHEN 5 <= H3_GET_RESOLUTION(CELL) THEN H3_CELL_TO_PARENT(CELL, 5) END',
    );
  });

  it('buffers through the configured CARTO toolbox, UNSUPPORTED without one', () => {
    const e = refusal('st_buffer(g, 500)', 'snowflake');
    expect(e.reason).toMatch(
      /st_buffer\(\) \(Snowflake buffers GEOMETRY only\) needs the CARTO Analytics Toolbox/,
    );
    expect(e.hint).toMatch(/set cartoToolbox on the connection to the DATABASE\.SCHEMA/);
    expect(sf('st_buffer(g, 500)', { cartoToolbox: 'CARTO.CARTO' })).toBe('CARTO.CARTO.ST_BUFFER(G, 500)');
    expect(sf('st_buffer(g, 500)', { cartoToolbox: 'analytics.carto' })).toBe(
      '"analytics"."carto".ST_BUFFER(G, 500)',
    );
  });
});

describe('PostgreSQL spatial SQL', () => {
  const pg = (e: string, o?: DialectOptions) => render(e, 'postgres', o);
  it('measures geography on the sphere (use_spheroid false)', () => {
    expect(pg('st_distance(g, zone)')).toBe('ST_Distance(g, zone, false)');
    expect(pg('st_area(zone)')).toBe('ST_Area(zone, false)');
    expect(pg('st_dwithin(g, zone, 2000)')).toBe('ST_DWithin(g, zone, 2000, false)');
    expect(pg('st_centroid(zone)')).toBe('ST_Centroid(zone, false)');
    expect(pg('CAST(g AS string)')).toBe('ST_AsText(g)');
  });

  it('writes H3 with h3-pg when the database has it, UNSUPPORTED with the way to get it otherwise', () => {
    const e = refusal('h3_from_point(g, 8)', 'postgres');
    expect(e.reason).toBe(
      'h3_from_point() needs the h3 extension (h3-pg with h3_postgis), which this PostgreSQL database does not have',
    );
    expect(e.hint).toMatch(/CREATE EXTENSION h3; CREATE EXTENSION h3_postgis;/);
    const h3 = { h3: true };
    expect(pg('h3_from_point(g, 8)', h3)).toBe('CAST(h3_lat_lng_to_cell(CAST(g AS geometry), 8) AS TEXT)');
    expect(pg('h3_from_point(g, res)', h3)).toBe(
      'CAST(h3_lat_lng_to_cell(CAST(g AS geometry), CAST(res AS INTEGER)) AS TEXT)',
    );
    expect(pg('h3_boundary(cell)', h3)).toBe('h3_cell_to_boundary_geography(CAST(cell AS h3index))');
    expect(pg('h3_center(cell)', h3)).toBe('h3_cell_to_geography(CAST(cell AS h3index))');
    expect(pg('h3_resolution(cell)', h3)).toBe('h3_get_resolution(CAST(cell AS h3index))');
    expect(pg('h3_parent(cell, 5)', h3)).toBe(
      'CASE WHEN 5 <= h3_get_resolution(CAST(cell AS h3index)) THEN CAST(h3_cell_to_parent(CAST(cell AS h3index), 5) AS TEXT) END',
    );
  });
});

describe('BigQuery and DuckDB spatial SQL', () => {
  it('BigQuery: H3 through the toolbox location, its path quoted as BigQuery needs', () => {
    const o = { cartoToolbox: 'carto-os-eu.carto' };
    expect(render('h3_from_point(g, 8)', 'bigquery', o)).toBe('`carto-os-eu`.carto.H3_FROMGEOGPOINT(g, 8)');
    expect(render('h3_from_point(st_point(lon, lat), 8)', 'bigquery', o)).toBe(
      '`carto-os-eu`.carto.H3_FROMLONGLAT(lon, lat, 8)',
    );
    expect(refusal('h3_center(cell)', 'bigquery').hint).toMatch(/e\.g\. carto-os\.carto/);
    expect(render('st_contains(zone, g)', 'bigquery')).toBe('ST_COVERS(zone, g)');
  });

  it("DuckDB: edgeflow's functions, naming the node where a value can be wrong", () => {
    const w = new SqlWriter(getDialect('duckdb'));
    w.relation = 'parse';
    const resolved = resolveExpr(
      parseExpression('st_geogfromtext(cell)'),
      [{ port: 'in', columns: COLUMNS }],
      {
        params: new Map(),
        aggregates: 'forbidden',
        windows: 'forbidden',
        context: 'a test',
      },
    );
    expect(w.expr(resolved.expr)).toBe("edgeflow_st_geogfromtext(cell, 'parse')");
    expect(render('h3_from_point(st_point(lon, lat), res)', 'duckdb')).toBe(
      "edgeflow_h3_from_lonlat(lon, lat, CAST(res AS INTEGER), '')",
    );
    expect(render('st_within(g, zone)', 'duckdb')).toBe('edgeflow_st_covers(zone, g)');
    expect(render('st_union_agg(zone)', 'duckdb')).toBe("edgeflow_st_union(LIST(zone), '')");
  });
});
