/**
 * The daemon's HTTP API, as the UI calls it. The session cookie (HttpOnly: this code never sees
 * it) authenticates every call; state-changing calls also carry the session's CSRF token, which
 * lives only in this module's memory.
 */
import type {
  CompileResult,
  ComponentDoc,
  ConnectionSummary,
  LogRecord,
  PreviewResult,
  RunList,
  RunRecord,
  RunView,
  SavedWorkflow,
  SaveWorkflowResult,
  UiSessionInfo,
  ValidateResult,
  WorkflowSummary,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrf: string | undefined;
const signedOutListeners = new Set<() => void>();

/** Called when an answer says the session is gone (401): the app shows the sign-in again. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-edgeflow-csrf'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && !opts.quiet401) {
      csrf = undefined;
      for (const l of signedOutListeners) l();
    }
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.details);
  }
  return json as T;
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

export const api = {
  async session(): Promise<UiSessionInfo | undefined> {
    try {
      const s = await call<UiSessionInfo>('GET', '/v1/session', undefined, { quiet401: true });
      csrf = s.csrf;
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return undefined;
      throw e;
    }
  },
  async signIn(token: string): Promise<UiSessionInfo> {
    const s = await call<UiSessionInfo>('POST', '/v1/session', { token }, { quiet401: true });
    csrf = s.csrf;
    return s;
  },
  async signOut(): Promise<void> {
    try {
      await call('DELETE', '/v1/session', undefined, { quiet401: true });
    } finally {
      csrf = undefined;
    }
  },
  connections: () => call<{ connections: ConnectionSummary[] }>('GET', '/v1/connections'),
  components: () => call<{ components: ComponentDoc[] }>('GET', '/v1/components'),
  workflows: () => call<{ workflows: WorkflowSummary[] }>('GET', '/v1/workflows'),
  workflow: (name: string, version?: number) =>
    call<SavedWorkflow>('GET', `/v1/workflows/${enc(name)}${q({ version })}`),
  validate: (workflow: unknown, signal?: AbortSignal) =>
    call<ValidateResult>('POST', '/v1/validate', { workflow }, { ...(signal ? { signal } : {}) }),
  compile: (workflow: unknown, node: string, dialect?: string, signal?: AbortSignal) =>
    call<CompileResult>(
      'POST',
      '/v1/compile',
      { workflow, node, ...(dialect ? { dialect } : {}) },
      { ...(signal ? { signal } : {}) },
    ),
  preview: (workflow: unknown, node: string, limit: number, signal?: AbortSignal) =>
    call<PreviewResult>('POST', '/v1/preview', { workflow, node, limit }, { ...(signal ? { signal } : {}) }),
  save: (workflow: { name: string }) =>
    call<SaveWorkflowResult>('PUT', `/v1/workflows/${enc(workflow.name)}`, workflow),
  startRun: (name: string, params: Record<string, unknown>) =>
    call<RunRecord>(
      'POST',
      `/v1/workflows/${enc(name)}/runs`,
      { params },
      // One click, one run: a retried request (a flaky network) answers the same run.
      { headers: { 'idempotency-key': `ui-${crypto.randomUUID()}` } },
    ),
  runs: (filters: { workflow?: string; status?: string; limit?: number; cursor?: string }) =>
    call<RunList>('GET', `/v1/runs${q(filters)}`),
  run: (id: string) => call<RunView>('GET', `/v1/runs/${enc(id)}`),
  logs: (id: string, after?: number) =>
    call<{ runId: string; logs: LogRecord[] }>('GET', `/v1/runs/${enc(id)}/logs${q({ after })}`),
  cancel: (id: string) => call<{ run: RunView; effect: string }>('POST', `/v1/runs/${enc(id)}/cancel`),
};
