/** Alerts: see notifier.ts for an alert's lifecycle, channels.ts for where they go. */
export { Notifier, type NotifierEvent, type NotifierOptions } from './notifier.js';
export { buildChannels, notifySecrets, type Channel, type Delivery } from './channels.js';
export { DeliveryError } from './delivery-error.js';
export { runAlert, skippedAlert, runLink, alertLines, alertSubject, type AlertMessage } from './message.js';
export { rulesFor, checkNotifySpec, type NotifyRules } from './rules.js';
export { signBody, verifySignature, SIGNATURE_HEADER } from './webhook.js';
export { slackPayload } from './slack.js';
