/**
 * The config's `notify` block: where alerts go (named channels: a signed JSON webhook, a
 * Slack-compatible incoming webhook, email through one SMTP server) and the rules every workflow
 * without a `notify` of its own gets. A workflow names channels, never URLs or addresses, so a
 * token that may save workflows cannot make the daemon send anything anywhere new.
 */
import { z } from 'zod';
import { parseDuration } from './units.js';

const secret = z.string().min(1).describe('a value, or ${env:NAME} / ${file:PATH}');

/** What an alert is about (the workflow file's `notify.on` takes the same names). */
export const NOTIFY_EVENTS = ['failure', 'success', 'slow', 'skipped'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(v)} is not a duration: write it like 30s, 15m or 2h`,
    });
  return ms ?? 0;
});

const channelName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'a channel name is lower-case letters, digits, _ and -');

export const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: secret.describe('where the JSON is POSTed (http or https)'),
  secret: secret.describe(
    'the HMAC-SHA256 key of the X-Edgeflow-Signature header (the receiver checks it); at least 16 characters',
  ),
});

export const slackChannel = z.strictObject({
  type: z.literal('slack'),
  url: secret.describe(
    'a Slack incoming webhook URL (or a compatible one: Mattermost, Rocket.Chat); it is a credential: write it ${env:…}',
  ),
});

export const emailChannel = z.strictObject({
  type: z.literal('email'),
  to: z.array(z.email()).min(1).describe('recipients'),
});

export const notifyChannel = z.discriminatedUnion('type', [webhookChannel, slackChannel, emailChannel]);

export const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional().describe('default 587 (465 with tls: implicit)'),
  tls: z
    .enum(['starttls', 'implicit'])
    .optional()
    .describe(
      'starttls (default): upgrade to TLS and refuse a server that cannot; implicit: TLS from the first byte (port 465). Never plain text',
    ),
  user: z.string().min(1).optional(),
  password: secret.optional(),
  from: z.email().describe('the From address'),
  ca: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a PEM file of the CA that signed the server's certificate (a private CA); the system's CAs otherwise",
    ),
});

export const notifyRules = z.strictObject({
  channels: z.array(channelName).describe('channel names from the config'),
  on: z
    .array(z.enum(NOTIFY_EVENTS))
    .optional()
    .describe(
      'failure (default), success, slow (running longer than slowAfter), skipped (a fire skipped for overlap)',
    ),
  slowAfter: duration.optional().describe('for `slow`: a run still going after this long, e.g. 30m'),
});

export const notifySchema = z
  .strictObject({
    channels: z.record(channelName, notifyChannel).describe('named places alerts go'),
    smtp: smtpSchema.optional().describe('the SMTP server email channels send through'),
    default: notifyRules
      .optional()
      .describe(
        "the rules of every workflow that has no `notify` of its own (e.g. failures to the team's channel)",
      ),
  })
  .superRefine((n, ctx) => {
    const names = new Set(Object.keys(n.channels));
    for (const c of n.default?.channels ?? [])
      if (!names.has(c))
        ctx.addIssue({
          code: 'custom',
          path: ['default', 'channels'],
          message: `unknown channel "${c}": the channels are ${[...names].join(', ') || 'none'}`,
        });
    if (!n.smtp && Object.values(n.channels).some((c) => c.type === 'email'))
      ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'an email channel needs notify.smtp' });
    if (n.default?.on?.includes('slow') && n.default.slowAfter === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['default', 'slowAfter'],
        message: '`slow` needs slowAfter, e.g. 30m',
      });
  });

export type NotifyConfig = z.infer<typeof notifySchema>;
export type NotifyChannelConfig = z.infer<typeof notifyChannel>;
export type SmtpConfig = z.infer<typeof smtpSchema>;
export type NotifyRulesConfig = z.infer<typeof notifyRules>;
