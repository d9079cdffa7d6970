import { z } from 'zod';
import type { Column } from '../schema/relation.js';
import { T } from '../schema/types.js';
import type { FromItem, Query, SelectItem, SqlExpr } from '../sql/ast.js';
import { defineComponent, type BuildContext } from './component.js';
import { col, selectItem } from './shapes.js';
import { L, R, aliased, and, passedPair } from './spatial-pairs.js';
import { fn, geography, geographyColumn, lit } from './spatial-shared.js';
import type { PassedColumn } from '../schema/relation.js';

export const spatialNearest = defineComponent({
  id: 'spatial.nearest',
  category: 'combine',
  summary: 'Each left row with its k nearest right rows and their distance.',
  description:
    'For every left row, the `k` (default 1) right rows whose geography `right` is nearest to its geography ' +
    '`left` (on the sphere), nearest first, optionally only within `maxDistance` metres. A tie in distance goes ' +
    'to the right row whose first column (the first that is not a geography) is smaller. Output: all left ' +
    'columns, all right columns (a clashing right name gets the prefix `right_`), the distance in metres ' +
    '(`distanceAs`, default `distance`) and the rank 1…k (`rankAs`, default `rank`). A left row with no right row ' +
    '(none within maxDistance, or a null shape) is kept once, with nulls. Right rows with a null shape are never ' +
    'chosen. DuckDB searches an index of the right input (held in memory: meant for up to ~100,000 right rows); ' +
    'PostgreSQL, BigQuery and Snowflake rank the candidate pairs, which without maxDistance are all pairs — give ' +
    'maxDistance there for large inputs.',
  inputs: [
    { name: 'left', description: 'the rows to find neighbours for' },
    { name: 'right', description: 'the candidates' },
  ],
  outputs: [{ name: 'out', description: 'left rows with their nearest right rows' }],
  config: z.strictObject({
    left: geographyColumn.describe('the geography column of the left input'),
    right: geographyColumn.describe('the geography column of the right input'),
    k: z.number().int().min(1).max(1000).default(1).describe('how many neighbours per left row'),
    maxDistance: z.number().min(0).optional().describe('only neighbours within this many metres'),
    distanceAs: z.string().min(1).default('distance').describe('the distance column (metres)'),
    rankAs: z.string().min(1).default('rank').describe('the rank column (1 = nearest)'),
  }),
  example: {
    title: 'The nearest store of each customer',
    inputs: { left: 'homes', right: 'shops' },
    config: { left: 'home', right: 'location', k: 1 },
  },
  analyze(ctx) {
    const { k, maxDistance } = ctx.config;
    const left = ctx.input('left');
    const right = ctx.input('right');
    const lg = geography(ctx, ctx.config.left, ['left'], left);
    const rg = geography(ctx, ctx.config.right, ['right'], right);
    if (!lg || !rg) return undefined;
    const passed = passedPair(ctx, left, right);
    const origins = [
      { node: left.ref.node, port: left.ref.port, column: lg.name },
      { node: right.ref.node, port: right.ref.port, column: rg.name },
    ];
    const distance: Column = { name: ctx.newName(ctx.config.distanceAs), type: T.double, from: origins };
    const rank: Column = { name: ctx.newName(ctx.config.rankAs), type: T.bigint, from: origins };
    const columns: Column[] = [...passed, distance, rank];
    if (!ctx.checkUnique(columns, ['distanceAs'])) return undefined;
    const tie = right.schema.columns.find((c) => c.type.kind !== 'geography');
    const taken = columns
      .map((c) => c.name)
      .concat(
        left.schema.columns.map((c) => c.name),
        right.schema.columns.map((c) => c.name),
      );
    const plan: NearestPlan = {
      leftCount: left.schema.columns.length,
      passed,
      leftGeo: lg.name,
      rightGeo: rg.name,
      tie: tie?.name,
      k,
      maxDistance,
      distance: distance.name,
      rank: rank.name,
      taken,
    };
    return {
      outputs: { out: { columns } },
      build: (b) => ({ out: b.dialect.caps.spatialPrefilter ? indexed(b, plan) : ranked(b, plan) }),
    };
  },
});

interface NearestPlan {
  leftCount: number;
  passed: PassedColumn[];
  leftGeo: string;
  rightGeo: string;
  tie: string | undefined;
  k: number;
  maxDistance: number | undefined;
  distance: string;
  rank: string;
  taken: string[];
}

const G = T.geography;
const sub = (query: Query, alias: string): FromItem => ({ kind: 'subquery', query, alias });
const star = (table?: string): SelectItem => ({ kind: 'star', ...(table ? { table } : {}) });

/**
 * DuckDB: the right rows as one list (a struct per row, ordered by the tie column), a k-nearest
 * search of it for each left row (edgeflow_st_knn: a k-d tree built once per chunk of left rows),
 * then one row per neighbour found (a left row without any keeps one row of nulls).
 */
function indexed(b: BuildContext, p: NearestPlan): Query {
  const name = (base: string) => b.helperName(base, p.taken);
  const [row, rows, geos, idx, i, m, rr, q1, q2, q3] = [
    name('_ef_row'),
    name('_ef_rows'),
    name('_ef_geos'),
    name('_ef_idx'),
    name('_ef_i'),
    name('_ef_m'),
    name('_ef_rr'),
    name('_ef_q1'),
    name('_ef_q2'),
    name('_ef_q3'),
  ];
  const rowsCol = (table?: string) => col({ name: rows, type: T.unknown }, table);
  const list: Query = {
    kind: 'select',
    items: [
      selectItem(
        fn(
          '_ef_list',
          [
            col({ name: row, type: T.unknown }),
            ...(p.tie ? [col({ name: p.tie, type: T.unknown }, row)] : []),
          ],
          T.unknown,
          'aggregate',
        ),
        rows,
      ),
    ],
    from: aliased(b.input('right'), row),
  };
  const right: Query = {
    kind: 'select',
    items: [
      star(),
      selectItem(fn('_ef_list_field', [rowsCol(), lit(p.rightGeo, T.string)], T.unknown), geos),
    ],
    from: sub(list, '_ef_agg'),
  };
  const searched: Query = {
    kind: 'select',
    items: [
      star(L),
      selectItem(
        fn(
          'edgeflow_st_knn',
          [
            col({ name: p.leftGeo, type: G }, L),
            col({ name: geos, type: T.unknown }, rr),
            lit(p.k, T.int),
            p.maxDistance === undefined ? lit(null, T.double) : lit(p.maxDistance, T.double),
          ],
          T.unknown,
        ),
        idx,
      ),
      selectItem(rowsCol(rr), rows),
    ],
    from: { kind: 'join', joinType: 'cross', left: aliased(b.input('left'), L), right: sub(right, rr) },
  };
  const unnested: Query = {
    kind: 'select',
    items: [star(), selectItem(fn('_ef_unnest', [col({ name: idx, type: T.unknown })], T.int), i)],
    from: sub(searched, q1),
  };
  const picked: Query = {
    kind: 'select',
    items: [
      star(),
      selectItem(fn('_ef_list_extract', [rowsCol(), col({ name: i, type: T.int })], T.unknown), m),
    ],
    from: sub(unnested, q2),
  };
  const field = (c: string, type: (typeof p.passed)[number]['type']) =>
    fn('_ef_struct_field', [col({ name: m, type: T.unknown }, q3), lit(c, T.string)], type);
  const items: SelectItem[] = p.passed.map((c, n) =>
    n < p.leftCount
      ? selectItem(col({ name: c.sourceColumn, type: c.type }, q3), c.name)
      : selectItem(field(c.sourceColumn, c.type), c.name),
  );
  const found: SqlExpr = {
    k: 'binary',
    op: '!=',
    left: col({ name: i, type: T.int }, q3),
    right: lit(0, T.int),
    type: T.bool,
  };
  items.push(
    selectItem(
      fn('st_distance', [col({ name: p.leftGeo, type: G }, q3), field(p.rightGeo, G)], T.double),
      p.distance,
    ),
    selectItem(
      {
        k: 'case',
        whens: [
          {
            when: found,
            then: {
              k: 'cast',
              arg: fn(
                '_ef_list_position',
                [col({ name: idx, type: T.unknown }, q3), col({ name: i, type: T.int }, q3)],
                T.int,
              ),
              type: T.bigint,
            },
          },
        ],
        type: T.bigint,
      },
      p.rank,
    ),
  );
  return { kind: 'select', items, from: sub(picked, q3) };
}

/**
 * PostgreSQL, BigQuery, Snowflake: every candidate pair (within maxDistance, where given) ranked
 * per left row by distance, then the tie column; the first k kept. A left row is told apart by a
 * row number given once (its shape may not be comparable: BigQuery cannot group geography).
 */
function ranked(b: BuildContext, p: NearestPlan): Query {
  const name = (base: string) => b.helperName(base, p.taken);
  const [lid, rn, n] = [name('_ef_lid'), name('_ef_rn'), name('_ef_n')];
  const lg = col({ name: p.leftGeo, type: G }, L);
  const rg = col({ name: p.rightGeo, type: G }, R);
  const dist = fn('st_distance', [lg, rg], T.double);
  const numbered: Query = {
    kind: 'select',
    items: [
      star(),
      selectItem(
        {
          k: 'fn',
          name: 'row_number',
          fnKind: 'window',
          args: [],
          type: T.bigint,
          over: { partitionBy: [], orderBy: [] },
        },
        lid,
      ),
    ],
    from: b.input('left'),
  };
  // A null shape on either side pairs with nothing (the left row is kept once, with nulls).
  let on: SqlExpr = and(
    { k: 'is_null', arg: lg, negated: true, type: T.bool },
    { k: 'is_null', arg: rg, negated: true, type: T.bool },
  );
  if (p.maxDistance !== undefined)
    on = and(on, fn('st_dwithin', [lg, rg, lit(p.maxDistance, T.double)], T.bool));
  const pairs: Query = {
    kind: 'select',
    items: [
      ...p.passed.map((c, i) =>
        selectItem(col({ name: c.sourceColumn, type: c.type }, i < p.leftCount ? L : R), c.name),
      ),
      selectItem(dist, p.distance),
      selectItem(
        {
          k: 'fn',
          name: 'row_number',
          fnKind: 'window',
          args: [],
          type: T.bigint,
          over: {
            partitionBy: [col({ name: lid, type: T.bigint }, L)],
            orderBy: [
              { expr: dist, desc: false, nulls: 'last' },
              ...(p.tie
                ? [{ expr: col({ name: p.tie, type: T.unknown }, R), desc: false, nulls: 'last' as const }]
                : []),
            ],
          },
        },
        rn,
      ),
    ],
    from: { kind: 'join', joinType: 'left', left: sub(numbered, L), right: aliased(b.input('right'), R), on },
  };
  const distanceCol = col({ name: p.distance, type: T.double }, n);
  return {
    kind: 'select',
    items: [
      ...p.passed.map((c) => selectItem(col({ name: c.name, type: c.type }, n), c.name)),
      selectItem(distanceCol, p.distance),
      selectItem(
        {
          k: 'case',
          whens: [
            {
              when: { k: 'is_null', arg: distanceCol, negated: true, type: T.bool },
              then: col({ name: rn, type: T.bigint }, n),
            },
          ],
          type: T.bigint,
        },
        p.rank,
      ),
    ],
    from: sub(pairs, n),
    where: {
      k: 'binary',
      op: '<=',
      left: col({ name: rn, type: T.bigint }, n),
      right: lit(p.k, T.int),
      type: T.bool,
    },
  };
}
