/**
 * The demo warehouse and its workflows, on a real DuckDB: the generator's hash equals its
 * TypeScript reference; the full dataset has the documented sizes, a fixed checksum (the same rows
 * on every machine), consistent amounts and dates; seeding is idempotent and never replaces tables
 * that are not the demo's; each demo workflow validates against the live catalog, compiles for all
 * four dialects, and writes what an independently written query computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePlan,
  DIALECT_NAMES,
  formatDiagnostic,
  getDialect,
} from '../../compiler/index.js';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import type { Connector } from '../../connectors/connector.js';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { liveCatalog } from '../catalog/live-catalog.js';
import { BUILD_SCHEMA, demoChecksumSql, demoRandom, sqlRandom } from './dataset.js';
import { demoState, ensureDemo, type DemoProgress } from './seed.js';
import { installDemoWorkflows, loadDemoWorkflows, type DemoWorkflowService } from './workflows.js';

async function rows(c: Connector, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.execute(sql)).rows ?? [];
}
async function one(c: Connector, sql: string): Promise<unknown> {
  return Object.values((await rows(c, sql))[0] ?? {})[0];
}
const checksums = async (c: Connector) =>
  Object.fromEntries((await rows(c, demoChecksumSql())).map((r) => [r['table'], [r['rows'], r['checksum']]]));

describe('the hash', () => {
  it('is the same in DuckDB SQL as in its TypeScript reference', async () => {
    const c = await openDuckDb({ path: ':memory:' });
    try {
      // Row numbers are taken modulo 2^32, so any UBIGINT is a valid input.
      const ids = [0, 1, 2, 3, 999, 123_456, 8_000_047, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 17];
      for (const [stream, seed] of [
        [0, 20240101],
        [1, 20240101],
        [31, 20240101],
        [5, 7],
      ] as const) {
        const got = await rows(
          c,
          `SELECT i, ${sqlRandom('i', stream, seed)} AS h FROM unnest([${ids.join(', ')}]::UBIGINT[]) t(i) ORDER BY i`,
        );
        expect(got.map((r) => Number(r['h']))).toEqual(ids.map((i) => demoRandom(i, stream, seed)));
      }
      // Known values: the reference itself must not drift either.
      expect([0, 1, 2].map((i) => demoRandom(i, 1))).toEqual([173785315, 2610335568, 159078904]);
    } finally {
      await c.close();
    }
  });
});

describe('the full demo warehouse', () => {
  let c: Connector;
  const steps: string[] = [];
  const progress: DemoProgress = { start: () => {}, done: (label) => steps.push(label) };
  let seconds = 0;

  beforeAll(async () => {
    c = await openDuckDb({ path: ':memory:' });
    const r = await ensureDemo({ connector: c, progress });
    expect(r).toMatchObject({ seeded: true, state: 'absent' });
    seconds = r.seconds;
  }, 180_000);
  afterAll(() => c?.close());

  it('has the documented tables and sizes, and reports them', async () => {
    expect(steps).toContain('main.orders');
    const counts = Object.fromEntries(
      (
        await rows(c, `SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main'`)
      ).map((r) => [r['table_name'], Number(r['estimated_size'])]),
    );
    expect(counts).toEqual({
      stores: 41,
      products: 50,
      customers: 60_000,
      orders: 1_000_000,
      order_items: 2_529_358,
    });
    // No working tables left behind.
    expect(await one(c, `SELECT count(*) FROM duckdb_schemas() WHERE schema_name = '${BUILD_SCHEMA}'`)).toBe(
      0,
    );
    expect(seconds).toBeGreaterThan(0);
  });

  it('is the same rows on every machine (a fixed checksum)', async () => {
    expect(await checksums(c)).toEqual(FULL_CHECKSUMS);
  });

  it('keeps amounts consistent with the items, and dates with signups and store openings', async () => {
    expect(
      await one(
        c,
        `SELECT count(*) FROM main.orders o
         JOIN (SELECT order_id, sum(quantity * unit_price) AS s FROM main.order_items GROUP BY 1) i USING (order_id)
         WHERE o.amount <> i.s - coalesce(o.discount, 0)`,
      ),
    ).toBe(0);
    expect(
      await one(
        c,
        `SELECT count(*) FROM main.orders WHERE order_id NOT IN (SELECT order_id FROM main.order_items)`,
      ),
    ).toBe(0);
    expect(
      await one(
        c,
        `SELECT count(*) FROM main.orders o JOIN main.customers c USING (customer_id) WHERE o.ordered_at::DATE < c.signup_date`,
      ),
    ).toBe(0);
    expect(
      await one(
        c,
        `SELECT count(*) FROM main.orders o JOIN main.stores s USING (store_id) WHERE o.ordered_at::DATE < s.opened_on`,
      ),
    ).toBe(0);
    const span = (
      await rows(c, `SELECT min(ordered_at)::VARCHAR AS a, max(ordered_at)::VARCHAR AS b FROM main.orders`)
    )[0]!;
    expect(span['a']).toMatch(/^2024-01-01 /);
    expect(span['b']).toMatch(/^2025-12-31 /);
    // Order ids follow time.
    expect(
      await one(
        c,
        `SELECT count(*) FROM (SELECT ordered_at, lag(ordered_at) OVER (ORDER BY order_id) AS prev FROM main.orders) WHERE ordered_at < prev`,
      ),
    ).toBe(0);
  });

  it('has nulls only where they belong, and realistic shares', async () => {
    const nulls = await rows(
      c,
      `SELECT count(*) FILTER (WHERE discount IS NULL) AS no_discount,
              count(*) FILTER (WHERE customer_id IS NULL OR store_id IS NULL OR status IS NULL OR channel IS NULL
                               OR ordered_at IS NULL OR amount IS NULL) AS other
       FROM main.orders`,
    );
    expect(nulls[0]!['other']).toBe(0);
    expect(Number(nulls[0]!['no_discount'])).toBeGreaterThan(700_000);
    const emails = Number(await one(c, `SELECT count(*) FROM main.customers WHERE email IS NULL`));
    expect(emails).toBeGreaterThan(2_000);
    expect(emails).toBeLessThan(6_000);
    const shares = Object.fromEntries(
      (await rows(c, `SELECT status, count(*) / 1e6 AS share FROM main.orders GROUP BY 1`)).map((r) => [
        r['status'],
        Number(r['share']),
      ]),
    );
    expect(shares['paid']).toBeGreaterThan(0.88);
    expect(shares['refunded']).toBeGreaterThan(0.03);
    expect(shares['cancelled']).toBeGreaterThan(0.02);
    expect(shares['pending']).toBeLessThan(0.01);
  });

  it('has paid orders in every store on every day from its first to its last (the 7-day window counts rows)', async () => {
    expect(
      await one(
        c,
        `SELECT count(*) FROM (
           SELECT store_id, count(DISTINCT ordered_at::DATE) AS days, max(ordered_at::DATE) - min(ordered_at::DATE) + 1 AS span
           FROM main.orders WHERE status = 'paid' GROUP BY store_id) WHERE days <> span`,
      ),
    ).toBe(0);
  });

  it('is not seeded again, and says so quickly', async () => {
    const again = await ensureDemo({ connector: c });
    expect(again.seeded).toBe(false);
    expect(again.state).toBe('present');
    expect(again.tables.find((t) => t.table === 'main.orders')?.rows).toBe(1_000_000);
    expect(again.seconds).toBeLessThan(1);
  });

  /**
   * Demo workflows a dialect cannot run, with what stops them: each must be refused with
   * UNSUPPORTED naming that function (before anything runs), never compiled to another meaning.
   */
  const UNSUPPORTED_DEMOS: Partial<Record<string, Record<string, RegExp>>> = {
    // st_buffer takes degrees on Databricks, not metres (compiler/dialects/spatial-databricks.ts).
    databricks: { flagship_catchment_cells: /^error UNSUPPORTED: .*st_buffer\(\)/ },
    // Redshift's ST_Buffer takes degrees too, and H3_Polyfill gives a SUPER array it unnests only
    // from a stored column (compiler/dialects/spatial-redshift.ts).
    redshift: { flagship_catchment_cells: /^error UNSUPPORTED: .*(st_buffer\(\)|h3\.polyfill)/ },
    // SQL Server has no H3 functions (compiler/dialects/spatial-tsql.ts).
    tsql: {
      flagship_catchment_cells: /^error UNSUPPORTED: .*h3\.polyfill/,
      orders_h3_density: /^error UNSUPPORTED: .*h3_(from_point|boundary)\(\)/,
    },
    // Oracle 19c has no H3 functions (compiler/dialects/spatial-oracle.ts).
    oracle: {
      flagship_catchment_cells: /^error UNSUPPORTED: .*h3\.polyfill/,
      orders_h3_density: /^error UNSUPPORTED: .*h3_(from_point|boundary)\(\)/,
    },
  };

  describe.each(loadDemoWorkflows().map((w) => [w.name, w] as const))('workflow %s', (name, wf) => {
    it('validates against the live catalog and compiles for every dialect that has its functions', async () => {
      const parsed = parseWorkflow(wf.document);
      expect(parsed.workflow).toBeDefined();
      for (const dialect of DIALECT_NAMES) {
        const catalog = await liveCatalog(c, parsed.workflow!, getDialect('duckdb'));
        // The spatial workflows' H3 and buffers need what a connection says it has: the CARTO
        // Analytics Toolbox on BigQuery and Snowflake, the h3 extension on PostgreSQL.
        const dialectOptions = {
          cartoToolbox: dialect === 'snowflake' ? 'CARTO.CARTO' : 'carto-os.carto',
          h3: true,
        };
        const a = analyzeWorkflow(wf.document, { dialect, catalog, dialectOptions });
        const refused = UNSUPPORTED_DEMOS[dialect]?.[name];
        if (refused) {
          expect(a.diagnostics.length, dialect).toBeGreaterThan(0);
          for (const d of a.diagnostics) expect(formatDiagnostic(d), dialect).toMatch(refused);
          continue;
        }
        expect(a.diagnostics.map(formatDiagnostic), dialect).toEqual([]);
        const { plan, diagnostics } = compilePlan(a, { runId: 'demo_test' });
        expect(diagnostics.map(formatDiagnostic), dialect).toEqual([]);
        expect(plan?.steps.some((s) => s.target?.table.startsWith('analytics.'))).toBe(true);
      }
      expect(wf.document.schedule?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    });

    it('writes what a hand-written query computes', async () => {
      const parsed = parseWorkflow(wf.document);
      const catalog = await liveCatalog(c, parsed.workflow!, getDialect('duckdb'));
      const a = analyzeWorkflow(wf.document, { dialect: 'duckdb', catalog });
      const { plan } = compilePlan(a, { runId: 'demo_test', createSchemas: 'all' });
      for (const step of plan!.steps) {
        const sql = step.statements.join(';\n');
        await c.execute(step.transactional ? `BEGIN TRANSACTION;\n${sql};\nCOMMIT` : sql);
      }
      const table = `analytics.${name}`;
      const expected = EXPECTED[name];
      const n = Number(await one(c, `SELECT count(*) FROM ${table}`));
      expect(n).toBe(Number(await one(c, `SELECT count(*) FROM (${expected})`)));
      expect(n).toBeGreaterThan(0);
      // Both ways, as multisets: every row of one is in the other as often.
      const mine = `SELECT * FROM ${table}`;
      const theirs = `SELECT * FROM (${expected})`;
      expect(await rows(c, `SELECT * FROM (${mine} EXCEPT ALL ${theirs}) LIMIT 5`)).toEqual([]);
      expect(await rows(c, `SELECT * FROM (${theirs} EXCEPT ALL ${mine}) LIMIT 5`)).toEqual([]);
    });
  });
});

/** The demo workflows' results written by hand, columns in the workflows' output order. */
const EXPECTED: Record<string, string> = {
  daily_store_revenue: `
    WITH daily AS (
      SELECT store_id, ordered_at::DATE AS day, sum(amount) AS revenue, count(*) AS orders,
             count(DISTINCT customer_id) AS customers
      FROM main.orders WHERE status = 'paid' GROUP BY ALL
    )
    SELECT d.day, d.store_id, s.name AS store, s.city, s.region, d.revenue, d.orders, d.customers,
           round(d.revenue / sum(d.revenue) OVER (PARTITION BY s.region, d.day), 4) AS share_of_region,
           sum(d.revenue) OVER seven AS revenue_7d, sum(d.orders) OVER seven AS orders_7d
    FROM daily d JOIN main.stores s USING (store_id)
    WINDOW seven AS (PARTITION BY d.store_id ORDER BY d.day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW)`,
  top_customers_by_region: `
    WITH spend AS (
      SELECT customer_id, sum(amount) AS spend, count(*) AS orders, max(ordered_at) AS last_order
      FROM main.orders WHERE status = 'paid' AND ordered_at >= DATE '2025-01-01' GROUP BY customer_id
    ), ranked AS (
      SELECT c.region, s.customer_id, c.name, c.segment, c.city, s.spend, s.orders, s.last_order,
             row_number() OVER (PARTITION BY c.region ORDER BY s.spend DESC, s.customer_id) AS rank
      FROM spend s JOIN main.customers c USING (customer_id)
    )
    SELECT * FROM ranked WHERE rank <= 5`,
  monthly_refunds: `
    SELECT date_trunc('month', ordered_at)::DATE AS month, channel,
           count(*) FILTER (WHERE status = 'paid') AS paid_orders,
           coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0) AS paid_revenue,
           count(*) FILTER (WHERE status = 'refunded') AS refunded_orders,
           coalesce(sum(amount) FILTER (WHERE status = 'refunded'), 0) AS refunded_amount,
           round(count(*) FILTER (WHERE status = 'refunded') / count(*), 4) AS refund_rate
    FROM main.orders WHERE status IN ('paid', 'refunded') GROUP BY ALL`,
  // The spatial workflows: distances by the haversine formula written here in SQL; H3 cells by
  // edgeflow's DuckDB functions (checked against h3-js in test/execution/spatial-*.test.ts).
  store_customers_1km: `
    WITH d AS (
      SELECT s.store_id, c.customer_id, ${haversine('s', 'c')} AS m
      FROM main.stores s CROSS JOIN main.customers c
    )
    SELECT s.store_id, s.name, s.city, count(d.customer_id) AS customers, round(avg(d.m), 1) AS avg_metres
    FROM main.stores s LEFT JOIN d ON d.store_id = s.store_id AND d.m <= 1000
    GROUP BY ALL`,
  nearest_store: `
    SELECT c.customer_id, c.city, s.store_id, s.name AS store, s.city AS store_city, round(${haversine('s', 'c')}, 1) AS metres
    FROM main.customers c CROSS JOIN main.stores s
    QUALIFY row_number() OVER (PARTITION BY c.customer_id ORDER BY ${haversine('s', 'c')}, s.store_id) = 1`,
  orders_h3_density: `
    WITH homes AS (
      SELECT customer_id, edgeflow_h3_from_lonlat(longitude, latitude, 8, '') AS h3 FROM main.customers
    ), density AS (
      SELECT h.h3, count(*) AS orders, count(DISTINCT o.customer_id) AS customers,
             coalesce(sum(CASE WHEN o.status = 'paid' THEN o.amount END), 0) AS paid_revenue
      FROM main.orders o JOIN homes h USING (customer_id)
      WHERE o.ordered_at >= TIMESTAMP '2025-01-01' AND o.ordered_at < TIMESTAMP '2026-01-01'
      GROUP BY h.h3
    )
    SELECT *, edgeflow_h3_boundary(h3, '') AS hexagon FROM density`,
  flagship_catchment_cells: `
    SELECT s.*, edgeflow_st_point(s.longitude, s.latitude) AS location,
           UNNEST(edgeflow_h3_polyfill(edgeflow_st_buffer(edgeflow_st_point(s.longitude, s.latitude), 3000, ''), 9, '')) AS h3
    FROM main.stores s WHERE s.format = 'flagship'`,
};

/** The great-circle distance in metres between two aliases' coordinates (the haversine formula). */
function haversine(a: string, b: string): string {
  const s = (x: string) => `sin(radians(${x}) / 2) ^ 2`;
  return `(2 * 6371008.8 * asin(sqrt(${s(`${b}.latitude - ${a}.latitude`)} + cos(radians(${a}.latitude)) * cos(radians(${b}.latitude)) * ${s(`${b}.longitude - ${a}.longitude`)})))`;
}

/** Per table: rows and the sum of each row's MD5 prefix (see demoChecksumSql). */
const FULL_CHECKSUMS: Record<string, [number, string]> = {
  stores: [41, '6908147809437323'],
  products: [50, '7536495250670769'],
  order_items: [2_529_358, '355955680739517108381'],
  customers: [60_000, '8420136945527156818'],
  orders: [1_000_000, '140792601521964593784'],
};

describe('seeding, again and beside other data', () => {
  const small = { orders: 3_000, customers: 400 };
  let c: Connector;
  beforeAll(async () => {
    c = await openDuckDb({ path: ':memory:' });
  });
  afterAll(() => c?.close());

  it('gives the same rows whatever the number of threads', async () => {
    const size = { orders: 200_000, customers: 12_000 };
    // The configuration of edgeflow's DuckDB is locked: the thread count is set when it opens.
    const one = await openDuckDb({ path: ':memory:', threads: 1 });
    try {
      await ensureDemo({ connector: one, size, reseed: true });
      const single = await checksums(one);
      await ensureDemo({ connector: c, size, reseed: true });
      expect(await checksums(c)).toEqual(single);
    } finally {
      await one.close();
    }
  }, 120_000);

  it('leaves a main.orders that is not the demo alone, unless asked', async () => {
    await c.execute(
      `CREATE OR REPLACE TABLE main.orders (id INTEGER); COMMENT ON TABLE main.orders IS 'mine'`,
    );
    const logged: string[] = [];
    const r = await ensureDemo({ connector: c, size: small, log: (l) => logged.push(l) });
    expect(r).toMatchObject({ seeded: false, state: 'foreign' });
    expect(logged.join('\n')).toMatch(/--reseed/);
    expect(
      await one(
        c,
        `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'orders' AND schema_name = 'main'`,
      ),
    ).toBe(1);
    const forced = await ensureDemo({ connector: c, size: small, reseed: true });
    expect(forced).toMatchObject({ seeded: true, state: 'foreign' });
    expect(await demoState(c)).toBe('present');
  });

  it('seeds again after an interrupted seeding, and replaces the first demo', async () => {
    await c.execute(`CREATE SCHEMA ${BUILD_SCHEMA}`);
    expect(await demoState(c)).toBe('interrupted');
    expect(await ensureDemo({ connector: c, size: small })).toMatchObject({
      seeded: true,
      state: 'interrupted',
    });
    // The first demo's shape, without a marker.
    await c.execute(
      `CREATE OR REPLACE TABLE main.stores (store_id BIGINT, name VARCHAR, city VARCHAR, region VARCHAR, opened_on DATE);
       CREATE OR REPLACE TABLE main.orders (order_id BIGINT)`,
    );
    expect(await demoState(c)).toBe('outdated');
    expect(await ensureDemo({ connector: c, size: small })).toMatchObject({
      seeded: true,
      state: 'outdated',
    });
  });

  it('skips a connector that is not DuckDB', async () => {
    const pg = { type: 'postgres' } as unknown as Connector;
    expect(await ensureDemo({ connector: pg })).toMatchObject({ seeded: false, state: 'unsupported' });
  });
});

describe('installDemoWorkflows', () => {
  function fakeService(names: string[] = []) {
    const calls: string[] = [];
    const service: DemoWorkflowService = {
      listWorkflows: () => names.map((name) => ({ name })),
      saveWorkflow: (doc) => {
        const name = (doc as { name: string }).name;
        calls.push(`save ${name}`);
        return { name, version: 1, created: true };
      },
      scheduleWorkflow: (name, spec) => {
        calls.push(`schedule ${name} ${spec.cron} ${spec.timezone}`);
        return {};
      },
    };
    return { service, calls };
  }

  it('saves and schedules each demo workflow once, and keeps what is there', async () => {
    const first = fakeService();
    const installed = await installDemoWorkflows(first.service);
    expect(installed.map((w) => w.status)).toEqual(Array(7).fill('saved'));
    expect(first.calls).toEqual([
      'save daily_store_revenue',
      'schedule daily_store_revenue 15 6 * * * Europe/Madrid',
      'save top_customers_by_region',
      'schedule top_customers_by_region 0 7 * * 1 Europe/Madrid',
      'save monthly_refunds',
      'schedule monthly_refunds 30 5 * * * UTC',
      'save store_customers_1km',
      'schedule store_customers_1km 0 4 * * 1 Europe/Madrid',
      'save nearest_store',
      'schedule nearest_store 30 4 * * 1 Europe/Madrid',
      'save orders_h3_density',
      'schedule orders_h3_density 0 5 1 * * Europe/Madrid',
      'save flagship_catchment_cells',
      'schedule flagship_catchment_cells 0 3 1 * * Europe/Madrid',
    ]);
    const again = fakeService(loadDemoWorkflows().map((w) => w.name));
    expect((await installDemoWorkflows(again.service)).map((w) => w.status)).toEqual(Array(7).fill('kept'));
    expect(again.calls).toEqual([]);
  });
});
