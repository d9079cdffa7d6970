/**
 * Every secret value the config resolves to: each connection's (with the forms its driver might
 * echo, gathered where connectors are built: daemon/connections.ts), the assistant's key, and the
 * alert channels' webhook URLs and secrets and SMTP password (daemon/notify/channels.ts).
 */
import { resolveSecret } from '../../connectors/secrets.js';
import type { LoadedConfig } from '../config/load.js';
import { stateSecrets } from '../config/state.js';
import { connectorOptions } from '../connections.js';
import { notifySecrets } from '../notify/channels.js';

export function resolvedSecrets(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const name of Object.keys(loaded.config.connections)) {
    try {
      const c = connectorOptions(loaded, name, { env });
      if ('secrets' in c.options && c.options.secrets) out.push(...c.options.secrets);
    } catch {
      // Unresolvable (an unset variable, a missing file): the connector will say so when used,
      // and what cannot be resolved cannot be in a text either.
    }
  }
  const a = loaded.config.assistant;
  const resolve = (value: string): string | undefined => {
    try {
      return resolveSecret(value, { env, baseDir: loaded.baseDir });
    } catch {
      return undefined; // as above
    }
  };
  // The key, even written in clear; the base URL only when it carries credentials.
  const key = a?.apiKey !== undefined ? resolve(a.apiKey) : undefined;
  if (key) out.push(key);
  const url = a?.baseURL !== undefined ? resolve(a.baseURL) : undefined;
  if (url && /\/\/[^/]*@/.test(url)) {
    out.push(url);
    try {
      const password = new URL(url).password;
      if (password) out.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL: the whole value is kept.
    }
  }
  out.push(...notifySecrets(loaded, env));
  // The run store's URL when it is a PostgreSQL database with a password.
  out.push(...stateSecrets(loaded, env));
  return out;
}
