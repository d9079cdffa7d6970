/**
 * The Databricks SQL Statement Execution API 2.0 over Node's fetch, with token authentication:
 * a personal access token, or OAuth machine-to-machine (a service principal's client credentials
 * exchanged at `/oidc/v1/token` for an hour-long access token, renewed before it expires).
 * https://docs.databricks.com/api/workspace/statementexecution
 * https://docs.databricks.com/en/dev-tools/auth/oauth-m2m.html
 */
import { DatabricksApiError } from './errors.js';
import type { DatabricksOptions } from './options.js';
import type { StatementParameter } from './params.js';
import type { ManifestColumn } from './values.js';

export type StatementState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'CLOSED';

export interface ResultData {
  chunk_index?: number;
  row_offset?: number;
  row_count?: number;
  data_array?: Array<Array<string | null>>;
  next_chunk_index?: number;
  next_chunk_internal_link?: string;
}

export interface StatementResponse {
  statement_id: string;
  status: {
    state: StatementState;
    error?: { error_code?: string; message?: string };
    sql_state?: string;
  };
  manifest?: {
    format?: string;
    schema?: { column_count?: number; columns?: ManifestColumn[] };
    total_row_count?: number;
    total_chunk_count?: number;
    truncated?: boolean;
  };
  result?: ResultData;
}

export interface SubmitSpec {
  statement: string;
  parameters?: StatementParameter[] | undefined;
  rowLimit?: number | undefined;
}

/** A single HTTP request gets this long before it counts as unanswered (transient). */
const REQUEST_TIMEOUT_MS = 30_000;
/** An OAuth access token is renewed this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;

export class DatabricksApi {
  private readonly base: string;
  private oauth?: { token: string; expiresAt: number };
  private oauthPending?: Promise<string>;

  constructor(
    private readonly opts: DatabricksOptions,
    /** Redaction list, shared with the connector: an OAuth access token is added when issued. */
    private readonly secrets: string[],
  ) {
    const host = /^https?:\/\//i.test(opts.host) ? opts.host : `https://${opts.host}`;
    this.base = host.replace(/\/+$/, '');
  }

  /** POST /api/2.0/sql/statements, returning at once (`wait_timeout: 0s`) with the statement id. */
  submit(spec: SubmitSpec): Promise<StatementResponse> {
    return this.request<StatementResponse>('POST', '/api/2.0/sql/statements', {
      warehouse_id: this.opts.warehouseId,
      statement: spec.statement,
      ...(this.opts.catalog ? { catalog: this.opts.catalog } : {}),
      ...(this.opts.schema ? { schema: this.opts.schema } : {}),
      ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
      ...(spec.rowLimit !== undefined ? { row_limit: spec.rowLimit } : {}),
      // The id must be known before any wait, so a cancel can reach the statement: answer at once
      // and let it run on (CONTINUE); we poll.
      wait_timeout: '0s',
      on_wait_timeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
    });
  }

  status(id: string, signal?: AbortSignal): Promise<StatementResponse> {
    return this.request<StatementResponse>(
      'GET',
      `/api/2.0/sql/statements/${encodeURIComponent(id)}`,
      undefined,
      signal,
    );
  }

  chunk(id: string, index: number, signal?: AbortSignal): Promise<ResultData> {
    return this.request<ResultData>(
      'GET',
      `/api/2.0/sql/statements/${encodeURIComponent(id)}/result/chunks/${index}`,
      undefined,
      signal,
    );
  }

  async cancel(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `/api/2.0/sql/statements/${encodeURIComponent(id)}/cancel`, undefined, signal);
  }

  private async authorization(signal?: AbortSignal): Promise<string> {
    if (this.opts.token) return `Bearer ${this.opts.token}`;
    if (this.oauth && Date.now() < this.oauth.expiresAt - TOKEN_MARGIN_MS)
      return `Bearer ${this.oauth.token}`;
    this.oauthPending ??= this.issueToken(signal).finally(() => (this.oauthPending = undefined));
    return `Bearer ${await this.oauthPending}`;
  }

  /** OAuth M2M: client credentials for a workspace-level access token (scope all-apis). */
  private async issueToken(signal?: AbortSignal): Promise<string> {
    const basic = Buffer.from(`${this.opts.clientId ?? ''}:${this.opts.clientSecret ?? ''}`).toString(
      'base64',
    );
    this.secrets.push(basic);
    const res = await fetch(`${this.base}/oidc/v1/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'edgeflow',
      },
      body: 'grant_type=client_credentials&scope=all-apis',
      signal: withTimeout(signal),
    });
    const text = await res.text();
    let body: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: reported below by status
    }
    if (!res.ok || !body.access_token)
      throw new DatabricksApiError(
        `OAuth token request refused: ${body.error ?? ''} ${body.error_description ?? text.slice(0, 200)}`.trim(),
        res.status,
        res.status === 401 || res.status === 400 ? 'UNAUTHENTICATED' : undefined,
      );
    this.secrets.push(body.access_token);
    this.oauth = { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: await this.authorization(signal),
        'user-agent': 'edgeflow',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: withTimeout(signal),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as { error_code?: string; message?: string };
      throw new DatabricksApiError(
        e.message ?? (text.slice(0, 300) || res.statusText),
        res.status,
        e.error_code,
      );
    }
    if (parsed === undefined)
      throw new DatabricksApiError(
        `an answer that is not JSON: ${text.slice(0, 200)}`,
        res.status,
        'BAD_RESPONSE',
      );
    return parsed as T;
  }
}

function withTimeout(signal: AbortSignal | undefined): AbortSignal {
  const t = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, t]) : t;
}
