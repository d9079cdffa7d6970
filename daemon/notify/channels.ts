/**
 * The config's alert channels, ready to send: secrets resolved here (as connectors resolve
 * theirs, and known to the redactor through daemon/secrets), one sender per channel. A channel
 * whose secret cannot be resolved fails each of its alerts permanently, with a message that says
 * which setting to fix; the other channels work.
 */
import type { LoadedConfig } from '../config/load.js';
import type { NotifyChannelConfig } from '../config/notify-schema.js';
import { resolveSecret } from '../../connectors/secrets.js';
import { DeliveryError } from './delivery-error.js';
import { EmailSender, smtpSettings } from './email.js';
import type { AlertMessage } from './message.js';
import { slackPayload } from './slack.js';
import { postJson, webhookHeaders } from './webhook.js';

export interface Delivery {
  message: AlertMessage;
  /** Stable across retries of one alert (X-Edgeflow-Delivery). */
  id: string;
  signal: AbortSignal;
  nowMs: number;
}

export interface Channel {
  name: string;
  type: NotifyChannelConfig['type'];
  send(d: Delivery): Promise<void>;
  close?(): void;
}

const MIN_WEBHOOK_SECRET = 16;

export function buildChannels(
  loaded: LoadedConfig,
  o: { env?: NodeJS.ProcessEnv; userAgent?: string } = {},
): Map<string, Channel> {
  const notify = loaded.config.notify;
  const out = new Map<string, Channel>();
  if (!notify) return out;
  const resolve = (v: string) => resolveSecret(v, { env: o.env ?? process.env, baseDir: loaded.baseDir });
  const userAgent = o.userAgent ?? 'edgeflow';
  let email: EmailSender | undefined;
  let emailSetupError: string | undefined;
  if (notify.smtp)
    try {
      email = new EmailSender(smtpSettings(notify.smtp, resolve, loaded.baseDir));
    } catch (e) {
      emailSetupError = `notify.smtp: ${(e as Error).message}`;
    }
  for (const [name, c] of Object.entries(notify.channels)) {
    const what = `alert channel "${name}" (${c.type})`;
    const broken = (why: string): Channel => ({
      name,
      type: c.type,
      send: () => Promise.reject(new DeliveryError(`${what} is misconfigured: ${why}`, true)),
    });
    try {
      switch (c.type) {
        case 'webhook': {
          const url = resolve(c.url);
          const secret = resolve(c.secret);
          if (secret.length < MIN_WEBHOOK_SECRET) {
            out.set(name, broken(`its secret must be at least ${MIN_WEBHOOK_SECRET} characters`));
            break;
          }
          out.set(name, {
            name,
            type: c.type,
            send: async (d) => {
              const body = JSON.stringify(d.message);
              await postJson({
                url,
                body,
                headers: webhookHeaders({
                  secret,
                  body,
                  nowMs: d.nowMs,
                  event: d.message.event,
                  delivery: d.id,
                  userAgent,
                }),
                signal: d.signal,
                what,
              });
            },
          });
          break;
        }
        case 'slack': {
          const url = resolve(c.url);
          out.set(name, {
            name,
            type: c.type,
            send: (d) =>
              postJson({
                url,
                body: JSON.stringify(slackPayload(d.message)),
                headers: { 'user-agent': userAgent },
                signal: d.signal,
                what,
              }),
          });
          break;
        }
        case 'email': {
          if (!email) {
            out.set(name, broken(emailSetupError ?? 'notify.smtp is missing'));
            break;
          }
          const sender = email;
          out.set(name, {
            name,
            type: c.type,
            send: (d) => sender.send({ to: c.to, message: d.message, delivery: d.id, what }),
            close: () => sender.close(),
          });
          break;
        }
      }
    } catch (e) {
      out.set(name, broken((e as Error).message));
    }
  }
  return out;
}

/**
 * Every resolved secret of the alert channels, for the redactor: webhook URLs and secrets (a
 * Slack webhook URL is a credential by itself) and the SMTP password.
 */
export function notifySecrets(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const notify = loaded.config.notify;
  if (!notify) return [];
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v === undefined) return;
    try {
      out.push(resolveSecret(v, { env, baseDir: loaded.baseDir }));
    } catch {
      // Unresolvable: it cannot be in a text either.
    }
  };
  for (const c of Object.values(notify.channels)) {
    if (c.type === 'webhook') add(c.secret);
    if (c.type === 'webhook' || c.type === 'slack') add(c.url);
  }
  add(notify.smtp?.password);
  return out;
}
