/**
 * Who hears about a workflow's runs: its own `notify` block when it has one (channels `[]` turns
 * alerts off for it), else the config's `notify.default`. `on` defaults to failures only.
 */
import type { NotifySpec } from '../../compiler/workflow/model.js';
import type { NotifyConfig, NotifyEvent } from '../config/notify-schema.js';
import { parseDuration } from '../config/units.js';

export interface NotifyRules {
  channels: string[];
  on: ReadonlySet<NotifyEvent>;
  /** For `slow`. */
  slowAfterMs?: number;
}

export const NO_RULES: NotifyRules = { channels: [], on: new Set() };

export function rulesFor(config: NotifyConfig | undefined, own: NotifySpec | undefined): NotifyRules {
  if (!config) return NO_RULES;
  const spec = own ?? config.default;
  if (!spec || spec.channels.length === 0) return NO_RULES;
  const slowAfterMs =
    typeof spec.slowAfter === 'number'
      ? spec.slowAfter
      : spec.slowAfter
        ? parseDuration(spec.slowAfter)
        : undefined;
  const on = new Set<NotifyEvent>(spec.on ?? ['failure']);
  if (slowAfterMs === undefined) on.delete('slow');
  return {
    channels: spec.channels.filter((c) => config.channels[c] !== undefined),
    on,
    ...(slowAfterMs !== undefined ? { slowAfterMs } : {}),
  };
}

/**
 * What is wrong with a workflow's `notify` block against this config: each message names the
 * problem and what to do (the service reports them when the workflow is validated and saved).
 */
export function checkNotifySpec(
  config: NotifyConfig | undefined,
  spec: NotifySpec | undefined,
): Array<{ path: string; message: string; hint: string }> {
  if (!spec) return [];
  const out: Array<{ path: string; message: string; hint: string }> = [];
  const names = Object.keys(config?.channels ?? {});
  spec.channels.forEach((c, i) => {
    if (!config?.channels[c])
      out.push({
        path: `$.notify.channels[${i}]`,
        message: `unknown alert channel "${c}"`,
        hint: names.length
          ? `the daemon's config has the channels ${names.join(', ')}`
          : 'the daemon\'s config has no notify.channels: add one (README, "Alerts")',
      });
  });
  if (spec.on?.includes('slow') && spec.slowAfter === undefined)
    out.push({
      path: '$.notify.slowAfter',
      message: '`slow` needs slowAfter',
      hint: 'e.g. "slowAfter": "30m"',
    });
  return out;
}
