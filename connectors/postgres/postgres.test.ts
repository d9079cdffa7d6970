import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  PG_URL,
  resetSchemas,
  type PgTestDb,
} from '../../test/support/postgres.js';
import { ConnectorError, type Connector } from '../connector.js';
import { describeConnectorContract } from '../contract-suite.js';
import { applicationName } from './application-name.js';
import { classifyPgError } from './errors.js';
import { openPostgres } from './index.js';

const SCHEMA = 'connector_pg';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settled = async (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);

/** The statements a backend is running right now (not our own probe). */
async function activeOn(db: PgTestDb, pid: number | string): Promise<string[]> {
  const r = await db.query(
    `SELECT query FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
    [Number(pid)],
  );
  return r.rows.map((x) => String(x['query']));
}

/** Polls until the backend runs nothing (a cancel lands within milliseconds). */
async function expectIdle(db: PgTestDb, pid: number | string): Promise<void> {
  for (let i = 0; i < 40 && (await activeOn(db, pid)).length > 0; i++) await sleep(50);
  expect(await activeOn(db, pid)).toEqual([]);
}

describePostgres('postgres connector', () => {
  let db: PgTestDb;
  beforeAll(async () => {
    db = await connectPostgres();
    await resetSchemas(db, [SCHEMA]);
    await db.exec(
      `CREATE TABLE ${SCHEMA}.items (id integer, name text, amount numeric(12,2), day date,
         stamp timestamp, big bigint, ok boolean, ratio double precision, seen timestamptz);
       CREATE TABLE ${SCHEMA}.t AS SELECT generate_series(1, 10) AS n;
       CREATE SEQUENCE ${SCHEMA}.seq`,
    );
  });
  afterAll(async () => {
    await dropSchemas(db, [SCHEMA]);
    await db.close();
  });

  describeConnectorContract('postgres', async () => {
    const connector = await openPostgres({ url: PG_URL!, max: 3 });
    return {
      connector,
      kit: {
        selectOne: 'SELECT 1 AS x',
        params: {
          sql: 'SELECT $1::int AS i, $2::text AS s, $3::boolean AS b, $4::float8 AS d, $5::date AS day, $6::int AS n',
          params: [42, "it's'; DROP TABLE connector_pg.items; --", true, 2.5, '2024-01-31', null],
          expect: {
            i: 42,
            s: "it's'; DROP TABLE connector_pg.items; --",
            b: true,
            d: 2.5,
            day: '2024-01-31',
            n: null,
          },
        },
        types: {
          sql: `SELECT 42::int AS i, 9007199254740993::bigint AS big, 12.50::numeric(12,2) AS small_dec,
                  1234567890123456.789::numeric(38,9) AS long_dec, 1.5::float8 AS dbl, 'NaN'::float8 AS nan,
                  true AS flag, 'héllo' AS txt, DATE '2024-01-31' AS day,
                  TIMESTAMP '2024-01-31 10:00:00.123456' AS stamp, TIMESTAMP '2024-01-31 10:00:00.5' AS stamp_frac,
                  TIMESTAMP '2024-01-31 10:00:00' AS stamp0, TIMESTAMPTZ '2024-01-31 10:00:00.123456+02' AS instant,
                  NULL::int AS nothing`,
        },
        series: (n) => `SELECT generate_series(1, ${n}) AS n`,
        slow: 'SELECT pg_sleep(30)',
        syntaxError: 'SELEC 1',
        transientError: `DO $$ BEGIN RAISE EXCEPTION 'a serialization failure, on purpose' USING ERRCODE = '40001'; END $$`,
        write: `CREATE TABLE ${SCHEMA}.written AS SELECT 1 AS a`,
        typesColumns: [
          { name: 'i', type: { kind: 'int' } },
          { name: 'big', type: { kind: 'bigint' } },
          { name: 'small_dec', type: { kind: 'decimal', precision: 12, scale: 2 } },
          { name: 'long_dec', type: { kind: 'decimal', precision: 38, scale: 9 } },
          { name: 'dbl', type: { kind: 'double' } },
          { name: 'nan', type: { kind: 'double' } },
          { name: 'flag', type: { kind: 'bool' } },
          { name: 'txt', type: { kind: 'string' } },
          { name: 'day', type: { kind: 'date' } },
          { name: 'stamp', type: { kind: 'timestamp' } },
          { name: 'stamp_frac', type: { kind: 'timestamp' } },
          { name: 'stamp0', type: { kind: 'timestamp' } },
          { name: 'instant', type: { kind: 'timestamptz' } },
          { name: 'nothing', type: { kind: 'int' } },
        ],
        table: {
          parts: [SCHEMA, 'items'],
          columns: [
            { name: 'id', type: { kind: 'int' } },
            { name: 'name', type: { kind: 'string' } },
            { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 } },
            { name: 'day', type: { kind: 'date' } },
            { name: 'stamp', type: { kind: 'timestamp' } },
            { name: 'big', type: { kind: 'bigint' } },
            { name: 'ok', type: { kind: 'bool' } },
            { name: 'ratio', type: { kind: 'double' } },
            { name: 'seen', type: { kind: 'timestamptz' } },
          ],
        },
        // The query id starts with the backend's pid: the server must not be running it any more.
        verifyCancelled: async (queryId) => {
          expect(queryId).toMatch(/^\d+:\d+$/);
          await expectIdle(db, queryId!.split(':')[0]!);
        },
      },
    };
  });

  describe('specific', () => {
    let c: Connector;
    beforeAll(async () => {
      c = await openPostgres({ url: PG_URL!, max: 2 });
    });
    afterAll(() => c.close());

    it('carries the label in application_name while the statement runs', async () => {
      let pid = '';
      const running = c.execute('SELECT pg_sleep(0.5)', {
        label: { run: 'r_42', workflow: 'store_revenue', step: 'out', origin: 'run' },
        onQueryId: (id) => (pid = id.split(':')[0]!),
      });
      await sleep(150);
      const r = await db.query('SELECT application_name, query FROM pg_stat_activity WHERE pid = $1', [
        Number(pid),
      ]);
      expect(r.rows).toEqual([
        {
          application_name: 'edgeflow run=r_42 wf=store_revenue step=out by=run',
          query: 'SELECT pg_sleep(0.5)',
        },
      ]);
      await running;
    });

    it('cuts application_name to 63 bytes of printable ASCII', () => {
      const name = applicationName({ run: 'r'.repeat(40), workflow: 'wörkflow_with_a_long_name' });
      expect(name).toHaveLength(63);
      expect(name).toMatch(/^edgeflow run=r{40} wf=w\?rkfl$/);
      expect(applicationName()).toBe('edgeflow');
    });

    it('times out by statement_timeout: the connection default, and a per-statement one over it', async () => {
      const t = await openPostgres({ url: PG_URL!, timeoutMs: 300 });
      try {
        const started = Date.now();
        const err = await failure(t.execute('SELECT pg_sleep(5)'));
        expect(err).toBeInstanceOf(ConnectorError);
        expect((err as ConnectorError).details.code).toBe('57014');
        expect((err as Error).message).toMatch(/statement_timeout/);
        expect(t.classify(err)).toBe('permanent');
        expect(Date.now() - started).toBeLessThan(3_000);
        // A longer per-statement timeout lets a 0.6 s statement finish…
        expect(
          (await t.execute('SELECT true AS done FROM pg_sleep(0.6)', { timeoutMs: 5_000 })).rows,
        ).toEqual([{ done: true }]);
        // …and the next statement on that client is back to the default.
        expect((await t.execute('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
      } finally {
        await t.close();
      }
    });

    it('cancels for real even when every pooled connection is busy', async () => {
      const one = await openPostgres({ url: PG_URL!, max: 1 });
      try {
        let id = '';
        // The failure is heard from the start: it may land before the cancel call returns.
        const running = failure(one.execute('SELECT pg_sleep(30)', { onQueryId: (q) => (id = q) }));
        await sleep(200);
        expect(await activeOn(db, id.split(':')[0]!)).toEqual(['SELECT pg_sleep(30)']);
        const started = Date.now();
        await one.cancel(id);
        expect(one.classify(await running)).toBe('cancelled');
        expect(Date.now() - started).toBeLessThan(2_000);
        await expectIdle(db, id.split(':')[0]!);
        // The one connection came back clean.
        expect((await one.execute('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
      } finally {
        await one.close();
      }
    });

    it('gives up on a server that stops answering: the connection is cut, the caller is freed', async () => {
      // A TCP relay to the server that can go silent: it keeps the sockets open but passes nothing.
      let silent = false;
      const sockets = new Set<net.Socket>();
      const target = new URL(PG_URL!);
      const relay = net.createServer((inbound) => {
        const outbound = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(inbound).add(outbound);
        inbound.on('data', (d) => silent || outbound.write(d));
        outbound.on('data', (d) => silent || inbound.write(d));
        for (const [a, b] of [
          [inbound, outbound],
          [outbound, inbound],
        ] as const) {
          a.on('error', () => b.destroy());
          a.on('close', () => b.destroy());
        }
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      const url = new URL(PG_URL!);
      url.port = String((relay.address() as net.AddressInfo).port);
      const via = await openPostgres({ url: url.toString(), max: 1, connectTimeoutMs: 1_000 });
      let pid = '';
      try {
        const ac = new AbortController();
        const running = via.execute('SELECT pg_sleep(30)', {
          signal: ac.signal,
          onQueryId: (id) => (pid = id.split(':')[0]!),
        });
        await sleep(200);
        silent = true;
        const started = Date.now();
        ac.abort();
        const err = await failure(running);
        expect(via.classify(err)).toBe('cancelled');
        expect(Date.now() - started).toBeLessThan(8_000);
      } finally {
        await db.query('SELECT pg_terminate_backend($1)', [Number(pid)]);
        for (const s of sockets) s.destroy();
        relay.close();
        await via.close();
      }
    }, 20_000);

    it('classifies a backend terminated mid-statement as transient, and recovers', async () => {
      const one = await openPostgres({ url: PG_URL!, max: 1 });
      try {
        let pid = '';
        // The failure is heard from the start: it may land before pg_terminate_backend returns.
        const running = failure(
          one.execute('SELECT pg_sleep(30)', { onQueryId: (id) => (pid = id.split(':')[0]!) }),
        );
        await sleep(200);
        await db.query('SELECT pg_terminate_backend($1)', [Number(pid)]);
        const err = (await running) as ConnectorError;
        expect(err.details.code).toBe('57P01'); // admin_shutdown
        expect(one.classify(err)).toBe('transient');
        expect((await one.execute('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
      } finally {
        await one.close();
      }
    });

    it('runs statements side by side on the pool, and queues past its size', async () => {
      const pids = new Set<string>();
      const started = Date.now();
      const two = [1, 2].map(() =>
        c.execute('SELECT pg_sleep(0.5)', { onQueryId: (id) => pids.add(id.split(':')[0]!) }),
      );
      const third = c.execute('SELECT 3 AS z');
      expect(await settled(third, 250)).toBe(false);
      await Promise.all(two);
      expect(Date.now() - started).toBeLessThan(950);
      expect(pids.size).toBe(2);
      expect((await third).rows).toEqual([{ z: 3 }]);
    });

    it('enforces read-only in the server: writes, nextval() and a second statement fail', async () => {
      const insert = await failure(c.execute(`INSERT INTO ${SCHEMA}.t VALUES (99)`, { readOnly: true }));
      expect((insert as ConnectorError).details.code).toBe('25006'); // read_only_sql_transaction
      const next = await failure(c.execute(`SELECT nextval('${SCHEMA}.seq')`, { readOnly: true }));
      expect((next as ConnectorError).details.code).toBe('25006');
      const escape = await failure(
        c.execute(`COMMIT; INSERT INTO ${SCHEMA}.t VALUES (99)`, { readOnly: true }),
      );
      expect(c.classify(escape)).toBe('permanent');
      expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.t`)).rows).toEqual([{ n: 10 }]);
      expect((await c.execute(`SELECT max(n) AS m FROM ${SCHEMA}.t`, { readOnly: true })).rows).toEqual([
        { m: 10 },
      ]);
    });

    it('gives a client back clean when a statement left a transaction open', async () => {
      const one = await openPostgres({ url: PG_URL!, max: 1 });
      try {
        await one.execute(`BEGIN; INSERT INTO ${SCHEMA}.t VALUES (77)`);
        expect((await one.execute('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
        expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.t WHERE n = 77`)).rows).toEqual([
          { n: 0 },
        ]);
        const failed = await failure(one.execute(`BEGIN; SELECT 1/0`));
        expect(one.classify(failed)).toBe('permanent');
        expect((await one.execute('SELECT 2 AS y')).rows).toEqual([{ y: 2 }]);
      } finally {
        await one.close();
      }
    });

    it('stops reading at maxRows: the server does not produce the rest', async () => {
      const started = Date.now();
      const r = await c.execute('SELECT generate_series(1, 1000000000) AS n', { maxRows: 5 });
      expect(r.rows).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('fails a bounded read cleanly, and its client still works', async () => {
      const one = await openPostgres({ url: PG_URL!, max: 1 });
      try {
        for (const sql of ['SELEC 1', 'SELECT 1/0 FROM generate_series(1, 10)']) {
          const err = await failure(one.execute(sql, { maxRows: 5, readOnly: true }));
          expect(one.classify(err), sql).toBe('permanent');
          expect((await one.execute('SELECT 1 AS x', { maxRows: 5 })).rows).toEqual([{ x: 1 }]);
        }
      } finally {
        await one.close();
      }
    });

    it('estimates with EXPLAIN, and runs nothing else', async () => {
      const e = await c.estimate(`SELECT * FROM ${SCHEMA}.t WHERE n > $1`, { params: [3] });
      expect(e.rows).toBeGreaterThan(0);
      expect(e.cost).toBeGreaterThan(0);
      expect(e.summary).toMatch(/PostgreSQL planner estimate/);
      expect(await failure(c.estimate(`SELECT 1; DROP TABLE ${SCHEMA}.t`))).toBeInstanceOf(ConnectorError);
      expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.t`)).rows).toEqual([{ n: 10 }]);
    });

    it('reads every other kind by the convention: arrays, intervals, bytea, infinity, BC, any session time zone', async () => {
      // Its own connection: the session time zone set here must not outlive the test.
      const one = await openPostgres({ url: PG_URL!, max: 1 });
      const r = await one.execute(
        `SET TIME ZONE 'Asia/Kolkata';
         SELECT ARRAY[1, 9007199254740993]::bigint[] AS ints, ARRAY[12.50, NULL]::numeric[] AS decs,
           ARRAY[TIMESTAMPTZ '2024-01-31 10:00:00.5+00']::timestamptz[] AS instants,
           ARRAY['2024-01-31 10:00:00'::timestamp] AS stamps, ARRAY['NaN'::float8, 2.5] AS floats,
           TIMESTAMPTZ '1800-01-01 00:00:00+00' AS lmt, TIMESTAMP '0044-03-15 12:00:00 BC' AS bc,
           DATE '0044-03-15 BC' AS bc_day, 'infinity'::timestamp AS forever, '-infinity'::timestamptz AS never,
           INTERVAL '1 year 2 months 3 days 04:05:06.5' AS iv, INTERVAL '0' AS zero, INTERVAL '-1 day' AS back,
           '\\xAA01'::bytea AS bin, 'NaN'::numeric AS nan, '-Infinity'::numeric AS ninf,
           sum(x) AS total, 0.1::float4 AS f4, TIME '10:00:00.5' AS tm, '{"a": [1, 2]}'::jsonb AS doc
         FROM (VALUES (9007199254740990::bigint), (1::bigint)) AS t(x)`,
      );
      await one.close();
      expect(r.rows).toEqual([
        {
          ints: [1, '9007199254740993'],
          decs: [12.5, null],
          instants: ['2024-01-31T10:00:00.5Z'],
          stamps: ['2024-01-31 10:00:00'],
          floats: ['NaN', 2.5],
          lmt: '1800-01-01T00:00:00Z', // shown by the server at +05:53:28 (local mean time)
          bc: '-0043-03-15 12:00:00', // astronomical years: 44 BC is -43
          bc_day: '-0043-03-15',
          forever: 'infinity',
          never: '-infinity',
          iv: 'P1Y2M3DT4H5M6.5S',
          zero: 'PT0S',
          back: '-1 days', // ISO-8601 has no negative parts: the server's text
          bin: 'qgE=',
          nan: 'NaN',
          ninf: '-Infinity',
          total: 9007199254740991, // sum(bigint) is numeric: an integer value, safe, so a number
          f4: 0.1,
          tm: '10:00:00.5',
          doc: { a: [1, 2] },
        },
      ]);
      expect(JSON.parse(JSON.stringify(r.rows))).toEqual(r.rows); // JSON-safe: no Date, Buffer, NaN
    });

    it('returns PostGIS geometry and geography as WKT, the same text ST_AsText writes', async (ctx) => {
      const postgis = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
      if (postgis.rows.length === 0) {
        if (process.env['CI'] === 'true') throw new Error('CI runs PostgreSQL with PostGIS (.ci/run)');
        ctx.skip(); // a server without PostGIS: nothing to read
      }
      const shapes = [
        'SRID=4326;POINT(1 2)',
        'POINT(-122.35 47.62)',
        'POINT(0.333333333333333333 1e-7)',
        'POINT(12345678901234567 1e21)',
        'POINT EMPTY',
        'LINESTRING(1 2, 3.5 -4)',
        'LINESTRING EMPTY',
        'POLYGON((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))',
        'MULTIPOINT((1 2), (3 4))',
        'MULTILINESTRING((1 2, 3 4), (5 6, 7 8))',
        'MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
        'GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4), POINT EMPTY)',
        'MULTIPOINT(EMPTY, (1 2))',
        'POLYGON EMPTY',
        'POINT Z (1 2 3)',
        'LINESTRING M (1 2 3, 4 5 6)',
        'SRID=3857;POINT ZM (1 2 3 4)',
      ];
      const r = await c.execute(
        `SELECT s.shape::geometry AS g, ST_AsText(s.shape::geometry) AS wkt, 'POINT(1 2)'::geography AS geog
         FROM unnest($1::text[]) WITH ORDINALITY AS s(shape, n) ORDER BY s.n`,
        { params: [shapes] },
      );
      const rows = r.rows!;
      expect(rows).toHaveLength(shapes.length);
      for (const row of rows) expect(row['g'], String(row['wkt'])).toBe(row['wkt']);
      expect(rows[0]).toMatchObject({ g: 'POINT(1 2)', geog: 'POINT(1 2)' });
      expect(rows[2]!['g']).toBe('POINT(0.333333333333333 0.0000001)');
      expect(r.columns?.map((x) => x.nativeType)).toEqual(['geometry', 'text', 'geography']);
      // A type the decoder does not read (a curve) stays the server's hex EWKB.
      const curve = await c.execute(`SELECT 'CIRCULARSTRING(0 0, 1 1, 2 0)'::geometry AS g`);
      expect(curve.rows?.[0]?.['g']).toMatch(/^[0-9A-F]+$/);
    });

    it('reports affected rows and result columns', async () => {
      expect((await c.execute(`UPDATE ${SCHEMA}.t SET n = n WHERE n <= 3`)).rowCount).toBe(3);
      const r = await c.execute('SELECT 1::bigint AS a, 2.5::numeric AS b');
      expect(r.columns).toEqual([
        { name: 'a', nativeType: 'bigint', type: { kind: 'bigint' } },
        { name: 'b', nativeType: 'numeric', type: { kind: 'decimal', precision: 38, scale: 9 } },
      ]);
    });
  });

  describe('secrets', () => {
    const CANARY = 'Canary7f3a9cSecret';

    it('never shows the password or the URL in a connection error', async () => {
      for (const url of [
        `postgres://edgeflow:${CANARY}@127.0.0.1:1/nowhere`,
        `postgres://edgeflow:${encodeURIComponent(`${CANARY}/+ä`)}@localhost:1/nowhere`,
        `postgres://edgeflow:${CANARY}@[not-a-host/`,
      ]) {
        const c = await openPostgres({ url, secrets: [CANARY], connectTimeoutMs: 2_000 });
        try {
          const err = await failure(c.execute('SELECT 1'));
          expect(err).toBeInstanceOf(ConnectorError);
          const e = err as ConnectorError;
          expect(e.message.length).toBeGreaterThan(0);
          for (const text of [e.message, e.stack ?? '', JSON.stringify(e), String(e)])
            expect(text, url).not.toContain(CANARY);
        } finally {
          await c.close();
        }
      }
    });

    it('redacts a secret the server echoes back, in the message and in the SQL', async () => {
      const c = await openPostgres({ url: PG_URL!, secrets: [CANARY] });
      try {
        const err = (await failure(c.execute(`SELECT '${CANARY}'::int`))) as ConnectorError;
        expect(err.message).toMatch(/invalid input syntax for type integer: "\[redacted\]"/);
        expect(JSON.stringify(err)).not.toContain(CANARY);
        expect(err.details.sql).toBe(`SELECT '[redacted]'::int`);
      } finally {
        await c.close();
      }
    });
  });
});

describe('postgres error classes', () => {
  it('follows SQLSTATE and the socket errno', () => {
    const cases: Array<[{ code?: string; message?: string }, string]> = [
      [{ code: '40001' }, 'transient'],
      [{ code: '40P01' }, 'transient'],
      [{ code: '08006' }, 'transient'],
      [{ code: '57P01' }, 'transient'],
      [{ code: '57P03' }, 'transient'],
      [{ code: '53300' }, 'transient'],
      [{ code: '53100' }, 'transient'],
      [{ code: '57014', message: 'canceling statement due to user request' }, 'cancelled'],
      [{ code: '57014', message: 'canceling statement due to statement timeout' }, 'permanent'],
      [{ code: '42601' }, 'permanent'],
      [{ code: '23505' }, 'permanent'],
      [{ code: '28P01' }, 'permanent'],
      [{ code: 'ECONNRESET' }, 'transient'],
      [{ code: 'ECONNREFUSED' }, 'transient'],
      [{ code: 'EPIPE' }, 'transient'],
      [{ code: 'ENOTFOUND' }, 'permanent'],
      [{ message: 'Connection terminated unexpectedly' }, 'transient'],
    ];
    for (const [e, want] of cases) expect(classifyPgError(e), JSON.stringify(e)).toBe(want);
  });
});
