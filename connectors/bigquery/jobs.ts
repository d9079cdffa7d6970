/**
 * BigQuery query jobs through the real client: `jobs.insert` with a job id we choose (so the id is
 * known before anything runs and a retried insert cannot start the query twice), long-polling
 * `jobs.getQueryResults` for completion and then page by page, `jobs.cancel`, and dry runs.
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs
 */
import { randomUUID } from 'node:crypto';
import type { BigQuery, Query } from '@google-cloud/bigquery';
import { classifyBigQueryError, failureOf } from './errors.js';
import { toQueryParameters } from './params.js';
import { sleep, Stopped, until, type Stop } from './stop.js';
import { rowsToObjects, type FieldSchema, type RawRow } from './values.js';

export interface JobSettings {
  projectId: string;
  location: string | undefined;
  maxBytesBilled: number | undefined;
  /** Waits between retries of idempotent calls (insert with our job id, polls, cancel). */
  retryDelaysMs: readonly number[];
  /** How long one getQueryResults call may wait server-side for the job to finish. */
  pollWaitMs: number;
}

export interface QuerySpec {
  sql: string;
  params?: readonly unknown[] | undefined;
  paramNames?: readonly string[] | undefined;
  labels: Record<string, string>;
}

interface ErrorProto {
  reason?: string;
  message?: string;
}

export interface JobResource {
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  status?: { state?: string; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics?: {
    totalBytesProcessed?: string;
    /** A dry run's `schema` is the result's columns (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatistics2). */
    query?: { totalBytesProcessed?: string; statementType?: string; schema?: { fields?: FieldSchema[] } };
  };
}

interface QueryResultsPage {
  jobComplete?: boolean;
  schema?: { fields?: FieldSchema[] };
  rows?: RawRow[];
  pageToken?: string;
  totalBytesProcessed?: string;
  numDmlAffectedRows?: string;
}

export interface JobRows {
  rows: Array<Record<string, unknown>>;
  fields: FieldSchema[];
  rowCount: number;
  bytesProcessed?: number;
}

/** `project:LOCATION.job_id`, the form `bq show -j` and the console use; job ids hold no `.` or `:`. */
export function qualifiedJobId(projectId: string, location: string | undefined, jobId: string): string {
  return `${projectId}:${location ?? 'US'}.${jobId}`;
}

export function parseJobId(queryId: string): { jobId: string; location?: string } {
  const dot = queryId.lastIndexOf('.');
  const jobId = queryId.slice(dot + 1);
  if (dot < 0) return { jobId };
  const head = queryId.slice(0, dot);
  return { jobId, location: head.slice(head.lastIndexOf(':') + 1) };
}

export function newJobId(): string {
  return `edgeflow_${randomUUID().replaceAll('-', '_')}`;
}

/** A job that BigQuery ran and failed: its errorResult, shaped like the client's ApiError. */
function jobFailure(job: JobResource): Error & object {
  const errorResult = job.status?.errorResult ?? {};
  return Object.assign(new Error(errorResult.message ?? 'the job failed'), {
    errors: [errorResult],
    response: job,
  });
}

export class Jobs {
  constructor(
    private readonly bq: BigQuery,
    private readonly settings: JobSettings,
  ) {}

  /** The `createQueryJob` options every job carries: labels, location, the bytes-billed cap. */
  private config(spec: QuerySpec, extra: Record<string, unknown>): Query {
    const { maxBytesBilled, location } = this.settings;
    return {
      query: spec.sql,
      useLegacySql: false,
      labels: spec.labels,
      ...(location ? { location } : {}),
      ...(maxBytesBilled !== undefined ? { maximumBytesBilled: String(maxBytesBilled) } : {}),
      ...(spec.params?.length ? toQueryParameters(spec.params, spec.paramNames) : {}),
      ...extra,
    } as Query;
  }

  /** A dry run: BigQuery parses and plans the statement, reads nothing, bills nothing. */
  async dryRun(spec: QuerySpec, stop: Stop): Promise<JobResource> {
    const config = this.config(spec, { dryRun: true });
    return this.retrying(stop, async () => {
      const [, resource] = await until(this.bq.createQueryJob(config), stop);
      return resource as JobResource;
    });
  }

  /**
   * Inserts the job under `jobId`. A retry after an ambiguous failure may find the job already
   * there (409): then our first attempt created it, and that job is the one to follow.
   */
  async insert(spec: QuerySpec, jobId: string, stop: Stop): Promise<JobResource> {
    const timeoutMs = stop.timeoutMs;
    // BigQuery stops the job itself at this age, even if edgeflow is gone by then.
    const config = this.config(spec, {
      jobId,
      ...(timeoutMs !== undefined ? { jobTimeoutMs: timeoutMs } : {}),
    });
    let attempt = 0;
    return this.retrying(stop, async () => {
      try {
        // Not raced with `stop`: this promise settles only when no attempt is in flight, so a
        // cancel can wait for it rather than race an insert that would create the job after it.
        const [, resource] = await this.bq.createQueryJob(config);
        return resource as JobResource;
      } catch (e) {
        if (attempt++ > 0 && failureOf(e).httpStatus === 409) return this.status(jobId, undefined, stop);
        // The client treats any `status.errors` as failure; only `errorResult` means the job failed.
        const job = (e as { response?: JobResource }).response;
        if (job?.jobReference?.jobId === jobId && job.status && !job.status.errorResult) return job;
        throw e;
      }
    });
  }

  async status(jobId: string, location: string | undefined, stop: Stop): Promise<JobResource> {
    const job = this.bq.job(jobId, { location: location ?? this.settings.location });
    const [resource] = await until(job.getMetadata(), stop);
    return resource as JobResource;
  }

  /**
   * Waits for the job and reads its rows page by page (`pageToken`), stopping at `maxRows`.
   * Each poll waits server-side up to `pollWaitMs`, so a finished job is seen at once.
   */
  async results(
    jobId: string,
    location: string | undefined,
    maxRows: number | undefined,
    stop: Stop,
  ): Promise<JobRows> {
    const rows: Array<Record<string, unknown>> = [];
    let fields: FieldSchema[] | undefined;
    let pageToken: string | undefined;
    let bytes: string | undefined;
    let affected: string | undefined;
    let idle = 0;
    for (;;) {
      const qs: Record<string, unknown> = {
        'formatOptions.useInt64Timestamp': true,
        ...(location ? { location } : {}),
        ...(pageToken
          ? { pageToken }
          : { timeoutMs: Math.max(1, Math.min(this.settings.pollWaitMs, stop.remainingMs())) }),
        ...(maxRows !== undefined ? { maxResults: Math.max(1, maxRows - rows.length) } : {}),
      };
      const asked = Date.now();
      const page = await this.page(jobId, location, qs, stop);
      if (!page.jobComplete) {
        // A server that answers at once instead of waiting: back off a little.
        if (Date.now() - asked < 50) await sleep(Math.min(50 * 2 ** idle++, 1000), stop);
        continue;
      }
      fields ??= page.schema?.fields;
      for (const row of rowsToObjects(fields ?? [], page.rows ?? [])) rows.push(row);
      bytes ??= page.totalBytesProcessed;
      affected ??= page.numDmlAffectedRows;
      if (!page.pageToken || (maxRows !== undefined && rows.length >= maxRows)) break;
      pageToken = page.pageToken;
    }
    const kept = maxRows !== undefined ? rows.slice(0, maxRows) : rows;
    return {
      rows: kept,
      fields: fields ?? [],
      rowCount: affected !== undefined ? Number(affected) : kept.length,
      ...(bytes !== undefined ? { bytesProcessed: Number(bytes) } : {}),
    };
  }

  /**
   * One getQueryResults call. A failed job answers it with the job's own error; a transient
   * failure is retried only when the job itself has not failed (jobs.get tells).
   */
  private async page(
    jobId: string,
    location: string | undefined,
    qs: Record<string, unknown>,
    stop: Stop,
  ): Promise<QueryResultsPage> {
    const delays = this.settings.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await until(this.request<QueryResultsPage>(`/queries/${jobId}`, qs), stop);
      } catch (e) {
        if (e instanceof Stopped || classifyBigQueryError(e) !== 'transient') throw e;
        const job = await this.status(jobId, location, stop).catch((err: unknown) => {
          if (err instanceof Stopped) throw err;
          return undefined;
        });
        if (job?.status?.errorResult) throw jobFailure(job);
        if (attempt >= delays.length) throw e;
        await sleep(delays[attempt]!, stop);
      }
    }
  }

  /** Cancels a job; one that is already done, or unknown, is not an error. */
  async cancel(jobId: string, location: string | undefined, stop: Stop): Promise<void> {
    try {
      await this.retrying(stop, () => until(this.bq.job(jobId, { location }).cancel(), stop));
    } catch (e) {
      if (failureOf(e).httpStatus === 404) return;
      throw e;
    }
  }

  private request<T>(uri: string, qs: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.bq.request({ uri, qs }, (err, body) => (err ? reject(err) : resolve(body as T))),
    );
  }

  /** Retries an idempotent call on transient failures, never a job that BigQuery ran and failed. */
  private async retrying<T>(stop: Stop, call: () => Promise<T>): Promise<T> {
    const delays = this.settings.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const ranAndFailed = failureOf(e).jobId !== undefined;
        if (
          e instanceof Stopped ||
          ranAndFailed ||
          attempt >= delays.length ||
          classifyBigQueryError(e) !== 'transient'
        )
          throw e;
        await sleep(delays[attempt]!, stop);
      }
    }
  }
}
