/**
 * Test only (not exported by index.ts): a small local HTTP server speaking BigQuery's REST
 * protocol to the real client, scripted by the test, recording every request.
 *
 * It answers in the real shapes (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs):
 * jobs.insert (dry runs included), jobs.get, jobs.cancel, jobs.query and jobs.getQueryResults
 * (long-poll with `timeoutMs`, pages with `maxResults`/`pageToken`), values as strings, TIMESTAMP
 * as integer microseconds when asked `formatOptions.useInt64Timestamp` (float seconds otherwise),
 * schemas with the legacy type names the API uses (INTEGER, FLOAT, BOOLEAN, RECORD), and errors
 * as `{error: {code, message, errors: [ErrorProto]}}`. Paths work with and without `/bigquery/v2`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface FakeField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: FakeField[];
}

export interface FakeError {
  code: number;
  reason: string;
  message: string;
  /**
   * Where it happens: `insert` (jobs.insert answers the HTTP error), `job` (the job is created and
   * fails, after `delayMs`; the default), `poll` (getQueryResults answers it, the job is fine).
   */
  phase?: 'insert' | 'job' | 'poll';
  /** How many times it happens before the call succeeds (default: always). */
  times?: number;
  /** Whether a dry run reports it too (default: for invalidQuery, notFound and accessDenied). */
  atDryRun?: boolean;
}

/**
 * How the fake answers one statement. Row values are what the API would send before encoding:
 * scalars as strings (numbers and booleans are stringified), TIMESTAMP as ISO text (encoded as the
 * request asks), a STRUCT as the array of its members' values, a REPEATED field as an array.
 */
export interface FakeScript {
  schema?: FakeField[];
  rows?: unknown[][] | { count: number; row: (i: number) => unknown[] };
  totalBytesProcessed?: number;
  statementType?: string;
  /** The job stays RUNNING this long. */
  delayMs?: number;
  /** The job stays RUNNING until cancelled. */
  slow?: boolean;
  error?: FakeError;
  numDmlAffectedRows?: number;
  /** Rows per page the server returns at most (default 10,000). */
  pageSize?: number;
  /** Answer one row holding the query parameters' values, typed as bound (SELECT @a AS a…). */
  echoParams?: boolean;
}

export interface FakeQueryParameter {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string | null; arrayValues?: Array<{ value?: string | null }> };
}

export interface FakeCall {
  sql: string;
  params: FakeQueryParameter[];
  match: RegExpExecArray | null;
}

export type Scripted = FakeScript | ((call: FakeCall) => FakeScript);

export interface RecordedRequest {
  method: string;
  /** The path without `/bigquery/v2` and without the query string. */
  path: string;
  query: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: http.IncomingHttpHeaders;
}

interface ErrorProto {
  reason: string;
  message: string;
  domain?: string;
}

interface FakeJob {
  projectId: string;
  jobId: string;
  location: string;
  sql: string;
  script: FakeScript;
  configuration: unknown;
  createdAt: number;
  cancelled: boolean;
  failure?: { code: number; error: ErrorProto };
  pollFailures: number;
}

const LEGACY_TYPE: Record<string, string> = {
  INT64: 'INTEGER',
  FLOAT64: 'FLOAT',
  BOOL: 'BOOLEAN',
  STRUCT: 'RECORD',
};
const DRY_RUN_REASONS = new Set(['invalidQuery', 'notFound', 'accessDenied']);
const MAX_WAIT_MS = 10_000;

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  private readonly exact = new Map<string, Scripted>();
  private readonly patterns: Array<{ re: RegExp; script: Scripted }> = [];
  private readonly jobs = new Map<string, FakeJob>();
  private readonly used = new WeakMap<FakeError, number>();
  private closing = false;
  private queryJobs = 0;
  /** Table resources served by tables.get, keyed `project.dataset.table` (fields as the REST API names them). */
  readonly tables = new Map<string, Record<string, unknown>>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBigQuery> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeBigQuery(server, `http://127.0.0.1:${port}`);
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

  /** The bodies of every jobs.insert (dry runs included). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inserts(): any[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/jobs$/.test(r.path)).map((r) => r.body);
  }

  /** The job ids jobs.cancel was called for. */
  cancels(): string[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'))
      .map((r) => r.path.split('/').at(-2)!);
  }

  /** The getQueryResults calls (job id and query string). */
  polls(): Array<{ jobId: string; query: Record<string, string> }> {
    return this.requests
      .filter((r) => r.method === 'GET' && /\/queries\/[^/]+$/.test(r.path))
      .map((r) => ({ jobId: r.path.split('/').at(-1)!, query: r.query }));
  }

  jobState(jobId: string): 'RUNNING' | 'DONE' | undefined {
    const job = this.jobs.get(jobId);
    return job ? this.state(job).state : undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/bigquery\/v2/, '');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return send(res, 400, errorBody(400, { reason: 'parseError', message: 'Parse Error' }));
    }
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path, query, body, headers: req.headers });
    const t = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path);
    if (t && req.method === 'GET') {
      const key = t.slice(1, 4).map(decodeURIComponent).join('.');
      const table = this.tables.get(key);
      if (!table)
        return send(res, 404, errorBody(404, { reason: 'notFound', message: `Not found: Table ${key}` }));
      const [projectId, datasetId, tableId] = key.split('.');
      return send(res, 200, {
        kind: 'bigquery#table',
        tableReference: { projectId, datasetId, tableId },
        ...table,
      });
    }
    const m = /^\/projects\/([^/]+)\/(jobs|queries)(?:\/([^/]+))?(\/cancel)?$/.exec(path);
    if (!m) return send(res, 404, errorBody(404, { reason: 'notFound', message: `Not found: ${path}` }));
    const [, project, kind, id, cancel] = m as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    const jobNotFound = () =>
      send(res, 404, errorBody(404, { reason: 'notFound', message: `Not found: Job ${project}:${id}` }));

    if (kind === 'jobs' && req.method === 'POST' && !id) return this.insert(res, project, body);
    if (kind === 'queries' && req.method === 'POST' && !id) return this.jobsQuery(res, project, body);
    const job = id ? this.jobs.get(id) : undefined;
    if (!job) return jobNotFound();
    if (kind === 'jobs' && req.method === 'POST' && cancel) {
      if (this.state(job).state === 'RUNNING') job.cancelled = true;
      return send(res, 200, { kind: 'bigquery#jobCancelResponse', job: this.resource(job) });
    }
    if (kind === 'jobs' && req.method === 'GET') return send(res, 200, this.resource(job));
    if (kind === 'queries' && req.method === 'GET') return this.results(res, job, query);
    return send(res, 405, errorBody(405, { reason: 'badRequest', message: 'method not allowed' }));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private insert(res: http.ServerResponse, project: string, body: any): void {
    const config = body?.configuration ?? {};
    const sql: string = config.query?.query ?? '';
    const ref = body?.jobReference ?? {};
    const location: string = ref.location ?? 'US';
    const script = this.script(sql, config.query?.queryParameters ?? []);
    if (!script) return send(res, 400, errorBody(400, noScript(sql)));
    const error = script.error;
    if (config.dryRun) {
      if (
        error &&
        (error.atDryRun ?? (error.phase === 'insert' || DRY_RUN_REASONS.has(error.reason))) &&
        this.take(error)
      )
        return send(res, error.code, errorBody(error.code, error));
      return send(res, 200, {
        kind: 'bigquery#job',
        jobReference: { projectId: project, location },
        configuration: config,
        status: { state: 'DONE' },
        statistics: {
          creationTime: String(Date.now()),
          totalBytesProcessed: String(script.totalBytesProcessed ?? 0),
          query: {
            totalBytesProcessed: String(script.totalBytesProcessed ?? 0),
            totalBytesProcessedAccuracy: 'PRECISE',
            statementType: script.statementType ?? 'SELECT',
            ...(script.schema ? { schema: { fields: legacySchema(script.schema) } } : {}),
          },
        },
      });
    }
    if (error?.phase === 'insert' && this.take(error))
      return send(res, error.code, errorBody(error.code, error));
    const jobId: string = ref.jobId;
    if (this.jobs.has(jobId))
      return send(
        res,
        409,
        errorBody(409, {
          reason: 'duplicate',
          message: `Already Exists: Job ${project}:${location}.${jobId}`,
        }),
      );
    const job = this.create(project, jobId, location, sql, script, config);
    send(res, 200, this.resource(job));
  }

  /** jobs.query: creates the job and answers like getQueryResults (the client's fast path). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async jobsQuery(res: http.ServerResponse, project: string, body: any): Promise<void> {
    const sql: string = body?.query ?? '';
    const script = this.script(sql, body?.queryParameters ?? []);
    if (!script) return send(res, 400, errorBody(400, noScript(sql)));
    if (script.error?.phase === 'insert' && this.take(script.error))
      return send(res, script.error.code, errorBody(script.error.code, script.error));
    const jobId = `job_fake_${++this.queryJobs}`;
    const config = { query: { ...body, queryParameters: body?.queryParameters }, labels: body?.labels };
    const job = this.create(project, jobId, body?.location ?? 'US', sql, script, config);
    await this.results(res, job, {
      ...(body?.timeoutMs !== undefined ? { timeoutMs: String(body.timeoutMs) } : {}),
      ...(body?.maxResults !== undefined ? { maxResults: String(body.maxResults) } : {}),
      'formatOptions.useInt64Timestamp': String(body?.formatOptions?.useInt64Timestamp ?? false),
    });
  }

  private create(
    projectId: string,
    jobId: string,
    location: string,
    sql: string,
    script: FakeScript,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    configuration: any,
  ): FakeJob {
    const job: FakeJob = {
      projectId,
      jobId,
      location,
      sql,
      script,
      configuration,
      createdAt: Date.now(),
      cancelled: false,
      pollFailures: 0,
    };
    const cap = configuration?.query?.maximumBytesBilled;
    const bytes = script.totalBytesProcessed ?? 0;
    if (cap !== undefined && bytes > Number(cap)) {
      // BigQuery bills at least 10 MB per query and rounds up to the MB.
      const required = Math.max(10 * 2 ** 20, Math.ceil(bytes / 2 ** 20) * 2 ** 20);
      job.failure = {
        code: 400,
        error: {
          reason: 'bytesBilledLimitExceeded',
          message: `Query exceeded limit for bytes billed: ${cap}. ${required} or higher required.`,
        },
      };
    } else if (script.error && (script.error.phase ?? 'job') === 'job' && this.take(script.error)) {
      job.failure = {
        code: script.error.code,
        error: { reason: script.error.reason, message: script.error.message },
      };
    }
    this.jobs.set(jobId, job);
    return job;
  }

  private state(job: FakeJob): { state: 'RUNNING' | 'DONE'; failure?: { code: number; error: ErrorProto } } {
    if (job.cancelled)
      return {
        state: 'DONE',
        failure: {
          code: 400,
          error: { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' },
        },
      };
    const immediate = job.failure?.error.reason === 'bytesBilledLimitExceeded';
    if (!immediate && (job.script.slow || Date.now() < job.createdAt + (job.script.delayMs ?? 0)))
      return { state: 'RUNNING' };
    return { state: 'DONE', ...(job.failure ? { failure: job.failure } : {}) };
  }

  private resource(job: FakeJob): unknown {
    const { state, failure } = this.state(job);
    const bytes = String(job.script.totalBytesProcessed ?? 0);
    return {
      kind: 'bigquery#job',
      id: `${job.projectId}:${job.location}.${job.jobId}`,
      jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
      configuration: job.configuration,
      status: {
        state,
        ...(failure ? { errorResult: failure.error, errors: [failure.error] } : {}),
      },
      statistics: {
        creationTime: String(job.createdAt),
        ...(state === 'DONE'
          ? {
              endTime: String(Date.now()),
              totalBytesProcessed: bytes,
              query: { totalBytesProcessed: bytes, statementType: job.script.statementType ?? 'SELECT' },
            }
          : {}),
      },
      user_email: 'fake-runner@test-project.iam.gserviceaccount.com',
    };
  }

  private async results(
    res: http.ServerResponse,
    job: FakeJob,
    query: Record<string, string>,
  ): Promise<void> {
    const pollError = job.script.error?.phase === 'poll' ? job.script.error : undefined;
    if (pollError && this.take(pollError))
      return send(res, pollError.code, errorBody(pollError.code, pollError));
    const waitMs = Math.min(Number(query['timeoutMs'] ?? MAX_WAIT_MS), MAX_WAIT_MS);
    const until = Date.now() + waitMs;
    while (this.state(job).state === 'RUNNING' && Date.now() < until && !this.closing)
      await new Promise((r) => setTimeout(r, 10));
    const { state, failure } = this.state(job);
    const jobReference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
    if (state === 'RUNNING')
      return send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference, jobComplete: false });
    if (failure) return send(res, failure.code, errorBody(failure.code, failure.error));

    const s = job.script;
    const base = {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference,
      jobComplete: true,
      cacheHit: false,
      totalBytesProcessed: String(s.totalBytesProcessed ?? 0),
      ...(s.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(s.numDmlAffectedRows) } : {}),
    };
    const { schema, total, row } = this.table(job);
    if (!schema) return send(res, 200, { ...base, totalRows: '0' });
    const start = query['pageToken']
      ? Number(Buffer.from(query['pageToken'], 'base64url').toString().split(':')[1])
      : 0;
    const size = Math.min(Number(query['maxResults'] ?? Infinity), s.pageSize ?? 10_000);
    const end = Math.min(total, start + size);
    const int64Timestamps = query['formatOptions.useInt64Timestamp'] === 'true';
    const rows = [];
    for (let i = start; i < end; i++) rows.push(encodeRow(schema, row(i), int64Timestamps));
    send(res, 200, {
      ...base,
      schema: { fields: legacySchema(schema) },
      totalRows: String(total),
      rows,
      ...(end < total ? { pageToken: Buffer.from(`${job.jobId}:${end}`).toString('base64url') } : {}),
    });
  }

  private table(job: FakeJob): { schema?: FakeField[]; total: number; row: (i: number) => unknown[] } {
    const s = job.script;
    if (s.echoParams) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const params: FakeQueryParameter[] = (job.configuration as any)?.query?.queryParameters ?? [];
      return {
        schema: params.map((p, i) => ({
          name: p.name ?? `f${i}_`,
          type: p.parameterType.type === 'ARRAY' ? p.parameterType.arrayType!.type : p.parameterType.type,
          mode: p.parameterType.type === 'ARRAY' ? ('REPEATED' as const) : ('NULLABLE' as const),
        })),
        total: 1,
        row: () =>
          params.map((p) =>
            p.parameterValue.arrayValues
              ? p.parameterValue.arrayValues.map((v) => v.value ?? null)
              : (p.parameterValue.value ?? null),
          ),
      };
    }
    if (!s.schema) return { total: 0, row: () => [] };
    const rows = s.rows ?? [];
    if (Array.isArray(rows)) return { schema: s.schema, total: rows.length, row: (i) => rows[i]! };
    return { schema: s.schema, total: rows.count, row: rows.row };
  }

  private script(sql: string, params: FakeQueryParameter[]): FakeScript | undefined {
    const pick = (s: Scripted, match: RegExpExecArray | null) =>
      typeof s === 'function' ? s({ sql, params, match }) : s;
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

function noScript(sql: string): ErrorProto {
  return { reason: 'invalidQuery', message: `fake BigQuery has no script for: ${sql.slice(0, 200)}` };
}

function errorBody(code: number, e: { reason: string; message: string }): unknown {
  return {
    error: {
      code,
      message: e.message,
      errors: [{ message: e.message, domain: 'global', reason: e.reason }],
      status:
        code === 404
          ? 'NOT_FOUND'
          : code === 403
            ? 'PERMISSION_DENIED'
            : code >= 500
              ? 'INTERNAL'
              : 'INVALID_ARGUMENT',
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** Request bodies may come gzip- or deflate-encoded. */
async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = req.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'deflate') return inflateSync(raw);
  return raw;
}

function legacySchema(fields: FakeField[]): FakeField[] {
  return fields.map((f) => ({
    name: f.name,
    type: LEGACY_TYPE[f.type.toUpperCase()] ?? f.type.toUpperCase(),
    mode: f.mode ?? 'NULLABLE',
    ...(f.fields ? { fields: legacySchema(f.fields) } : {}),
  }));
}

function encodeRow(
  fields: FakeField[],
  values: unknown[],
  int64Timestamps: boolean,
): { f: Array<{ v: unknown }> } {
  return { f: fields.map((field, i) => ({ v: encodeField(field, values[i], int64Timestamps) })) };
}

function encodeField(field: FakeField, value: unknown, int64Timestamps: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED')
    return (value as unknown[]).map((v) => ({ v: encodeScalar(field, v, int64Timestamps) }));
  return encodeScalar(field, value, int64Timestamps);
}

function encodeScalar(field: FakeField, value: unknown, int64Timestamps: boolean): unknown {
  if (value === null || value === undefined) return null;
  const type = field.type.toUpperCase();
  if (type === 'STRUCT' || type === 'RECORD')
    return encodeRow(field.fields ?? [], value as unknown[], int64Timestamps);
  if (type === 'TIMESTAMP') {
    const micros = isoToMicros(String(value));
    return int64Timestamps ? String(micros) : String(Number(micros) / 1e6);
  }
  return String(value);
}

/** `2024-01-31T12:00:00.123456Z` (or with a space, or `+00:00`) to microseconds since the epoch. */
function isoToMicros(text: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (!m) throw new Error(`fake BigQuery: cannot read TIMESTAMP ${text}`);
  const zone = !m[4] || m[4] === 'Z' ? 'Z' : m[4];
  const seconds = BigInt(Date.parse(`${m[1]}T${m[2]}${zone}`) / 1000);
  return seconds * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'));
}
