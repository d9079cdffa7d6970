/**
 * Calls to the chat endpoint, made robust: a per-request timeout, our own retries on 429 / 5xx /
 * connection errors with exponential backoff that honours `retry-after-ms` and `retry-after`
 * (seconds or an HTTP date), abort through the signal, and errors whose text never carries the key.
 * The SDK's own retries are off (maxRetries 0) so there is one retry policy, tested here.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { ServiceError } from '../service/errors.js';
import type { AssistantClient } from './index.js';

export interface EndpointOptions {
  /** Per request (default 120 s). */
  timeoutMs?: number;
  /** Retries after the first try (default 3). */
  maxRetries?: number;
  /** Longest wait a `retry-after` may ask for before we give up instead (default 60 s). */
  maxRetryWaitMs?: number;
  /** Backoff base when the endpoint says nothing (default 500 ms, doubled per retry, with jitter). */
  backoffMs?: number;
  signal?: AbortSignal;
  /** Removes secrets from a text (the API key). */
  redact?: (text: string) => string;
  /** Sees each retry (for logs). */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
}

/** The wait an endpoint asked for, in ms, from `retry-after-ms` or `retry-after`. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(e: unknown): { retryable: boolean; reason: string } {
  if (e instanceof APIConnectionTimeoutError) return { retryable: true, reason: 'timeout' };
  if (e instanceof APIConnectionError) return { retryable: true, reason: 'connection error' };
  if (e instanceof APIError) {
    const s = e.status ?? 0;
    return { retryable: s === 429 || s === 408 || s >= 500, reason: `HTTP ${s}` };
  }
  return { retryable: false, reason: 'unexpected error' };
}

/** Whether an error says the endpoint does not take `response_format: json_schema`. */
export function rejectsStructuredOutput(e: unknown): boolean {
  return (
    e instanceof APIError &&
    (e.status === 400 || e.status === 422 || e.status === 501) &&
    /response_format|json_schema|structured/i.test(e.message)
  );
}

export async function complete(
  client: AssistantClient,
  body: ChatCompletionCreateParamsNonStreaming,
  opts: EndpointOptions = {},
): Promise<ChatCompletion> {
  const maxRetries = opts.maxRetries ?? 3;
  const redact = opts.redact ?? ((s: string) => s);
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.chat.completions.create(body, {
        timeout: opts.timeoutMs ?? 120_000,
        maxRetries: 0,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      if (opts.signal?.aborted || e instanceof APIUserAbortError) throw opts.signal?.reason ?? e;
      if (rejectsStructuredOutput(e)) throw e;
      const { retryable, reason } = describe(e);
      const message = redact((e as Error).message.split('\n')[0] ?? '');
      if (!retryable || attempt >= maxRetries)
        throw new ServiceError(
          'ASSISTANT_UNAVAILABLE',
          `the assistant's model endpoint failed (${reason}${attempt > 0 ? `, after ${attempt + 1} tries` : ''}): ${message}`,
          {
            reason,
            hint:
              reason === 'timeout'
                ? 'the model took too long to answer; try again or use a faster model'
                : 'check the assistant block of the config (baseURL, model, apiKey) and that the endpoint is up',
          },
        );
      const asked = e instanceof APIError ? retryAfterMs(e.headers) : undefined;
      const base = opts.backoffMs ?? 500;
      const wait = asked ?? Math.round(base * 2 ** attempt * (0.75 + Math.random() * 0.5));
      if (wait > (opts.maxRetryWaitMs ?? 60_000))
        throw new ServiceError(
          'ASSISTANT_UNAVAILABLE',
          `the assistant's model endpoint asked to wait ${Math.round(wait / 1000)} s (${reason}): ${message}`,
          { reason, hint: 'the endpoint is rate limited; try again later' },
        );
      opts.onRetry?.({ attempt: attempt + 1, waitMs: wait, reason });
      await sleep(wait, opts.signal);
    }
  }
}
