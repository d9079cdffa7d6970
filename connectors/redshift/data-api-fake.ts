/**
 * Test-only: a local fake of the Redshift Data API (the JSON 1.1 protocol, `X-Amz-Target:
 * RedshiftData.<Operation>`), executing on a PostgreSQL database behind it, so the real
 * @aws-sdk/client-redshift-data client can be pointed at it (endpoint http://127.0.0.1:<port>,
 * static credentials) and nothing reaches AWS.
 *
 * It speaks what the connector uses, as the API reference describes it
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/): ExecuteStatement (a target —
 * WorkgroupName or ClusterIdentifier, with Database — or a SessionId, never both; `:name`
 * parameters with text values; SessionKeepAliveSeconds opens a session on its own connection),
 * DescribeStatement (SUBMITTED → STARTED → FINISHED | FAILED | ABORTED, `Error` as "ERROR: …"),
 * GetStatementResult (Records of typed fields: longValue, doubleValue, booleanValue, stringValue,
 * isNull; ColumnMetadata with pg_type names; NextToken pages) and CancelStatement (cancels the
 * backend running it). Errors are HTTP 400 with `__type` (ValidationException,
 * ResourceNotFoundException, ActiveStatementsExceededException).
 *
 * What it cannot show: Redshift's own SQL (this is PostgreSQL), the service's latency and limits,
 * IAM and Secrets Manager (the credentials are only recorded), and what the real service sends
 * for values this fake must guess (NaN is sent as stringValue here).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

interface Statement {
  Id: string;
  Status: 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';
  QueryString: string;
  StatementName?: string;
  SessionId?: string;
  Error?: string;
  HasResultSet: boolean;
  ResultRows: number;
  pid?: number;
  cancelRequested?: boolean;
  fields?: pg.FieldDef[];
  rows?: unknown[][];
  done: Promise<void>;
}

interface Session {
  id: string;
  client: pg.PoolClient;
  busy: boolean;
  keepAliveSeconds: number;
  timer?: NodeJS.Timeout;
}

export interface DataApiRequest {
  target: string;
  body: Record<string, unknown>;
  /** The access key id the SigV4 Authorization header names (never the secret: it is not sent). */
  accessKeyId?: string;
}

export interface DataApiFake {
  endpoint: string;
  /** Every request, in order. */
  requests: DataApiRequest[];
  /** Ids of statements a CancelStatement reached while they ran. */
  cancelled: Set<string>;
  statements: Map<string, Statement>;
  /** Rows per GetStatementResult page (default 1,000). */
  pageSize: number;
  /** The next ExecuteStatement calls answer this error instead (throttling, outages). */
  failNext(type: string, message: string, status?: number): void;
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
};

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startDataApiFake(pgUrl: string): Promise<DataApiFake> {
  // Every value as PostgreSQL's text: the fake types it the way the Data API does.
  const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
  // Sessions hold a connection each until they expire, as they hold one in Redshift.
  const pool = new pg.Pool({ connectionString: pgUrl, max: 40, types: raw, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  const statements = new Map<string, Statement>();
  const sessions = new Map<string, Session>();
  const requests: DataApiRequest[] = [];
  const cancelled = new Set<string>();
  const failures: ApiError[] = [];
  const fake = { pageSize: 1_000 };

  function touch(s: Session) {
    clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      sessions.delete(s.id);
      s.client
        .query('ROLLBACK')
        .catch(() => undefined)
        .finally(() => s.client.release());
    }, s.keepAliveSeconds * 1000);
    s.timer.unref();
  }

  async function executeStatement(b: Record<string, unknown>) {
    const failure = failures.shift();
    if (failure) throw failure;
    const sql = b['Sql'];
    if (typeof sql !== 'string' || !sql.trim()) throw new ApiError('ValidationException', 'Sql is required');
    const sessionId = b['SessionId'] as string | undefined;
    const targetKeys = ['WorkgroupName', 'ClusterIdentifier', 'Database', 'DbUser', 'SecretArn'].filter(
      (k) => b[k] !== undefined,
    );
    let session: Session | undefined;
    if (sessionId) {
      if (targetKeys.length)
        throw new ApiError('ValidationException', `SessionId cannot be given with ${targetKeys.join(', ')}`);
      session = sessions.get(sessionId);
      if (!session) throw new ApiError('ValidationException', `Session ${sessionId} is not available`);
      if (session.busy)
        throw new ApiError('ActiveStatementsExceededException', 'the session is running another statement');
    } else {
      if (!b['Database']) throw new ApiError('ValidationException', 'Database is required');
      if (!b['WorkgroupName'] && !b['ClusterIdentifier'])
        throw new ApiError('ValidationException', 'either WorkgroupName or ClusterIdentifier is required');
      if (b['ClusterIdentifier'] && !b['DbUser'] && !b['SecretArn'])
        throw new ApiError('ValidationException', 'DbUser or SecretArn is required with ClusterIdentifier');
    }
    // `:name` parameters become `$n` for PostgreSQL (outside quotes), with their text values.
    const params = (b['Parameters'] as Array<{ name: string; value: string }> | undefined) ?? [];
    const values: string[] = [];
    const text = sql.replace(
      /('(?:[^'\\]|\\.|'')*'|"(?:[^"]|"")*")|:([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, quoted: string | undefined, name: string | undefined) => {
        if (quoted || !name) return m;
        const p = params.find((x) => x.name === name);
        if (!p) throw new ApiError('ValidationException', `no value for parameter :${name}`);
        values.push(p.value);
        return `$${values.length}`;
      },
    );
    const keep = b['SessionKeepAliveSeconds'] as number | undefined;
    if (!session && keep) {
      session = { id: randomUUID(), client: await pool.connect(), busy: false, keepAliveSeconds: keep };
      session.client.on('error', () => undefined);
      sessions.set(session.id, session);
    }
    const st: Statement = {
      Id: randomUUID(),
      Status: 'SUBMITTED',
      QueryString: sql,
      ...(typeof b['StatementName'] === 'string' ? { StatementName: b['StatementName'] } : {}),
      ...(session ? { SessionId: session.id } : {}),
      HasResultSet: false,
      ResultRows: -1,
      done: Promise.resolve(),
    };
    statements.set(st.Id, st);
    st.done = run(st, text, values, session);
    return {
      Id: st.Id,
      CreatedAt: Date.now() / 1000,
      Database: b['Database'],
      ...(session ? { SessionId: session.id } : {}),
    };
  }

  async function run(st: Statement, text: string, values: string[], session: Session | undefined) {
    if (session) {
      session.busy = true;
      clearTimeout(session.timer);
    }
    const client = session?.client ?? (await pool.connect());
    if (!session) client.on('error', () => undefined);
    try {
      st.pid = (client as unknown as { processID: number }).processID;
      st.Status = 'STARTED';
      if (st.cancelRequested)
        throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
      const r = await client.query({ text, values, rowMode: 'array' });
      const last = Array.isArray(r) ? (r[r.length - 1] as pg.QueryResult) : r;
      st.fields = last.fields;
      st.rows = last.rows as unknown[][];
      st.HasResultSet = last.fields.length > 0;
      st.ResultRows = st.HasResultSet ? last.rows.length : (last.rowCount ?? 0);
      st.Status = 'FINISHED';
    } catch (e) {
      const err = e as { code?: string; message?: string };
      st.Status = err.code === '57014' && st.cancelRequested ? 'ABORTED' : 'FAILED';
      st.Error = `ERROR: ${err.message ?? 'failed'}`;
    } finally {
      if (session) {
        session.busy = false;
        touch(session);
      } else client.release();
    }
  }

  function describe(b: Record<string, unknown>) {
    const st = statements.get(String(b['Id']));
    if (!st) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${String(b['Id'])}`);
    return {
      Id: st.Id,
      Status: st.Status,
      QueryString: st.QueryString,
      HasResultSet: st.HasResultSet,
      ResultRows: st.ResultRows,
      ...(st.Error ? { Error: st.Error } : {}),
      ...(st.SessionId ? { SessionId: st.SessionId } : {}),
      ...(st.StatementName ? { StatementName: st.StatementName } : {}),
    };
  }

  /** The result page as JSON text: int8 as raw digits, as the service writes a long. */
  function resultPage(b: Record<string, unknown>): string {
    const st = statements.get(String(b['Id']));
    if (!st) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${String(b['Id'])}`);
    if (st.Status !== 'FINISHED' || !st.HasResultSet)
      throw new ApiError(
        'ValidationException',
        `Query does not have result. Please check query status with DescribeStatement.`,
      );
    const from = b['NextToken'] ? Number(b['NextToken']) : 0;
    const rows = st.rows!.slice(from, from + fake.pageSize);
    const types = st.fields!.map((f) => TYPE_NAMES[f.dataTypeID] ?? 'varchar');
    const field = (v: unknown, type: string): string => {
      if (v === null || v === undefined) return '{"isNull":true}';
      const s = String(v);
      switch (type) {
        case 'bool':
          return `{"booleanValue":${s === 't' || s === 'true'}}`;
        case 'int2':
        case 'int4':
        case 'int8':
          return `{"longValue":${s}}`;
        case 'float4':
        case 'float8':
          return /^-?(\d|\.)/.test(s) && Number.isFinite(Number(s))
            ? `{"doubleValue":${Number(s)}}`
            : `{"stringValue":${JSON.stringify(s)}}`;
        default:
          return `{"stringValue":${JSON.stringify(s)}}`;
      }
    };
    const records = rows.map((r) => `[${r.map((v, i) => field(v, types[i]!)).join(',')}]`).join(',');
    const columns = st.fields!.map((f, i) => {
      const numeric = types[i] === 'numeric' && f.dataTypeModifier >= 4;
      const m = f.dataTypeModifier - 4;
      return {
        name: f.name,
        label: f.name,
        typeName: types[i],
        ...(numeric ? { precision: (m >> 16) & 0xffff, scale: m & 0xffff } : {}),
        nullable: 1,
      };
    });
    const next = from + fake.pageSize < st.rows!.length ? String(from + fake.pageSize) : undefined;
    return `{"Records":[${records}],"ColumnMetadata":${JSON.stringify(columns)},"TotalNumRows":${st.rows!.length}${next ? `,"NextToken":"${next}"` : ''}}`;
  }

  async function cancel(b: Record<string, unknown>) {
    const st = statements.get(String(b['Id']));
    if (!st) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${String(b['Id'])}`);
    if (st.Status === 'FINISHED' || st.Status === 'FAILED' || st.Status === 'ABORTED')
      throw new ApiError(
        'ValidationException',
        `Could not cancel a query that is already in ${st.Status} state`,
      );
    st.cancelRequested = true;
    cancelled.add(st.Id);
    // A cancel that reached the backend between two statements is dropped: repeated until it ends.
    void (async () => {
      for (let i = 0; i < 50 && (st.Status === 'SUBMITTED' || st.Status === 'STARTED'); i++) {
        if (st.pid !== undefined)
          await pool.query('SELECT pg_cancel_backend($1)', [st.pid]).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return { Status: true };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.replace(/^RedshiftData\./, '');
      const auth = String(req.headers['authorization'] ?? '');
      const accessKeyId = /Credential=([^/]+)\//.exec(auth)?.[1];
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      requests.push({ target: op, body, ...(accessKeyId ? { accessKeyId } : {}) });
      const answer = async (): Promise<string> => {
        if (!accessKeyId)
          throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
        switch (op) {
          case 'ExecuteStatement':
            return JSON.stringify(await executeStatement(body));
          case 'DescribeStatement':
            return JSON.stringify(describe(body));
          case 'GetStatementResult':
            return resultPage(body);
          case 'CancelStatement':
            return JSON.stringify(await cancel(body));
          default:
            throw new ApiError('UnknownOperationException', `the fake does not speak ${op}`);
        }
      };
      answer().then(
        (text) => {
          res.writeHead(200, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': randomUUID(),
          });
          res.end(text);
        },
        (e: unknown) => {
          const err =
            e instanceof ApiError
              ? e
              : new ApiError('InternalServerException', String((e as Error).message), 500);
          res.writeHead(err.status, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-errortype': err.type,
            'x-amzn-requestid': randomUUID(),
          });
          res.end(JSON.stringify({ __type: err.type, message: err.message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    cancelled,
    statements,
    get pageSize() {
      return fake.pageSize;
    },
    set pageSize(n: number) {
      fake.pageSize = n;
    },
    failNext(type, message, status = 400) {
      failures.push(new ApiError(type, message, status));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...statements.values()].map((s) => s.done));
      for (const s of sessions.values()) {
        clearTimeout(s.timer);
        await s.client.query('ROLLBACK').catch(() => undefined);
        s.client.release();
      }
      sessions.clear();
      await pool.end();
    },
  };
}
