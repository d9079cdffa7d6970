import { z } from 'zod';
import { PassedColumn } from '../schema/relation.js';
import { T } from '../schema/types.js';
import type { SelectItem } from '../sql/ast.js';
import { defineComponent } from './component.js';
import { col, selectItem } from './shapes.js';
import { fn, geography, geographyColumn, lit, numberValue, resolution } from './spatial-shared.js';

const SOURCE = '_ef_p';
const CELLS = '_ef_cells';

export const h3Polyfill = defineComponent({
  id: 'h3.polyfill',
  category: 'transform',
  summary: 'One row per H3 cell whose centre lies in each polygon.',
  description:
    'For each input row, one output row per H3 cell at `resolution` whose centre lies in the polygon of the ' +
    'geography column `geography` (on the sphere; holes excluded), with the row’s other columns and the cell as ' +
    '`as` (default `h3`). The polygon column itself is not repeated on every cell’s row (join it back when needed). ' +
    'A row whose shape is null, empty, a point or a line gives no cell. Buffer points first (spatial.buffer) to ' +
    'fill a catchment.',
  inputs: [{ name: 'in', description: 'rows with a polygon' }],
  outputs: [{ name: 'out', description: 'one row per (input row, cell)' }],
  config: z.strictObject({
    geography: geographyColumn.describe('a polygon geography column'),
    resolution,
    as: z.string().min(1).default('h3').describe('the cell column'),
  }),
  example: {
    title: 'The resolution-9 cells of each store’s catchment',
    inputs: { in: 'shops' },
    config: { geography: 'catchment', resolution: 9 },
  },
  dialectNotes: {
    postgres: 'needs the h3 extension (h3-pg with h3_postgis)',
    bigquery:
      "through the CARTO Analytics Toolbox's H3_POLYFILL_MODE(…, 'center') (cartoToolbox on the connection)",
    snowflake:
      'H3_POLYGON_TO_CELLS_STRINGS reads edges as straight lines in longitude/latitude: cells whose centre is within a few metres of an edge may differ',
  },
  analyze(ctx) {
    const rel = ctx.input();
    const g = geography(ctx, ctx.config.geography, ['geography']);
    const res = numberValue(ctx, ctx.config.resolution, ['resolution'], ctx.scope(), 'resolution', true);
    if (!g || !res) return undefined;
    const kept = rel.schema.columns.filter((c) => c.name !== g.name);
    const cellName = ctx.newName(ctx.config.as);
    const columns = [
      ...kept.map((c) => new PassedColumn(c.name, c.type, rel.ref)),
      { name: cellName, type: T.string, from: ctx.origins([{ port: 'in', column: g.name }, ...res.deps]) },
    ];
    if (!ctx.checkUnique(columns, ['as'])) return undefined;
    return {
      outputs: { out: { columns } },
      build: (b) => {
        const items: SelectItem[] = [
          ...kept.map((c) => selectItem(col(c, SOURCE), c.name)),
          selectItem(fn('_ef_unnested', [lit(CELLS, T.string)], T.string), cellName),
        ];
        const source = b.input('in');
        return {
          out: {
            kind: 'select',
            items,
            from: {
              kind: 'unnest',
              source:
                source.kind === 'ref' || source.kind === 'table'
                  ? { ...source, alias: SOURCE }
                  : {
                      kind: 'subquery',
                      query: { kind: 'select', items: [{ kind: 'star' }], from: source },
                      alias: SOURCE,
                    },
              array: fn('_ef_h3_polyfill', [col(g, SOURCE), res.expr], T.string),
              alias: CELLS,
            },
          },
        };
      },
    };
  },
});
