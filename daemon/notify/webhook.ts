/**
 * The `webhook` channel: the alert's JSON POSTed as it is, signed. The signature header is
 * `X-Edgeflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the channel's
 * secret>` (the Stripe scheme: the timestamp in the signed text lets a receiver refuse replays);
 * `X-Edgeflow-Delivery` is the same on every retry of one alert, so a receiver can drop repeats.
 * Redirects are not followed: the signed body goes to the configured URL or nowhere.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeliveryError, httpStatusError, networkError } from './delivery-error.js';

export const SIGNATURE_HEADER = 'x-edgeflow-signature';

export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does: checks the signature (in constant time) and the timestamp's age. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  o: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (o.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signBody(secret, body, t).split('v1=')[1]!, 'hex');
  const got = Buffer.from(m[2]!, 'hex');
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Names the channel in errors (never the URL, which may hold a token). */
  what: string;
}

/** POSTs JSON; resolves on 2xx, throws a DeliveryError otherwise. */
export async function postJson(o: PostOptions): Promise<void> {
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...o.headers },
      body: o.body,
      redirect: 'manual',
      signal: o.signal,
    });
  } catch (e) {
    throw networkError(o.what, e, o.signal);
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 300 && res.status < 400)
    throw new DeliveryError(
      `${o.what} answered a redirect (HTTP ${res.status}), which is not followed`,
      true,
    );
  if (!res.ok) throw httpStatusError(o.what, res.status, text);
}

export function webhookHeaders(o: {
  secret: string;
  body: string;
  nowMs: number;
  event: string;
  delivery: string;
  userAgent: string;
}): Record<string, string> {
  return {
    'user-agent': o.userAgent,
    'x-edgeflow-event': o.event,
    'x-edgeflow-delivery': o.delivery,
    [SIGNATURE_HEADER]: signBody(o.secret, o.body, Math.floor(o.nowMs / 1000)),
  };
}
