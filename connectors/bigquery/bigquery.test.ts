import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector } from '../connector.js';
import { describeConnectorContract, type ContractKit } from '../contract-suite.js';
import { classifyBigQueryError } from './errors.js';
import { FakeBigQuery, type FakeScript } from './fake-server.js';
import { openBigQuery } from './index.js';
import { parseJobId } from './jobs.js';
import { labelValue } from './labels.js';
import type { BigQueryOptions } from './options.js';
import { toQueryParameters } from './params.js';
import { bigqueryToPortable } from './types.js';
import { timestampText } from './values.js';

const PROJECT = 'test-project';
const CAP = 10 * 2 ** 30; // maxBytesBilled: 10 GiB
const GiB = 2 ** 30;

const KIT: ContractKit = {
  selectOne: 'SELECT 1 AS x',
  params: {
    sql: 'SELECT @i AS i, @f AS f, @s AS s, @b AS b, @t AS t, @d AS d, @n AS n',
    params: [42, 1.5, "it's", true, new Date('2024-01-31T12:34:56.789Z'), '2024-01-31', null],
    paramNames: ['i', 'f', 's', 'b', 't', 'd', 'n'],
    // `d` was bound as STRING (BigQuery coerces it where a DATE is needed) and comes back as one.
    expect: { i: 42, f: 1.5, s: "it's", b: true, t: '2024-01-31T12:34:56.789Z', d: '2024-01-31', n: null },
  },
  types: {
    sql:
      "SELECT 42 AS i, 9007199254740993 AS big, NUMERIC '12.50' AS small_dec, " +
      "NUMERIC '1234567890123456.789' AS long_dec, 1.5 AS dbl, CAST('NaN' AS FLOAT64) AS nan, TRUE AS flag, " +
      "'héllo' AS txt, DATE '2024-01-31' AS day, DATETIME '2024-01-31 10:00:00.123456' AS stamp, " +
      "DATETIME '2024-01-31 10:00:00.5' AS stamp_frac, DATETIME '2024-01-31 10:00:00' AS stamp0, " +
      "TIMESTAMP '2024-01-31 10:00:00.123456+02' AS instant, CAST(NULL AS INT64) AS nothing",
  },
  series: (n) => `SELECT n FROM UNNEST(GENERATE_ARRAY(1, ${n})) AS n`,
  slow: 'SELECT COUNT(*) AS n FROM `bigquery-public-data.wikipedia.pageviews_2024`',
  syntaxError: 'SELEC 1',
  transientError: 'SELECT * FROM shop.flaky',
  write: 'CREATE TABLE shop.orders_copy AS SELECT * FROM shop.orders',
  typesColumns: [
    { name: 'i', type: { kind: 'bigint' } },
    { name: 'big', type: { kind: 'bigint' } },
    { name: 'small_dec', type: { kind: 'decimal', precision: 38, scale: 9 } },
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
    { name: 'nothing', type: { kind: 'bigint' } },
  ],
  table: {
    parts: [PROJECT, 'shop', 'orders'],
    columns: [
      { name: 'id', type: { kind: 'bigint' } },
      { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 } },
      { name: 'note', type: { kind: 'string' } },
      { name: 'paid', type: { kind: 'bool' } },
      { name: 'day', type: { kind: 'date' } },
      { name: 'local_time', type: { kind: 'timestamp' } },
      { name: 'ordered_at', type: { kind: 'timestamptz' } },
      { name: 'place', type: { kind: 'geography' } },
      { name: 'tags', type: { kind: 'other', native: 'ARRAY<STRING>' } },
    ],
  },
};

const ORDERS_COLUMNS: Array<[string, string]> = [
  ['id', 'INT64'],
  ['amount', 'NUMERIC(12, 2)'],
  ['note', 'STRING'],
  ['paid', 'BOOL'],
  ['day', 'DATE'],
  ['local_time', 'DATETIME'],
  ['ordered_at', 'TIMESTAMP'],
  ['place', 'GEOGRAPHY'],
  ['tags', 'ARRAY<STRING>'],
];

/** The fake answers the kit's statements as BigQuery would. */
function scriptKit(fake: FakeBigQuery): void {
  fake
    .on(KIT.selectOne, { schema: [{ name: 'x', type: 'INT64' }], rows: [['1']] })
    .on(KIT.params.sql, { echoParams: true })
    .on(KIT.types.sql, {
      schema: [
        { name: 'i', type: 'INT64' },
        { name: 'big', type: 'INT64' },
        { name: 'small_dec', type: 'NUMERIC' },
        { name: 'long_dec', type: 'NUMERIC' },
        { name: 'dbl', type: 'FLOAT64' },
        { name: 'nan', type: 'FLOAT64' },
        { name: 'flag', type: 'BOOL' },
        { name: 'txt', type: 'STRING' },
        { name: 'day', type: 'DATE' },
        { name: 'stamp', type: 'DATETIME' },
        { name: 'stamp_frac', type: 'DATETIME' },
        { name: 'stamp0', type: 'DATETIME' },
        { name: 'instant', type: 'TIMESTAMP' },
        { name: 'nothing', type: 'INT64' },
      ],
      // As the API sends them: every value a string, NUMERIC without trailing zeros, DATETIME with
      // a `T`; the TIMESTAMP is encoded by the fake as the request asks (int64 microseconds).
      rows: [
        [
          '42',
          '9007199254740993',
          '12.5',
          '1234567890123456.789',
          '1.5',
          'NaN',
          'true',
          'héllo',
          '2024-01-31',
          '2024-01-31T10:00:00.123456',
          '2024-01-31T10:00:00.5',
          '2024-01-31T10:00:00',
          '2024-01-31T08:00:00.123456Z',
          null,
        ],
      ],
    })
    .on(/^SELECT n FROM UNNEST\(GENERATE_ARRAY\(1, (\d+)\)\) AS n$/, ({ match }) => ({
      schema: [{ name: 'n', type: 'INT64' }],
      rows: { count: Number(match![1]), row: (i) => [String(i + 1)] },
      totalBytesProcessed: 0,
    }))
    .on(KIT.slow, { slow: true, totalBytesProcessed: 5 * GiB, schema: [{ name: 'n', type: 'INT64' }] })
    .on(KIT.syntaxError, {
      error: {
        code: 400,
        reason: 'invalidQuery',
        message: 'Syntax error: Unexpected identifier "SELEC" at [1:1]',
      },
    })
    .on(KIT.transientError!, {
      delayMs: 50,
      error: { code: 500, reason: 'backendError', message: 'Backend error. Job aborted.' },
    })
    .on(KIT.write, { statementType: 'CREATE_TABLE_AS_SELECT', totalBytesProcessed: 1000 })
    .on(/INFORMATION_SCHEMA\.TABLES/, {
      schema: ['table_catalog', 'table_schema', 'table_name', 'table_type'].map((name) => ({
        name,
        type: 'STRING',
      })),
      rows: [
        [PROJECT, 'shop', 'customers', 'BASE TABLE'],
        [PROJECT, 'shop', 'orders', 'BASE TABLE'],
        [PROJECT, 'shop', 'recent_orders', 'VIEW'],
      ],
      totalBytesProcessed: 10 * 2 ** 20,
    })
    .on(/INFORMATION_SCHEMA\.COLUMNS/, ({ params }) => {
      const table = params.find((p) => p.name === 'table')?.parameterValue.value;
      return {
        schema: [
          'table_catalog',
          'table_schema',
          'table_name',
          'column_name',
          'data_type',
          'is_nullable',
        ].map((name) => ({ name, type: 'STRING' })),
        rows:
          table === 'orders'
            ? ORDERS_COLUMNS.map(([column, type]) => [PROJECT, 'shop', 'orders', column, type, 'YES'])
            : [],
        totalBytesProcessed: 10 * 2 ** 20,
      };
    });
}

async function open(fake: FakeBigQuery, extra: Partial<BigQueryOptions> = {}): Promise<Connector> {
  return openBigQuery({
    projectId: PROJECT,
    location: 'EU',
    apiEndpoint: fake.url,
    maxBytesBilled: CAP,
    retryDelaysMs: [10, 20],
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

let contractFake: FakeBigQuery;
describeConnectorContract(
  'bigquery (local fake)',
  async () => {
    contractFake = await FakeBigQuery.start();
    scriptKit(contractFake);
    const connector = await open(contractFake);
    const kit: ContractKit = {
      ...KIT,
      verifyCancelled: async (queryId) => {
        expect(queryId).toBeDefined();
        const { jobId } = parseJobId(queryId!);
        expect(contractFake.cancels()).toContain(jobId);
        expect(contractFake.jobState(jobId)).toBe('DONE');
      },
    };
    return { connector, kit, teardown: () => contractFake.close() };
  },
  { pagingRows: 100_000 },
);

describe('bigquery connector', () => {
  let fake: FakeBigQuery;
  let bq: Connector;
  beforeAll(async () => {
    fake = await FakeBigQuery.start();
    scriptKit(fake);
    bq = await open(fake);
  });
  afterAll(async () => {
    await bq.close();
    await fake.close();
  });

  const insertsFor = (sql: string) => fake.inserts().filter((b) => b.configuration.query.query === sql);

  it('labels every job with workflow, run, step and origin, sanitised to the label rules', async () => {
    const long = 'A very long workflow name that goes on and on past the sixty-three character limit';
    await bq.execute(KIT.selectOne, {
      label: {
        workflow: 'Daily Revenue (EU)',
        run: 'RUN-2024-01-31T00:00Z',
        step: 'orders.Clean',
        origin: 'preview',
      },
    });
    const labels = fake.inserts().at(-1).configuration.labels;
    expect(labels).toEqual({
      edgeflow_workflow: 'daily_revenue__eu_',
      edgeflow_run: 'run-2024-01-31t00_00z',
      edgeflow_step: 'orders_clean',
      edgeflow_origin: 'preview',
    });
    await bq.execute(KIT.selectOne, { label: { workflow: long } });
    const cut = fake.inserts().at(-1).configuration.labels.edgeflow_workflow as string;
    expect(cut.length).toBeLessThanOrEqual(63);
    expect(cut).not.toBe(labelValue(`${long} (copy)`)); // same 63-char prefix, different label
    await bq.estimate(KIT.series(10));
    await bq.listTables();
    await bq.execute(KIT.selectOne, { readOnly: true });
    // Every job, dry runs and introspection included, carries valid labels and its origin.
    for (const body of fake.inserts()) {
      const l = body.configuration.labels as Record<string, string>;
      expect(l['edgeflow_origin']).toMatch(/^(preview|execute|estimate|introspection)$/);
      for (const [k, v] of Object.entries(l)) {
        expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
        expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
      }
    }
  });

  it('puts maximumBytesBilled and the location on every job, dry runs included', async () => {
    await bq.execute(KIT.selectOne);
    await bq.estimate(KIT.series(100));
    await bq.execute(KIT.selectOne, { readOnly: true });
    await bq.describeTable(['shop', 'orders']);
    const bodies = fake.inserts();
    expect(bodies.some((b) => b.configuration.dryRun === true)).toBe(true);
    expect(bodies.some((b) => !b.configuration.dryRun)).toBe(true);
    for (const b of bodies) {
      expect(b.configuration.query.maximumBytesBilled).toBe(String(CAP));
      expect(b.configuration.query.useLegacySql).toBe(false);
      expect(b.jobReference.location).toBe('EU');
    }
    for (const p of fake.polls()) expect(p.query['location']).toBe('EU');
  });

  it('estimates with a dry run: bytes and the price they imply', async () => {
    fake.on('SELECT * FROM shop.events', { totalBytesProcessed: 3 * 2 ** 40, statementType: 'SELECT' });
    const before = fake.inserts().length;
    const e = await bq.estimate('SELECT * FROM shop.events');
    expect(e.bytesProcessed).toBe(3 * 2 ** 40);
    expect(e.costUsd).toBeCloseTo(18.75, 10);
    expect(e.summary).toContain('3.00 TiB');
    expect(e.summary).toContain('$18.75');
    expect(e.summary).toContain('over maxBytesBilled'); // 3 TiB > the 10 GiB cap
    const sent = fake.inserts().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].configuration.dryRun).toBe(true);
    const cheap = await openBigQuery({
      projectId: PROJECT,
      location: 'EU',
      apiEndpoint: fake.url,
      pricePerTiB: 5,
    });
    expect((await cheap.estimate('SELECT * FROM shop.events')).costUsd).toBeCloseTo(15, 10);
    await cheap.close();
  });

  it('polls the job whose id it reported through onQueryId, and carries its timeout to BigQuery', async () => {
    fake.on('SELECT 3 AS z', { schema: [{ name: 'z', type: 'INT64' }], rows: [['3']], delayMs: 300 });
    let reported: string | undefined;
    const r = await bq.execute('SELECT 3 AS z', { onQueryId: (id) => (reported = id), timeoutMs: 20_000 });
    expect(r.rows).toEqual([{ z: 3 }]);
    expect(r.queryId).toBe(reported);
    expect(reported).toMatch(new RegExp(`^${PROJECT}:EU\\.edgeflow_`));
    const { jobId, location } = parseJobId(reported!);
    expect(location).toBe('EU');
    const insert = insertsFor('SELECT 3 AS z').at(-1);
    expect(insert.jobReference.jobId).toBe(jobId);
    expect(insert.configuration.jobTimeoutMs).toBe('20000');
    const polls = fake.polls().filter((p) => p.jobId === jobId);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.every((p) => p.query['formatOptions.useInt64Timestamp'] === 'true')).toBe(true);
    expect(r.columns).toEqual([{ name: 'z', nativeType: 'INT64' }]);
  });

  it('cancels the job in BigQuery on abort, on cancel(id) and on timeout', async () => {
    const ac = new AbortController();
    let id: string | undefined;
    const aborted = await failure(
      bq.execute(KIT.slow, {
        signal: ac.signal,
        onQueryId: (q) => ((id = q), setTimeout(() => ac.abort(), 100)),
      }),
    );
    expect(aborted.errorClass).toBe('cancelled');
    expect(aborted.details.code).toBe('cancelled');
    expect(aborted.details.queryId).toBe(id);
    expect(fake.cancels()).toContain(parseJobId(id!).jobId);

    const started = Date.now();
    const timedOut = await failure(bq.execute(KIT.slow, { timeoutMs: 300, onQueryId: (q) => (id = q) }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(timedOut.errorClass).toBe('permanent');
    expect(timedOut.details.code).toBe('timeout');
    expect(timedOut.message).toContain('raise timeoutMs');
    expect(fake.cancels()).toContain(parseJobId(id!).jobId);
    expect(fake.jobState(parseJobId(id!).jobId)).toBe('DONE');

    // An already aborted signal starts nothing.
    const before = fake.inserts().length;
    const early = await failure(bq.execute(KIT.slow, { signal: AbortSignal.abort() }));
    expect(early.errorClass).toBe('cancelled');
    expect(fake.inserts()).toHaveLength(before);

    // Cancelling a finished job, or one BigQuery does not know, is not an error.
    const done = await bq.execute(KIT.selectOne);
    await expect(bq.cancel(done.queryId!)).resolves.toBeUndefined();
    await expect(bq.cancel(`${PROJECT}:EU.edgeflow_no_such_job`)).resolves.toBeUndefined();
  });

  it('close() cancels the jobs still running', async () => {
    const other = await open(fake);
    let id: string | undefined;
    let started!: () => void;
    const reported = new Promise<void>((r) => (started = r));
    const running = other.execute(KIT.slow, { onQueryId: (q) => ((id = q), started()) });
    await reported;
    await other.close();
    expect((await failure(running)).errorClass).toBe('cancelled');
    expect(fake.cancels()).toContain(parseJobId(id!).jobId);
    expect((await failure(other.execute(KIT.selectOne))).details.code).toBe('closed');
  });

  it('retries a 429 on insert under the same job id, and classifies it transient when retries run out', async () => {
    const once: FakeScript = {
      schema: [{ name: 'y', type: 'INT64' }],
      rows: [['2']],
      error: {
        code: 429,
        reason: 'rateLimitExceeded',
        message: 'Exceeded rate limits: too many api requests',
        phase: 'insert',
        times: 1,
      },
    };
    fake.on('SELECT 2 AS y', once);
    const r = await bq.execute('SELECT 2 AS y');
    expect(r.rows).toEqual([{ y: 2 }]);
    const attempts = insertsFor('SELECT 2 AS y');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].jobReference.jobId).toBe(attempts[0].jobReference.jobId);

    // Without retries the executor sees the 429 itself: transient, so it will try again.
    const noRetry = await open(fake, { retryDelaysMs: [] });
    fake.on('SELECT 4 AS y', { ...once, error: { ...once.error!, times: 1 } });
    const e = await failure(noRetry.execute('SELECT 4 AS y'));
    expect(e.errorClass).toBe('transient');
    expect(noRetry.classify(e)).toBe('transient');
    expect(e.details.code).toBe('rateLimitExceeded');
    expect((await noRetry.execute('SELECT 4 AS y')).rows).toEqual([{ y: 2 }]);
    await noRetry.close();
  });

  it('retries a transient poll failure while the job itself is fine', async () => {
    fake.on('SELECT 5 AS v', {
      schema: [{ name: 'v', type: 'INT64' }],
      rows: [['5']],
      error: {
        code: 503,
        reason: 'backendError',
        message: 'The service is currently unavailable.',
        phase: 'poll',
        times: 2,
      },
    });
    expect((await bq.execute('SELECT 5 AS v')).rows).toEqual([{ v: 5 }]);
  });

  it('a job that would bill more than maxBytesBilled fails permanently, saying what to do', async () => {
    fake.on('SELECT * FROM shop.clicks', {
      totalBytesProcessed: 50 * GiB,
      schema: [{ name: 'c', type: 'INT64' }],
    });
    const e = await failure(bq.execute('SELECT * FROM shop.clicks'));
    expect(e.errorClass).toBe('permanent');
    expect(e.details.code).toBe('bytesBilledLimitExceeded');
    expect(e.message).toContain(`Query exceeded limit for bytes billed: ${CAP}`);
    expect(e.message).toContain('raise maxBytesBilled');
    expect(e.details.hint).toContain('raise maxBytesBilled');
    expect(e.details.queryId).toMatch(/^test-project:EU\.edgeflow_/);
  });

  it('classifies API reasons, HTTP statuses and socket errors', () => {
    const api = (code: number, reason: string, message = 'x') =>
      Object.assign(new Error(message), { code, errors: [{ reason, message }] });
    for (const [code, reason] of [
      [403, 'rateLimitExceeded'],
      [500, 'backendError'],
      [500, 'internalError'],
      [403, 'quotaExceeded'],
      [400, 'jobBackendError'],
    ] as const)
      expect(classifyBigQueryError(api(code, reason)), reason).toBe('transient');
    for (const [code, reason] of [
      [400, 'invalidQuery'],
      [404, 'notFound'],
      [403, 'accessDenied'],
      [400, 'billingTierLimitExceeded'],
      [400, 'bytesBilledLimitExceeded'],
      [403, 'responseTooLarge'],
      [501, 'notImplemented'],
    ] as const)
      expect(classifyBigQueryError(api(code, reason)), reason).toBe('permanent');
    expect(
      classifyBigQueryError(
        api(403, 'quotaExceeded', 'Quota exceeded: Your project exceeded quota for free query bytes scanned'),
      ),
    ).toBe('permanent');
    expect(classifyBigQueryError(api(400, 'stopped'))).toBe('cancelled');
    for (const code of [429, 500, 502, 503, 504])
      expect(classifyBigQueryError(Object.assign(new Error('x'), { code, errors: [] }))).toBe('transient');
    expect(classifyBigQueryError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      'transient',
    );
    expect(classifyBigQueryError(new Error('something else'))).toBe('permanent');
  });

  it('a job that fails at insert is a ConnectorError with the API reason and the job id', async () => {
    const e = await failure(bq.execute(KIT.syntaxError));
    expect(e.details).toMatchObject({ connector: 'bigquery', code: 'invalidQuery', sql: KIT.syntaxError });
    expect(e.details.queryId).toMatch(/^test-project:EU\.edgeflow_/);
    expect(e.message).toContain('[1:1]');
    fake.on('SELECT * FROM shop.nope', {
      error: {
        code: 404,
        reason: 'notFound',
        message: 'Not found: Table test-project:shop.nope was not found in location EU',
        phase: 'insert',
      },
    });
    const nf = await failure(bq.execute('SELECT * FROM shop.nope'));
    expect(nf.details.code).toBe('notFound');
    expect(nf.errorClass).toBe('permanent');
    expect(nf.message).toContain('location');
  });

  it('read-only: refuses what the dry run does not call a SELECT, before any job runs', async () => {
    const before = insertsFor(KIT.write).length;
    const e = await failure(bq.execute(KIT.write, { readOnly: true }));
    expect(e.details.code).toBe('readOnly');
    expect(e.message).toContain('CREATE_TABLE_AS_SELECT');
    const sent = insertsFor(KIT.write).slice(before);
    expect(sent.map((b) => b.configuration.dryRun)).toEqual([true]);
    // A SELECT passes: a dry run, then the job.
    const n = insertsFor(KIT.selectOne).length;
    expect((await bq.execute(KIT.selectOne, { readOnly: true })).rows).toEqual([{ x: 1 }]);
    expect(
      insertsFor(KIT.selectOne)
        .slice(n)
        .map((b) => Boolean(b.configuration.dryRun)),
    ).toEqual([true, false]);
  });

  it('reads large results page by page and stops early at maxRows', async () => {
    const sql = KIT.series(25_000);
    const all = await bq.execute(sql, { onQueryId: () => undefined });
    expect(all.rows).toHaveLength(25_000);
    const jobId = parseJobId(all.queryId!).jobId;
    const pages = fake.polls().filter((p) => p.jobId === jobId);
    expect(pages.filter((p) => p.query['pageToken'])).toHaveLength(2); // 10,000 + 10,000 + 5,000
    const some = await bq.execute(sql, { maxRows: 10 });
    expect(some.rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: i + 1 })));
    const somePolls = fake.polls().filter((p) => p.jobId === parseJobId(some.queryId!).jobId);
    expect(somePolls).toHaveLength(1);
    expect(somePolls[0]!.query['maxResults']).toBe('10');
  });

  it('binds named parameters with explicit types (and positional ones without names)', async () => {
    fake.on('SELECT @ids AS ids, @big AS big', { echoParams: true });
    const r = await bq.execute('SELECT @ids AS ids, @big AS big', {
      params: [[1, 2, 3], 2n ** 62n],
      paramNames: ['ids', 'big'],
    });
    expect(r.rows).toEqual([{ ids: [1, 2, 3], big: String(2n ** 62n) }]);
    const q = insertsFor('SELECT @ids AS ids, @big AS big').at(-1).configuration.query;
    expect(q.parameterMode).toBe('NAMED');
    expect(q.queryParameters).toEqual([
      {
        name: 'ids',
        parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
        parameterValue: { arrayValues: [{ value: '1' }, { value: '2' }, { value: '3' }] },
      },
      { name: 'big', parameterType: { type: 'INT64' }, parameterValue: { value: '4611686018427387904' } },
    ]);
    expect(toQueryParameters([1.25, 'a', false, null], undefined)).toEqual({
      parameterMode: 'POSITIONAL',
      queryParameters: [
        { parameterType: { type: 'FLOAT64' }, parameterValue: { value: '1.25' } },
        { parameterType: { type: 'STRING' }, parameterValue: { value: 'a' } },
        { parameterType: { type: 'BOOL' }, parameterValue: { value: 'false' } },
        { parameterType: { type: 'STRING' }, parameterValue: {} },
      ],
    });
    const e = await failure(bq.execute(KIT.selectOne, { params: [{ a: 1 }], paramNames: ['a'] }));
    expect(e.details.code).toBe('invalidParameter');
    expect(e.message).toContain('PARSE_JSON');
    expect(
      (await failure(bq.execute(KIT.selectOne, { params: [1, 2], paramNames: ['a'] }))).details.code,
    ).toBe('invalidParameter');
  });

  it('converts every value kind to plain JS, as documented', async () => {
    fake.on('SELECT everything', {
      schema: [
        { name: 'huge', type: 'INT64' },
        { name: 'nan', type: 'FLOAT64' },
        { name: 'inf', type: 'FLOAT64' },
        { name: 'j', type: 'JSON' },
        { name: 'bytes', type: 'BYTES' },
        { name: 'old', type: 'TIMESTAMP' },
        { name: 't', type: 'TIME' },
        {
          name: 'rec',
          type: 'STRUCT',
          fields: [
            { name: 'a', type: 'INT64' },
            { name: 'tags', type: 'STRING', mode: 'REPEATED' },
          ],
        },
        { name: 'list', type: 'TIMESTAMP', mode: 'REPEATED' },
        { name: 'dec', type: 'NUMERIC' },
        { name: 'bigdec', type: 'BIGNUMERIC' },
        { name: 'negdec', type: 'NUMERIC' },
        { name: 'dt', type: 'DATETIME' },
        { name: 'g', type: 'GEOGRAPHY' },
        { name: 'iv', type: 'INTERVAL' },
        { name: 'neg_iv', type: 'INTERVAL' },
      ],
      rows: [
        [
          '9223372036854775807',
          'NaN',
          '-Infinity',
          '{"a":[1,2]}',
          'AQID',
          '1969-12-31T23:59:59.999999Z',
          '12:30:00.25',
          ['1', ['x', 'y']],
          ['2024-01-31T00:00:00Z', '2024-01-31T00:00:00.000100Z'],
          '123.450000000',
          '12345678901234567890.12345678901234567890123456789012345678',
          '-0.000001',
          '2024-01-31T12:00:00.500000',
          'POINT(1 2)',
          '1-2 3 4:5:6.5',
          '0-0 -3 0:0:0',
        ],
      ],
    });
    const r = await bq.execute('SELECT everything');
    expect(r.rows?.[0]).toEqual({
      huge: '9223372036854775807',
      nan: 'NaN', // JSON has no NaN or Infinity: the convention spells them
      inf: '-Infinity',
      j: '{"a":[1,2]}',
      bytes: 'AQID',
      old: '1969-12-31T23:59:59.999999Z',
      t: '12:30:00.25',
      rec: { a: 1, tags: ['x', 'y'] },
      list: ['2024-01-31T00:00:00Z', '2024-01-31T00:00:00.0001Z'], // fraction trimmed, absent when zero
      dec: 123.45, // the exact text, a number within 15 significant digits
      bigdec: '12345678901234567890.12345678901234567890123456789012345678', // beyond: exact text
      negdec: -0.000001,
      dt: '2024-01-31 12:00:00.5',
      g: 'POINT(1 2)',
      iv: 'P1Y2M3DT4H5M6.5S',
      neg_iv: '0-0 -3 0:0:0', // ISO-8601 has no negative parts: the canonical text
    });
    expect(r.columns?.map((c) => c.nativeType)).toEqual([
      'INT64',
      'FLOAT64',
      'FLOAT64',
      'JSON',
      'BYTES',
      'TIMESTAMP',
      'TIME',
      'STRUCT<a INT64, tags ARRAY<STRING>>',
      'ARRAY<TIMESTAMP>',
      'NUMERIC',
      'BIGNUMERIC',
      'NUMERIC',
      'DATETIME',
      'GEOGRAPHY',
      'INTERVAL',
      'INTERVAL',
    ]);
    expect(timestampText('1706659200.5')).toBe('2024-01-31T00:00:00.5Z'); // float seconds, old servers
  });

  it('introspects through INFORMATION_SCHEMA, per region or per dataset', async () => {
    const before = fake.inserts().length;
    const all = await bq.listTables();
    expect(all).toContainEqual({ parts: [PROJECT, 'shop', 'recent_orders'], kind: 'view' });
    await bq.listTables({ schema: 'shop' });
    const info = await bq.describeTable(['orders']);
    expect(info?.parts).toEqual([PROJECT, 'shop', 'orders']);
    const sqls = fake
      .inserts()
      .slice(before)
      .map((b) => b.configuration.query.query as string);
    expect(sqls[0]).toContain('`test-project`.`region-eu`.INFORMATION_SCHEMA.TABLES');
    expect(sqls[1]).toContain('`test-project`.`shop`.INFORMATION_SCHEMA.TABLES');
    expect(sqls[2]).toContain('`region-eu`.INFORMATION_SCHEMA.COLUMNS');
    expect(bigqueryToPortable('BIGNUMERIC')).toEqual({ kind: 'decimal', precision: 76, scale: 38 });
    expect(bigqueryToPortable('NUMERIC')).toEqual({ kind: 'decimal', precision: 38, scale: 9 });
    expect(bigqueryToPortable('STRING(20)')).toEqual({ kind: 'string' });
    expect(bigqueryToPortable('STRUCT<a INT64>')).toEqual({ kind: 'other', native: 'STRUCT<a INT64>' });
    const noLocation = await openBigQuery({ projectId: PROJECT, apiEndpoint: fake.url });
    expect((await failure(noLocation.listTables())).details.code).toBe('locationRequired');
    await noLocation.close();
  });

  it('the fake answers the client library itself as BigQuery does (jobs.query, row parsing)', async () => {
    const { BigQuery } = await import('@google-cloud/bigquery');
    const client = new BigQuery({
      projectId: PROJECT,
      apiEndpoint: fake.url,
      authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer t' }) },
    } as unknown as ConstructorParameters<typeof BigQuery>[0]);
    const [rows] = await client.query({ query: KIT.types.sql, location: 'EU' });
    expect(rows[0].i).toBe(42);
    expect(rows[0].instant.value).toBe('2024-01-31T08:00:00.123456000Z'); // from int64 microseconds
    expect(rows[0].stamp_frac.value).toBe('2024-01-31T10:00:00.5');
    fake.on('SELECT 6 AS w', { schema: [{ name: 'w', type: 'INT64' }], rows: [['6']], delayMs: 300 });
    const [later] = await client.query({ query: 'SELECT 6 AS w', location: 'EU' }); // waits server-side
    expect(later).toEqual([{ w: 6 }]);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/queries'))).toBe(true);
  });

  it('the fake reads gzip-encoded request bodies', async () => {
    const body = gzipSync(
      JSON.stringify({
        jobReference: { jobId: 'gz_1', location: 'EU' },
        configuration: { query: { query: KIT.selectOne } },
      }),
    );
    const res = await fetch(`${fake.url}/bigquery/v2/projects/${PROJECT}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    expect(fake.requests.at(-1)?.body.jobReference.jobId).toBe('gz_1');
  });
});

describe('bigquery secrets', () => {
  const CANARY = 'CANARY-7f3a9c1e-do-not-leak';
  const email = `canary-${CANARY}@test-project.iam.gserviceaccount.com`;
  const privateKey = `-----BEGIN PRIVATE KEY-----\nMIIEv${CANARY}QIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n`;
  const keyJson = JSON.stringify({
    type: 'service_account',
    project_id: PROJECT,
    private_key_id: 'abc123def456',
    private_key: privateKey,
    client_email: email,
  });
  let fake: FakeBigQuery;
  beforeAll(async () => {
    fake = await FakeBigQuery.start();
    scriptKit(fake);
  });
  afterAll(() => fake.close());

  const leaks = (e: unknown) => {
    const err = e as ConnectorError;
    const text = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${JSON.stringify(err.details)}`;
    return text.includes(CANARY) || text.includes(privateKey) || text.includes(keyJson);
  };

  it('never shows the key in any error', async () => {
    const errors: unknown[] = [];
    const catching = (p: Promise<unknown>) =>
      p.then(
        () => errors.push(new Error('expected a failure')),
        (e: unknown) => errors.push(e),
      );
    // A server (or driver) that echoes the credentials back in its messages.
    const echo = {
      code: 403,
      reason: 'accessDenied',
      message: `Access Denied: User ${email} (key ${privateKey}) lacks bigquery.jobs.create`,
    };
    fake.on('SELECT secret_insert', { error: { ...echo, phase: 'insert' } });
    fake.on('SELECT secret_job', { delayMs: 20, error: { ...echo, phase: 'job' } });
    fake.on('SELECT secret_poll', { error: { ...echo, code: 400, phase: 'poll' } });
    fake.on('SELECT secret_dry', { error: { ...echo, atDryRun: true } });
    const bq = await openBigQuery({
      projectId: PROJECT,
      location: 'EU',
      apiEndpoint: fake.url,
      keyJson,
      secrets: [CANARY],
      retryDelaysMs: [],
    });
    await catching(bq.execute('SELECT secret_insert'));
    await catching(bq.execute('SELECT secret_job'));
    await catching(bq.execute('SELECT secret_poll'));
    await catching(bq.execute('SELECT secret_dry', { readOnly: true }));
    await catching(bq.estimate('SELECT secret_dry'));
    await catching(bq.execute('SELECT secret_insert', { timeoutMs: 1 }));
    // A key that is not JSON: the parser would quote it.
    await catching(
      openBigQuery({
        projectId: PROJECT,
        apiEndpoint: fake.url,
        keyJson: `{"private_key": "${CANARY}", oops`,
      }),
    );
    await catching(
      openBigQuery({
        projectId: PROJECT,
        apiEndpoint: fake.url,
        keyJson: JSON.stringify({ private_key: CANARY }),
      }),
    );
    // An endpoint that refuses connections (nothing listens on port 9).
    const down = await openBigQuery({
      projectId: PROJECT,
      location: 'EU',
      apiEndpoint: 'http://127.0.0.1:9',
      keyJson,
      secrets: [CANARY],
      retryDelaysMs: [],
    });
    await catching(down.execute(`SELECT '${CANARY}'`));
    await catching(down.cancel(`${PROJECT}:EU.edgeflow_${CANARY}`));
    // Google sign-in with the key (no apiEndpoint): the key cannot sign, and must not be quoted.
    const google = await openBigQuery({
      projectId: PROJECT,
      location: 'EU',
      keyJson,
      secrets: [CANARY],
      retryDelaysMs: [],
    });
    await catching(google.execute('SELECT 1'));
    await bq.close();
    expect(errors).toHaveLength(11);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ConnectorError);
      expect(leaks(e), (e as Error).message).toBe(false);
    }
    expect((errors[0] as ConnectorError).message).toContain('[redacted]');
    expect((errors[6] as ConnectorError).details.code).toBe('invalidCredentials');
    expect((errors[8] as ConnectorError).errorClass).toBe('transient'); // ECONNREFUSED
    expect((errors[10] as ConnectorError).message).toContain('keyJson');
  });
});

describe('bigquery loading', () => {
  it('importing the connector does not load the client; openBigQuery does', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/@google-cloud/bigquery/'));
      const { openBigQuery } = await import('./connectors/bigquery/index.ts');
      const before = loaded();
      const c = await openBigQuery({ projectId: 'p', apiEndpoint: 'http://127.0.0.1:9' });
      const after = loaded();
      await c.close();
      console.log(JSON.stringify({ before, after }));
    `;
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', './test/preload/no-network.mjs', '--input-type=module', '-e', script],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        encoding: 'utf8',
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      },
    );
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout.trim().split('\n').at(-1)!)).toEqual({ before: false, after: true });
  });
});
