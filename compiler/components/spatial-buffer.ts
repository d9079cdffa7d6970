import { z } from 'zod';
import { T } from '../schema/types.js';
import { defineComponent } from './component.js';
import { withAddedColumns } from './projection.js';
import { col } from './shapes.js';
import { fn, geography, geographyColumn, metres, numberValue } from './spatial-shared.js';

export const spatialBuffer = defineComponent({
  id: 'spatial.buffer',
  category: 'transform',
  summary: 'Grows each shape by a distance in metres (a geodesic buffer).',
  description:
    'Replaces the geography column `geography` with its buffer (or adds it as `as`): every point within ' +
    '`distance` metres, a polygon with 8 segments per quarter circle. `distance` is a number, a parameter or an ' +
    'expression over the row (a per-store radius); a negative distance shrinks polygons and empties points and ' +
    'lines, a null distance gives null. Warehouses build the polygon alike within 1% of its area.',
  inputs: [{ name: 'in', description: 'rows with a geography' }],
  outputs: [{ name: 'out', description: 'the rows with the buffer' }],
  config: z.strictObject({
    geography: geographyColumn,
    distance: metres,
    as: z.string().min(1).optional().describe('a new column for the buffer (default: replace the column)'),
  }),
  example: {
    title: 'A 3 km catchment around each store',
    inputs: { in: 'shops' },
    config: { geography: 'location', distance: 3000, as: 'area_3km' },
  },
  dialectNotes: {
    snowflake: 'st_buffer goes through the CARTO Analytics Toolbox (cartoToolbox on the connection)',
  },
  analyze(ctx) {
    const rel = ctx.input();
    const g = geography(ctx, ctx.config.geography, ['geography']);
    const d = numberValue(ctx, ctx.config.distance, ['distance'], ctx.scope(), 'distance');
    if (!g || !d) return undefined;
    return withAddedColumns(ctx, rel, [
      {
        column: {
          name: ctx.config.as ? ctx.newName(ctx.config.as) : g.name,
          type: T.geography,
          from: ctx.origins([{ port: 'in', column: g.name }, ...d.deps]),
        },
        expr: fn('st_buffer', [col(g), d.expr], T.geography),
      },
    ]);
  },
});
