/**
 * A small local Snowflake for tests (never for production, never exported from index.ts): a
 * node:http server on 127.0.0.1 that speaks the REST protocol snowflake-sdk 3.x uses, so the real
 * client library runs against it unchanged. The paths and fields follow the SDK's own code
 * (dist/lib/services/sf.js, connection/statement.js, connection/connection.js):
 *
 *   POST /session/v1/login-request   password or key-pair (a JWT the fake verifies with the
 *                                    registered public key, as Snowflake does with RSA_PUBLIC_KEY)
 *   POST /queries/v1/query-request   sqlText, bindings, parameters, asyncExec, describeOnly
 *   GET  /queries/:id/result         the result, its error, or 333333 while running
 *   GET  /monitoring/queries/:id     RUNNING / SUCCESS / FAILED_WITH_ERROR / ABORTED
 *   POST /queries/:id/abort-request  and /queries/v1/abort-request {requestId}
 *   GET  /chunks/:id/:n              result chunks (gzip), as the large-result-set service fetches them
 *   POST /telemetry/send, /session/heartbeat, /session/token-request, /session?delete=true
 *
 * Statements are scripted by the test (SQL text or pattern → columns, rows, run time, error); the
 * fake records every request so tests can assert what the connector sent. Request bodies arrive
 * gzip-compressed or plain (the SDK compresses asynchronously and races its own request), so the
 * fake looks at the bytes, not at Content-Encoding.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** A column as Snowflake's `rowtype` describes it (`type` is the wire name: fixed, real, text…). */
export interface FakeColumn {
  name: string;
  type: string;
  precision?: number | null;
  scale?: number | null;
  nullable?: boolean;
}

/**
 * Values travel as strings (numbers, epoch seconds, days since epoch, hex for BINARY) or null.
 * GEOGRAPHY / GEOMETRY values are scripted as WKT and sent in the output format the statement or
 * session asks for (GeoJSON by default, as Snowflake does).
 */
export type WireValue = string | null;

export interface FakeError {
  code: string;
  sqlState: string;
  message: string;
  /** `compile`: returned by the query request itself (even async); `run`: after it ran. */
  phase?: 'compile' | 'run';
}

export interface FakeAnswer {
  columns?: FakeColumn[];
  rows?: WireValue[][] | { count: number; row: (index: number) => WireValue[] };
  /** How long the statement runs; Infinity runs until cancelled or timed out. */
  runMs?: number;
  error?: FakeError;
  /** Snowflake's statement type id (0x1000 SELECT, 0x3100 INSERT… 0x6000 DDL); guessed when absent. */
  statementTypeId?: number;
}

export interface FakeQueryRequest {
  sqlText: string;
  bindings?: Record<string, { type: string; value: unknown }>;
  parameters?: Record<string, unknown>;
  asyncExec?: boolean;
  describeOnly?: boolean;
  requestId?: string;
  sessionId: number;
  /** The query id the fake gave it (absent for compile errors of describe-only requests). */
  queryId?: string;
}

export interface FakeLogin {
  user: string;
  authenticator: string;
  account: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  role?: string;
  application?: string;
  ok: boolean;
}

export interface FakeUser {
  password?: string;
  /** SPKI PEM of the key registered on the user (ALTER USER … SET RSA_PUBLIC_KEY). */
  publicKeyPem?: string;
}

export interface FakeSnowflakeOptions {
  account: string;
  users: Record<string, FakeUser>;
  /** Echo the password and SQL text in error messages, like a careless server or proxy would. */
  echoSecretsInErrors?: boolean;
  /** Rows sent inline with the first response; the rest go in chunks of `chunkRows`. */
  inlineRows?: number;
  chunkRows?: number;
  /** How long a result request waits for a running statement before answering 333333. */
  holdMs?: number;
}

type Responder = FakeAnswer | ((req: FakeQueryRequest) => FakeAnswer | undefined);
type Status = 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR' | 'ABORTED';

interface FakeQuery {
  id: string;
  requestId?: string;
  req: FakeQueryRequest;
  answer: FakeAnswer;
  status: Status;
  startedAt: number;
  endsAt: number;
  timeoutSec: number;
  error?: FakeError;
  columns: FakeColumn[];
  rows: WireValue[][];
}

interface Session {
  id: number;
  token: string;
  masterToken: string;
  user: string;
  params: Record<string, string>;
  closed: boolean;
}

const SESSION_PARAMETERS = [
  { name: 'TIMEZONE', value: 'America/Los_Angeles' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
];

export class FakeSnowflake {
  url = '';
  /** Every HTTP request, in order. */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string> }> = [];
  readonly logins: FakeLogin[] = [];
  /** Every query request (including describe-only ones and the connector's own statements). */
  readonly statements: FakeQueryRequest[] = [];
  /** Cancellations that reached the fake, and by which path. */
  readonly cancels: Array<{ queryId: string; via: 'SYSTEM$CANCEL_QUERY' | 'abort-request' }> = [];
  /** Telemetry events the driver sent (their JSON bodies). */
  readonly telemetry: unknown[] = [];
  readonly closedSessions: number[] = [];
  /** Answer SYSTEM$CANCEL_QUERY with an access-control error (a role that may not cancel). */
  refuseCancels = false;

  private readonly server: http.Server;
  private readonly scripts: Array<{ match: (sql: string) => boolean; answer: Responder }> = [];
  private readonly queries = new Map<string, FakeQuery>();
  private readonly sessions = new Map<string, Session>();
  private readonly faults: Array<{
    match: (method: string, path: string) => boolean;
    status: number;
    left: number;
  }> = [];
  private nextSessionId = 1000;

  constructor(readonly opts: FakeSnowflakeOptions) {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, { success: false, message: `fake-snowflake: ${String(e)}` });
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers statements whose text equals `match` (whitespace-insensitive) or matches the pattern. */
  script(match: string | RegExp | ((sql: string) => boolean), answer: Responder): this {
    const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
    const fn =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (sql: string) => norm(sql) === norm(match)
          : (sql: string) => match.test(sql);
    this.scripts.unshift({ match: fn, answer });
    return this;
  }

  /** The next `times` requests whose path starts with `pathPrefix` fail with an HTTP status. */
  failNext(pathPrefix: string, status: number, times = 1, method?: string): this {
    this.faults.push({
      match: (m, p) => p.startsWith(pathPrefix) && (method === undefined || m === method),
      status,
      left: times,
    });
    return this;
  }

  /** The status a query has now (undefined for an unknown id). */
  statusOf(queryId: string): Status | undefined {
    const q = this.queries.get(queryId);
    if (q) this.refresh(q);
    return q?.status;
  }

  /** Session parameters set with ALTER SESSION on a session (by session id). */
  sessionParams(sessionId: number): Record<string, string> | undefined {
    for (const s of this.sessions.values()) if (s.id === sessionId) return { ...s.params };
    return undefined;
  }

  /** Ends every session, as Snowflake does when a session expires or is killed. */
  dropSessions(): void {
    for (const s of this.sessions.values()) s.closed = true;
  }

  /** Statements that were executed (everything but describe-only requests). */
  executed(): FakeQueryRequest[] {
    return this.statements.filter((s) => !s.describeOnly);
  }

  // ------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = u.pathname;
    const query = Object.fromEntries(u.searchParams);
    this.requests.push({ method, path, query });
    const body = await readBody(req);

    const fault = this.faults.find((f) => f.left > 0 && f.match(method, path));
    if (fault) {
      fault.left--;
      res.writeHead(fault.status, { 'Content-Type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
      return;
    }

    if (method === 'POST' && path === '/session/v1/login-request') return this.login(res, body, query);
    if (method === 'GET' && path.startsWith('/chunks/')) return this.chunk(res, path);

    const session = this.sessionOf(req);
    if (!session) {
      // What Snowflake answers for a missing or unknown session token.
      return send(res, 200, {
        success: false,
        code: '390104',
        message: 'Session no longer exists.',
        data: null,
      });
    }
    if (method === 'POST' && path === '/telemetry/send') {
      this.telemetry.push(body);
      return send(res, 200, { success: true, data: null, message: null, code: null });
    }
    if (method === 'POST' && path === '/session/heartbeat') return send(res, 200, { success: true });
    if (method === 'POST' && path === '/session/token-request') {
      return send(res, 200, {
        success: true,
        data: { sessionToken: session.token, validityInSecondsST: 3600, masterToken: session.masterToken },
      });
    }
    if (method === 'POST' && path === '/session' && query['delete'] === 'true') {
      session.closed = true;
      this.closedSessions.push(session.id);
      return send(res, 200, { success: true, data: null, code: null, message: null });
    }
    if (method === 'POST' && path === '/queries/v1/query-request') {
      return this.queryRequest(res, session, body as Record<string, unknown>, query['requestId']);
    }
    if (method === 'POST' && path === '/queries/v1/abort-request') {
      const requestId = (body as { requestId?: string }).requestId;
      const q = [...this.queries.values()].find((x) => x.requestId === requestId);
      if (q) this.abort(q, 'abort-request');
      return send(res, 200, { success: true, data: null, code: null, message: null });
    }
    let m = /^\/queries\/([^/]+)\/abort-request$/.exec(path);
    if (m && method === 'POST') {
      const q = this.queries.get(m[1]!);
      if (q) this.abort(q, 'abort-request');
      return send(res, 200, { success: true, data: null, code: null, message: null });
    }
    m = /^\/queries\/([^/]+)\/result$/.exec(path);
    if (m && method === 'GET') return this.result(res, m[1]!);
    m = /^\/monitoring\/queries\/([^/]+)$/.exec(path);
    if (m && method === 'GET') return this.monitoring(res, m[1]!);
    send(res, 404, { success: false, code: '404', message: `fake-snowflake: no route ${method} ${path}` });
  }

  private login(res: http.ServerResponse, body: unknown, query: Record<string, string>): void {
    const data = ((body as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
    const userName = String(data['LOGIN_NAME'] ?? '');
    const authenticator = String(data['AUTHENTICATOR'] ?? 'SNOWFLAKE');
    const account = String(data['ACCOUNT_NAME'] ?? '');
    const env = (data['CLIENT_ENVIRONMENT'] ?? {}) as Record<string, unknown>;
    const record: FakeLogin = {
      user: userName,
      authenticator,
      account,
      ok: false,
      ...(query['warehouse'] ? { warehouse: query['warehouse'] } : {}),
      ...(query['databaseName'] ? { database: query['databaseName'] } : {}),
      ...(query['schemaName'] ? { schema: query['schemaName'] } : {}),
      ...(query['roleName'] ? { role: query['roleName'] } : {}),
      ...(typeof env['APPLICATION'] === 'string' ? { application: env['APPLICATION'] } : {}),
    };
    this.logins.push(record);
    const user = this.opts.users[userName.toUpperCase()] ?? this.opts.users[userName];
    let failure: { code: string; message: string } | undefined;
    if (!user || account.toUpperCase() !== this.opts.account.toUpperCase()) {
      failure = { code: '390100', message: 'Incorrect username or password was specified.' };
    } else if (authenticator === 'SNOWFLAKE_JWT') {
      if (
        !user.publicKeyPem ||
        !verifyJwt(String(data['TOKEN'] ?? ''), user.publicKeyPem, account, userName)
      ) {
        failure = { code: '390144', message: 'JWT token is invalid.' };
      }
    } else if (user.password === undefined || data['PASSWORD'] !== user.password) {
      failure = { code: '390100', message: 'Incorrect username or password was specified.' };
      if (this.opts.echoSecretsInErrors)
        failure.message += ` (received password '${String(data['PASSWORD'])}')`;
    }
    if (failure) {
      return send(res, 200, {
        success: false,
        code: failure.code,
        message: failure.message,
        data: { nextAction: null },
      });
    }
    record.ok = true;
    const session: Session = {
      id: this.nextSessionId++,
      token: `session-${randomUUID()}`,
      masterToken: `master-${randomUUID()}`,
      user: userName,
      params: {},
      closed: false,
    };
    this.sessions.set(session.token, session);
    send(res, 200, {
      success: true,
      code: null,
      message: null,
      data: {
        token: session.token,
        masterToken: session.masterToken,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        sessionId: session.id,
        displayUserName: userName,
        serverVersion: '9.0.0',
        parameters: SESSION_PARAMETERS,
        sessionInfo: {
          databaseName: query['databaseName'] ?? null,
          schemaName: query['schemaName'] ?? null,
          warehouseName: query['warehouse'] ?? null,
          roleName: query['roleName'] ?? 'PUBLIC',
        },
      },
    });
  }

  private sessionOf(req: http.IncomingMessage): Session | undefined {
    const m = /Snowflake Token="([^"]+)"/.exec(String(req.headers['authorization'] ?? ''));
    const s = m ? this.sessions.get(m[1]!) : undefined;
    return s && !s.closed ? s : undefined;
  }

  private async queryRequest(
    res: http.ServerResponse,
    session: Session,
    body: Record<string, unknown>,
    requestId: string | undefined,
  ): Promise<void> {
    const req: FakeQueryRequest = {
      sqlText: String(body['sqlText'] ?? ''),
      sessionId: session.id,
      ...(body['bindings'] ? { bindings: body['bindings'] as FakeQueryRequest['bindings'] } : {}),
      ...(body['parameters'] ? { parameters: body['parameters'] as Record<string, unknown> } : {}),
      ...(body['asyncExec'] !== undefined ? { asyncExec: Boolean(body['asyncExec']) } : {}),
      ...(body['describeOnly'] !== undefined ? { describeOnly: Boolean(body['describeOnly']) } : {}),
      ...(requestId ? { requestId } : {}),
    };
    this.statements.push(req);
    const answer = this.answer(req, session);
    if (answer.error && (answer.error.phase ?? 'compile') === 'compile') {
      return send(res, 200, this.errorBody(answer.error, req.sqlText, undefined));
    }
    const columns = answer.columns ?? [{ name: 'status', type: 'text' }];
    if (req.describeOnly) {
      return send(res, 200, {
        success: true,
        code: null,
        message: null,
        data: {
          parameters: SESSION_PARAMETERS,
          rowtype: columns.map(rowtypeOf),
          rowset: [],
          total: 0,
          returned: 0,
          queryResultFormat: 'json',
          statementTypeId: answer.statementTypeId ?? statementTypeOf(req.sqlText),
          version: 1,
        },
      });
    }
    const timeoutParam =
      req.parameters?.['STATEMENT_TIMEOUT_IN_SECONDS'] ?? session.params['STATEMENT_TIMEOUT_IN_SECONDS'] ?? 0;
    const now = Date.now();
    const q: FakeQuery = {
      id: randomUUID(),
      req,
      answer,
      status: 'RUNNING',
      startedAt: now,
      endsAt: now + (answer.runMs ?? 0),
      timeoutSec: Number(timeoutParam),
      columns,
      rows: spatialAsAsked(materialize(answer.rows), columns, (name) =>
        String(req.parameters?.[name] ?? session.params[name] ?? 'GeoJSON'),
      ),
      ...(requestId ? { requestId } : {}),
    };
    req.queryId = q.id;
    this.queries.set(q.id, q);
    if (req.asyncExec) {
      return send(res, 200, {
        success: true,
        code: '333334',
        message:
          'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
        data: { queryId: q.id, getResultUrl: `/queries/${q.id}/result` },
      });
    }
    await this.answerResult(res, q);
  }

  /** What a statement does: the connector's housekeeping, a subquery wrapper, or the test's script. */
  private answer(req: FakeQueryRequest, session: Session): FakeAnswer {
    const sql = req.sqlText.trim();
    const alter = /^ALTER\s+SESSION\s+SET\s+([\s\S]+?);?$/i.exec(sql);
    if (alter) {
      for (const [, k, v] of alter[1]!.matchAll(/(\w+)\s*=\s*('(?:[^']|'')*'|[^\s,]+)/g)) {
        session.params[k!.toUpperCase()] = v!.replace(/^'|'$/g, '');
      }
      return { columns: [{ name: 'status', type: 'text' }], rows: [['Statement executed successfully.']] };
    }
    const cancel = /^SELECT\s+SYSTEM\$CANCEL_QUERY\('([^']*)'\)/i.exec(sql);
    if (cancel && this.refuseCancels) {
      return {
        error: {
          code: '003001',
          sqlState: '42501',
          message: 'SQL access control error:\nInsufficient privileges to operate on query',
        },
      };
    }
    if (cancel) {
      const q = this.queries.get(cancel[1]!);
      if (q) this.refresh(q);
      const running = q?.status === 'RUNNING';
      if (q && running) this.abort(q, 'SYSTEM$CANCEL_QUERY');
      const text = running
        ? `query [${cancel[1]}] terminated.`
        : 'Identified SQL statement is not currently executing.';
      return { columns: [{ name: `SYSTEM$CANCEL_QUERY('${cancel[1]}')`, type: 'text' }], rows: [[text]] };
    }
    // `SELECT * FROM (<statement>)` compiles only when the statement is a query: Snowflake's grammar
    // accepts nothing else as a subquery (the connector's read-only check relies on this).
    const wrapped = /^SELECT \* FROM \(\n([\s\S]*)\n\)$/.exec(sql);
    if (wrapped) {
      const inner = wrapped[1]!;
      const keyword = firstKeyword(inner);
      const unexpected = !['SELECT', 'WITH', 'VALUES', '('].includes(keyword)
        ? keyword
        : /;\s*\S/.test(inner.replace(/'(?:[^']|'')*'/g, "''"))
          ? ';'
          : undefined;
      if (unexpected) {
        return {
          error: {
            code: '001003',
            sqlState: '42000',
            message: `SQL compilation error:\nsyntax error line 2 at position 0 unexpected '${unexpected}'.`,
          },
        };
      }
      const innerAnswer = this.scripted({ ...req, sqlText: inner });
      if (innerAnswer?.error?.phase !== 'run' && innerAnswer?.error) return innerAnswer;
      return { ...(innerAnswer ?? {}), statementTypeId: 0x1000 };
    }
    return (
      this.scripted(req) ?? {
        error: {
          code: '002003',
          sqlState: '42S02',
          message: `SQL compilation error:\nfake-snowflake has no script for this statement: ${sql.slice(0, 200)}`,
        },
      }
    );
  }

  private scripted(req: FakeQueryRequest): FakeAnswer | undefined {
    for (const s of this.scripts) {
      if (!s.match(req.sqlText)) continue;
      const a = typeof s.answer === 'function' ? s.answer(req) : s.answer;
      if (a) return a;
    }
    return undefined;
  }

  private refresh(q: FakeQuery): void {
    if (q.status !== 'RUNNING') return;
    const now = Date.now();
    if (q.timeoutSec > 0 && now - q.startedAt >= q.timeoutSec * 1000 && now < q.endsAt) {
      q.status = 'FAILED_WITH_ERROR';
      q.error = {
        code: '000630',
        sqlState: '57014',
        message: `Statement reached its statement or warehouse timeout of ${q.timeoutSec} second(s) and was canceled.`,
      };
    } else if (now >= q.endsAt) {
      if (q.answer.error) {
        q.status = 'FAILED_WITH_ERROR';
        q.error = q.answer.error;
      } else q.status = 'SUCCESS';
    }
  }

  private abort(q: FakeQuery, via: 'SYSTEM$CANCEL_QUERY' | 'abort-request'): void {
    this.cancels.push({ queryId: q.id, via });
    this.refresh(q);
    if (q.status !== 'RUNNING') return;
    q.status = 'ABORTED';
    q.error = { code: '000604', sqlState: '57014', message: 'SQL execution canceled' };
  }

  private async result(res: http.ServerResponse, id: string): Promise<void> {
    const q = this.queries.get(id);
    if (!q) {
      return send(res, 200, {
        success: false,
        code: '000709',
        message: `Statement ${id} not found`,
        data: { sqlState: '02000', queryId: id },
      });
    }
    await this.answerResult(res, q);
  }

  /** Waits up to holdMs for the statement, then answers its result, its error, or 333333. */
  private async answerResult(res: http.ServerResponse, q: FakeQuery): Promise<void> {
    const until = Date.now() + (this.opts.holdMs ?? 1000);
    this.refresh(q);
    while (q.status === 'RUNNING' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      this.refresh(q);
    }
    if (q.status === 'RUNNING') {
      return send(res, 200, {
        success: true,
        code: '333333',
        message: 'Query execution in progress',
        data: { queryId: q.id, getResultUrl: `/queries/${q.id}/result` },
      });
    }
    if (q.error) return send(res, 200, this.errorBody(q.error, q.req.sqlText, q.id));
    const inline = this.opts.inlineRows ?? 1000;
    const per = this.opts.chunkRows ?? 20_000;
    const chunks: Array<{ url: string; rowCount: number; uncompressedSize: number; compressedSize: number }> =
      [];
    for (let start = inline, n = 0; start < q.rows.length; start += per, n++) {
      const rowCount = Math.min(per, q.rows.length - start);
      chunks.push({
        url: `${this.url}/chunks/${q.id}/${n}`,
        rowCount,
        uncompressedSize: rowCount * 16,
        compressedSize: 0,
      });
    }
    send(res, 200, {
      success: true,
      code: null,
      message: null,
      data: {
        parameters: SESSION_PARAMETERS,
        rowtype: q.columns.map(rowtypeOf),
        rowset: q.rows.slice(0, inline),
        total: q.rows.length,
        returned: q.rows.length,
        queryId: q.id,
        queryResultFormat: 'json',
        statementTypeId: q.answer.statementTypeId ?? statementTypeOf(q.req.sqlText),
        version: 1,
        ...(chunks.length ? { chunks, chunkHeaders: { 'x-fake-chunk-key': 'fake' } } : {}),
      },
    });
  }

  private chunk(res: http.ServerResponse, path: string): void {
    const [, , id, n] = path.split('/');
    const q = this.queries.get(id ?? '');
    if (!q) {
      res.writeHead(404, { 'Content-Type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const inline = this.opts.inlineRows ?? 1000;
    const per = this.opts.chunkRows ?? 20_000;
    const start = inline + Number(n) * per;
    // A chunk is the rows of a JSON array without its brackets (the SDK adds them back).
    const text = JSON.stringify(q.rows.slice(start, start + per)).slice(1, -1);
    res.writeHead(200, { 'Content-Type': 'binary/octet-stream', 'Content-Encoding': 'gzip' });
    res.end(gzipSync(text));
  }

  private monitoring(res: http.ServerResponse, id: string): void {
    const q = this.queries.get(id);
    if (!q) return send(res, 200, { success: true, code: null, message: null, data: { queries: [] } });
    this.refresh(q);
    send(res, 200, {
      success: true,
      code: null,
      message: null,
      data: {
        queries: [
          {
            id: q.id,
            status: q.status,
            state: q.status === 'RUNNING' ? 'EXECUTING' : 'SUCCEEDED',
            sqlText: q.req.sqlText,
            startTime: q.startedAt,
            ...(q.error ? { errorCode: String(Number(q.error.code)), errorMessage: q.error.message } : {}),
          },
        ],
      },
    });
  }

  private errorBody(error: FakeError, sqlText: string, queryId: string | undefined): unknown {
    const message = this.opts.echoSecretsInErrors ? `${error.message}\nStatement: ${sqlText}` : error.message;
    return {
      success: false,
      code: error.code,
      message,
      data: {
        internalError: false,
        errorCode: error.code,
        sqlState: error.sqlState,
        age: 0,
        ...(queryId ? { queryId } : {}),
      },
    };
  }
}

function rowtypeOf(c: FakeColumn): Record<string, unknown> {
  const numeric = c.type === 'fixed';
  return {
    name: c.name,
    database: '',
    schema: '',
    table: '',
    type: c.type,
    precision: c.precision ?? (numeric ? 38 : null),
    scale: c.scale ?? (numeric ? 0 : c.type.startsWith('timestamp') ? 9 : null),
    nullable: c.nullable ?? true,
    byteLength: c.type === 'text' ? 16777216 : null,
    length: c.type === 'text' ? 16777216 : null,
    collation: null,
  };
}

/**
 * GEOGRAPHY and GEOMETRY values (scripted as WKT) in the output format the statement's or the
 * session's GEOGRAPHY_OUTPUT_FORMAT / GEOMETRY_OUTPUT_FORMAT asks for: GeoJSON (Snowflake's
 * default) or WKT; the fake speaks no other.
 */
function spatialAsAsked(
  rows: WireValue[][],
  columns: FakeColumn[],
  param: (name: string) => string,
): WireValue[][] {
  const formats = columns.map((c) =>
    c.type === 'geography' || c.type === 'geometry'
      ? param(`${c.type.toUpperCase()}_OUTPUT_FORMAT`).toUpperCase()
      : undefined,
  );
  if (formats.every((f) => f === undefined || f === 'WKT')) return rows;
  return rows.map((row) =>
    row.map((v, i) => {
      const format = formats[i];
      if (v === null || format === undefined || format === 'WKT') return v;
      if (format === 'GEOJSON') return wktToGeoJson(v);
      throw new Error(`fake-snowflake: no ${format} output for ${columns[i]!.type}`);
    }),
  );
}

const GEOJSON_TYPES: Record<string, string> = {
  POINT: 'Point',
  LINESTRING: 'LineString',
  POLYGON: 'Polygon',
  MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString',
  MULTIPOLYGON: 'MultiPolygon',
};

/** WKT (2D points, lines, polygons and their MULTI forms) as Snowflake writes GeoJSON. */
function wktToGeoJson(wkt: string): string {
  const m = /^\s*([A-Za-z]+)\s*(\(.*\))\s*$/s.exec(wkt);
  const type = m ? GEOJSON_TYPES[m[1]!.toUpperCase()] : undefined;
  if (!m || !type) throw new Error(`fake-snowflake: cannot write ${wkt} as GeoJSON`);
  const nested = JSON.parse(
    m[2]!
      .replace(/\(/g, '[')
      .replace(/\)/g, ']')
      .replace(/(-?[\d.]+(?:[eE][+-]?\d+)?)\s+(-?[\d.]+(?:[eE][+-]?\d+)?)/g, '[$1,$2]'),
  ) as unknown[];
  const coordinates =
    type === 'Point'
      ? nested[0]
      : type === 'MultiPoint'
        ? nested.map((p) => (Array.isArray((p as unknown[])[0]) ? (p as unknown[])[0] : p))
        : nested;
  return JSON.stringify({ coordinates, type });
}

function materialize(rows: FakeAnswer['rows']): WireValue[][] {
  if (!rows) return [];
  if (Array.isArray(rows)) return rows;
  return Array.from({ length: rows.count }, (_, i) => rows.row(i));
}

function firstKeyword(sql: string): string {
  const s = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '');
  if (s.startsWith('(')) return '(';
  return (/^[A-Za-z_]+/.exec(s)?.[0] ?? '').toUpperCase();
}

/** Snowflake's statement type ids, by the first keyword (enough for the fake). */
function statementTypeOf(sql: string): number {
  const k = firstKeyword(sql);
  const ids: Record<string, number> = {
    SELECT: 0x1000,
    WITH: 0x1000,
    VALUES: 0x1000,
    EXPLAIN: 0x1000,
    INSERT: 0x3100,
    UPDATE: 0x3200,
    DELETE: 0x3300,
    MERGE: 0x3400,
    ALTER: /^\s*ALTER\s+SESSION/i.test(sql) ? 0x4000 : 0x6000,
    USE: 0x4000,
    BEGIN: 0x5000,
    COMMIT: 0x5000,
    ROLLBACK: 0x5000,
  };
  return ids[k] ?? 0x6000;
}

/** Verifies the key-pair login JWT the SDK signs (RS256, iss = ACCOUNT.USER.SHA256:<fingerprint>). */
function verifyJwt(token: string, publicKeyPem: string, account: string, user: string): boolean {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return false;
  const key = createPublicKey(publicKeyPem);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const fingerprint =
    'SHA256:' +
    createHash('sha256')
      .update(key.export({ format: 'der', type: 'spki' }))
      .digest('base64');
  const subject = `${account.toUpperCase()}.${user.toUpperCase()}`;
  // The SDK writes iat/exp in milliseconds; accept either unit.
  const exp = Number(claims['exp']);
  const expMs = exp < 1e12 ? exp * 1000 : exp;
  return claims['sub'] === subject && claims['iss'] === `${subject}.${fingerprint}` && expMs > Date.now();
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  let buf = Buffer.concat(parts);
  if (buf.length === 0) return {};
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return {};
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
