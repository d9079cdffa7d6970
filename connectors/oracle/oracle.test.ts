/**
 * The Oracle connector at the driver boundary. No Oracle server is reachable here, so the
 * connector is given a fake of node-oracledb's connection (the `driver` seam) that records what it
 * is asked (SQL, binds, options, end-to-end attributes, callTimeout, break()) and answers as
 * oracledb does (rows as arrays with metaData, errors with ORA-/NJS- codes). What this proves: the
 * connector's own logic. What it does not: that a real server or oracledb agrees (see the README's
 * "first things to verify").
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../connector.js';
import type {
  OracleColumnMeta,
  OracleConnection,
  OracleDriver,
  OracleExecuteOptions,
  OracleResult,
} from './driver.js';
import { classifyOracle } from './errors.js';
import { SESSION_SETUP, openOracle } from './index.js';
import { oracleNativeToPortable } from './introspect.js';
import { sdoToWkt } from './values.js';

const CANARY = 'canary-P4ssw0rd-7c1e';

interface Call {
  sql: string;
  binds: Record<string, unknown>;
  options: OracleExecuteOptions;
  attrs: { module: string; action: string; clientInfo: string; callTimeout: number };
}

type Answer = (
  sql: string,
  binds: Record<string, unknown>,
  conn: FakeConnection,
) => Promise<OracleResult> | OracleResult;

class FakeConnection implements OracleConnection {
  callTimeout = 0;
  module = '';
  action = '';
  clientInfo = '';
  breaks = 0;
  closed = false;
  rollbacks = 0;
  private release?: (e: unknown) => void;
  constructor(
    readonly calls: Call[],
    private readonly answer: Answer,
  ) {}
  async execute(
    sql: string,
    binds: Record<string, unknown>,
    options: OracleExecuteOptions,
  ): Promise<OracleResult> {
    this.calls.push({
      sql,
      binds,
      options,
      attrs: {
        module: this.module,
        action: this.action,
        clientInfo: this.clientInfo,
        callTimeout: this.callTimeout,
      },
    });
    if (sql.startsWith('ALTER SESSION')) return {};
    return this.answer(sql, binds, this);
  }
  /** A statement that runs until break() (or the callTimeout) stops it, as the server would. */
  hang(): Promise<OracleResult> {
    return new Promise((_resolve, reject) => {
      this.release = reject;
      if (this.callTimeout > 0)
        setTimeout(
          () =>
            reject(
              Object.assign(new Error(`NJS-123: call timeout of ${this.callTimeout} ms exceeded`), {
                code: 'NJS-123',
              }),
            ),
          this.callTimeout,
        );
    });
  }
  async break(): Promise<void> {
    this.breaks++;
    this.release?.(
      Object.assign(new Error('ORA-01013: user requested cancel of current operation'), {
        errorNum: 1013,
        code: 'ORA-01013',
      }),
    );
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async commit(): Promise<void> {}
  async rollback(): Promise<void> {
    this.rollbacks++;
  }
}

function fake(answer: Answer): {
  driver: OracleDriver;
  calls: Call[];
  conns: FakeConnection[];
  configs: unknown[];
} {
  const calls: Call[] = [];
  const conns: FakeConnection[] = [];
  const configs: unknown[] = [];
  return {
    calls,
    conns,
    configs,
    driver: {
      async getConnection(config) {
        configs.push(config);
        const c = new FakeConnection(calls, answer);
        conns.push(c);
        return c;
      },
    },
  };
}

const meta = (...cols: Array<[string, string]>): OracleColumnMeta[] =>
  cols.map(([name, dbTypeName]) => ({ name, dbTypeName }));
const open = (driver: OracleDriver, extra: Record<string, unknown> = {}) =>
  openOracle({ connectString: 'db.example:1521/ORCLPDB1', user: 'ETL', password: CANARY, driver, ...extra });
const userSql = (calls: Call[]) => calls.filter((c) => !c.sql.startsWith('ALTER SESSION'));

describe('Oracle connector at the driver boundary (fake oracledb connection)', () => {
  it('pins the session, binds by name, labels the statement, maps values', async () => {
    const f = fake(() => ({
      metaData: meta(
        ['N', 'NUMBER'],
        ['BIG', 'NUMBER'],
        ['D', 'DATE'],
        ['TS', 'TIMESTAMP'],
        ['TZ', 'TIMESTAMP WITH TIME ZONE'],
        ['F', 'BINARY_DOUBLE'],
        ['S', 'VARCHAR2'],
      ),
      rows: [
        [
          '.5',
          '123456789012345678901',
          '2024-01-31 00:00:00',
          '2024-01-31 10:00:00.120000',
          '2024-01-31 10:00:00.000000 +01:00',
          1.5,
          'x',
        ],
      ],
    }));
    const c = await open(f.driver);
    const ids: string[] = [];
    const r = await c.execute('SELECT :p1 AS a, :p2 AS b FROM DUAL', {
      params: [true, 'x'],
      label: { workflow: 'store_revenue', step: 'write:out', run: 'r-1', origin: 'run' },
      onQueryId: (id) => ids.push(id),
    });
    expect(f.configs).toEqual([{ user: 'ETL', password: CANARY, connectString: 'db.example:1521/ORCLPDB1' }]);
    expect(f.calls.slice(0, SESSION_SETUP.length).map((x) => x.sql)).toEqual(SESSION_SETUP);
    const [call] = userSql(f.calls);
    expect(call!.binds).toEqual({ p1: 1, p2: 'x' });
    expect(call!.options).toMatchObject({ autoCommit: true, outFormat: 'array', fetchAsText: true });
    expect(call!.attrs).toEqual({
      module: 'edgeflow',
      action: 'store_revenue/write:out',
      clientInfo: 'run=r-1 origin=run',
      callTimeout: 0,
    });
    expect(ids).toEqual([r.queryId]);
    expect(r.rows).toEqual([
      {
        N: 0.5,
        BIG: '123456789012345678901',
        D: '2024-01-31',
        TS: '2024-01-31 10:00:00.12',
        TZ: '2024-01-31T09:00:00Z',
        F: 1.5,
        S: 'x',
      },
    ]);
    expect(f.conns[0]!.closed).toBe(true);
  });

  it('read-only previews: one SELECT inside SET TRANSACTION READ ONLY, rolled back; anything else refused', async () => {
    const f = fake(() => ({ metaData: meta(['X', 'NUMBER']), rows: [['1']] }));
    const c = await open(f.driver);
    await c.execute('WITH a AS (SELECT 1 AS x FROM DUAL) SELECT * FROM a', { readOnly: true, maxRows: 20 });
    expect(userSql(f.calls).map((x) => x.sql)).toEqual([
      'SET TRANSACTION READ ONLY',
      'WITH a AS (SELECT 1 AS x FROM DUAL) SELECT * FROM a',
    ]);
    expect(userSql(f.calls)[1]!.options).toMatchObject({ autoCommit: false, maxRows: 20 });
    expect(f.conns[0]!.rollbacks).toBe(1);
    for (const bad of [
      'DROP TABLE t',
      'SELECT 1 FROM DUAL; DROP TABLE t',
      "BEGIN EXECUTE IMMEDIATE 'DROP TABLE t'; END;",
      'DELETE FROM t',
    ])
      await expect(c.execute(bad, { readOnly: true })).rejects.toMatchObject({
        errorClass: 'permanent',
        details: { code: 'READ_ONLY' },
      });
    // A semicolon inside a literal is not a second statement.
    await expect(c.execute("SELECT ';' AS x FROM DUAL", { readOnly: true })).resolves.toBeDefined();
  });

  it('cancel by id and by signal call break() on the statement’s connection: cancelled, not retried', async () => {
    const f = fake((_sql, _b, conn) => conn.hang());
    const c = await open(f.driver);
    let id = '';
    const p = c.execute('SELECT * FROM big', { onQueryId: (q) => (id = q) });
    await new Promise((r) => setTimeout(r, 20));
    await c.cancel(id);
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectorError);
    expect(c.classify(e)).toBe('cancelled');
    expect(f.conns[0]!.breaks).toBe(1);
    await c.cancel(id); // finished: not an error

    const ac = new AbortController();
    const q = c.execute('SELECT * FROM big', { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(q).rejects.toMatchObject({ errorClass: 'cancelled', details: { code: 'ORA-01013' } });
    expect(f.conns[1]!.breaks).toBe(1);
    await expect(c.execute('SELECT 1 FROM DUAL', { signal: ac.signal })).rejects.toMatchObject({
      errorClass: 'cancelled',
    });
  });

  it('the timeout is callTimeout on the connection: a permanent TIMEOUT error', async () => {
    const f = fake((_sql, _b, conn) => conn.hang());
    const c = await open(f.driver, { timeoutMs: 5000 });
    const e = (await c
      .execute('SELECT * FROM big', { timeoutMs: 30 })
      .catch((x: unknown) => x)) as ConnectorError;
    expect(userSql(f.calls)[0]!.attrs.callTimeout).toBe(30);
    expect(e.errorClass).toBe('permanent');
    expect(e.details.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/timed out after 30 ms/);
  });

  it('classifies ORA- and NJS- codes', () => {
    const ora = (n: number, text = 'x') =>
      Object.assign(new Error(`ORA-${String(n).padStart(5, '0')}: ${text}`), {
        errorNum: n,
        code: `ORA-${String(n).padStart(5, '0')}`,
      });
    for (const n of [3113, 3114, 12170, 12541, 60, 54, 1033, 1089, 3135, 12514, 12537])
      expect(classifyOracle(ora(n)), `ORA-${n}`).toBe('transient');
    expect(classifyOracle(ora(1013))).toBe('cancelled');
    for (const n of [942, 904, 933, 1017, 1031, 1722, 13226])
      expect(classifyOracle(ora(n)), `ORA-${n}`).toBe('permanent');
    expect(
      classifyOracle(
        Object.assign(new Error('NJS-500: connection to the Oracle Database was broken'), {
          code: 'NJS-500',
        }),
      ),
    ).toBe('transient');
    expect(
      classifyOracle(
        Object.assign(new Error('NJS-503: connection to host db could not be established'), {
          code: 'NJS-503',
        }),
      ),
    ).toBe('transient');
    expect(
      classifyOracle(Object.assign(new Error('NJS-123: call timeout of 5 ms exceeded'), { code: 'NJS-123' })),
    ).toBe('permanent');
    expect(classifyOracle(new Error('ORA-03113: end-of-file on communication channel'))).toBe('transient');
    expect(classifyOracle(new Error('read ECONNRESET'))).toBe('transient');
  });

  it('never lets the password out: driver errors, connect errors and config errors are redacted', async () => {
    const f = fake(() => {
      throw Object.assign(new Error(`ORA-00942: table or view "${CANARY}"."T" does not exist`), {
        errorNum: 942,
        code: 'ORA-00942',
      });
    });
    const c = await open(f.driver);
    const e = (await c.execute(`SELECT * FROM "${CANARY}".t`).catch((x: unknown) => x)) as ConnectorError;
    expect(e.errorClass).toBe('permanent');
    expect(e.details.code).toBe('ORA-00942');
    expect(JSON.stringify({ m: e.message, d: e.details, s: String(e) })).not.toContain(CANARY);
    expect(e.message).toMatch(/\[redacted\]/);

    const failing: OracleDriver = {
      getConnection: async () => {
        throw Object.assign(new Error(`ORA-01017: invalid username/password; logon denied (${CANARY})`), {
          errorNum: 1017,
        });
      },
    };
    const c2 = await open(failing);
    const e2 = (await c2.execute('SELECT 1 FROM DUAL').catch((x: unknown) => x)) as ConnectorError;
    expect(e2.message).not.toContain(CANARY);
    expect(e2.message).toMatch(/check the connection’s user and password/);
    await expect(
      openOracle({ connectString: '', user: 'u', password: CANARY, driver: failing }),
    ).rejects.toSatisfy((x: unknown) => x instanceof ConnectorError && !x.message.includes(CANARY));
  });

  it('estimate: EXPLAIN PLAN, then the root row of PLAN_TABLE', async () => {
    const f = fake((sql) => (sql.startsWith('SELECT cost') ? { rows: [[12, 3400, 68000]] } : {}));
    const c = await open(f.driver);
    const est = await c.estimate('SELECT * FROM t');
    const sqls = userSql(f.calls).map((x) => x.sql);
    expect(sqls[0]).toMatch(/^EXPLAIN PLAN SET STATEMENT_ID = 'ef[0-9a-z]+' FOR SELECT \* FROM t$/);
    expect(sqls[1]).toBe(
      'SELECT cost, cardinality, bytes FROM plan_table WHERE statement_id = :p1 AND id = 0',
    );
    expect(sqls[2]).toBe('DELETE FROM plan_table WHERE statement_id = :p1');
    expect(est).toMatchObject({ rows: 3400, cost: 12 });
    expect(est.summary).toMatch(/about 3400 rows, cost 12, 68000 bytes/);
  });

  it('introspects ALL_TAB_COLUMNS and ALL_TABLES/ALL_VIEWS with portable types', async () => {
    const f = fake((sql) => {
      if (sql.includes('all_tab_columns'))
        return {
          metaData: meta(
            ['COLUMN_NAME', 'VARCHAR2'],
            ['DATA_TYPE', 'VARCHAR2'],
            ['DATA_PRECISION', 'NUMBER'],
            ['DATA_SCALE', 'NUMBER'],
          ),
          rows: [
            ['ID', 'NUMBER', '19', '0'],
            ['AMOUNT', 'NUMBER', '12', '2'],
            ['PAID', 'NUMBER', '1', '0'],
            ['NAME', 'VARCHAR2', null, null],
            ['AT', 'TIMESTAMP(6)', null, '6'],
            ['GEOM', 'SDO_GEOMETRY', null, null],
          ],
        };
      return {
        metaData: meta(['OWNER', 'VARCHAR2'], ['TABLE_NAME', 'VARCHAR2'], ['KIND', 'CHAR']),
        rows: [
          ['ANALYTICS', 'ORDERS', 'table'],
          ['ANALYTICS', 'V', 'view'],
        ],
      };
    });
    const c = await open(f.driver);
    const t = await c.describeTable(['ANALYTICS', 'ORDERS']);
    expect(
      t?.columns.map((x) => [
        x.name,
        x.type.kind === 'decimal' ? `decimal(${x.type.precision},${x.type.scale})` : x.type.kind,
      ]),
    ).toEqual([
      ['ID', 'bigint'],
      ['AMOUNT', 'decimal(12,2)'],
      ['PAID', 'bool'],
      ['NAME', 'string'],
      ['AT', 'timestamp'],
      ['GEOM', 'geography'],
    ]);
    const call = userSql(f.calls).find((x) => x.sql.includes('all_tab_columns'))!;
    expect(call.binds).toEqual({ p1: 'ORDERS', p2: 'ANALYTICS' });
    expect(await c.listTables({ schema: 'ANALYTICS' })).toEqual([
      { parts: ['ANALYTICS', 'ORDERS'], kind: 'table' },
      { parts: ['ANALYTICS', 'V'], kind: 'view' },
    ]);
    expect(oracleNativeToPortable('DATE').kind).toBe('timestamp');
    expect(oracleNativeToPortable('TIMESTAMP(6) WITH TIME ZONE').kind).toBe('timestamptz');
    expect(oracleNativeToPortable('BINARY_DOUBLE').kind).toBe('double');
  });

  it('reads SDO_GEOMETRY objects as WKT (rows carry geography as WKT)', () => {
    const collection = (values: number[]) => ({ getValues: () => values });
    expect(sdoToWkt({ SDO_GTYPE: 2001, SDO_SRID: 4326, SDO_POINT: { X: -3.7, Y: 40.4, Z: null } })).toBe(
      'POINT(-3.7 40.4)',
    );
    expect(
      sdoToWkt({
        SDO_GTYPE: 2002,
        SDO_ELEM_INFO: collection([1, 2, 1]),
        SDO_ORDINATES: collection([0, 0, 1, 1, 2, 0]),
      }),
    ).toBe('LINESTRING(0 0, 1 1, 2 0)');
    expect(
      sdoToWkt({
        SDO_GTYPE: 2003,
        SDO_ELEM_INFO: [1, 1003, 1, 11, 2003, 1],
        SDO_ORDINATES: [0, 0, 4, 0, 4, 4, 0, 4, 0, 0, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1],
      }),
    ).toBe('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))');
    expect(
      sdoToWkt({
        SDO_GTYPE: 2007,
        SDO_ELEM_INFO: [1, 1003, 3, 5, 1003, 3],
        SDO_ORDINATES: [0, 0, 1, 1, 5, 5, 6, 6],
      }),
    ).toBe('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))');
    // Arcs and 3D shapes are not converted: the caller keeps the object.
    expect(
      sdoToWkt({ SDO_GTYPE: 2002, SDO_ELEM_INFO: [1, 2, 2], SDO_ORDINATES: [0, 0, 1, 1, 2, 0] }),
    ).toBeUndefined();
    expect(sdoToWkt({ SDO_GTYPE: 3001, SDO_POINT: { X: 1, Y: 2, Z: 3 } })).toBeUndefined();
  });
});
