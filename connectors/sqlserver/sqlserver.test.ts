/**
 * The SQL Server connector at the driver boundary: no SQL Server is reachable here, so a fake of
 * mssql's ConnectionPool / Request / Transaction (the `driver` seam) records what the connector
 * sends and answers as mssql would (results, RequestErrors with the server's error numbers,
 * ECANCEL after cancel()). It proves what the connector does with the driver — parameters, labels,
 * read-only wrapping, cancel, timeouts, classification, redaction — not that SQL Server agrees.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../connector.js';
import type {
  DriverConfig,
  DriverPool,
  DriverRequest,
  DriverResult,
  DriverTransaction,
  SqlServerDriver,
} from './driver.js';
import { classifySqlServer } from './errors.js';
import { labelComment, openSqlServer, readOnlyBatch } from './index.js';

const CANARY = 'canary-Pa55w0rd-7f3e';

interface Sent {
  sql: string;
  inputs: Record<string, unknown>;
  tx?: number;
}

/** An error shaped like mssql's RequestError. */
function requestError(number: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'RequestError', code: 'EREQUEST', number });
}

type Answer = (sql: string, inputs: Record<string, unknown>) => DriverResult | Error | 'hang';

class FakeDriver implements SqlServerDriver {
  sent: Sent[] = [];
  config?: DriverConfig;
  cancels = 0;
  txLog: string[] = [];
  connectError?: Error;
  private txCount = 0;
  constructor(private readonly answer: Answer = () => result([])) {}

  async connect(config: DriverConfig): Promise<DriverPool> {
    this.config = config;
    if (this.connectError) throw this.connectError;
    return {
      request: () => this.request(),
      transaction: () => this.transaction(),
      close: async () => undefined,
    };
  }

  private request(tx?: number): DriverRequest {
    const inputs: Record<string, unknown> = {};
    let reject: ((e: Error) => void) | undefined;
    return {
      input: (name, value) => void (inputs[name] = value),
      query: (sql) => {
        this.sent.push({ sql, inputs, ...(tx !== undefined ? { tx } : {}) });
        const a = this.answer(sql, inputs);
        if (a === 'hang') return new Promise<DriverResult>((_, rej) => (reject = rej));
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
      cancel: () => {
        this.cancels++;
        // mssql rejects the running query with code ECANCEL once the attention is acknowledged.
        reject?.(Object.assign(new Error('Canceled.'), { name: 'RequestError', code: 'ECANCEL' }));
      },
    };
  }

  private transaction(): DriverTransaction {
    const id = ++this.txCount;
    return {
      begin: async () => void this.txLog.push(`begin ${id}`),
      request: () => this.request(id),
      commit: async () => void this.txLog.push(`commit ${id}`),
      rollback: async () => void this.txLog.push(`rollback ${id}`),
    };
  }
}

function result(
  rows: Array<Record<string, unknown>>,
  columns: DriverResult['columns'] = rows[0]
    ? Object.keys(rows[0]).map((name) => ({ name, type: 'nvarchar' }))
    : [],
  rowsAffected: number[] = [],
): DriverResult {
  return { rows, columns, rowsAffected };
}

const open = (driver: FakeDriver, extra: Partial<Parameters<typeof openSqlServer>[0]> = {}) =>
  openSqlServer({
    server: 'db.example.test',
    database: 'analytics',
    user: 'edgeflow',
    password: CANARY,
    secrets: [CANARY],
    driver,
    ...extra,
  });

describe('SQL Server connector (fake mssql driver)', () => {
  it('connects once with TLS on, and binds @p1… by position', async () => {
    const d = new FakeDriver(() => result([{ n: 1 }], [{ name: 'n', type: 'int' }]));
    const c = open(d);
    const r = await c.execute('SELECT @p1 AS a, @p2 AS b', { params: ['x', 2] });
    await c.execute('SELECT 1');
    expect(d.config).toMatchObject({
      server: 'db.example.test',
      encrypt: true,
      trustServerCertificate: false,
      appName: 'edgeflow',
    });
    expect(d.sent[0]!.inputs).toEqual({ p1: 'x', p2: 2 });
    expect(r.rows).toEqual([{ n: 1 }]);
    expect(r.columns).toEqual([{ name: 'n', nativeType: 'int', type: { kind: 'int' } }]);
    expect(r.queryId).toMatch(/^sqlserver-/);
    expect(c.type).toBe('sqlserver');
    expect(c.dialect).toBe('tsql');
  });

  it('labels a statement with a leading comment a value cannot close', async () => {
    const d = new FakeDriver();
    await open(d).execute('SELECT 1', {
      label: { workflow: 'w', run: 'r1', step: 'x */ DROP TABLE t --', origin: 'run' },
    });
    expect(d.sent[0]!.sql).toBe(
      '/* edgeflow workflow=w run=r1 step=x____DROP_TABLE_t_-- origin=run */\nSELECT 1',
    );
    expect(labelComment(undefined)).toBe('');
  });

  it('wraps a read-only execute in a transaction that is always rolled back', async () => {
    const d = new FakeDriver(() => result([{ a: 1 }], [{ name: 'a', type: 'int' }]));
    await open(d).execute('SELECT a FROM t', { readOnly: true });
    expect(d.sent[0]!.sql).toBe(readOnlyBatch('SELECT a FROM t'));
    expect(d.sent[0]!.sql).toBe(
      'SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nSELECT a FROM t;\nIF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;',
    );
  });

  it('converts values to the row convention', async () => {
    const d = new FakeDriver(() =>
      result(
        [
          {
            b: true,
            big: '9007199254740993',
            dt: new Date(Date.UTC(2024, 0, 31)),
            ts: new Date(Date.UTC(2024, 0, 31, 10, 5, 6, 120)),
            tz: new Date(Date.UTC(2024, 0, 31, 9, 0, 0)),
            g: { points: [{ lat: 40.4, lng: -3.7 }] },
            bin: Buffer.from('hi'),
            f: Number.NaN,
          },
        ],
        [
          { name: 'b', type: 'bit' },
          { name: 'big', type: 'bigint' },
          { name: 'dt', type: 'date' },
          { name: 'ts', type: 'datetime2' },
          { name: 'tz', type: 'datetimeoffset' },
          { name: 'g', type: 'geography' },
          { name: 'bin', type: 'varbinary' },
          { name: 'f', type: 'float' },
        ],
      ),
    );
    const r = await open(d).execute('SELECT …', { maxRows: 5 });
    expect(r.rows).toEqual([
      {
        b: true,
        big: '9007199254740993',
        dt: '2024-01-31',
        ts: '2024-01-31 10:05:06.12',
        tz: '2024-01-31T09:00:00Z',
        g: 'POINT(-3.7 40.4)',
        bin: 'aGk=',
        f: 'NaN',
      },
    ]);
  });

  it('reports rows affected for DDL and DML', async () => {
    const d = new FakeDriver(() => result([], [], [3, 2]));
    expect(await open(d).execute('INSERT …')).toMatchObject({ rowCount: 5 });
  });

  it('cancels through request.cancel(): abort, cancel(id) and the timeout', async () => {
    const d = new FakeDriver(() => 'hang');
    const c = open(d);
    // abort
    const ac = new AbortController();
    const aborted = c.execute('SELECT slow', { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ errorClass: 'cancelled' });
    // cancel by id, reported before the result
    let id: string | undefined;
    const byId = c.execute('SELECT slow', { onQueryId: (q) => (id = q) });
    await new Promise((r) => setTimeout(r, 5));
    expect(id).toMatch(/^sqlserver-/);
    await c.cancel(id!);
    await expect(byId).rejects.toMatchObject({ errorClass: 'cancelled' });
    // the per-statement timeout
    const timed = c.execute('SELECT slow', { timeoutMs: 20 });
    const e = await timed.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e).toMatchObject({ errorClass: 'permanent', details: { code: 'TIMEOUT' } });
    expect(d.cancels).toBe(3);
    // a finished statement's id is not an error
    await expect(c.cancel('sqlserver-gone')).resolves.toBeUndefined();
  });

  it('refuses to start a statement whose signal is already aborted', async () => {
    const d = new FakeDriver();
    const ac = new AbortController();
    ac.abort();
    await expect(open(d).execute('SELECT 1', { signal: ac.signal })).rejects.toMatchObject({
      errorClass: 'cancelled',
    });
    expect(d.sent).toEqual([]);
  });

  it('classifies by error number and driver code', () => {
    const n = (number: number) => classifySqlServer(requestError(number, 'x'));
    for (const t of [1205, 40501, 40613, 10928, 10929, 40197, 49918, 1222, 10054])
      expect(n(t), String(t)).toBe('transient');
    for (const p of [208, 207, 102, 2714, 229, 245, 8134, 18456]) expect(n(p), String(p)).toBe('permanent');
    for (const x of [3980, 3617]) expect(n(x), String(x)).toBe('cancelled');
    const code = (c: string) => classifySqlServer(Object.assign(new Error(c), { code: c }));
    expect(code('ECANCEL')).toBe('cancelled');
    for (const t of ['ESOCKET', 'ECONNCLOSED', 'ETIMEOUT', 'ECONNRESET'])
      expect(code(t), t).toBe('transient');
    expect(code('ELOGIN')).toBe('permanent');
    // mssql nests the server's number in originalError.info for some errors.
    expect(classifySqlServer({ message: 'x', originalError: { info: { number: 1205 } } })).toBe('transient');
  });

  it('raises ConnectorErrors with the number, a hint, and no secret', async () => {
    const d = new FakeDriver(() =>
      requestError(208, `Invalid object name 'main.nope'. (login edgeflow/${CANARY})`),
    );
    const e = (await open(d)
      .execute(`SELECT * FROM main.nope -- ${CANARY}`)
      .catch((x: unknown) => x)) as ConnectorError;
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e.errorClass).toBe('permanent');
    expect(e.details).toMatchObject({
      connector: 'sqlserver',
      code: '208',
      hint: expect.stringMatching(/check the name/),
    });
    expect(JSON.stringify({ m: e.message, d: e.details, s: String(e) })).not.toContain(CANARY);
    expect(e.message).toContain('[redacted]');
  });

  it('redacts the password from a failed login, and retries the connection next time', async () => {
    const d = new FakeDriver();
    d.connectError = Object.assign(new Error(`Login failed for user 'edgeflow' (password ${CANARY})`), {
      name: 'ConnectionError',
      code: 'ELOGIN',
    });
    const c = open(d, { secrets: [] }); // the password itself is always a secret
    const e = (await c.execute('SELECT 1').catch((x: unknown) => x)) as ConnectorError;
    expect(e.message).not.toContain(CANARY);
    expect(e.errorClass).toBe('permanent');
    d.connectError = undefined;
    await expect(c.execute('SELECT 1')).resolves.toMatchObject({ rowCount: 0 });
  });

  it('runs a transaction on one connection: commit on success, rollback on failure', async () => {
    const d = new FakeDriver((sql) => (sql.includes('boom') ? requestError(2714, 'exists') : result([])));
    const c = open(d);
    await c.transaction!(async (tx) => {
      await tx.execute('DROP TABLE a');
      await tx.execute("EXEC sp_rename N'a_new', N'a'");
    });
    expect(d.txLog).toEqual(['begin 1', 'commit 1']);
    expect(d.sent.map((s) => s.tx)).toEqual([1, 1]);
    await expect(c.transaction!(async (tx) => void (await tx.execute('boom')))).rejects.toMatchObject({
      errorClass: 'permanent',
    });
    expect(d.txLog).toEqual(['begin 1', 'commit 1', 'begin 2', 'rollback 2']);
  });

  it('estimates with SHOWPLAN_XML in a rolled-back transaction', async () => {
    const plan =
      '<ShowPlanXML><StmtSimple StatementEstRows="1234.5" StatementSubTreeCost="0.0123" /></ShowPlanXML>';
    const d = new FakeDriver((sql) =>
      sql.startsWith('SET SHOWPLAN')
        ? result([])
        : result([{ 'Microsoft SQL Server 2005 XML Showplan': plan }]),
    );
    const est = await open(d).estimate('SELECT * FROM t');
    expect(d.sent.map((s) => s.sql)).toEqual([
      'SET SHOWPLAN_XML ON',
      'SELECT * FROM t',
      'SET SHOWPLAN_XML OFF',
    ]);
    expect(est).toMatchObject({ cost: 0.0123, rows: 1235, summary: expect.stringMatching(/subtree cost/) });
    expect(d.txLog).toEqual(['begin 1', 'rollback 1']);
  });

  it('introspects INFORMATION_SCHEMA and describes a query with sp_describe_first_result_set', async () => {
    const d = new FakeDriver((sql) => {
      if (sql.includes('INFORMATION_SCHEMA.TABLES'))
        return result([{ TABLE_SCHEMA: 'dbo', TABLE_NAME: 'orders', TABLE_TYPE: 'BASE TABLE' }]);
      if (sql.includes('INFORMATION_SCHEMA.COLUMNS'))
        return result([
          {
            COLUMN_NAME: 'id',
            DATA_TYPE: 'bigint',
            NUMERIC_PRECISION: 19,
            NUMERIC_SCALE: 0,
            IS_NULLABLE: 'NO',
          },
          {
            COLUMN_NAME: 'amount',
            DATA_TYPE: 'decimal',
            NUMERIC_PRECISION: 12,
            NUMERIC_SCALE: 2,
            IS_NULLABLE: 'YES',
          },
          {
            COLUMN_NAME: 'at',
            DATA_TYPE: 'datetime2',
            NUMERIC_PRECISION: null,
            NUMERIC_SCALE: null,
            IS_NULLABLE: 'YES',
          },
          {
            COLUMN_NAME: 'home',
            DATA_TYPE: 'geography',
            NUMERIC_PRECISION: null,
            NUMERIC_SCALE: null,
            IS_NULLABLE: 'YES',
          },
        ]);
      return result([
        { name: 'a', system_type_name: 'nvarchar(max)', is_nullable: true, is_hidden: false },
        { name: 'n', system_type_name: 'decimal(12,2)', is_nullable: false, is_hidden: false },
      ]);
    });
    const c = open(d);
    expect(await c.listTables()).toEqual([{ parts: ['dbo', 'orders'], kind: 'table' }]);
    const t = await c.describeTable(['analytics', 'dbo', 'orders']);
    expect(d.sent[1]!.sql).toContain('FROM [analytics].INFORMATION_SCHEMA.COLUMNS');
    expect(d.sent[1]!.inputs).toEqual({ p1: 'dbo', p2: 'orders' });
    expect(t?.columns.map((x) => x.type)).toEqual([
      { kind: 'bigint' },
      { kind: 'decimal', precision: 12, scale: 2 },
      { kind: 'timestamp' },
      { kind: 'geography' },
    ]);
    const cols = await c.describeQuery("SELECT N'it''s' AS a, @p1 AS n", { params: [1.5] });
    expect(d.sent[2]!.sql).toBe(
      "EXEC sp_describe_first_result_set @tsql = N'SELECT N''it''''s'' AS a, @p1 AS n', @params = N'@p1 float'",
    );
    expect(cols).toEqual([
      { name: 'a', type: { kind: 'string' }, nullable: true },
      { name: 'n', type: { kind: 'decimal', precision: 12, scale: 2 }, nullable: false },
    ]);
  });

  it('says Synapse to the compiler', async () => {
    expect(await open(new FakeDriver(), { synapse: true }).dialectOptions!()).toEqual({ synapse: true });
    expect(await open(new FakeDriver()).dialectOptions!()).toEqual({});
  });
});
