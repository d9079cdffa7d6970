/**
 * BigQuery through `@google-cloud/bigquery`, loaded by `openBigQuery` (never at import: a daemon
 * without a BigQuery connection does not pay for the client).
 *
 * - Every statement is a query job we insert under our own id (`jobs.ts`), labelled with
 *   workflow/run/step/origin, capped by `maximumBytesBilled`, in the connection's location, and
 *   given `jobTimeoutMs` so BigQuery stops it even if edgeflow dies. The id is reported as
 *   `project:LOCATION.job_id` through `onQueryId` before the result is awaited.
 * - Abort, `cancel(id)`, the timeout and `close()` cancel the job in BigQuery (`jobs.cancel`).
 * - `readOnly`: BigQuery has no read-only session. The statement is dry-run first and refused
 *   unless the engine's own parser calls it a `SELECT` (`statistics.query.statementType`); the
 *   credentials' IAM roles remain the real boundary (give agents a dataViewer-only key).
 * - `estimate` is a dry run: bytes processed and their on-demand price.
 * Values come back as `values.ts` documents; parameters bind as `params.ts` documents.
 */
import type { BigQuery as BigQueryClient } from '@google-cloud/bigquery';
import type { ColumnInfo } from '../../compiler/catalog.js';
import type {
  ConnectorError,
  Connector,
  Estimate,
  ExecuteOptions,
  ExecuteResult,
  TableVersion,
} from '../connector.js';
import { clientAuth } from './credentials.js';
import {
  classifyBigQueryError,
  connectorError,
  failureOf,
  toConnectorError,
  type ErrorContext,
} from './errors.js';
import { DEFAULT_PRICE_PER_TIB, estimateFromDryRun } from './estimate.js';
import { introspection } from './introspection.js';
import { newJobId, parseJobId, qualifiedJobId, Jobs, type JobResource, type QuerySpec } from './jobs.js';
import { jobLabels } from './labels.js';
import type { BigQueryOptions } from './options.js';
import { ParameterError } from './params.js';
import { Stop, Stopped, until } from './stop.js';
import { bigqueryToPortable } from './types.js';
import { googleSqlType } from './values.js';

export type { BigQueryOptions } from './options.js';

const DEFAULT_RETRY_DELAYS_MS = [250, 1000, 4000];
const POLL_WAIT_MS = 2000;
const CANCEL_TIMEOUT_MS = 10_000;

interface Running {
  stop: Stop;
  location: string | undefined;
  queryId: string;
  /** The insert, settled once no attempt is in flight. */
  inserting?: Promise<JobResource>;
  cancelling?: Promise<ConnectorError | undefined>;
}

export async function openBigQuery(opts: BigQueryOptions): Promise<Connector> {
  const auth = clientAuth(opts); // a bad key fails here, before the client is loaded
  const secrets = auth.secrets;
  validate(opts, secrets);
  const BigQuery = await loadClient(secrets);
  const bq = new BigQuery({
    projectId: opts.projectId,
    ...(opts.location ? { location: opts.location } : {}),
    // Retries are ours (jobs.ts): only idempotent calls, and never twice over with the executor's.
    retryOptions: { autoRetry: false },
    userAgent: 'edgeflow',
    ...auth.clientOptions,
  } as ConstructorParameters<typeof BigQueryClient>[0]);

  const maxBytesBilled = opts.maxBytesBilled;
  const jobs = new Jobs(bq, {
    projectId: opts.projectId,
    location: opts.location,
    maxBytesBilled,
    retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    pollWaitMs: POLL_WAIT_MS,
  });
  const running = new Map<string, Running>();
  let closed = false;

  /** One cancel request per job, shared by whoever asks (abort, cancel(id), timeout, close). */
  const cancelOnce = (jobId: string, r: Running): Promise<ConnectorError | undefined> =>
    (r.cancelling ??= (async () => {
      const stop = new Stop(undefined, CANCEL_TIMEOUT_MS);
      try {
        // An insert still in flight could create the job after a cancel that found nothing.
        if (r.inserting) await until(r.inserting.then(noop, noop), stop);
        await jobs.cancel(jobId, r.location, stop);
        return undefined;
      } catch (e) {
        const why =
          e instanceof Stopped
            ? `no answer in ${CANCEL_TIMEOUT_MS} ms`
            : toConnectorError(e, { secrets }).message;
        return connectorError(
          `the cancel request for BigQuery job ${r.queryId} failed (${why}), so it may still be running: ` +
            `cancel it with \`bq cancel ${r.queryId}\``,
          'transient',
          'cancelFailed',
          { secrets, queryId: r.queryId },
        );
      } finally {
        stop.dispose();
      }
    })());

  const stoppedError = async (stop: Stop, jobId: string, r: Running | undefined, ctx: ErrorContext) => {
    const failed = r ? await cancelOnce(jobId, r) : undefined;
    const note = failed ? `; ${failed.message}` : '';
    const job = r ? `BigQuery job ${r.queryId}` : 'the statement (before its BigQuery job started)';
    if (stop.kind === 'timeout')
      return connectorError(
        `${job} ran past its timeout of ${stop.timeoutMs} ms and was cancelled${note}; raise timeoutMs ` +
          'for the connection or the step, or make the query read less (partition filters, fewer columns)',
        'permanent',
        'timeout',
        ctx,
      );
    return connectorError(`${job} was cancelled${note}`, 'cancelled', 'cancelled', ctx);
  };

  const run = async (sql: string, o: ExecuteOptions, defaultOrigin: string): Promise<ExecuteResult> => {
    const ctx: ErrorContext = { secrets, sql, ...(maxBytesBilled !== undefined ? { maxBytesBilled } : {}) };
    if (closed)
      throw connectorError('this BigQuery connection is closed; open a new one', 'permanent', 'closed', ctx);
    const spec: QuerySpec = {
      sql,
      params: o.params,
      paramNames: o.paramNames,
      labels: jobLabels(o.label, defaultOrigin),
    };
    const stop = new Stop(o.signal, o.timeoutMs ?? opts.timeoutMs);
    const jobId = newJobId();
    let entry: Running | undefined;
    try {
      stop.throwIfStopped();
      if (o.readOnly) await ensureSelect(spec, stop, ctx);
      entry = {
        stop,
        location: opts.location,
        queryId: qualifiedJobId(opts.projectId, opts.location, jobId),
      };
      running.set(jobId, entry);
      entry.inserting = jobs.insert(spec, jobId, stop);
      const job = await until(entry.inserting, stop);
      entry.location = job.jobReference?.location ?? entry.location;
      entry.queryId = ctx.queryId = qualifiedJobId(opts.projectId, entry.location, jobId);
      stop.throwIfStopped();
      o.onQueryId?.(entry.queryId);
      const r = await jobs.results(jobId, entry.location, o.maxRows, stop);
      return {
        rows: r.rows,
        columns: r.fields.map((f) => ({ name: f.name, nativeType: googleSqlType(f) })),
        rowCount: r.rowCount,
        ...(r.bytesProcessed !== undefined ? { bytesProcessed: r.bytesProcessed } : {}),
        queryId: entry.queryId,
      };
    } catch (e) {
      if (e instanceof Stopped || stop.kind) {
        if (entry) ctx.queryId = entry.queryId;
        throw await stoppedError(stop, jobId, entry, ctx);
      }
      if (e instanceof ParameterError) throw connectorError(e.message, 'permanent', 'invalidParameter', ctx);
      const failedJob = failureOf(e);
      if (failedJob.jobId)
        ctx.queryId ??= qualifiedJobId(opts.projectId, failedJob.location ?? opts.location, failedJob.jobId);
      // We stop waiting for a job that may still run (a poll failed, an insert went unanswered):
      // cancel it rather than leave it billing. A job that failed by itself is done already.
      else if (entry?.inserting) await cancelOnce(jobId, entry);
      throw toConnectorError(e, ctx);
    } finally {
      running.delete(jobId);
      stop.dispose();
    }
  };

  /** The read-only rule: the engine's dry run must call the statement a SELECT. */
  const ensureSelect = async (spec: QuerySpec, stop: Stop, ctx: ErrorContext) => {
    const dry = await jobs.dryRun(spec, stop);
    const type = dry.statistics?.query?.statementType;
    if (type !== 'SELECT')
      throw connectorError(
        `read-only execution refused a ${type ?? 'statement of unknown type'} statement (BigQuery's dry run ` +
          'classified it): previews and agents may only run SELECT; run writes as workflow steps',
        'permanent',
        'readOnly',
        ctx,
      );
  };

  const tables = introspection(
    async (sql, params, paramNames) =>
      (await run(sql, { params, paramNames, label: { origin: 'introspection' } }, 'introspection')).rows ??
      [],
    { projectId: opts.projectId, location: opts.location, secrets },
  );

  return {
    type: 'bigquery',
    dialect: 'bigquery',

    execute: (sql, o = {}) => run(sql, o, 'execute'),

    async cancel(queryId) {
      const { jobId, location } = parseJobId(queryId);
      const mine = running.get(jobId);
      if (mine) {
        mine.stop.stop('cancelled');
        const failed = await cancelOnce(jobId, mine);
        if (failed) throw failed;
        return;
      }
      const stop = new Stop(undefined, CANCEL_TIMEOUT_MS);
      try {
        await jobs.cancel(jobId, location ?? opts.location, stop);
      } catch (e) {
        throw e instanceof Stopped
          ? connectorError(`the cancel request for ${queryId} got no answer`, 'transient', 'cancelFailed', {
              secrets,
              queryId,
            })
          : toConnectorError(e, { secrets, queryId });
      } finally {
        stop.dispose();
      }
    },

    async estimate(sql, o = {}): Promise<Estimate> {
      const ctx: ErrorContext = { secrets, sql, ...(maxBytesBilled !== undefined ? { maxBytesBilled } : {}) };
      const stop = new Stop(o.signal, opts.timeoutMs);
      try {
        stop.throwIfStopped();
        const dry = await jobs.dryRun(
          { sql, params: o.params, paramNames: o.paramNames, labels: jobLabels(undefined, 'estimate') },
          stop,
        );
        return estimateFromDryRun(dry, opts.pricePerTiB ?? DEFAULT_PRICE_PER_TIB, maxBytesBilled);
      } catch (e) {
        if (e instanceof Stopped)
          throw connectorError(
            'the dry run was cancelled',
            stop.kind === 'timeout' ? 'permanent' : 'cancelled',
            stop.kind ?? 'cancelled',
            ctx,
          );
        if (e instanceof ParameterError)
          throw connectorError(e.message, 'permanent', 'invalidParameter', ctx);
        throw toConnectorError(e, ctx);
      } finally {
        stop.dispose();
      }
    },

    listTables: (o) => tables.listTables(o),
    describeTable: (parts) => tables.describeTable(parts),

    /**
     * From each table's resource (tables.get, not billed): `lastModifiedTime`, which BigQuery
     * moves on every change of data or schema, with `creationTime` (a table dropped and made
     * again). A view, a materialized view or an external table has no version, nor a table with a
     * streaming buffer (rows streamed in may not have moved lastModifiedTime yet).
     */
    async tableVersions(list, o = {}): Promise<Array<TableVersion | undefined>> {
      const out: Array<TableVersion | undefined> = [];
      for (const parts of list) {
        const [project, dataset, table] =
          parts.length >= 3 ? parts.slice(-3) : [opts.projectId, parts.at(-2), parts.at(-1)];
        if (!dataset || !table) {
          out.push(undefined);
          continue;
        }
        let meta: Record<string, unknown>;
        try {
          [meta] = (await bq
            .dataset(dataset, { projectId: project })
            .table(table)
            .getMetadata()) as unknown as [Record<string, unknown>];
        } catch (e) {
          if ((e as { code?: number }).code === 404) {
            out.push(undefined);
            continue;
          }
          throw toConnectorError(e, { secrets });
        }
        if (o.signal?.aborted) throw toConnectorError(o.signal.reason, { secrets });
        const bytes = meta['numBytes'] !== undefined ? Number(meta['numBytes']) : null;
        const versioned = ['TABLE', 'CLONE', 'SNAPSHOT'].includes(String(meta['type'] ?? 'TABLE'));
        out.push({
          version:
            versioned && !o.sizeOnly && !meta['streamingBuffer'] && meta['lastModifiedTime'] !== undefined
              ? `created:${String(meta['creationTime'])};modified:${String(meta['lastModifiedTime'])}`
              : null,
          bytes,
        });
      }
      return out;
    },

    /** A dry run: BigQuery validates the query and gives its schema without running or billing it. */
    async describeQuery(sql, o = {}): Promise<ColumnInfo[]> {
      const ctx: ErrorContext = { secrets, sql, ...(maxBytesBilled !== undefined ? { maxBytesBilled } : {}) };
      const stop = new Stop(o.signal, o.timeoutMs ?? opts.timeoutMs);
      try {
        stop.throwIfStopped();
        const dry = await jobs.dryRun(
          { sql, params: o.params, paramNames: o.paramNames, labels: jobLabels(o.label, 'describe') },
          stop,
        );
        const type = dry.statistics?.query?.statementType;
        if (type !== 'SELECT')
          throw connectorError(
            `only a SELECT can be described; BigQuery's dry run calls this a ${type ?? 'statement of unknown type'}`,
            'permanent',
            'readOnly',
            ctx,
          );
        return (dry.statistics?.query?.schema?.fields ?? []).map((f) => ({
          name: f.name,
          type: bigqueryToPortable(googleSqlType(f)),
        }));
      } catch (e) {
        if (e instanceof Stopped)
          throw connectorError(
            'the dry run was cancelled',
            stop.kind === 'timeout' ? 'permanent' : 'cancelled',
            stop.kind ?? 'cancelled',
            ctx,
          );
        if (e instanceof ParameterError)
          throw connectorError(e.message, 'permanent', 'invalidParameter', ctx);
        throw toConnectorError(e, ctx);
      } finally {
        stop.dispose();
      }
    },

    classify: classifyBigQueryError,

    async close() {
      closed = true;
      const pending = [...running].map(([jobId, r]) => {
        r.stop.stop('cancelled');
        return cancelOnce(jobId, r);
      });
      await Promise.all(pending);
    },
  };
}

function noop(): void {}

async function loadClient(secrets: readonly string[]): Promise<typeof BigQueryClient> {
  try {
    const mod = await import('@google-cloud/bigquery');
    // A CommonJS package: its named exports, or the same object as `default`.
    return (
      mod.BigQuery ?? (mod as unknown as { default: { BigQuery: typeof BigQueryClient } }).default.BigQuery
    );
  } catch (e) {
    throw connectorError(
      `the BigQuery client could not be loaded (${(e as Error).message}); install it with ` +
        '`npm install @google-cloud/bigquery@^8` next to edgeflow',
      'permanent',
      'driverMissing',
      { secrets },
    );
  }
}

function validate(opts: BigQueryOptions, secrets: readonly string[]): void {
  const bad = (what: string) =>
    connectorError(`BigQuery connection: ${what}`, 'permanent', 'invalidConfig', { secrets });
  if (!opts.projectId?.trim()) throw bad('projectId is required (the project jobs run and bill in)');
  if (
    opts.maxBytesBilled !== undefined &&
    !(Number.isSafeInteger(opts.maxBytesBilled) && opts.maxBytesBilled > 0)
  )
    throw bad(`maxBytesBilled must be a positive whole number of bytes, not ${opts.maxBytesBilled}`);
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0))
    throw bad(`timeoutMs must be a positive number of milliseconds, not ${opts.timeoutMs}`);
  if (opts.pricePerTiB !== undefined && !(opts.pricePerTiB >= 0))
    throw bad(`pricePerTiB must be a non-negative price in USD, not ${opts.pricePerTiB}`);
}
