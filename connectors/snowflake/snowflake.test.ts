/**
 * The Snowflake connector against a local fake of Snowflake's REST protocol (fake-server.ts), with
 * the real snowflake-sdk in between: the shared contract suite, then what only Snowflake has
 * (key-pair login, QUERY_TAG, async execution and SYSTEM$CANCEL_QUERY, error codes, secrets,
 * lazy loading of the driver).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableType } from '../../compiler/schema/types.js';
import { ConnectorError, type Connector } from '../connector.js';
import { describeConnectorContract, type ContractKit } from '../contract-suite.js';
import { classifySnowflake } from './errors.js';
import { FakeSnowflake, type FakeColumn, type FakeQueryRequest, type WireValue } from './fake-server.js';
import { openSnowflake } from './index.js';
import type { SnowflakeOptions } from './options.js';
import { loadSnowflakeSdk } from './sdk.js';

const ACCOUNT = 'xy12345';
const PASSWORD = 'pw-Pa55word!-canary-7f3a9c';
const PASSPHRASE = 'pass-phrase-canary-51d2e8';
const EXTRA_SECRET = 'extra-secret-canary-0b7d';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const encryptedKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
});
const strangerKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
}).privateKey;

// ---- wire values as Snowflake's JSON result format carries them ------------------------------
const days = (iso: string) => String(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
/** Epoch seconds of a whole-second UTC instant, with the fraction's digits (nine on the wire). */
const seconds = (isoUtc: string, fraction = '') => `${Date.parse(isoUtc) / 1000}.${fraction.padEnd(9, '0')}`;
const col = (name: string, type: string, precision?: number, scale?: number): FakeColumn => ({
  name,
  type,
  ...(precision !== undefined ? { precision } : {}),
  ...(scale !== undefined ? { scale } : {}),
});

// ---- the contract kit, and the fake scripted to answer it as Snowflake would -----------------
const SERIES = /GENERATOR\(ROWCOUNT => (\d+)\)/;
const kit: ContractKit = {
  // Unquoted aliases come back upper-case (X); the kit quotes them, as the compiler does.
  selectOne: 'SELECT 1 AS "x"',
  params: {
    sql: 'SELECT :1::NUMBER AS "i", :2::TEXT AS "s", :3::BOOLEAN AS "b", :4::FLOAT AS "f", :5::TEXT AS "n"',
    params: [42, "it's'; DROP TABLE t; --", true, 1.5, null],
    expect: { i: 42, s: "it's'; DROP TABLE t; --", b: true, f: 1.5, n: null },
  },
  types: {
    sql: `SELECT 42::NUMBER(38,0) AS "i", 9007199254740993::NUMBER(38,0) AS "big", 12.50::NUMBER(12,2) AS "small_dec",
  1234567890123456.789::NUMBER(38,9) AS "long_dec", 1.5::FLOAT AS "dbl", 'NaN'::FLOAT AS "nan", TRUE AS "flag",
  'héllo' AS "txt", '2024-01-31'::DATE AS "day", '2024-01-31 10:00:00.123456'::TIMESTAMP_NTZ AS "stamp",
  '2024-01-31 10:00:00.5'::TIMESTAMP_NTZ AS "stamp_frac", '2024-01-31 10:00:00'::TIMESTAMP_NTZ AS "stamp0",
  '2024-01-31 10:00:00.123456 +02:00'::TIMESTAMP_TZ AS "instant", NULL::NUMBER AS "nothing"`,
  },
  series: (n) =>
    `SELECT ROW_NUMBER() OVER (ORDER BY SEQ4()) AS "n" FROM TABLE(GENERATOR(ROWCOUNT => ${n})) ORDER BY 1`,
  slow: 'SELECT SYSTEM$WAIT(60) AS "w"',
  syntaxError: 'SELEC 1',
  transientError: 'INSERT INTO EDGEFLOW_CONTRACT.LOCKED VALUES (1)',
  write: 'CREATE TABLE EDGEFLOW_CONTRACT.SHOULD_NOT_EXIST (x INT)',
  typesColumns: [
    { name: 'i', type: { kind: 'bigint' } },
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
    parts: ['PUBLIC', 'ORDERS'],
    columns: [
      { name: 'ID', type: { kind: 'bigint' } },
      { name: 'AMOUNT', type: { kind: 'decimal', precision: 12, scale: 2 } },
      { name: 'PRICE', type: { kind: 'double' } },
      { name: 'NOTE', type: { kind: 'string' } },
      { name: 'PAID', type: { kind: 'bool' } },
      { name: 'DAY', type: { kind: 'date' } },
      { name: 'AT', type: { kind: 'timestamp' } },
      { name: 'AT_TZ', type: { kind: 'timestamptz' } },
      { name: 'AT_LTZ', type: { kind: 'timestamptz' } },
      { name: 'PLACE', type: { kind: 'geography' } },
      { name: 'DOC', type: { kind: 'other', native: 'VARIANT' } },
    ] satisfies Array<{ name: string; type: PortableType }>,
  },
};

/** The database's catalog, as INFORMATION_SCHEMA would show it. */
const CATALOG = [
  {
    schema: 'PUBLIC',
    name: 'ORDERS',
    type: 'BASE TABLE',
    columns: [
      ['ID', 'NUMBER', 38, 0],
      ['AMOUNT', 'NUMBER', 12, 2],
      ['PRICE', 'FLOAT', null, null],
      ['NOTE', 'TEXT', null, null],
      ['PAID', 'BOOLEAN', null, null],
      ['DAY', 'DATE', null, null],
      ['AT', 'TIMESTAMP_NTZ', null, null],
      ['AT_TZ', 'TIMESTAMP_TZ', null, null],
      ['AT_LTZ', 'TIMESTAMP_LTZ', null, null],
      ['PLACE', 'GEOGRAPHY', null, null],
      ['DOC', 'VARIANT', null, null],
    ] as Array<[string, string, number | null, number | null]>,
  },
  {
    schema: 'PUBLIC',
    name: 'ORDERS_V',
    type: 'VIEW',
    columns: [['ID', 'NUMBER', 38, 0]] as Array<[string, string, number | null, number | null]>,
  },
  {
    schema: 'Mixed',
    name: 'lower_t',
    type: 'BASE TABLE',
    columns: [['c', 'TEXT', null, null]] as Array<[string, string, number | null, number | null]>,
  },
];

const bind = (req: FakeQueryRequest, n: number) =>
  req.bindings?.[String(n)]?.value as string | null | undefined;

function scriptSnowflake(fake: FakeSnowflake): void {
  fake.script(kit.selectOne, { columns: [col('x', 'fixed', 1, 0)], rows: [['1']] });
  fake.script(kit.params.sql, (req) => ({
    columns: [
      col('i', 'fixed', 38, 0),
      col('s', 'text'),
      col('b', 'boolean'),
      col('f', 'real'),
      col('n', 'text'),
    ],
    rows: [
      [
        bind(req, 1) ?? null,
        bind(req, 2) ?? null,
        bind(req, 3) === 'true' ? '1' : '0',
        bind(req, 4) ?? null,
        bind(req, 5) ?? null,
      ],
    ],
  }));
  fake.script(kit.types.sql, {
    columns: [
      col('i', 'fixed', 38, 0),
      col('big', 'fixed', 38, 0),
      col('small_dec', 'fixed', 12, 2),
      col('long_dec', 'fixed', 38, 9),
      col('dbl', 'real'),
      col('nan', 'real'),
      col('flag', 'boolean'),
      col('txt', 'text'),
      col('day', 'date'),
      col('stamp', 'timestamp_ntz', 0, 9),
      col('stamp_frac', 'timestamp_ntz', 0, 9),
      col('stamp0', 'timestamp_ntz', 0, 9),
      col('instant', 'timestamp_tz', 0, 9),
      col('nothing', 'fixed', 38, 0),
    ],
    // The JSON rowset as Snowflake sends it: NUMBER with all its scale's digits, DATE in days,
    // TIMESTAMP_NTZ in epoch seconds with nine fraction digits, TIMESTAMP_TZ in UTC epoch seconds
    // and the offset in minutes + 1440.
    rows: [
      [
        '42',
        '9007199254740993',
        '12.50',
        '1234567890123456.789000000',
        '1.5',
        'NaN',
        '1',
        'héllo',
        days('2024-01-31'),
        seconds('2024-01-31T10:00:00Z', '123456'),
        seconds('2024-01-31T10:00:00Z', '5'),
        seconds('2024-01-31T10:00:00Z'),
        `${seconds('2024-01-31T08:00:00Z', '123456')} ${1440 + 120}`,
        null,
      ],
    ],
  });
  fake.script(SERIES, (req) => {
    const n = Number(SERIES.exec(req.sqlText)![1]);
    return { columns: [col('n', 'fixed', 38, 0)], rows: { count: n, row: (i) => [String(i + 1)] } };
  });
  // After SERIES: later scripts win, and an EXPLAIN of a series is a plan, not the series.
  fake.script(/^EXPLAIN USING JSON /, {
    columns: [col('content', 'text')],
    rows: [
      [
        JSON.stringify({
          GlobalStats: { partitionsTotal: 12, partitionsAssigned: 3, bytesAssigned: 3 * 1024 * 1024 },
          Operations: [
            [
              { id: 0, operation: 'Result' },
              { id: 1, operation: 'Generator' },
            ],
          ],
        }),
      ],
    ],
  });
  fake.script(kit.slow, { columns: [col('w', 'text')], rows: [['waited']], runMs: 60_000 });
  fake.script(kit.syntaxError, {
    error: {
      code: '001003',
      sqlState: '42000',
      message: "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.",
    },
  });
  fake.script(kit.transientError!, {
    runMs: 50,
    error: {
      phase: 'run',
      code: '000625',
      sqlState: '57014',
      message:
        "Statement '01b6-…' has locked table 'LOCKED' in transaction 1725239781553000000 and this lock has not yet been released. Your statement was aborted because the number of waiters for this lock exceeds the 20 statements limit.",
    },
  });
  fake.script(kit.write, {
    columns: [col('status', 'text')],
    rows: [['Table SHOULD_NOT_EXIST successfully created.']],
  });
  fake.script(/INFORMATION_SCHEMA\.TABLES/, (req) => {
    const schema = bind(req, 1);
    return {
      columns: [col('TABLE_SCHEMA', 'text'), col('TABLE_NAME', 'text'), col('TABLE_TYPE', 'text')],
      rows: CATALOG.filter((t) => schema === undefined || t.schema === schema).map((t) => [
        t.schema,
        t.name,
        t.type,
      ]),
    };
  });
  fake.script(/INFORMATION_SCHEMA\.COLUMNS/, (req) => {
    const current = /CURRENT_SCHEMA\(\)/.test(req.sqlText);
    const schema = current ? 'PUBLIC' : bind(req, 1);
    const table = current ? bind(req, 1) : bind(req, 2);
    const t = CATALOG.find((x) => x.schema === schema && x.name === table);
    return {
      columns: [
        col('TABLE_SCHEMA', 'text'),
        col('TABLE_NAME', 'text'),
        col('COLUMN_NAME', 'text'),
        col('DATA_TYPE', 'text'),
        col('NUMERIC_PRECISION', 'fixed', 38, 0),
        col('NUMERIC_SCALE', 'fixed', 38, 0),
        col('IS_NULLABLE', 'text'),
        col('COMMENT', 'text'),
      ],
      rows: (t?.columns ?? []).map(([name, type, p, s]): WireValue[] => [
        t!.schema,
        t!.name,
        name,
        type,
        p === null ? null : String(p),
        s === null ? null : String(s),
        'YES',
        null,
      ]),
    };
  });
}

function newFake(extra: Partial<ConstructorParameters<typeof FakeSnowflake>[0]> = {}): FakeSnowflake {
  const fake = new FakeSnowflake({
    account: ACCOUNT,
    users: {
      ETL: { password: PASSWORD },
      KEYED: { publicKeyPem: keys.publicKey },
      LOCKED_KEY: { publicKeyPem: encryptedKeys.publicKey },
    },
    holdMs: 200,
    ...extra,
  });
  scriptSnowflake(fake);
  return fake;
}

const base = (fake: FakeSnowflake, o: Partial<SnowflakeOptions> = {}): SnowflakeOptions => ({
  account: ACCOUNT,
  username: 'ETL',
  password: PASSWORD,
  accessUrl: fake.url,
  warehouse: 'WH',
  database: 'DB',
  schema: 'PUBLIC',
  role: 'ANALYST',
  pollMaxMs: 100,
  ...o,
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ConnectorError,
  );

// ================================================================================================
let contractFake: FakeSnowflake;
describeConnectorContract(
  'snowflake (local fake)',
  async () => {
    contractFake = newFake();
    await contractFake.start();
    const connector = await openSnowflake(base(contractFake));
    return {
      connector,
      kit: {
        ...kit,
        verifyCancelled: async (queryId) => {
          expect(queryId).toBeDefined();
          expect(contractFake.cancels.map((c) => c.queryId)).toContain(queryId);
          expect(contractFake.statusOf(queryId!)).toBe('ABORTED');
        },
      },
      teardown: () => contractFake.stop(),
    };
  },
  // No skips: every case runs against the fake, through the real driver.
);

describe('snowflake connector (local fake)', () => {
  let fake: FakeSnowflake;
  let sf: Connector;
  beforeAll(async () => {
    fake = newFake();
    await fake.start();
    sf = await openSnowflake(base(fake, { timeoutMs: 120_000 }));
  });
  afterAll(async () => {
    await sf?.close();
    await fake?.stop();
  });

  const lastExecuted = (sql: string) =>
    fake
      .executed()
      .filter((s) => s.sqlText === sql)
      .at(-1)!;

  describe('session and statement settings', () => {
    it('logs in with warehouse, role, database and schema, and pins WEEK_START and the timeout', () => {
      const login = fake.logins.at(-1)!;
      expect(login).toMatchObject({
        user: 'ETL',
        authenticator: 'SNOWFLAKE',
        account: ACCOUNT,
        warehouse: 'WH',
        database: 'DB',
        schema: 'PUBLIC',
        role: 'ANALYST',
        application: 'edgeflow',
        ok: true,
      });
      const sessionId = fake.statements.at(-1)!.sessionId;
      expect(fake.sessionParams(sessionId)).toMatchObject({
        WEEK_START: '1',
        STATEMENT_TIMEOUT_IN_SECONDS: '120',
      });
    });

    it('sends QUERY_TAG, STATEMENT_TIMEOUT_IN_SECONDS, WEEK_START and binds with each statement', async () => {
      const label = { workflow: 'orders', run: 'run-42', step: 'paid', origin: 'run' };
      await sf.execute(kit.params.sql, { params: kit.params.params, label, timeoutMs: 2500 });
      const req = lastExecuted(kit.params.sql);
      expect(req.asyncExec).toBe(true);
      expect(JSON.parse(String(req.parameters?.['QUERY_TAG']))).toEqual({ app: 'edgeflow', ...label });
      expect(req.parameters).toMatchObject({
        STATEMENT_TIMEOUT_IN_SECONDS: 3,
        WEEK_START: 1,
        MULTI_STATEMENT_COUNT: 1,
      });
      expect(req.bindings).toEqual({
        '1': { type: 'FIXED', value: '42' },
        '2': { type: 'TEXT', value: "it's'; DROP TABLE t; --" },
        '3': { type: 'BOOLEAN', value: 'true' },
        '4': { type: 'REAL', value: '1.5' },
        '5': { type: 'TEXT', value: null },
      });
      expect(req.sqlText).toBe(kit.params.sql); // the values never enter the SQL text
    });

    it('keeps QUERY_TAG within Snowflake’s 2000 characters and uses the connection timeout by default', async () => {
      await sf.execute(kit.selectOne, { label: { workflow: 'w'.repeat(3000), run: 'r"'.repeat(800) } });
      const req = lastExecuted(kit.selectOne);
      const tag = String(req.parameters?.['QUERY_TAG']);
      expect(tag.length).toBeLessThanOrEqual(2000);
      expect(JSON.parse(tag)).toMatchObject({ app: 'edgeflow' });
      expect(req.parameters?.['STATEMENT_TIMEOUT_IN_SECONDS']).toBe(120);
    });

    it('rounds a sub-second timeout up to one second for Snowflake', async () => {
      await sf.execute(kit.selectOne, { timeoutMs: 200 });
      expect(lastExecuted(kit.selectOne).parameters?.['STATEMENT_TIMEOUT_IN_SECONDS']).toBe(1);
    });
  });

  describe('authentication', () => {
    const login = async (o: Partial<SnowflakeOptions>) => {
      const c = await openSnowflake(base(fake, { password: undefined, ...o }));
      const r = await c.execute(kit.selectOne);
      await c.close();
      return r.rows;
    };

    it('logs in with a key pair: the SDK signs a JWT the server checks against the registered key', async () => {
      expect(await login({ username: 'KEYED', privateKey: keys.privateKey })).toEqual([{ x: 1 }]);
      expect(fake.logins.at(-1)).toMatchObject({ user: 'KEYED', authenticator: 'SNOWFLAKE_JWT', ok: true });
    });

    it('logs in with an encrypted PKCS#8 key and its passphrase', async () => {
      const rows = await login({
        username: 'LOCKED_KEY',
        privateKey: encryptedKeys.privateKey,
        privateKeyPassphrase: PASSPHRASE,
      });
      expect(rows).toEqual([{ x: 1 }]);
      expect(fake.logins.at(-1)).toMatchObject({
        user: 'LOCKED_KEY',
        authenticator: 'SNOWFLAKE_JWT',
        ok: true,
      });
    });

    it('refuses a key that is not the one registered (390144), permanently', async () => {
      const e = await failure(login({ username: 'KEYED', privateKey: strangerKey }));
      expect(e).toBeInstanceOf(ConnectorError);
      expect(e.details).toMatchObject({ connector: 'snowflake', code: '390144' });
      expect(e.errorClass).toBe('permanent');
      expect(e.message).toMatch(/RSA_PUBLIC_KEY/);
    });

    it('a wrong passphrase fails before anything is sent, permanently and without the passphrase', async () => {
      const before = fake.logins.length;
      const e = await failure(
        login({
          username: 'LOCKED_KEY',
          privateKey: encryptedKeys.privateKey,
          privateKeyPassphrase: 'wrong-phrase-1234',
        }),
      );
      expect(e.errorClass).toBe('permanent');
      expect(e.message).not.toContain('wrong-phrase-1234');
      expect(fake.logins.length).toBe(before);
    });

    it('a wrong password is 390100, permanent', async () => {
      const e = await failure(login({ password: 'not-the-password' }));
      expect(e.details.code).toBe('390100');
      expect(e.errorClass).toBe('permanent');
      expect(e.message).toMatch(/username and password/);
    });

    it('refuses incomplete options with a precise message', async () => {
      const e = await failure(openSnowflake({ account: ACCOUNT, username: 'ETL', accessUrl: fake.url }));
      expect(e.details.code).toBe('CONFIG');
      expect(e.message).toMatch(/password.*privateKey/);
    });
  });

  describe('asynchronous execution and cancellation', () => {
    it('reports the query id while the statement is still running in Snowflake', async () => {
      fake.script('SELECT 2 AS "y"', { columns: [col('y', 'fixed', 1, 0)], rows: [['2']], runMs: 300 });
      let statusWhenReported: string | undefined;
      const r = await sf.execute('SELECT 2 AS "y"', {
        onQueryId: (id) => (statusWhenReported = fake.statusOf(id)),
      });
      expect(statusWhenReported).toBe('RUNNING');
      expect(r.rows).toEqual([{ y: 2 }]);
      const monitored = fake.requests.filter((q) => q.path === `/monitoring/queries/${r.queryId}`);
      expect(monitored.length).toBeGreaterThan(0);
    });

    it('an abort cancels the statement in Snowflake with SYSTEM$CANCEL_QUERY', async () => {
      const ac = new AbortController();
      let id: string | undefined;
      const e = await failure(
        sf.execute(kit.slow, {
          signal: ac.signal,
          onQueryId: (q) => {
            id = q;
            setTimeout(() => ac.abort(), 100);
          },
        }),
      );
      expect(e.errorClass).toBe('cancelled');
      expect(e.details).toMatchObject({ code: '000604', queryId: id });
      expect(fake.cancels).toContainEqual({ queryId: id, via: 'SYSTEM$CANCEL_QUERY' });
      const cancelSql = fake.executed().find((s) => s.sqlText === `SELECT SYSTEM$CANCEL_QUERY('${id}')`);
      expect(JSON.parse(String(cancelSql?.parameters?.['QUERY_TAG']))).toEqual({
        app: 'edgeflow',
        origin: 'cancel',
      });
    });

    it('an abort before Snowflake has answered the submission cancels by request id, then by query id', async () => {
      // The first submission attempt fails with 503; the SDK retries it after a second or two.
      fake.failNext('/queries/v1/query-request', 503, 1);
      const ac = new AbortController();
      const started = Date.now();
      const running = sf.execute(kit.slow, { signal: ac.signal });
      setTimeout(() => ac.abort(), 200);
      const e = await failure(running);
      expect(e.errorClass).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(fake.requests.some((r) => r.path === '/queries/v1/abort-request')).toBe(true);
      // When the retried submission lands, the statement it started is cancelled too.
      await expect
        .poll(
          () =>
            fake
              .executed()
              .filter((s) => s.sqlText === kit.slow)
              .at(-1)?.queryId,
          { timeout: 10_000 },
        )
        .toBeDefined();
      const id = fake
        .executed()
        .filter((s) => s.sqlText === kit.slow)
        .at(-1)!.queryId!;
      await expect.poll(() => fake.statusOf(id), { timeout: 5000 }).toBe('ABORTED');
    }, 20_000);

    it('the timeout cancels the statement in Snowflake and fails permanently (000630)', async () => {
      let id: string | undefined;
      const started = Date.now();
      const e = await failure(sf.execute(kit.slow, { timeoutMs: 400, onQueryId: (q) => (id = q) }));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(e.errorClass).toBe('permanent');
      expect(e.details).toMatchObject({ code: '000630', queryId: id });
      expect(e.message).toMatch(/timeout of 400 ms.*raise timeoutMs/);
      expect(fake.statusOf(id!)).toBe('ABORTED');
    });

    it('says so when the cancel did not go through (the statement may run on)', async () => {
      fake.refuseCancels = true;
      let id: string | undefined;
      try {
        const e = await failure(sf.execute(kit.slow, { timeoutMs: 300, onQueryId: (q) => (id = q) }));
        expect(e.errorClass).toBe('permanent');
        expect(e.message).toMatch(/cancel request failed.*may run on in Snowflake/);
        expect(fake.statusOf(id!)).toBe('RUNNING');
      } finally {
        fake.refuseCancels = false;
      }
      await sf.cancel(id!);
      expect(fake.statusOf(id!)).toBe('ABORTED');
    });

    it('Snowflake’s own statement timeout (000630) is permanent too', async () => {
      fake.script('SELECT 3 AS "slowish"', {
        runMs: 20,
        error: {
          phase: 'run',
          code: '000630',
          sqlState: '57014',
          message: 'Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.',
        },
      });
      const e = await failure(sf.execute('SELECT 3 AS "slowish"'));
      expect(e.errorClass).toBe('permanent');
      expect(e.details.code).toBe('000630');
      expect(e.details.queryId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('cancel(id) of a finished statement, or of one this process never ran, is not an error', async () => {
      const r = await sf.execute(kit.selectOne);
      await expect(sf.cancel(r.queryId!)).resolves.toBeUndefined();
      await expect(sf.cancel('01b6c04c-0108-5374-0008-50d700010052')).resolves.toBeUndefined();
      const e = await failure(sf.cancel("x'); DROP TABLE t; --"));
      expect(e.details.code).toBe('INVALID_QUERY_ID');
    });

    it('rides out a few failed status polls (HTTP 503 from the monitoring endpoint)', async () => {
      fake.script('SELECT 4 AS "z"', { columns: [col('z', 'fixed', 1, 0)], rows: [['4']], runMs: 150 });
      fake.failNext('/monitoring/queries/', 503, 2);
      const r = await sf.execute('SELECT 4 AS "z"');
      expect(r.rows).toEqual([{ z: 4 }]);
    });
  });

  describe('results', () => {
    it('reads large results through their chunks, and maxRows fetches no chunk it does not need', async () => {
      const sql = kit.series(50_000);
      const all = await sf.execute(sql);
      expect(all.rows).toHaveLength(50_000);
      expect(all.rows?.[49_999]).toEqual({ n: 50_000 });
      expect(fake.requests.filter((r) => r.path.startsWith(`/chunks/${all.queryId}/`)).length).toBe(3);

      const some = await sf.execute(sql, { maxRows: 10 });
      expect(some.rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: i + 1 })));
      expect(fake.requests.filter((r) => r.path.startsWith(`/chunks/${some.queryId}/`))).toEqual([]);
    });

    it('counts the rows a DML statement changed', async () => {
      const sql = 'INSERT INTO PUBLIC.ORDERS (ID) VALUES (1), (2)';
      fake.script(sql, {
        columns: [col('number of rows inserted', 'fixed', 38, 0)],
        rows: [['2']],
        statementTypeId: 0x3100,
      });
      const r = await sf.execute(sql);
      expect(r.rowCount).toBe(2);
      expect(r.rows).toEqual([{ 'number of rows inserted': 2 }]);
    });

    it('binds values the SDK has no type for as text, objects as VARIANT', async () => {
      const sql = 'SELECT :1 AS "a", :2 AS "b", :3 AS "c"';
      fake.script(sql, { columns: [col('a', 'text')], rows: [['ok']] });
      await sf.execute(sql, { params: [10n ** 20n, new Date('2024-01-02T03:04:05Z'), { k: [1, 2] }] });
      expect(lastExecuted(sql).bindings).toEqual({
        '1': { type: 'TEXT', value: '100000000000000000000' },
        '2': { type: 'TEXT', value: '2024-01-02T03:04:05.000Z' },
        '3': { type: 'VARIANT', value: '{"k":[1,2]}' },
      });
    });

    it('describes the result columns with Snowflake’s type names', async () => {
      const r = await sf.execute(kit.types.sql);
      expect(r.columns?.map((c) => `${c.name}:${c.nativeType}`)).toEqual([
        'i:NUMBER(38,0)',
        'big:NUMBER(38,0)',
        'small_dec:NUMBER(12,2)',
        'long_dec:NUMBER(38,9)',
        'dbl:FLOAT',
        'nan:FLOAT',
        'flag:BOOLEAN',
        'txt:TEXT',
        'day:DATE',
        'stamp:TIMESTAMP_NTZ',
        'stamp_frac:TIMESTAMP_NTZ',
        'stamp0:TIMESTAMP_NTZ',
        'instant:TIMESTAMP_TZ',
        'nothing:NUMBER(38,0)',
      ]);
    });

    it('asks for geography as WKT with every statement, and reads the other kinds by the convention', async () => {
      const sql = 'SELECT values of every other kind';
      fake.script(sql, {
        columns: [
          col('g', 'geography'),
          col('ltz', 'timestamp_ltz', 0, 9),
          col('ns', 'timestamp_ntz', 0, 9),
          col('tm', 'time', 0, 9),
          col('inf', 'real'),
          col('bin', 'binary'),
          col('neg', 'fixed', 38, 6),
          col('old', 'timestamp_ntz', 0, 9),
        ],
        rows: [
          [
            'POINT(1 2)', // scripted as WKT; the fake sends GeoJSON unless asked for WKT
            seconds('2024-01-31T08:00:00Z', '000001'),
            seconds('2024-01-31T10:00:00Z', '123456789'),
            '36000.500000000',
            '-inf',
            'AA01',
            '-0.000100',
            '-0.500000000', // 1969-12-31 23:59:59.5: the wire value is the decimal epoch
          ],
        ],
      });
      const r = await sf.execute(sql);
      expect(lastExecuted(sql).parameters).toMatchObject({
        GEOGRAPHY_OUTPUT_FORMAT: 'WKT',
        GEOMETRY_OUTPUT_FORMAT: 'WKT',
      });
      expect(r.rows).toEqual([
        {
          g: 'POINT(1 2)',
          ltz: '2024-01-31T08:00:00.000001Z',
          ns: '2024-01-31 10:00:00.123456', // nanoseconds truncated to microseconds
          tm: '10:00:00', // the SDK formats TIME itself, by TIME_OUTPUT_FORMAT (no fraction)
          inf: '-Infinity',
          bin: 'qgE=',
          neg: -0.0001,
          old: '1969-12-31 23:59:59.5',
        },
      ]);
    });

    it('the fake sends GEOGRAPHY as Snowflake does when WKT is not asked for: GeoJSON', async () => {
      // The SDK on its own, without the connector's statement parameters.
      const sql = 'SELECT TO_GEOGRAPHY(\'LINESTRING(1 2, 3 4)\') AS "g"';
      fake.script(sql, { columns: [col('g', 'geography')], rows: [['LINESTRING(1 2, 3 4)']] });
      const sdk = await loadSnowflakeSdk(undefined);
      const conn = sdk.createConnection({
        account: ACCOUNT,
        username: 'ETL',
        password: PASSWORD,
        accessUrl: fake.url,
      });
      await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
      try {
        const rows = await new Promise<unknown[] | undefined>((resolve, reject) =>
          conn.execute({ sqlText: sql, complete: (e, _s, r) => (e ? reject(e) : resolve(r)) }),
        );
        expect(rows).toEqual([{ g: '{"coordinates":[[1,2],[3,4]],"type":"LineString"}' }]);
      } finally {
        await new Promise<void>((resolve) => conn.destroy(() => resolve()));
      }
      // Through the connector, which asks for WKT.
      expect((await sf.execute(sql)).rows).toEqual([{ g: 'LINESTRING(1 2, 3 4)' }]);
    });

    it('presents column names as Snowflake reports them (unquoted aliases are upper-case)', async () => {
      fake.script('SELECT 1 AS x, 2 AS x', {
        columns: [col('X', 'fixed', 1, 0), col('X', 'fixed', 1, 0)],
        rows: [['1', '2']],
      });
      expect((await sf.execute('SELECT 1 AS x, 2 AS x')).rows).toEqual([{ X: 1, X_2: 2 }]);
    });

    it('estimates from EXPLAIN USING JSON: partitions and bytes the plan would scan', async () => {
      const e = await sf.estimate(kit.series(10));
      expect(e.bytesProcessed).toBe(3 * 1024 * 1024);
      expect(e.summary).toMatch(/3 of 12 micro-partitions \(3\.0 MB\)/);
      expect(fake.executed().at(-1)?.sqlText).toBe(`EXPLAIN USING JSON ${kit.series(10)}`);
    });
  });

  describe('read-only', () => {
    it('compiles the statement as a subquery first (describe only) and runs it only if it is a query', async () => {
      const before = fake.statements.length;
      const r = await sf.execute(kit.selectOne, { readOnly: true });
      expect(r.rows).toEqual([{ x: 1 }]);
      const sent = fake.statements.slice(before);
      expect(sent[0]).toMatchObject({ describeOnly: true, sqlText: `SELECT * FROM (\n${kit.selectOne}\n)` });
      expect(sent[1]).toMatchObject({ asyncExec: true, sqlText: kit.selectOne });
    });

    it('refuses writes and several statements without running them', async () => {
      for (const sql of [
        kit.write,
        'INSERT INTO PUBLIC.ORDERS (ID) VALUES (1)',
        'SELECT 1 AS "x"; DROP TABLE PUBLIC.ORDERS',
      ]) {
        const e = await failure(sf.execute(sql, { readOnly: true }));
        expect(e.details.code).toBe('READ_ONLY');
        expect(e.errorClass).toBe('permanent');
        expect(fake.executed().some((s) => s.sqlText === sql)).toBe(false);
      }
    });

    it('a syntax error under read-only is still permanent', async () => {
      const e = await failure(sf.execute(kit.syntaxError, { readOnly: true }));
      expect(e.errorClass).toBe('permanent');
      expect(e.message).toMatch(/syntax error/);
    });
  });

  describe('introspection', () => {
    it('lists tables and views of the configured database, optionally one schema', async () => {
      const all = await sf.listTables();
      expect(all).toContainEqual({ parts: ['PUBLIC', 'ORDERS_V'], kind: 'view' });
      expect(all).toContainEqual({ parts: ['Mixed', 'lower_t'], kind: 'table' });
      expect(await sf.listTables({ schema: 'public' })).toHaveLength(2); // unquoted: PUBLIC
      const sql = fake.executed().at(-1)!;
      expect(sql.sqlText).toMatch(/FROM DB\.INFORMATION_SCHEMA\.TABLES/);
      expect(JSON.parse(String(sql.parameters?.['QUERY_TAG']))).toEqual({
        app: 'edgeflow',
        origin: 'introspect',
      });
    });

    it('finds a table by its unquoted (lower-case) name, a quoted name as stored, or in the current schema', async () => {
      expect((await sf.describeTable(['public', 'orders']))?.parts).toEqual(['PUBLIC', 'ORDERS']);
      expect((await sf.describeTable(['Mixed', 'lower_t']))?.columns).toEqual([
        { name: 'c', type: { kind: 'string' }, nullable: true },
      ]);
      expect((await sf.describeTable(['orders']))?.columns).toHaveLength(11);
      expect(await sf.describeTable(['DB', 'PUBLIC', 'NOPE'])).toBeUndefined();
    });
  });

  describe('errors', () => {
    const scripted = (
      sql: string,
      code: string,
      sqlState: string,
      message: string,
      phase: 'compile' | 'run' = 'run',
    ) => fake.script(sql, { runMs: 10, error: { code, sqlState, message, phase } });

    it.each([
      ['001003', '42000', 'SQL compilation error: syntax error', 'compile', 'permanent'],
      [
        '002003',
        '42S02',
        "SQL compilation error: Object 'NOPE' does not exist or not authorized.",
        'compile',
        'permanent',
      ],
      [
        '003001',
        '42501',
        'SQL access control error: Insufficient privileges to operate on table',
        'compile',
        'permanent',
      ],
      ['000606', '57P03', 'No active warehouse selected in the current session.', 'compile', 'permanent'],
      [
        '000625',
        '57014',
        'the number of waiters for this lock exceeds the 20 statements limit',
        'run',
        'transient',
      ],
      [
        '000603',
        'XX000',
        'SQL execution internal error: Processing aborted due to error 300002:2523989860',
        'run',
        'transient',
      ],
      [
        '000630',
        '57014',
        'Statement reached its statement or warehouse timeout of 5 second(s) and was canceled.',
        'run',
        'permanent',
      ],
      ['000604', '57014', 'SQL execution canceled', 'run', 'cancelled'],
    ] as const)(
      'Snowflake %s (%s, “%s”), failing at %s, is %s',
      async (code, sqlState, message, phase, cls) => {
        const sql = `SELECT 'error ${code}' AS "e"`;
        scripted(sql, code, sqlState, message, phase);
        const e = await failure(sf.execute(sql));
        expect(e).toBeInstanceOf(ConnectorError);
        expect(e.details).toMatchObject({ connector: 'snowflake', code, sql });
        if (phase === 'run') expect(e.details.queryId).toMatch(/^[0-9a-f-]{36}$/);
        expect(sf.classify(e)).toBe(cls);
        expect(e.message).toContain(message);
      },
    );

    it('classifies the driver’s own failures: network, HTTP status, a terminated session', () => {
      const sdkError = (code: number, extra: object = {}) =>
        Object.assign(new Error('x'), { code, ...extra });
      expect(classifySnowflake(sdkError(401001))).toBe('transient');
      expect(classifySnowflake(sdkError(401002, { response: { statusCode: 503 } }))).toBe('transient');
      expect(classifySnowflake(sdkError(401002, { response: { statusCode: 429 } }))).toBe('transient');
      expect(classifySnowflake(sdkError(401002, { response: { statusCode: 403 } }))).toBe('permanent');
      expect(classifySnowflake(sdkError(407002))).toBe('transient');
      expect(
        classifySnowflake(Object.assign(new Error('Authentication token has expired.'), { code: '390114' })),
      ).toBe('transient');
      expect(classifySnowflake(Object.assign(new Error('deadlock detected'), { code: '000999' }))).toBe(
        'transient',
      );
      expect(
        classifySnowflake(
          Object.assign(
            new Error(
              "Warehouse 'WH' cannot be resumed because resource monitor 'RM' has exceeded its quota.",
            ),
            { code: '000999' },
          ),
        ),
      ).toBe('permanent');
      expect(classifySnowflake(new DOMException('aborted', 'AbortError'))).toBe('cancelled');
    });

    it('reopens the session after Snowflake ended it: the failure is transient, the retry works', async () => {
      const logins = fake.logins.length;
      fake.dropSessions();
      const e = await failure(sf.execute(kit.selectOne));
      expect(sf.classify(e)).toBe('transient');
      expect((await sf.execute(kit.selectOne)).rows).toEqual([{ x: 1 }]);
      expect(fake.logins.length).toBe(logins + 1);
      const sessionId = fake.statements.at(-1)!.sessionId;
      expect(fake.sessionParams(sessionId)).toMatchObject({ WEEK_START: '1' });
    });
  });
});

describe('snowflake connector secrets', () => {
  let fake: FakeSnowflake;
  beforeAll(async () => {
    // A careless server: it echoes the password and the statement text in its error messages.
    fake = newFake({ echoSecretsInErrors: true });
    fake.script(/CANARY-STATEMENT/, {
      runMs: 10,
      error: { phase: 'run', code: '100038', sqlState: '22018', message: 'Numeric value is not recognized' },
    });
    fake.script(/CANARY-COMPILE/, { error: { code: '001003', sqlState: '42000', message: 'syntax error' } });
    fake.script(/SYSTEM\$WAIT\(60\)/, { columns: [col('w', 'text')], rows: [['waited']], runMs: 60_000 });
    await fake.start();
  });
  afterAll(() => fake?.stop());

  const leaks = (e: unknown, secrets: string[]) => {
    const err = e as ConnectorError;
    const text = [
      err.message,
      err.stack ?? '',
      JSON.stringify(err),
      JSON.stringify(err.details),
      String(err),
    ].join('\n');
    return secrets.filter((s) => text.includes(s));
  };

  it('no error path carries the password, the key, its passphrase or a configured secret', async () => {
    const secrets = [PASSWORD, PASSPHRASE, EXTRA_SECRET, encryptedKeys.privateKey.split('\n')[3]!];
    const errors: unknown[] = [];
    // Login refused, with a server that echoes the password it received.
    errors.push(
      await failure(
        openSnowflake(base(fake, { password: `${PASSWORD}-typo`, secrets: [`${PASSWORD}-typo`] })),
      ),
    );
    // Statements whose text (echoed by the server) contains secrets, failing at compile and at run time.
    const pw = await openSnowflake(base(fake, { secrets: [EXTRA_SECRET] }));
    for (const sql of [
      `SELECT 'CANARY-STATEMENT ${PASSWORD} ${EXTRA_SECRET}'::NUMBER AS "x"`,
      `SELECT 'CANARY-COMPILE ${PASSWORD}' AS "x"`,
    ]) {
      errors.push(await failure(pw.execute(sql)));
      errors.push(await failure(pw.execute(sql, { readOnly: true })));
      errors.push(await failure(pw.estimate(sql)));
    }
    errors.push(await failure(pw.execute(`SELECT SYSTEM$WAIT(60) AS "${PASSWORD}"`, { timeoutMs: 300 })));
    await pw.close();
    // Key pair with an encrypted key: a statement quoting the passphrase and a line of the key.
    const kp = await openSnowflake(
      base(fake, {
        username: 'LOCKED_KEY',
        password: undefined,
        privateKey: encryptedKeys.privateKey,
        privateKeyPassphrase: PASSPHRASE,
      }),
    );
    errors.push(await failure(kp.execute(`SELECT 'CANARY-STATEMENT ${PASSPHRASE} ${secrets[3]}' AS "x"`)));
    await kp.close();
    // A wrong passphrase for the key, and a key that is not registered.
    errors.push(
      await failure(
        openSnowflake(
          base(fake, {
            username: 'LOCKED_KEY',
            password: undefined,
            privateKey: encryptedKeys.privateKey,
            privateKeyPassphrase: `${PASSPHRASE}x`,
          }),
        ),
      ),
    );
    errors.push(
      await failure(
        openSnowflake(base(fake, { username: 'KEYED', password: undefined, privateKey: strangerKey })),
      ),
    );

    expect(errors).toHaveLength(11);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ConnectorError);
      expect(leaks(e, [...secrets, `${PASSWORD}-typo`, `${PASSPHRASE}x`])).toEqual([]);
    }
    // The server did echo them: the redaction is what kept them out.
    expect(fake.logins.some((l) => !l.ok)).toBe(true);
    expect((errors[1] as ConnectorError).message).toContain('[redacted]');
  }, 30_000);
});

describe('snowflake-sdk loading', () => {
  const run = promisify(execFile);
  const node = (script: string, flags: string[] = []) =>
    run(
      process.execPath,
      [...flags, '--import', './test/preload/no-network.mjs', '--input-type=module', '-e', script],
      {
        cwd: process.cwd(),
        env: {
          ...process.env,
          SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
          SF_OCSP_RESPONSE_CACHE_DIR: path.join(os.tmpdir(), 'edgeflow-snowflake'),
        },
      },
    );

  it('is not loaded by importing the connector, only by opening a connection', async () => {
    const { stdout } = await node(
      `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/snowflake-sdk/'));
      const { openSnowflake } = await import('./connectors/snowflake/index.ts');
      const afterImport = loaded();
      const { FakeSnowflake } = await import('./connectors/snowflake/fake-server.ts');
      const fake = new FakeSnowflake({ account: 'xy12345', users: { ETL: { password: 'pw' } } });
      await fake.start();
      const c = await openSnowflake({ account: 'xy12345', username: 'ETL', password: 'pw', accessUrl: fake.url });
      const afterOpen = loaded();
      await c.close();
      await fake.stop();
      console.log(JSON.stringify({ afterImport, afterOpen }));`,
      ['--import', 'tsx'],
    );
    expect(JSON.parse(stdout)).toEqual({ afterImport: false, afterOpen: true });
  }, 30_000);

  it('costs tens of MB of resident memory once loaded (measured in a child process)', async () => {
    const { stdout } = await node(
      `
      const gc = () => { globalThis.gc(); globalThis.gc(); };
      gc();
      const before = process.memoryUsage();
      const t0 = performance.now();
      await import('snowflake-sdk');
      const ms = performance.now() - t0;
      const loadedRss = process.memoryUsage().rss;
      gc();
      const after = process.memoryUsage();
      console.log(JSON.stringify({ ms, rssBefore: before.rss, rssLoaded: loadedRss, rssAfterGc: after.rss, heapBefore: before.heapUsed, heapAfter: after.heapUsed }));`,
      ['--expose-gc'],
    );
    const m = JSON.parse(stdout) as Record<string, number>;
    const mb = (n: number) => Math.round(n / 2 ** 20);
    console.log(
      `snowflake-sdk load: ${Math.round(m['ms']!)} ms, RSS ${mb(m['rssBefore']!)} → ${mb(m['rssLoaded']!)} MB ` +
        `(${mb(m['rssAfterGc']!)} MB after GC; +${mb(m['rssAfterGc']! - m['rssBefore']!)} MB), ` +
        `heap +${mb(m['heapAfter']! - m['heapBefore']!)} MB`,
    );
    expect(m['rssAfterGc']! - m['rssBefore']!).toBeGreaterThan(20 * 2 ** 20);
  }, 30_000);
});
