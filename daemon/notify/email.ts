/**
 * The `email` channel: one message per alert through the config's SMTP server, with nodemailer
 * (https://nodemailer.com/smtp/). Always over TLS: `starttls` (the default, port 587) refuses a
 * server that does not offer STARTTLS (requireTLS), `implicit` speaks TLS from the first byte (port
 * 465); the server's certificate is checked against the system's CAs or the configured `ca`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config/notify-schema.js';
import { DeliveryError } from './delivery-error.js';
import { alertLines, alertSubject, type AlertMessage } from './message.js';

export interface SmtpSettings extends Omit<SmtpConfig, 'password' | 'ca'> {
  /** Resolved. */
  password?: string;
  /** The CA's PEM text. */
  caPem?: string;
}

export function smtpSettings(
  c: SmtpConfig,
  resolve: (value: string) => string,
  baseDir: string,
): SmtpSettings {
  const { password, ca, ...rest } = c;
  return {
    ...rest,
    ...(password !== undefined ? { password: resolve(password) } : {}),
    ...(ca !== undefined ? { caPem: readFileSync(path.resolve(baseDir, ca), 'utf8') } : {}),
  };
}

export class EmailSender {
  private transport: Transporter | undefined;

  constructor(private readonly smtp: SmtpSettings) {}

  async send(o: { to: string[]; message: AlertMessage; delivery: string; what: string }): Promise<void> {
    // nodemailer loads with the first message: ~15 MB resident the daemon need not hold while idle.
    const { createTransport } = await import('nodemailer');
    this.transport ??= createTransport({
      host: this.smtp.host,
      port: this.smtp.port ?? (this.smtp.tls === 'implicit' ? 465 : 587),
      secure: this.smtp.tls === 'implicit',
      requireTLS: this.smtp.tls !== 'implicit',
      ...(this.smtp.user ? { auth: { user: this.smtp.user, pass: this.smtp.password ?? '' } } : {}),
      tls: { minVersion: 'TLSv1.2', ...(this.smtp.caPem ? { ca: this.smtp.caPem } : {}) },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    try {
      await this.transport.sendMail({
        from: this.smtp.from,
        to: o.to,
        subject: alertSubject(o.message),
        text: alertLines(o.message).join('\n'),
        headers: { 'X-Edgeflow-Delivery': o.delivery, 'X-Edgeflow-Event': o.message.event },
      });
    } catch (e) {
      const err = e as Error & { code?: string; responseCode?: number; response?: string };
      // SMTP 5xx is a refusal (a bad recipient, bad credentials: 535); 4xx and network failures pass.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      throw new DeliveryError(
        `${o.what}: the SMTP server ${permanent ? 'refused the message' : 'could not take it now'}: ${err.code ? `${err.code} ` : ''}${(err.response ?? err.message).split('\n')[0]}`,
        permanent,
      );
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
