/**
 * The plan shapes of spatial.join and spatial.nearest (DESIGN.md §1.8: never a blind cross join on
 * large inputs). DuckDB: an equi-join on grid cells (a hash join) filtered by the exact predicate,
 * the candidate pairs a small multiple of the matches; nearest searches a list of the right rows
 * with no join between the inputs. PostgreSQL: ST_DWithin in the join condition, which a GiST index
 * on a source table serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkflow, compilePreview, createCatalog, type Catalog } from '../../compiler/index.js';
import { openDuckDb, type DuckDbTestDb } from '../support/duckdb.js';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  resetSchemas,
  type PgTestDb,
} from '../support/postgres.js';
import { workflow, type NodeDoc } from '../support/workflow-run.js';

interface PlanNode {
  operator_name?: string;
  operator_type?: string;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: PlanNode[];
}

function nodes(n: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(n);
  for (const c of n.children ?? []) nodes(c, out);
  return out;
}

const double = { kind: 'double' } as const;
const catalog: Catalog = createCatalog(
  [
    {
      parts: ['main', 'many'],
      columns: [
        { name: 'id', type: { kind: 'bigint' } },
        { name: 'lon', type: double },
        { name: 'lat', type: double },
      ],
    },
    {
      parts: ['main', 'few'],
      columns: [
        { name: 'id', type: { kind: 'bigint' } },
        { name: 'lon', type: double },
        { name: 'lat', type: double },
      ],
    },
  ],
  { live: true },
);

const points = (table: string, id: string): NodeDoc[] => [
  { id: `${id}_raw`, type: 'source.table', config: { table: `main.${table}` } },
  { id, type: 'spatial.point', inputs: { in: `${id}_raw` }, config: { lon: 'lon', lat: 'lat', as: 'g' } },
];

function sqlOf(node: NodeDoc): string {
  const wf = workflow([...points('many', 'left'), ...points('few', 'right'), node]);
  const a = analyzeWorkflow(wf, { dialect: 'duckdb', catalog });
  const { query } = compilePreview(a, { node: node.id, paramMode: 'literal', limit: 1 });
  return query!.sql.replace(/\nLIMIT 1$/, '');
}

describe('spatial plans on DuckDB', () => {
  let db: DuckDbTestDb;
  beforeAll(async () => {
    db = await openDuckDb();
    // 40,000 points on a 200 × 200 grid (about 110 m apart) and 40 points among them.
    await db.exec(
      `CREATE TABLE many AS SELECT range AS id, -3.8 + (range % 200) * 0.001 AS lon, 40.3 + (range // 200) * 0.001 AS lat FROM range(40000)`,
    );
    await db.exec(
      `CREATE TABLE few AS SELECT range AS id, -3.79 + (range % 8) * 0.025 AS lon, 40.31 + (range // 8) * 0.04 AS lat FROM range(40)`,
    );
  });
  afterAll(() => db.close());

  async function profile(sql: string): Promise<PlanNode> {
    const r = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
    return JSON.parse(String(r.rows[0]!['explain_value'])) as PlanNode;
  }

  it.each(['inner', 'left'])(
    'spatial.join (%s) is a hash join on grid cells, then the exact predicate on the few candidates',
    async (kind) => {
      const sql = sqlOf({
        id: 'j',
        type: 'spatial.join',
        inputs: { left: 'left', right: 'right' },
        config: {
          predicate: 'dwithin',
          kind,
          left: 'g',
          right: 'g',
          distance: 300,
          select: ['left.id', { as: 'rid', expr: 'right.id' }],
        },
      });
      const all = nodes(await profile(sql));
      const names = all.map((n) => n.operator_name ?? n.operator_type ?? '');
      for (const slow of ['NESTED_LOOP_JOIN', 'PIECEWISE_MERGE_JOIN', 'BLOCKWISE_NL_JOIN', 'IE_JOIN'])
        expect(
          names.some((n) => n.startsWith(slow)),
          slow,
        ).toBe(false);
      // A cross product only ever pairs rows with a one-row statistic (the grid's cell size).
      for (const cp of all.filter((n) => n.operator_name?.startsWith('CROSS_PRODUCT')))
        expect(Math.min(...(cp.children ?? []).map((c) => c.operator_cardinality ?? 0))).toBeLessThanOrEqual(
          1,
        );
      const join = all.find((n) => n.operator_name?.startsWith('HASH_JOIN'))!;
      expect(String(join.extra_info?.['Conditions'])).toMatch(/_ef_cell = _ef_cell/);
      const candidates = join.operator_cardinality!;
      const matches = Number((await db.query(`SELECT count(rid) AS n FROM (${sql})`)).rows[0]!['n']);
      // Each of the 40 right points has ~(2·300/110)² ≈ 30 left points within 300 m (π·300² ≈ 23).
      expect(matches).toBeGreaterThan(600);
      expect(candidates).toBeLessThan(10 * matches);
      expect(candidates).toBeLessThan(0.02 * 40_000 * 40);
    },
  );

  it('spatial.nearest searches a list of the right rows: no join between the inputs', async () => {
    const sql = sqlOf({
      id: 'n',
      type: 'spatial.nearest',
      inputs: { left: 'left', right: 'right' },
      config: { left: 'g', right: 'g', k: 1 },
    });
    expect(sql).toMatch(/edgeflow_st_knn\(/);
    const all = nodes(await profile(sql));
    expect(all.some((n) => /JOIN/.test(n.operator_name ?? ''))).toBe(false);
    for (const cp of all.filter((n) => n.operator_name?.startsWith('CROSS_PRODUCT')))
      expect(Math.min(...(cp.children ?? []).map((c) => c.operator_cardinality ?? 0))).toBeLessThanOrEqual(1);
  });
});

describePostgres('spatial plans on PostgreSQL', () => {
  const schema = 'spatial_plan';
  let db: PgTestDb;
  beforeAll(async () => {
    db = await connectPostgres();
    await resetSchemas(db, [schema]);
    await db.exec(
      `CREATE TABLE ${schema}.homes AS SELECT i AS id, CAST(ST_SetSRID(ST_MakePoint(-3.8 + (i % 100) * 0.002, 40.3 + (i / 100) * 0.002), 4326) AS geography) AS home FROM generate_series(0, 9999) AS i`,
    );
    await db.exec(
      `CREATE TABLE ${schema}.shops AS SELECT i AS id, CAST(ST_SetSRID(ST_MakePoint(-3.79 + i * 0.004, 40.35), 4326) AS geography) AS location FROM generate_series(0, 39) AS i`,
    );
    await db.exec(
      `CREATE INDEX ON ${schema}.homes USING gist (home); ANALYZE ${schema}.homes; ANALYZE ${schema}.shops`,
    );
  });
  afterAll(async () => {
    await dropSchemas(db, [schema]);
    await db.close();
  });

  it('spatial.join writes ST_DWithin in the join condition, and a GiST index on a source serves it', async () => {
    const pgCatalog = createCatalog(
      [
        {
          parts: [schema, 'homes'],
          columns: [
            { name: 'id', type: { kind: 'int' } },
            { name: 'home', type: { kind: 'geography' } },
          ],
        },
        {
          parts: [schema, 'shops'],
          columns: [
            { name: 'id', type: { kind: 'int' } },
            { name: 'location', type: { kind: 'geography' } },
          ],
        },
      ],
      { live: true },
    );
    const wf = workflow([
      { id: 'homes', type: 'source.table', config: { table: `${schema}.homes` } },
      { id: 'shops', type: 'source.table', config: { table: `${schema}.shops` } },
      {
        id: 'j',
        type: 'spatial.join',
        inputs: { left: 'shops', right: 'homes' },
        config: {
          predicate: 'dwithin',
          left: 'location',
          right: 'home',
          distance: 500,
          select: ['left.id', { as: 'home_id', expr: 'right.id' }],
        },
      },
    ]);
    const a = analyzeWorkflow(wf, { dialect: 'postgres', catalog: pgCatalog });
    const { query } = compilePreview(a, { node: 'j', paramMode: 'literal' });
    expect(query!.sql).toMatch(/ON ST_DWithin\(_l\.location, _r\.home, 500, false\)/);
    await db.exec('SET enable_seqscan = off');
    const plan = (await db.query(`EXPLAIN ${query!.sql}`)).rows
      .map((r) => String(r['QUERY PLAN']))
      .join('\n');
    await db.exec('RESET enable_seqscan');
    expect(plan).toMatch(/Index (Only )?Scan using homes_home_idx/);
    expect(plan).toMatch(/Index Cond: \(home && _st_expand\(/);
  });
});
