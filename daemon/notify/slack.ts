/**
 * The `slack` channel: a Slack incoming webhook (https://api.slack.com/messaging/webhooks), or a
 * service that takes the same payload (Mattermost, Rocket.Chat). `text` carries the whole alert
 * in mrkdwn, with the run's link as `<url|text>`; no blocks, so compatible services show it too.
 */
import { alertLines, type AlertMessage } from './message.js';

/** Slack's mrkdwn escapes (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(m: AlertMessage): { text: string } {
  const icon = {
    failure: ':red_circle:',
    success: ':large_green_circle:',
    slow: ':hourglass:',
    skipped: ':fast_forward:',
  }[m.event];
  // Every line but the summary and the link, which get their own form.
  const details = alertLines(m).slice(2, -2).filter(Boolean);
  const text = [
    `${icon} *${escape(m.summary)}*`,
    ...details.map((l) => escape(l)),
    `<${m.link}|${m.runId ? 'Open the run' : 'Open the runs'}>`,
  ].join('\n');
  return { text };
}
