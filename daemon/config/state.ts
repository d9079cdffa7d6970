/**
 * Where the run store is (the config's `state`): a SQLite file (the default,
 * `./.edgeflow/state.db`), or a PostgreSQL database shared by several daemons — `postgres://…`,
 * written in clear or, since such a URL usually carries a password, as `${env:NAME}` /
 * `${file:PATH}` (resolved here, like a connection's url, and only when the store opens).
 *
 * A daemon also keeps a few local files beside its state (the admin token, daemon.json, the
 * Snowflake driver's cache): beside the SQLite file, or in `stateDir` (default `./.edgeflow`) when
 * the state is a database.
 */
import path from 'node:path';
import { resolveSecret } from '../../connectors/secrets.js';
import type { LoadedConfig } from './load.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const SECRET_REF = /\$\{(env|file):[^}]+\}/;

export interface StateLocation {
  backend: 'sqlite' | 'postgres';
  /** What RunStore.open takes: the SQLite file's absolute path, `:memory:`, or the resolved URL. */
  target: string;
  /** The directory of the daemon's local files. */
  dir: string;
  /** For messages and daemon.json: the path, or the URL without its password. */
  display: string;
  /** A store in memory (tests): no local files. */
  memory: boolean;
}

/** Whether `state` names a database rather than a file (decided without resolving secrets). */
export function stateIsDatabase(state: string): boolean {
  return POSTGRES_URL.test(state) || SECRET_REF.test(state);
}

/** The directory of the daemon's local files (no secret is resolved). */
export function stateDirectory(loaded: Pick<LoadedConfig, 'config' | 'baseDir'>): string {
  const { state, stateDir } = loaded.config;
  if (stateIsDatabase(state)) return path.resolve(loaded.baseDir, stateDir ?? './.edgeflow');
  if (state === ':memory:') return loaded.baseDir;
  return path.dirname(path.resolve(loaded.baseDir, state));
}

export class StateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConfigError';
  }
}

export function stateLocation(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): StateLocation {
  const { state } = loaded.config;
  const dir = stateDirectory(loaded);
  if (!stateIsDatabase(state)) {
    const memory = state === ':memory:';
    const file = memory ? ':memory:' : path.resolve(loaded.baseDir, state);
    return { backend: 'sqlite', target: file, dir, display: file, memory };
  }
  let url: string;
  try {
    url = resolveSecret(state, { env, baseDir: loaded.baseDir });
  } catch (e) {
    throw new StateConfigError(`state: ${(e as Error).message}`);
  }
  if (!POSTGRES_URL.test(url))
    throw new StateConfigError(
      'state: a value written as ${env:…} or ${file:…} must resolve to a postgres:// URL (write a SQLite path in clear)',
    );
  return { backend: 'postgres', target: url, dir, display: redactedUrl(url), memory: false };
}

/** The URL with its password replaced (never its user's secret in a message). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The secret forms a state URL gives (for the Redactor): the URL and its password as written and decoded. */
export function stateSecrets(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!stateIsDatabase(loaded.config.state)) return [];
  let url: string;
  try {
    url = resolveSecret(loaded.config.state, { env, baseDir: loaded.baseDir });
  } catch {
    return [];
  }
  const out: string[] = [];
  try {
    const password = new URL(url).password;
    if (password) out.push(url, password, decodeURIComponent(password));
  } catch {
    out.push(url);
  }
  return out;
}

/**
 * What names this state in daemon.json (a CLI finds the daemon of its own state by it): the
 * SQLite file's path, or the database URL as written (a ${…} reference, or without its password).
 */
export function stateLocationKey(loaded: Pick<LoadedConfig, 'config' | 'baseDir'>): string {
  const { state } = loaded.config;
  if (!stateIsDatabase(state)) return path.resolve(loaded.baseDir, state);
  return SECRET_REF.test(state) ? state : redactedUrl(state);
}
