/**
 * Test only (not exported by index.ts): a small local HTTP server speaking the Databricks SQL
 * Statement Execution API 2.0 to the real connector, scripted by the test, recording every request.
 *
 * It answers in the documented shapes (https://docs.databricks.com/api/workspace/statementexecution):
 * POST /api/2.0/sql/statements (honouring `wait_timeout` and `on_wait_timeout`, `row_limit`,
 * named `parameters`), GET /api/2.0/sql/statements/{id} (state PENDING → RUNNING → SUCCEEDED |
 * FAILED | CANCELED, with `status.error` {error_code, message}), GET …/result/chunks/{n} (INLINE
 * JSON_ARRAY chunks, `next_chunk_index`), POST …/{id}/cancel; refused requests as HTTP errors
 * with `{error_code, message}`; bearer-token authentication and the OAuth M2M token endpoint
 * (`/oidc/v1/token`, client credentials in Basic auth).
 *
 * Like Spark's parser, it reads `DESCRIBE QUERY <q>` as valid only when `<q>` is a query
 * (SELECT, WITH … SELECT, VALUES, FROM, TABLE, with no statement after it), and then answers the
 * columns scripted for `<q>`; `EXPLAIN COST <q>` answers a plan with Statistics lines.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeColumn {
  name: string;
  /** The type as Databricks writes it: `int`, `decimal(12,2)`, `timestamp_ntz`… */
  type: string;
}

export interface FakeError {
  /** Where: `submit` (the POST answers an HTTP error), `status` (a GET answers it), `statement` (FAILED; default). */
  phase?: 'submit' | 'status' | 'statement';
  /** HTTP status for `submit`/`status` (default 400). */
  status?: number;
  error_code: string;
  message: string;
  /** How many times it happens before the call succeeds (default: always). */
  times?: number;
}

export interface FakeScript {
  columns?: FakeColumn[];
  /** Values as the API sends them: text, or null. */
  rows?: Array<Array<string | null>> | { count: number; row: (i: number) => Array<string | null> };
  /** Stays PENDING this long (queued: the warehouse starting), then RUNNING. */
  pendingMs?: number;
  /** Stays RUNNING this long. */
  delayMs?: number;
  /** Stays RUNNING until cancelled. */
  slow?: boolean;
  error?: FakeError;
  /** Answer one row holding the parameters' values, typed as bound. */
  echoParams?: boolean;
  /** Rows per result chunk (default 10,000). */
  chunkSize?: number;
  /** What `EXPLAIN COST` of this statement answers (a plan text); generated from the rows otherwise. */
  plan?: string;
  /** Not a query (DESCRIBE QUERY of it fails to parse); default: by its first word. */
  query?: boolean;
}

export interface FakeParameter {
  name: string;
  value?: string;
  type?: string;
}

export interface FakeCall {
  sql: string;
  parameters: FakeParameter[];
  match: RegExpExecArray | null;
}

export type Scripted = FakeScript | ((call: FakeCall) => FakeScript);

export interface RecordedRequest {
  method: string;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: http.IncomingHttpHeaders;
  /** The state a status answer carried. */
  answeredState?: string;
}

interface FakeStatement {
  id: string;
  sql: string;
  script: FakeScript;
  parameters: FakeParameter[];
  rowLimit?: number;
  createdAt: number;
  cancelled: boolean;
  failure?: { error_code: string; message: string };
}

export interface FakeAuth {
  /** The bearer token a request must carry (a PAT); undefined: any. */
  token?: string;
  /** OAuth M2M client credentials the token endpoint accepts. */
  clientId?: string;
  clientSecret?: string;
  /** Seconds an issued access token lives (default 3600). */
  expiresIn?: number;
}

const MAX_WAIT_MS = 10_000;
const QUERY_START = /^[\s(]*(select|with|values|from|table)\b/i;

export class FakeDatabricks {
  readonly requests: RecordedRequest[] = [];
  private readonly exact = new Map<string, Scripted>();
  private readonly patterns: Array<{ re: RegExp; script: Scripted }> = [];
  private readonly statements = new Map<string, FakeStatement>();
  private readonly used = new WeakMap<FakeError, number>();
  private readonly issued = new Set<string>();
  private closing = false;
  private counter = 0;
  auth: FakeAuth = {};

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(auth: FakeAuth = {}): Promise<FakeDatabricks> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeDatabricks(server, `http://127.0.0.1:${port}`);
    fake.auth = auth;
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** Scripts a statement: its exact text, or a pattern (the match is handed to a function script). */
  on(sql: string | RegExp, script: Scripted): this {
    if (typeof sql === 'string') this.exact.set(sql, script);
    else this.patterns.push({ re: sql, script });
    return this;
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The bodies of every statement submitted. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  submits(): any[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path === '/api/2.0/sql/statements')
      .map((r) => r.body);
  }

  /** The statement ids a cancel was asked for. */
  cancels(): string[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'))
      .map((r) => decodeURIComponent(r.path.split('/').at(-2)!));
  }

  /** The states the status answers of one statement carried, in order. */
  answeredStates(id: string): string[] {
    return this.requests
      .filter((r) => r.method === 'GET' && r.path === `/api/2.0/sql/statements/${id}` && r.answeredState)
      .map((r) => r.answeredState!);
  }

  tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/oidc/v1/token');
  }

  state(id: string): string | undefined {
    const s = this.statements.get(id);
    return s ? this.stateOf(s) : undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = url.pathname;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      body: undefined,
      headers: req.headers,
    };
    this.requests.push(record);
    if (path === '/oidc/v1/token' && req.method === 'POST') return this.token(req, raw, res, record);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, 400, { error_code: 'MALFORMED_REQUEST', message: 'Request body is not JSON' });
    }
    record.body = body;
    const authz = req.headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/.exec(authz)?.[1];
    const expected = this.auth.token;
    const ok =
      expected !== undefined
        ? bearer === expected
        : this.auth.clientId
          ? !!bearer && this.issued.has(bearer)
          : !!bearer;
    if (!ok)
      return send(res, 401, {
        error_code: 'UNAUTHENTICATED',
        message: `Invalid access token. ${authz ? `(${authz.slice(0, 12)}…)` : ''}`.trim(),
      });

    if (path === '/api/2.0/sql/statements' && req.method === 'POST') return this.submit(res, body);
    const m = /^\/api\/2\.0\/sql\/statements\/([^/]+)(?:\/(cancel)|\/result\/chunks\/(\d+))?$/.exec(path);
    const s = m ? this.statements.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !s)
      return send(res, 404, {
        error_code: 'NOT_FOUND',
        message: `The statement ${m ? decodeURIComponent(m[1]!) : path} was not found`,
      });
    if (m[2] && req.method === 'POST') {
      if (['PENDING', 'RUNNING'].includes(this.stateOf(s))) s.cancelled = true;
      return send(res, 200, {});
    }
    if (m[3] !== undefined && req.method === 'GET') {
      if (this.stateOf(s) !== 'SUCCEEDED')
        return send(res, 400, { error_code: 'BAD_REQUEST', message: 'The statement has no result' });
      return send(res, 200, this.chunk(s, Number(m[3])));
    }
    if (req.method === 'GET') {
      const e = s.script.error;
      if (e?.phase === 'status' && this.take(e))
        return send(res, e.status ?? 400, { error_code: e.error_code, message: e.message });
      const answer = this.resource(s);
      record.answeredState = answer.status.state;
      return send(res, 200, answer);
    }
    return send(res, 405, { error_code: 'BAD_REQUEST', message: 'method not allowed' });
  }

  private token(
    req: http.IncomingMessage,
    raw: string,
    res: http.ServerResponse,
    record: RecordedRequest,
  ): void {
    record.body = raw;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = Buffer.from(basic ?? '', 'base64')
      .toString('utf8')
      .split(':');
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials')
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be client_credentials',
      });
    if (!this.auth.clientId || id !== this.auth.clientId || secret !== this.auth.clientSecret)
      // A server that quotes what it was sent (the kind of echo redaction is for).
      return send(res, 401, {
        error: 'invalid_client',
        error_description: `Client authentication failed for ${id}:${secret}`,
      });
    const token = `fake-access-${++this.counter}`;
    this.issued.add(token);
    send(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.auth.expiresIn ?? 3600,
      scope: 'all-apis',
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async submit(res: http.ServerResponse, body: any): Promise<void> {
    const sql: string = body?.statement ?? '';
    if (!body?.warehouse_id)
      return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'warehouse_id is required' });
    const parameters: FakeParameter[] = body?.parameters ?? [];
    const script = this.script(sql, parameters);
    const e = script.error;
    if (e?.phase === 'submit' && this.take(e))
      return send(res, e.status ?? 400, { error_code: e.error_code, message: e.message });
    const s: FakeStatement = {
      id: `01ef-fake-${++this.counter}-${Math.random().toString(16).slice(2, 10)}`,
      sql,
      script,
      parameters,
      ...(body?.row_limit !== undefined ? { rowLimit: Number(body.row_limit) } : {}),
      createdAt: Date.now(),
      cancelled: false,
    };
    if (e && (e.phase ?? 'statement') === 'statement' && this.take(e))
      s.failure = { error_code: e.error_code, message: e.message };
    this.statements.set(s.id, s);
    const wait = /^(\d+)s$/.exec(String(body?.wait_timeout ?? '10s'));
    const waitMs = Math.min(Number(wait?.[1] ?? 10) * 1000, MAX_WAIT_MS);
    const until = Date.now() + waitMs;
    while (['PENDING', 'RUNNING'].includes(this.stateOf(s)) && Date.now() < until && !this.closing)
      await new Promise((r) => setTimeout(r, 10));
    if (['PENDING', 'RUNNING'].includes(this.stateOf(s)) && body?.on_wait_timeout === 'CANCEL')
      s.cancelled = true;
    send(res, 200, this.resource(s));
  }

  private stateOf(s: FakeStatement): 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' {
    if (s.cancelled) return 'CANCELED';
    const age = Date.now() - s.createdAt;
    const pending = s.script.pendingMs ?? 0;
    if (age < pending) return 'PENDING';
    if (s.script.slow || age < pending + (s.script.delayMs ?? 0)) return 'RUNNING';
    return s.failure ? 'FAILED' : 'SUCCEEDED';
  }

  private resource(
    s: FakeStatement,
  ): { statement_id: string; status: { state: string; error?: unknown } } & Record<string, unknown> {
    const state = this.stateOf(s);
    const base = { statement_id: s.id, status: { state } };
    if (state === 'FAILED') return { ...base, status: { state, error: s.failure } };
    if (state === 'CANCELED' || state === 'PENDING' || state === 'RUNNING') return base;
    const { columns, total } = this.table(s);
    const size = s.script.chunkSize ?? 10_000;
    const chunkCount = Math.ceil(total / size);
    return {
      ...base,
      manifest: {
        format: 'JSON_ARRAY',
        schema: {
          column_count: columns.length,
          columns: columns.map((c, i) => ({
            name: c.name,
            position: i,
            type_name: c.type.replace(/[(<].*$/, '').toUpperCase(),
            type_text: c.type.toUpperCase(),
          })),
        },
        total_chunk_count: chunkCount,
        chunks: Array.from({ length: chunkCount }, (_, i) => ({
          chunk_index: i,
          row_offset: i * size,
          row_count: Math.min(size, total - i * size),
        })),
        total_row_count: total,
        truncated: s.rowLimit !== undefined && this.untruncated(s) > s.rowLimit,
      },
      ...(columns.length ? { result: this.chunk(s, 0) } : {}),
    };
  }

  private chunk(s: FakeStatement, index: number): Record<string, unknown> {
    const { total, row } = this.table(s);
    const size = s.script.chunkSize ?? 10_000;
    const start = index * size;
    const end = Math.min(total, start + size);
    const data = [];
    for (let i = start; i < end; i++) data.push(row(i));
    return {
      chunk_index: index,
      row_offset: start,
      row_count: data.length,
      data_array: data,
      ...(end < total
        ? {
            next_chunk_index: index + 1,
            next_chunk_internal_link: `/api/2.0/sql/statements/${s.id}/result/chunks/${index + 1}`,
          }
        : {}),
    };
  }

  private untruncated(s: FakeStatement): number {
    const rows = s.script.rows;
    if (s.script.echoParams) return 1;
    return !rows ? 0 : Array.isArray(rows) ? rows.length : rows.count;
  }

  private table(s: FakeStatement): {
    columns: FakeColumn[];
    total: number;
    row: (i: number) => Array<string | null>;
  } {
    const limit = (n: number) => (s.rowLimit !== undefined ? Math.min(n, s.rowLimit) : n);
    if (s.script.echoParams)
      return {
        columns: s.parameters.map((p) => ({ name: p.name, type: (p.type ?? 'STRING').toLowerCase() })),
        total: limit(1),
        row: () => s.parameters.map((p) => p.value ?? null),
      };
    const columns = s.script.columns ?? [];
    const rows = s.script.rows ?? [];
    if (Array.isArray(rows)) return { columns, total: limit(rows.length), row: (i) => rows[i]! };
    return { columns, total: limit(rows.count), row: rows.row };
  }

  private script(sql: string, parameters: FakeParameter[]): FakeScript {
    const scripted = this.find(sql, parameters);
    if (scripted) return scripted;
    const describe = /^\s*DESCRIBE\s+QUERY\s+([\s\S]*)$/i.exec(sql);
    if (describe) return this.describeQuery(describe[1]!, parameters);
    const explain = /^\s*EXPLAIN\s+COST\s+([\s\S]*)$/i.exec(sql);
    if (explain) {
      const inner = this.find(explain[1]!, parameters);
      if (!inner) return noScript(explain[1]!);
      if (inner.error) return { error: { ...inner.error, phase: 'statement', times: 1 } };
      const n = this.untruncated({ script: inner } as FakeStatement);
      const plan =
        inner.plan ??
        `== Optimized Logical Plan ==\nProject [n#1L], Statistics(sizeInBytes=${n * 8} B, rowCount=${n})\n` +
          `+- Range (0, ${n}, step=1, splits=None), Statistics(sizeInBytes=${n * 8} B, rowCount=${n})\n\n` +
          '== Physical Plan ==\n*(1) Range (0, 1000, step=1, splits=4)\n';
      return { columns: [{ name: 'plan', type: 'string' }], rows: [[plan]] };
    }
    return noScript(sql);
  }

  /** As Spark's parser: only a query may follow DESCRIBE QUERY. */
  private describeQuery(q: string, parameters: FakeParameter[]): FakeScript {
    const inner = this.find(q, parameters);
    const code = q.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`]|``)*`/g, "''");
    const isQuery = inner?.query ?? (QUERY_START.test(code) && !/;\s*\S/.test(code));
    if (!isQuery) {
      const word = /^\s*(\S+)/.exec(q)?.[1] ?? '';
      return {
        error: {
          error_code: 'BAD_REQUEST',
          message: `[PARSE_SYNTAX_ERROR] Syntax error at or near '${word}'. SQLSTATE: 42601 (line 1, pos 15)`,
        },
      };
    }
    if (!inner) return noScript(q);
    if (inner.error && inner.error.phase !== 'submit')
      return { error: { ...inner.error, phase: 'statement' } };
    const columns = inner.echoParams
      ? parameters.map((p) => ({ name: p.name, type: (p.type ?? 'string').toLowerCase() }))
      : (inner.columns ?? []);
    return {
      columns: [
        { name: 'col_name', type: 'string' },
        { name: 'data_type', type: 'string' },
        { name: 'comment', type: 'string' },
      ],
      rows: columns.map((c) => [c.name, c.type.toLowerCase(), null]),
    };
  }

  private find(sql: string, parameters: FakeParameter[]): FakeScript | undefined {
    const pick = (s: Scripted, match: RegExpExecArray | null) =>
      typeof s === 'function' ? s({ sql, parameters, match }) : s;
    const exact = this.exact.get(sql);
    if (exact) return pick(exact, null);
    for (const { re, script } of this.patterns) {
      const match = re.exec(sql);
      if (match) return pick(script, match);
    }
    return undefined;
  }

  /** Whether a scripted error happens this time (it happens `times` times, then no more). */
  private take(error: FakeError): boolean {
    const used = this.used.get(error) ?? 0;
    if (used >= (error.times ?? Infinity)) return false;
    this.used.set(error, used + 1);
    return true;
  }
}

function noScript(sql: string): FakeScript {
  return {
    error: {
      error_code: 'BAD_REQUEST',
      message: `[TABLE_OR_VIEW_NOT_FOUND] fake Databricks has no script for: ${sql.slice(0, 200)}. SQLSTATE: 42P01`,
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
