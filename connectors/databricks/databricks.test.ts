/**
 * The Databricks connector against a local fake of the SQL Statement Execution API
 * (fake-server.ts): the shared contract suite, then what only this protocol has — polling through
 * PENDING and RUNNING, the request shapes, retries and classification, OAuth M2M, read-only,
 * EXPLAIN COST — and the canary secret that must never come out. No real workspace is reached.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector } from '../connector.js';
import { describeConnectorContract, type ContractKit } from '../contract-suite.js';
import { estimateFromExplain } from './estimate.js';
import { FakeDatabricks, type FakeScript } from './fake-server.js';
import { openDatabricks, type DatabricksOptions } from './index.js';
import { toStatementParameters } from './params.js';
import { codeOf, singleQueryText } from './read-only.js';
import { loadSparkGrammar, sparkGrammarUnavailable } from '../../test/support/spark-grammar.js';
import { databricksToPortable } from './types.js';
import { rowsToObjects } from './values.js';

const TOKEN = 'dapi-test-token-0123456789';
const WAREHOUSE = 'abc123def456';

const KIT: ContractKit = {
  selectOne: 'SELECT 1 AS x',
  params: {
    sql: 'SELECT :i AS i, :f AS f, :s AS s, :b AS b, :t AS t, :d AS d, :n AS n',
    params: [42, 1.5, "it's", true, new Date('2024-01-31T12:34:56.789Z'), '2024-01-31', null],
    paramNames: ['i', 'f', 's', 'b', 't', 'd', 'n'],
    // `d` was bound as STRING and comes back as one; `t` as TIMESTAMP, an instant.
    expect: { i: 42, f: 1.5, s: "it's", b: true, t: '2024-01-31T12:34:56.789Z', d: '2024-01-31', n: null },
  },
  types: {
    sql:
      "SELECT 42 AS i, 9007199254740993 AS big, CAST('12.50' AS DECIMAL(12,2)) AS small_dec, " +
      "CAST('1234567890123456.789' AS DECIMAL(38,9)) AS long_dec, CAST(1.5 AS DOUBLE) AS dbl, " +
      "CAST('NaN' AS DOUBLE) AS nan, TRUE AS flag, 'héllo' AS txt, DATE '2024-01-31' AS day, " +
      "TIMESTAMP_NTZ '2024-01-31 10:00:00.123456' AS stamp, TIMESTAMP_NTZ '2024-01-31 10:00:00.5' AS stamp_frac, " +
      "TIMESTAMP_NTZ '2024-01-31 10:00:00' AS stamp0, TIMESTAMP '2024-01-31 10:00:00.123456+02:00' AS instant, " +
      'CAST(NULL AS BIGINT) AS nothing',
  },
  series: (n) => `SELECT id + 1 AS n FROM range(${n})`,
  slow: 'SELECT count(*) AS n FROM samples.tpch.lineitem a CROSS JOIN samples.tpch.lineitem b',
  syntaxError: 'SELEC 1',
  transientError: 'SELECT * FROM shop.flaky',
  write: 'CREATE TABLE shop.orders_copy AS SELECT * FROM shop.orders',
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
    { name: 'nothing', type: { kind: 'bigint' } },
  ],
  table: {
    parts: ['shop', 'orders'],
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
  ['id', 'bigint'],
  ['amount', 'decimal(12,2)'],
  ['note', 'string'],
  ['paid', 'boolean'],
  ['day', 'date'],
  ['local_time', 'timestamp_ntz'],
  ['ordered_at', 'timestamp'],
  ['place', 'geometry(4326)'],
  ['tags', 'array<string>'],
];

const TYPES_SCRIPT: FakeScript = {
  columns: [
    { name: 'i', type: 'int' },
    { name: 'big', type: 'bigint' },
    { name: 'small_dec', type: 'decimal(12,2)' },
    { name: 'long_dec', type: 'decimal(38,9)' },
    { name: 'dbl', type: 'double' },
    { name: 'nan', type: 'double' },
    { name: 'flag', type: 'boolean' },
    { name: 'txt', type: 'string' },
    { name: 'day', type: 'date' },
    { name: 'stamp', type: 'timestamp_ntz' },
    { name: 'stamp_frac', type: 'timestamp_ntz' },
    { name: 'stamp0', type: 'timestamp_ntz' },
    { name: 'instant', type: 'timestamp' },
    { name: 'nothing', type: 'bigint' },
  ],
  // As Spark casts them to text: decimals with their scale, NTZ as a wall clock, TIMESTAMP in UTC.
  rows: [
    [
      '42',
      '9007199254740993',
      '12.50',
      '1234567890123456.789000000',
      '1.5',
      'NaN',
      'true',
      'héllo',
      '2024-01-31',
      '2024-01-31T10:00:00.123456',
      '2024-01-31T10:00:00.500',
      '2024-01-31T10:00:00.000',
      '2024-01-31T08:00:00.123456Z',
      null,
    ],
  ],
};

/** The fake answers the kit's statements as Databricks would. */
function scriptKit(fake: FakeDatabricks): void {
  fake
    .on(KIT.selectOne, { columns: [{ name: 'x', type: 'int' }], rows: [['1']] })
    .on(KIT.params.sql, { echoParams: true })
    .on(KIT.types.sql, TYPES_SCRIPT)
    .on(/^SELECT id \+ 1 AS n FROM range\((\d+)\)$/, ({ match }) => ({
      columns: [{ name: 'n', type: 'bigint' }],
      rows: { count: Number(match![1]), row: (i) => [String(i + 1)] },
    }))
    .on(KIT.slow, { slow: true, columns: [{ name: 'n', type: 'bigint' }] })
    .on(KIT.syntaxError, {
      error: {
        error_code: 'BAD_REQUEST',
        message: "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)",
      },
    })
    .on(KIT.transientError!, {
      error: {
        phase: 'submit',
        status: 503,
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The service is temporarily unavailable',
      },
    })
    .on(KIT.write, { columns: [] })
    .on(/information_schema\.tables/, ({ parameters }) => ({
      columns: ['table_schema', 'table_name', 'table_type'].map((name) => ({ name, type: 'string' })),
      rows: [
        ['shop', 'customers', 'MANAGED'],
        ['shop', 'orders', 'MANAGED'],
        ['shop', 'recent_orders', 'VIEW'],
      ].filter((r) => !parameters.some((p) => p.name === 'schema_name' && p.value?.toLowerCase() !== r[0])),
    }))
    .on(/information_schema\.columns/, ({ parameters }) => {
      const table = parameters.find((p) => p.name === 'table_name')?.value?.toLowerCase();
      return {
        columns: [
          'table_schema',
          'table_name',
          'column_name',
          'full_data_type',
          'is_nullable',
          'comment',
        ].map((name) => ({ name, type: 'string' })),
        rows: table === 'orders' ? ORDERS_COLUMNS.map(([c, t]) => ['shop', 'orders', c, t, 'YES', null]) : [],
      };
    });
}

function open(fake: FakeDatabricks, extra: Partial<DatabricksOptions> = {}): Promise<Connector> {
  return openDatabricks({
    host: fake.url,
    warehouseId: WAREHOUSE,
    token: TOKEN,
    catalog: 'main',
    retryDelaysMs: [10, 20],
    pollMaxMs: 50,
    ...extra,
  });
}

/** The URL of a port nothing listens on (a server opened there, then closed). */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

let contractFake: FakeDatabricks;
describeConnectorContract(
  'databricks (local fake of the Statement Execution API)',
  async () => {
    contractFake = await FakeDatabricks.start({ token: TOKEN });
    scriptKit(contractFake);
    const connector = await open(contractFake);
    const kit: ContractKit = {
      ...KIT,
      verifyCancelled: async (queryId) => {
        expect(queryId).toBeDefined();
        expect(contractFake.cancels()).toContain(queryId);
        expect(contractFake.state(queryId!)).toBe('CANCELED');
      },
    };
    return { connector, kit, teardown: () => contractFake.close() };
  },
  { pagingRows: 100_000 },
);

describe('databricks connector', () => {
  let fake: FakeDatabricks;
  let dbx: Connector;
  beforeAll(async () => {
    fake = await FakeDatabricks.start({ token: TOKEN });
    scriptKit(fake);
    dbx = await open(fake);
  });
  afterAll(async () => {
    await dbx.close();
    await fake.close();
  });

  it('submits with wait_timeout 0s and CONTINUE, the warehouse, catalog and schema, INLINE JSON_ARRAY', async () => {
    const c = await open(fake, { schema: 'shop' });
    await c.execute(KIT.selectOne);
    expect(fake.submits().at(-1)).toEqual({
      warehouse_id: WAREHOUSE,
      statement: KIT.selectOne,
      catalog: 'main',
      schema: 'shop',
      wait_timeout: '0s',
      on_wait_timeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
    });
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await c.close();
  });

  it('polls a statement through PENDING and RUNNING to SUCCEEDED, reporting its id first', async () => {
    fake.on('SELECT queued', {
      pendingMs: 150,
      delayMs: 150,
      columns: [{ name: 'q', type: 'string' }],
      rows: [['ok']],
    });
    const ids: string[] = [];
    const r = await dbx.execute('SELECT queued', { onQueryId: (id) => ids.push(id) });
    expect(r.rows).toEqual([{ q: 'ok' }]);
    expect(ids).toEqual([r.queryId]);
    const states = fake.answeredStates(r.queryId!);
    expect(states[0]).toBe('PENDING');
    expect(states).toContain('RUNNING');
    expect(states.at(-1)).toBe('SUCCEEDED');
  });

  it('binds named parameters typed, a null without a value; refuses positional ones', async () => {
    await dbx.execute(KIT.params.sql, { params: KIT.params.params, paramNames: KIT.params.paramNames });
    expect(fake.submits().at(-1).parameters).toEqual([
      { name: 'i', value: '42', type: 'BIGINT' },
      { name: 'f', value: '1.5', type: 'DOUBLE' },
      { name: 's', value: "it's", type: 'STRING' },
      { name: 'b', value: 'true', type: 'BOOLEAN' },
      { name: 't', value: '2024-01-31T12:34:56.789Z', type: 'TIMESTAMP' },
      { name: 'd', value: '2024-01-31', type: 'STRING' },
      { name: 'n', type: 'STRING' },
    ]);
    const e = await failure(dbx.execute('SELECT ? AS x', { params: [1] }));
    expect(e.errorClass).toBe('permanent');
    expect(e.message).toMatch(/by name/);
    expect(() => toStatementParameters([1], ['x; DROP'])).toThrow(/plain name/);
    // A parameter named like a reserved word: the compiler writes its marker :ef_p_<name>.
    expect(toStatementParameters([7], ['table'], 'SELECT CAST(:ef_p_table AS BIGINT) AS x')).toEqual([
      { name: 'ef_p_table', value: '7', type: 'BIGINT' },
    ]);
    expect(toStatementParameters([7], ['ef'], 'SELECT :ef AS a, :ef_p_ef AS b')![0]!.name).toBe('ef');
  });

  it('sends maxRows as row_limit and reads result chunks in order', async () => {
    fake.on('SELECT chunked', {
      columns: [{ name: 'n', type: 'int' }],
      rows: { count: 25, row: (i) => [String(i)] },
      chunkSize: 10,
    });
    const all = await dbx.execute('SELECT chunked');
    expect(all.rows?.map((r) => r['n'])).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(
      fake.requests.filter((r) => /\/result\/chunks\/\d+$/.test(r.path)).map((r) => r.path.split('/').at(-1)),
    ).toEqual(['1', '2']);
    const some = await dbx.execute('SELECT chunked', { maxRows: 12 });
    expect(some.rows).toHaveLength(12);
    expect(fake.submits().at(-1).row_limit).toBe(12);
  });

  it('reports the affected rows of a DML statement', async () => {
    fake.on('INSERT INTO shop.t SELECT 1', {
      columns: [
        { name: 'num_affected_rows', type: 'bigint' },
        { name: 'num_inserted_rows', type: 'bigint' },
      ],
      rows: [['7', '7']],
    });
    expect((await dbx.execute('INSERT INTO shop.t SELECT 1')).rowCount).toBe(7);
  });

  it('classifies failures: syntax permanent, 429/503 retried then transient, Delta conflicts transient', async () => {
    expect((await failure(dbx.execute(KIT.syntaxError))).details.code).toBe('PARSE_SYNTAX_ERROR');
    // A 429 the first time: the submit is retried (the service did not take it), then it runs.
    fake.on('SELECT limited', {
      columns: [{ name: 'x', type: 'int' }],
      rows: [['1']],
      error: {
        phase: 'submit',
        status: 429,
        error_code: 'RESOURCE_EXHAUSTED',
        message: 'Too many requests',
        times: 1,
      },
    });
    const before = fake.submits().length;
    expect((await dbx.execute('SELECT limited')).rows).toEqual([{ x: 1 }]);
    expect(fake.submits().length - before).toBe(2);
    // Always 503: retried twice (retryDelaysMs), then transient.
    const down = await failure(dbx.execute(KIT.transientError!));
    expect(down.errorClass).toBe('transient');
    // A status poll answered 500 once: retried, the statement is followed to its end.
    fake.on('SELECT wobbly', {
      delayMs: 30,
      columns: [{ name: 'x', type: 'int' }],
      rows: [['2']],
      error: { phase: 'status', status: 500, error_code: 'INTERNAL_ERROR', message: 'oops', times: 1 },
    });
    expect((await dbx.execute('SELECT wobbly')).rows).toEqual([{ x: 2 }]);
    fake.on('MERGE INTO shop.t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', {
      error: {
        error_code: 'BAD_REQUEST',
        message:
          '[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to the root of the table by a concurrent update. Please try the operation again. SQLSTATE: 2D521',
      },
    });
    const conflict = await failure(
      dbx.execute('MERGE INTO shop.t USING s ON t.id = s.id WHEN MATCHED THEN DELETE'),
    );
    expect(conflict.errorClass).toBe('transient');
    expect(conflict.details.code).toBe('DELTA_CONCURRENT_APPEND');
    expect(conflict.details.queryId).toMatch(/^01ef-fake-/);
    // A token the workspace refuses: permanent, with what to check.
    const wrong = await open(fake, { token: 'dapi-wrong' });
    const refused = await failure(wrong.execute(KIT.selectOne));
    expect(refused.errorClass).toBe('permanent');
    expect(refused.message).toMatch(/HTTP 401 UNAUTHENTICATED.*check the token/);
    // Nothing listening: transient.
    const nowhere = await openDatabricks({
      host: await closedPort(),
      warehouseId: 'w',
      token: TOKEN,
      retryDelaysMs: [],
    });
    expect((await failure(nowhere.execute(KIT.selectOne))).errorClass).toBe('transient');
  });

  it('cancels a running statement on close()', async () => {
    const c = await open(fake);
    let id: string | undefined;
    const running = c.execute(KIT.slow, { onQueryId: (q) => (id = q) });
    while (!id) await new Promise((r) => setTimeout(r, 10));
    await c.close();
    expect((await failure(running)).errorClass).toBe('cancelled');
    expect(fake.cancels()).toContain(id);
    expect(fake.state(id)).toBe('CANCELED');
  });

  it('a statement past its timeout is cancelled in the warehouse and fails permanently', async () => {
    let id: string | undefined;
    const e = await failure(dbx.execute(KIT.slow, { timeoutMs: 200, onQueryId: (q) => (id = q) }));
    expect(e.errorClass).toBe('permanent');
    expect(e.details.code).toBe('TIMEOUT');
    expect(fake.state(id!)).toBe('CANCELED');
  });

  it('read-only: one query, as Databricks’ own parser reads it (DESCRIBE QUERY), then the statement', async () => {
    const submitted = () => fake.submits().map((b) => b.statement as string);
    // A second statement, or a statement that is not a query: refused before any request.
    const n = fake.submits().length;
    for (const sql of [
      'SELECT 1; DROP TABLE shop.orders',
      'DROP TABLE shop.orders',
      'INSERT INTO shop.t VALUES (1)',
    ])
      expect((await failure(dbx.execute(sql, { readOnly: true }))).details.code).toBe('READ_ONLY');
    expect(fake.submits().length).toBe(n);
    // A data-modifying statement after a CTE starts like a query: the parser refuses it.
    const cte = 'WITH s AS (SELECT 1 AS id) INSERT INTO shop.t SELECT * FROM s';
    fake.on(cte, { query: false, columns: [] });
    const e = await failure(dbx.execute(cte, { readOnly: true }));
    expect(e.details.code).toBe('READ_ONLY');
    expect(e.message).toMatch(/PARSE_SYNTAX_ERROR/);
    expect(submitted().at(-1)).toBe(`DESCRIBE QUERY ${cte}`);
    expect(submitted()).not.toContain(cte);
    // A query, with a `;` inside a literal and one at the end: checked, then run as written.
    const q = "SELECT ';' AS x;";
    fake.on(q, { columns: [{ name: 'x', type: 'string' }], rows: [[';']] });
    fake.on("SELECT ';' AS x", { columns: [{ name: 'x', type: 'string' }], rows: [[';']] });
    expect((await dbx.execute(q, { readOnly: true })).rows).toEqual([{ x: ';' }]);
    expect(submitted().slice(-2)).toEqual([`DESCRIBE QUERY SELECT ';' AS x`, q]);
    // The check binds the statement's own parameters, typed alike.
    const r = await dbx.execute(KIT.params.sql, {
      readOnly: true,
      params: KIT.params.params,
      paramNames: KIT.params.paramNames,
    });
    expect(r.rows).toEqual([KIT.params.expect]);
    const [check, statement] = fake.submits().slice(-2);
    expect(check.statement).toBe(`DESCRIBE QUERY ${KIT.params.sql}`);
    expect(check.parameters).toEqual(statement.parameters);
    expect(check.parameters[0]).toEqual({ name: 'i', value: '42', type: 'BIGINT' });
  });

  it('the read-only lexer reads literals, backquoted names and nested comments as Spark does', () => {
    expect(singleQueryText("SELECT 'a\\';b' AS `x;``y`")).toBeUndefined();
    expect(singleQueryText('SELECT 1 /* ; /* nested ; */ still ; */ AS x')).toBeUndefined();
    expect(singleQueryText('SELECT 1 -- ; DROP\n')).toBeUndefined();
    expect(singleQueryText("SELECT 'a\\'; DROP TABLE t")).toMatch(/unterminated/);
    expect(singleQueryText('SELECT 1 /* */ ; DROP TABLE t')).toMatch(/more than one/);
    expect(singleQueryText('  (VALUES (1))')).toBeUndefined();
    expect(singleQueryText('MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE')).toMatch(
      /MERGE statement is not a query/,
    );
    expect(codeOf('`a')).toBeUndefined();
  });

  it('estimates with EXPLAIN COST: bytes of the relations read, rows of the result', async () => {
    const e = await dbx.estimate(KIT.series(1000));
    expect(e).toMatchObject({ bytesProcessed: 8000, rows: 1000 });
    expect(fake.submits().at(-1).statement).toBe(`EXPLAIN COST ${KIT.series(1000)}`);
    const plan = [
      '== Optimized Logical Plan ==',
      'Aggregate [region#3], [region#3, sum(amount#2) AS total#9], Statistics(sizeInBytes=1.2 KiB, rowCount=42)',
      '+- Join Inner, (store_id#1 = store_id#4), Statistics(sizeInBytes=3.0 GiB)',
      '   :- Relation main.shop.orders[id#0L,store_id#1,amount#2] parquet, Statistics(sizeInBytes=2.5 GiB, rowCount=1.00E+8)',
      '   +- Relation main.shop.stores[store_id#4,region#3] parquet, Statistics(sizeInBytes=512.0 MiB)',
      '',
      '== Physical Plan ==',
      'AdaptiveSparkPlan isFinalPlan=false',
    ].join('\n');
    const est = estimateFromExplain(plan);
    expect(est.bytesProcessed).toBe(2.5 * 2 ** 30 + 512 * 2 ** 20);
    expect(est.rows).toBe(42);
    expect(est.summary).toMatch(/3\.0 GiB/);
    expect(
      estimateFromExplain('== Optimized Logical Plan ==\nProject [x], Statistics(sizeInBytes=8.0 EiB)').rows,
    ).toBeUndefined();
  });

  it('OAuth M2M: client credentials for an access token, renewed when it expires', async () => {
    const oauth = await FakeDatabricks.start({
      clientId: 'sp-1234',
      clientSecret: 'oauth-secret-value',
      expiresIn: 30,
    });
    scriptKit(oauth);
    const c = await openDatabricks({
      host: oauth.url,
      warehouseId: WAREHOUSE,
      clientId: 'sp-1234',
      clientSecret: 'oauth-secret-value',
      pollMaxMs: 50,
    });
    await c.execute(KIT.selectOne);
    await c.execute(KIT.selectOne);
    const tokens = oauth.tokenRequests();
    // expires_in 30 s is within the renewal margin (60 s): each statement asks again.
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('sp-1234:oauth-secret-value').toString('base64')}`,
    );
    expect(tokens[0]!.body).toBe('grant_type=client_credentials&scope=all-apis');
    const used = oauth.requests
      .filter((r) => r.path === '/api/2.0/sql/statements')
      .map((r) => r.headers.authorization);
    expect(used.every((a) => /^Bearer fake-access-\d+$/.test(a ?? ''))).toBe(true);
    await c.close();
    await oauth.close();
  });

  it('checks its options', async () => {
    await expect(openDatabricks({ host: fake.url, warehouseId: '' } as DatabricksOptions)).rejects.toThrow(
      /warehouseId/,
    );
    await expect(openDatabricks({ host: fake.url, warehouseId: 'w' })).rejects.toThrow(/token.*clientId/);
  });
});

describe.skipIf(sparkGrammarUnavailable() !== undefined)('databricks: the connector’s own SQL', () => {
  it('every statement the connector writes (introspection, DESCRIBE QUERY, EXPLAIN COST) parses with Spark’s grammar', async () => {
    const grammar = await loadSparkGrammar();
    const fake = await FakeDatabricks.start({ token: TOKEN });
    scriptKit(fake);
    const c = await open(fake);
    await c.listTables();
    await c.listTables({ schema: 'shop' });
    await c.describeTable(['orders']);
    await c.describeTable(['shop', 'orders']);
    await c.describeTable(['main', 'shop', 'orders']);
    await c.tableVersions!([
      ['shop', 'orders'],
      ['odd`cat', 'shop', 'orders'],
    ]);
    await c.describeQuery(KIT.types.sql);
    await c.estimate(KIT.series(10));
    await c.execute(KIT.params.sql, {
      readOnly: true,
      params: KIT.params.params,
      paramNames: KIT.params.paramNames,
    });
    const own = [...new Set(fake.submits().map((b) => b.statement as string))].filter((sql) =>
      /information_schema|^DESCRIBE QUERY|^EXPLAIN COST/.test(sql),
    );
    expect(own.length).toBeGreaterThanOrEqual(9);
    for (const sql of own) expect(grammar.errors(sql), sql).toEqual([]);
    await c.close();
    await fake.close();
  }, 60_000);
});

describe('databricks values and types', () => {
  it('reads the JSON_ARRAY text of each type into the row convention', () => {
    const rows = rowsToObjects(
      [
        { name: 'a', type_text: 'TIMESTAMP' },
        { name: 'b', type_text: 'TIMESTAMP' },
        { name: 'c', type_text: 'TIMESTAMP_NTZ' },
        { name: 'd', type_text: 'DOUBLE' },
        { name: 'e', type_text: 'ARRAY<INT>' },
        { name: 'f', type_text: 'GEOMETRY(4326)' },
        { name: 'g', type_text: 'GEOMETRY(4326)' },
        { name: 'h', type_text: 'DECIMAL(38,0)' },
      ],
      [
        [
          '2024-01-31 10:00:00.5+02:00',
          '2024-01-31T08:00:00Z',
          '2024-01-31 10:00:00',
          '-Infinity',
          '[1,2,null]',
          'SRID=4326;POINT(1 2)',
          '0101000000000000000000F03F0000000000000040',
          '12345678901234567890',
        ],
      ],
    );
    expect(rows[0]).toEqual({
      a: '2024-01-31T08:00:00.5Z',
      b: '2024-01-31T08:00:00Z',
      c: '2024-01-31 10:00:00',
      d: '-Infinity',
      e: [1, 2, null],
      f: 'POINT(1 2)',
      g: 'POINT(1 2)',
      h: '12345678901234567890',
    });
  });

  it('maps Databricks types to portable types', () => {
    expect(databricksToPortable('DECIMAL(10,0)')).toEqual({ kind: 'decimal', precision: 10, scale: 0 });
    expect(databricksToPortable('smallint')).toEqual({ kind: 'int' });
    expect(databricksToPortable('varchar(20)')).toEqual({ kind: 'string' });
    expect(databricksToPortable('timestamp')).toEqual({ kind: 'timestamptz' });
    expect(databricksToPortable('map<string,int>')).toEqual({ kind: 'other', native: 'MAP<STRING,INT>' });
  });
});

describe('databricks secrets', () => {
  const CANARY = 'CANARY-3b8d1f2a-do-not-leak';
  const token = `dapi${CANARY}`;
  const clientSecret = `dose${CANARY}`;

  it('never shows the token or the client secret in any error', async () => {
    const fake = await FakeDatabricks.start({ token });
    scriptKit(fake);
    // A server that echoes credentials back in its messages.
    fake.on('SELECT echo_failed', {
      error: {
        error_code: 'BAD_REQUEST',
        message: `[INSUFFICIENT_PERMISSIONS] token ${token} may not read this`,
      },
    });
    fake.on('SELECT echo_submit', {
      error: {
        phase: 'submit',
        status: 403,
        error_code: 'PERMISSION_DENIED',
        message: `Bearer ${token} is not allowed`,
      },
    });
    fake.on('SELECT echo_status', {
      delayMs: 20,
      error: { phase: 'status', status: 400, error_code: 'BAD_REQUEST', message: `bad poll for ${token}` },
    });
    const errors: unknown[] = [];
    const catching = (p: Promise<unknown>) =>
      p.then(
        () => errors.push(new Error('expected a failure')),
        (e: unknown) => errors.push(e),
      );
    const c = await openDatabricks({
      host: fake.url,
      warehouseId: WAREHOUSE,
      token,
      retryDelaysMs: [],
      pollMaxMs: 20,
    });
    await catching(c.execute('SELECT echo_failed'));
    await catching(c.execute('SELECT echo_submit'));
    await catching(c.execute('SELECT echo_status'));
    await catching(c.execute('SELECT echo_failed', { readOnly: true }));
    await catching(c.describeQuery('SELECT echo_failed'));
    await catching(c.estimate('SELECT echo_failed'));
    await catching(c.execute(KIT.slow, { timeoutMs: 100 }));
    // A wrong token: the 401 answer quotes the start of the header; the token itself is redacted.
    const wrong = await openDatabricks({
      host: fake.url,
      warehouseId: WAREHOUSE,
      token: `x${CANARY}`,
      retryDelaysMs: [],
    });
    await catching(wrong.execute(KIT.selectOne));
    // OAuth: a token endpoint that quotes the client secret back.
    const oauth = await FakeDatabricks.start({ clientId: 'sp', clientSecret: 'the-right-one' });
    const m2m = await openDatabricks({
      host: oauth.url,
      warehouseId: WAREHOUSE,
      clientId: 'sp',
      clientSecret,
      retryDelaysMs: [],
    });
    await catching(m2m.execute(KIT.selectOne));
    // Nothing listening.
    const down = await openDatabricks({
      host: await closedPort(),
      warehouseId: WAREHOUSE,
      token,
      secrets: [CANARY],
      retryDelaysMs: [],
    });
    await catching(down.execute(`SELECT '${CANARY}'`));
    await catching(down.cancel(`01ef-${CANARY}`));
    // A bad configuration mentions no secret either.
    await catching(openDatabricks({ host: fake.url, warehouseId: WAREHOUSE, token, clientSecret }));
    expect(errors).toHaveLength(12);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ConnectorError);
      const err = e as ConnectorError;
      const text = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${JSON.stringify(err.details)}`;
      expect(text.includes(CANARY), err.message).toBe(false);
    }
    expect((errors[0] as ConnectorError).message).toContain('[redacted]');
    expect((errors[8] as ConnectorError).message).toMatch(/invalid_client/);
    await Promise.all([c.close(), wrong.close(), m2m.close(), down.close()]);
    await fake.close();
    await oauth.close();
  });
});
