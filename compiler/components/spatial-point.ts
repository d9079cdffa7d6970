import { z } from 'zod';
import { T } from '../schema/types.js';
import { defineComponent } from './component.js';
import { withAddedColumns } from './projection.js';
import { expression } from './shapes.js';
import { coordinate, fn } from './spatial-shared.js';

export const spatialPoint = defineComponent({
  id: 'spatial.point',
  category: 'transform',
  summary: 'Makes a point (geography) from longitude and latitude.',
  description:
    'Adds the geography column `as` (default `geog`; a column of that name is replaced in place): the point at ' +
    '`lon`, `lat` (degrees, WGS84; columns or expressions). A longitude outside [-180, 180] wraps around; a ' +
    'latitude outside [-90, 90] or a null coordinate gives a null point. Same as `st_point(lon, lat)` in a compute node.',
  inputs: [{ name: 'in', description: 'rows with coordinates' }],
  outputs: [{ name: 'out', description: 'the rows with a point' }],
  config: z.strictObject({
    lon: expression.describe('longitude in degrees: a column or an expression'),
    lat: expression.describe('latitude in degrees: a column or an expression'),
    as: z.string().min(1).default('geog').describe('the geography column to add (or replace)'),
  }),
  example: {
    title: 'Store locations from their coordinates',
    inputs: { in: 'shops' },
    config: { lon: 'lon', lat: 'lat', as: 'position' },
  },
  analyze(ctx) {
    const rel = ctx.input();
    const lon = coordinate(ctx, ctx.config.lon, 'lon');
    const lat = coordinate(ctx, ctx.config.lat, 'lat');
    if (!lon || !lat) return undefined;
    return withAddedColumns(ctx, rel, [
      {
        column: {
          name: ctx.newName(ctx.config.as),
          type: T.geography,
          from: ctx.origins([...lon.deps, ...lat.deps]),
        },
        expr: fn('st_point', [lon.expr, lat.expr], T.geography),
      },
    ]);
  },
});
