import { z } from 'zod';
import { T } from '../schema/types.js';
import { defineComponent } from './component.js';
import { withAddedColumns } from './projection.js';
import { col, expression } from './shapes.js';
import { coordinate, fn, geography, geographyColumn, numberValue, resolution } from './spatial-shared.js';

export const h3FromPoint = defineComponent({
  id: 'h3.from_point',
  category: 'transform',
  summary: 'Adds the H3 cell of each point.',
  description:
    'Adds the column `as` (default `h3`): the H3 cell (lower-case hex text) holding the point in the geography ' +
    'column `geography`, or at `lon` and `lat` (columns or expressions), at `resolution` 0–15. A null point gives ' +
    'a null cell; a shape that is not a point is an error. Aggregate on the cell for a density: ' +
    '`{"groupBy": ["h3"], "measures": {"orders": "count(*)"}}`, and draw it with h3_boundary(h3).',
  inputs: [{ name: 'in', description: 'rows with a point' }],
  outputs: [{ name: 'out', description: 'the rows with their cell' }],
  config: z.strictObject({
    geography: geographyColumn.optional().describe('a point geography column (or give lon and lat)'),
    lon: expression.optional().describe('longitude in degrees, with lat, instead of geography'),
    lat: expression.optional().describe('latitude in degrees, with lon'),
    resolution,
    as: z.string().min(1).default('h3').describe('the cell column to add (or replace)'),
  }),
  example: {
    title: 'The resolution-8 cell of each customer’s home',
    inputs: { in: 'homes' },
    config: { lon: 'lon', lat: 'lat', resolution: 8 },
  },
  dialectNotes: {
    postgres: 'needs the h3 extension (h3-pg with h3_postgis)',
    bigquery: 'through the CARTO Analytics Toolbox (cartoToolbox on the connection)',
  },
  analyze(ctx) {
    const rel = ctx.input();
    const { geography: gName, lon, lat } = ctx.config;
    if (
      (gName === undefined) === (lon === undefined || lat === undefined) ||
      (lon === undefined) !== (lat === undefined)
    ) {
      ctx.error('INVALID_VALUE', 'give either "geography" (a point column) or both "lon" and "lat"', {
        ...(gName !== undefined ? { key: ['geography'] } : {}),
        hint: 'e.g. "geography": "location", or "lon": "longitude", "lat": "latitude"',
      });
      return undefined;
    }
    const res = numberValue(ctx, ctx.config.resolution, ['resolution'], ctx.scope(), 'resolution', true);
    let point;
    let deps: Array<{ port: string; column: string }>;
    if (gName !== undefined) {
      const g = geography(ctx, gName, ['geography']);
      if (!g) return undefined;
      point = col(g);
      deps = [{ port: 'in', column: g.name }];
    } else {
      const x = coordinate(ctx, lon!, 'lon');
      const y = coordinate(ctx, lat!, 'lat');
      if (!x || !y) return undefined;
      point = fn('st_point', [x.expr, y.expr], T.geography);
      deps = [...x.deps, ...y.deps];
    }
    if (!res) return undefined;
    return withAddedColumns(ctx, rel, [
      {
        column: {
          name: ctx.newName(ctx.config.as),
          type: T.string,
          from: ctx.origins([...deps, ...res.deps]),
        },
        expr: fn('h3_from_point', [point, res.expr], T.string),
      },
    ]);
  },
});
