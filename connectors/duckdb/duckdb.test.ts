import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector } from '../connector.js';
import { describeConnectorContract } from '../contract-suite.js';
import { classifyDuckDbMessage } from './errors.js';
import { openDuckDb } from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-duckdb-'));
/** Seconds of work on every core unless interrupted (10^11 multiplications). */
const SLOW = 'SELECT sum(a.range * b.range) AS s FROM range(100000000) a, range(1000) b';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const settled = async (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise((r) => setTimeout(() => r(false), ms)),
  ]);

describeConnectorContract(
  'duckdb',
  async () => {
    // One connection: a statement that was not really stopped would hold it, and the check that
    // a cancel worked is that the next statement gets through.
    const connector = await openDuckDb({ path: path.join(dir, 'kit.duckdb'), poolSize: 1 });
    await connector.execute(
      `CREATE SCHEMA contract;
       CREATE TABLE contract.items (id INTEGER, name VARCHAR, amount DECIMAL(12,2), day DATE,
         stamp TIMESTAMP, big BIGINT, ok BOOLEAN, ratio DOUBLE, seen TIMESTAMPTZ)`,
    );
    return {
      connector,
      kit: {
        selectOne: 'SELECT 1 AS x',
        params: {
          sql: 'SELECT $1::INTEGER AS i, $2::VARCHAR AS s, $3::BOOLEAN AS b, $4::DOUBLE AS d, $5::DATE AS day, $6::INTEGER AS n',
          params: [42, "it's'; DROP TABLE contract.items; --", true, 2.5, '2024-01-31', null],
          expect: {
            i: 42,
            s: "it's'; DROP TABLE contract.items; --",
            b: true,
            d: 2.5,
            day: '2024-01-31',
            n: null,
          },
        },
        types: {
          sql: `SELECT 42::INTEGER AS i, 9007199254740993::BIGINT AS big, 12.50::DECIMAL(12,2) AS small_dec,
                  1234567890123456.789::DECIMAL(38,9) AS long_dec, 1.5::DOUBLE AS dbl, 'NaN'::DOUBLE AS nan,
                  true AS flag, 'héllo' AS txt, DATE '2024-01-31' AS day,
                  TIMESTAMP '2024-01-31 10:00:00.123456' AS stamp, TIMESTAMP '2024-01-31 10:00:00.5' AS stamp_frac,
                  TIMESTAMP '2024-01-31 10:00:00' AS stamp0, TIMESTAMPTZ '2024-01-31 10:00:00.123456+02' AS instant,
                  NULL::INTEGER AS nothing`,
        },
        series: (n) => `SELECT range + 1 AS n FROM range(${n}) ORDER BY 1`,
        slow: SLOW,
        syntaxError: 'SELEC 1',
        write: 'CREATE TABLE contract.written AS SELECT 1 AS a',
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
          parts: ['contract', 'items'],
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
        verifyCancelled: async () => {
          const r = await connector.execute('SELECT 2 AS y', { timeoutMs: 5_000 });
          expect(r.rows).toEqual([{ y: 2 }]);
        },
      },
    };
  },
  // No kit.transientError: no single DuckDB statement fails transiently on demand. The transient
  // class is shown below with a file locked by another process.
);

describe('duckdb connector', () => {
  let c: Connector;
  beforeAll(async () => {
    c = await openDuckDb({ path: path.join(dir, 'specific.duckdb'), poolSize: 2 });
    await c.execute(`CREATE TABLE t AS SELECT range AS n FROM range(10); CREATE SEQUENCE seq`);
  });
  afterAll(() => c.close());

  it('enforces read-only with the engine: a SELECT that writes fails in the read-only transaction', async () => {
    const err = await failure(c.execute(`SELECT nextval('seq') AS v`, { readOnly: true }));
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as Error).message).toMatch(/read-only/);
    expect(c.classify(err)).toBe('permanent');
    // Nothing was taken from the sequence: the first value outside is still 1.
    expect((await c.execute(`SELECT nextval('seq') AS v`)).rows).toEqual([{ v: 1 }]);
  });

  it('lets only one SELECT run read-only: no second statement, no ATTACH, COPY or SET', async () => {
    for (const sql of [
      'SELECT 1; DROP TABLE t',
      `ATTACH '${path.join(dir, 'other.duckdb')}' AS other`,
      `COPY t TO '${path.join(dir, 'leak.csv')}'`,
      'SET threads = 1',
      `EXPLAIN ANALYZE COPY t TO '${path.join(dir, 'leak2.csv')}'`,
      `-- a comment\n/* another */ explain (analyze) COPY t TO '${path.join(dir, 'leak3.csv')}'`,
      'INSERT INTO t VALUES (99)',
    ]) {
      const err = await failure(c.execute(sql, { readOnly: true }));
      expect(err, sql).toBeInstanceOf(ConnectorError);
      // The engine's lockdown refuses file access before the read-only guard looks at the type.
      expect(['READ_ONLY', 'Permission'], sql).toContain((err as ConnectorError).details.code);
    }
    expect((await c.execute('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 10 }]);
    expect((await c.execute('SELECT max(n) AS m FROM t', { readOnly: true })).rows).toEqual([{ m: 9 }]);
  });

  it('opens a file read-only: reads work, writes are refused by DuckDB', async () => {
    const file = path.join(dir, 'ro.duckdb');
    const w = await openDuckDb({ path: file });
    await w.execute('CREATE TABLE r AS SELECT 1 AS a');
    await w.close();
    const ro = await openDuckDb({ path: file, readOnly: true });
    try {
      expect((await ro.execute('SELECT a FROM r')).rows).toEqual([{ a: 1 }]);
      const err = await failure(ro.execute('INSERT INTO r VALUES (2)'));
      expect(ro.classify(err)).toBe('permanent');
      expect(await ro.listTables()).toEqual([{ parts: ['main', 'r'], kind: 'table' }]);
    } finally {
      await ro.close();
    }
  });

  it('says what to do when a spatial function needs the extension it was not given', async () => {
    // No `extensions` configured: spatial is not loaded, whether or not it is installed here.
    const err = await failure(c.execute('SELECT ST_Buffer(ST_Point(1, 2), 1) AS g'));
    expect(err).toBeInstanceOf(ConnectorError);
    const e = err as ConnectorError;
    expect(e.details.code).toBe('EXTENSION_MISSING');
    expect(e.details.hint).toMatch(/add extensions: \[spatial\] to the connection/);
    expect(e.message).toContain(e.details.hint!);
    expect(c.classify(e)).toBe('permanent');
  });

  it('runs statements side by side and interrupts only the one cancelled', async () => {
    const ids: string[] = [];
    const a = c.execute(SLOW, { onQueryId: (id) => ids.push(id) });
    const b = c.execute(SLOW, { onQueryId: (id) => ids.push(id) });
    await new Promise((r) => setTimeout(r, 300));
    expect(ids).toHaveLength(2);
    // Both connections are busy: a third statement waits for one.
    const started = Date.now();
    const third = c.execute('SELECT 3 AS z');
    expect(await settled(third, 200)).toBe(false);
    await c.cancel(ids[0]!);
    expect(c.classify(await failure(a))).toBe('cancelled');
    expect((await third).rows).toEqual([{ z: 3 }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await settled(b, 300)).toBe(false); // the other one still runs
    await c.cancel(ids[1]!);
    expect(c.classify(await failure(b))).toBe('cancelled');
  });

  it('cancels a statement still waiting for a connection, before it runs', async () => {
    const ids: string[] = [];
    const busy = [1, 2].map(() => c.execute(SLOW, { onQueryId: (id) => ids.push(id) }));
    await new Promise((r) => setTimeout(r, 200));
    const ac = new AbortController();
    let ran = false;
    const waiting = c.execute('INSERT INTO t VALUES (100)', {
      signal: ac.signal,
      onQueryId: () => (ran = true),
    });
    ac.abort();
    expect(c.classify(await failure(waiting))).toBe('cancelled');
    expect(ran).toBe(false);
    for (const id of ids) await c.cancel(id);
    await Promise.all(busy.map(failure));
    expect((await c.execute('SELECT count(*) AS n FROM t WHERE n = 100')).rows).toEqual([{ n: 0 }]);
  });

  it('uses the connection default timeout, and a per-statement one over it', async () => {
    const t = await openDuckDb({ path: ':memory:', timeoutMs: 200 });
    try {
      const started = Date.now();
      const err = await failure(t.execute(SLOW));
      expect((err as ConnectorError).details.code).toBe('TIMEOUT');
      expect((err as Error).message).toMatch(/timeout of 200 ms/);
      expect(t.classify(err)).toBe('permanent');
      expect(Date.now() - started).toBeLessThan(3_000);
      const err2 = await failure(t.execute(SLOW, { timeoutMs: 600 }));
      expect((err2 as Error).message).toMatch(/timeout of 600 ms/);
    } finally {
      await t.close();
    }
  });

  it('gives a connection back without a transaction a statement left open', async () => {
    const one = await openDuckDb({ path: ':memory:', poolSize: 1 });
    try {
      await one.execute('CREATE TABLE k (a INTEGER)');
      await one.execute('BEGIN TRANSACTION; INSERT INTO k VALUES (1)');
      expect(await failure(one.execute('BEGIN; SELECT 1/0::INTEGER; SELECT nope'))).toBeInstanceOf(
        ConnectorError,
      );
      expect((await one.execute('SELECT count(*) AS n FROM k')).rows).toEqual([{ n: 0 }]);
      await one.execute('BEGIN; INSERT INTO k VALUES (2); COMMIT');
      expect((await one.execute('SELECT count(*) AS n FROM k')).rows).toEqual([{ n: 1 }]);
    } finally {
      await one.close();
    }
  });

  it('stops reading at maxRows without producing the whole result', async () => {
    const started = Date.now();
    const r = await c.execute('SELECT range AS n FROM range(10000000000)', { maxRows: 5 });
    expect(r.rows).toHaveLength(5);
    expect(r.rowCount).toBe(5);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports affected rows, result columns, and the SQL of a failure', async () => {
    expect((await c.execute('CREATE TABLE u AS SELECT * FROM range(7)')).rowCount).toBe(7);
    expect((await c.execute('UPDATE u SET range = 0 WHERE range < 3')).rowCount).toBe(3);
    const r = await c.execute('SELECT 1::BIGINT AS a, 2.5::DECIMAL(4,1) AS b');
    expect(r.columns).toEqual([
      { name: 'a', nativeType: 'BIGINT' },
      { name: 'b', nativeType: 'DECIMAL(4,1)' },
    ]);
    const err = (await failure(c.execute('SELECT nope FROM u'))) as ConnectorError;
    expect(err.details).toMatchObject({ connector: 'duckdb', code: 'Binder', sql: 'SELECT nope FROM u' });
    expect(err.message).toMatch(/^Binder Error: /);
  });

  it('estimates from EXPLAIN without running, and refuses a second statement', async () => {
    const e = await c.estimate('SELECT * FROM range(1000) a, range(10) b');
    expect(e.rows).toBe(10_000);
    expect(e.summary).toMatch(/10,000 rows/);
    const err = await failure(c.estimate('SELECT 1; DROP TABLE t'));
    expect(err).toBeInstanceOf(ConnectorError);
    expect((await c.execute('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 10 }]);
  });

  it('describes tables case-insensitively, and says when one is missing', async () => {
    expect((await c.describeTable(['MAIN', 'T']))?.parts).toEqual(['main', 't']);
    expect((await c.describeTable(['T']))?.columns).toEqual([
      { name: 'n', type: { kind: 'bigint' }, nullable: true },
    ]);
    expect(await c.describeTable(['main', 'nope'])).toBeUndefined();
  });
});

describe('duckdb files in one process and across processes', () => {
  it('shares one instance per file: a second connector sees the first one’s writes', async () => {
    const file = path.join(dir, 'shared.duckdb');
    const a = await openDuckDb({ path: file });
    const b = await openDuckDb({ path: file });
    await a.execute('CREATE TABLE s AS SELECT 5 AS v');
    expect((await b.execute('SELECT v FROM s')).rows).toEqual([{ v: 5 }]);
    await a.close();
    expect((await b.execute('SELECT v FROM s')).rows).toEqual([{ v: 5 }]);
    await b.close();
  });

  it('classifies a file locked by another process as transient', async () => {
    const file = path.join(dir, 'locked.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         await DuckDBInstance.create(${JSON.stringify(file)});
         console.log('open');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
        holder.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
      const err = await failure(openDuckDb({ path: file }));
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as Error).message).toMatch(/Could not set lock on file/);
      expect((err as ConnectorError).errorClass).toBe('transient');
    } finally {
      // Wait for it to go: a holder still exiting keeps the lock for whoever opens the file next.
      if (holder.exitCode === null && holder.signalCode === null) {
        const exited = new Promise((resolve) => holder.once('exit', resolve));
        holder.kill();
        await exited;
      }
    }
  });

  it('classifies DuckDB’s own messages', () => {
    const cases: Array<[string, string]> = [
      ['Parser Error: syntax error at or near "selec"', 'permanent'],
      ['Failed to extract statements: Parser Error: syntax error', 'permanent'],
      ['Catalog Error: Table with name nope does not exist!', 'permanent'],
      ['Constraint Error: PRIMARY KEY or UNIQUE constraint violation', 'permanent'],
      ['INTERRUPT Error: Interrupted!', 'cancelled'],
      ['IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held', 'transient'],
      ['IO Error: No files found that match the pattern "x.csv"', 'permanent'],
      ['TransactionContext Error: Catalog write-write conflict on create with "t"', 'transient'],
      [
        'TransactionContext Error: Cannot write to database "x" - transaction is launched in read-only mode',
        'permanent',
      ],
      ['Out of Memory Error: could not allocate block of size 256.0 KiB', 'transient'],
    ];
    for (const [message, want] of cases) expect(classifyDuckDbMessage(message), message).toBe(want);
  });
});

/**
 * The attack of issue 10: a read token previewed `source.sql` with read_text() of the admin token,
 * glob() of directories and read_csv('/etc/passwd'). DuckDB itself must refuse, in a read-only
 * statement and in a writing one, whatever the SQL says.
 */
describe('duckdb locked down', () => {
  const secretDir = mkdtempSync(path.join(tmpdir(), 'edgeflow-secret-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgeflow-data-'));
  const secretFile = path.join(secretDir, 'admin.token');
  let c: Connector;
  let open: Connector;
  beforeAll(async () => {
    writeFileSync(secretFile, 'ef_canary_admin_token_0123456789\n');
    writeFileSync(path.join(dataDir, 'cities.csv'), 'name,pop\nMadrid,3300000\nSevilla,680000\n');
    c = await openDuckDb({ path: path.join(dir, 'hardened.duckdb') });
    open = await openDuckDb({ path: ':memory:', allowFiles: [dataDir] });
  });
  afterAll(async () => {
    await c?.close();
    await open?.close();
  });

  const ATTACKS = [
    `SELECT content FROM read_text('${secretFile}')`,
    `SELECT * FROM read_blob('${secretFile}')`,
    `SELECT * FROM glob('${secretDir}/*')`,
    `SELECT * FROM read_csv('/etc/passwd')`,
    `SELECT * FROM '${secretFile}'`,
    `SELECT * FROM read_text('http://127.0.0.1:9/x')`,
    `SELECT * FROM sniff_csv('/etc/passwd')`,
  ];

  it('refuses every file and URL reader, read-only or not', async () => {
    for (const sql of ATTACKS)
      for (const readOnly of [true, false]) {
        const err = await failure(c.execute(sql, { readOnly }));
        expect(err, sql).toBeInstanceOf(ConnectorError);
        expect((err as Error).message, sql).not.toContain('canary');
        expect(c.classify(err), sql).toBe('permanent');
        // A bare quoted path is not even taken for a file (no replacement scan without access).
        if (sql.startsWith(`SELECT * FROM '`)) continue;
        expect((err as Error).message, sql).toMatch(/disabled by configuration/);
        expect((err as ConnectorError).details.hint, sql).toMatch(/allowFiles/);
      }
  });

  it('refuses ATTACH, COPY, EXPORT, INSTALL and LOAD in a writing statement too', async () => {
    await c.execute('CREATE OR REPLACE TABLE t AS SELECT 1 AS x');
    for (const sql of [
      `ATTACH '${path.join(secretDir, 'other.duckdb')}' AS other`,
      `COPY t TO '${path.join(secretDir, 'leak.csv')}'`,
      `EXPORT DATABASE '${path.join(secretDir, 'dump')}'`,
      'INSTALL spatial',
      'LOAD spatial',
    ]) {
      const err = await failure(c.execute(sql));
      expect(err, sql).toBeInstanceOf(ConnectorError);
      expect((err as Error).message, sql).toMatch(/disabled|Permission/);
    }
    expect(readdirSync(secretDir)).toEqual(['admin.token']);
  });

  it('cannot be unlocked by SQL: every setting is locked', async () => {
    for (const sql of [
      'SET enable_external_access = true',
      'SET lock_configuration = false',
      "SET allowed_directories = ['/']",
      'SET threads = 1',
      'RESET enable_external_access',
    ]) {
      const err = await failure(c.execute(sql));
      expect(err, sql).toBeInstanceOf(ConnectorError);
      expect((err as Error).message, sql).toMatch(/configuration has been locked/);
    }
    // Still off on a connection opened after the attempts (the settings are global).
    const r = await c.execute(
      "SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked",
    );
    expect(r.rows).toEqual([{ ext: false, locked: true }]);
    expect((await failure(c.execute(`SELECT * FROM read_text('${secretFile}')`))) as Error).toBeInstanceOf(
      ConnectorError,
    );
  });

  it('reads files under allowFiles and nowhere else, not even by ../', async () => {
    const ok = await open.execute(
      `SELECT name, pop FROM read_csv('${dataDir}/cities.csv') ORDER BY pop DESC`,
      {
        readOnly: true,
      },
    );
    expect(ok.rows).toEqual([
      { name: 'Madrid', pop: 3300000 },
      { name: 'Sevilla', pop: 680000 },
    ]);
    for (const sql of [
      `SELECT content FROM read_text('${secretFile}')`,
      `SELECT content FROM read_text('${dataDir}/../${path.basename(secretDir)}/admin.token')`,
      `SELECT * FROM read_csv('/etc/passwd')`,
    ]) {
      const err = await failure(open.execute(sql, { readOnly: true }));
      expect(err, sql).toBeInstanceOf(ConnectorError);
    }
    // A directory whose name only starts like the allowed one is not inside it.
    const sibling = `${dataDir}-sibling`;
    mkdirSync(sibling);
    writeFileSync(path.join(sibling, 'x.csv'), 'a\n1\n');
    expect(await failure(open.execute(`SELECT * FROM read_csv('${sibling}/x.csv')`))).toBeInstanceOf(
      ConnectorError,
    );
  });
});
