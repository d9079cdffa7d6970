/**
 * `<state dir>/daemon.json`: where a running `edgeflow serve` listens, so that the CLI of the same
 * user can go through it when the daemon holds an embedded DuckDB file (./daemon-link.ts). Written
 * (mode 0600, in the 0700 state directory) once the daemon listens and removed when it stops; a
 * file left by a crash names a dead process or a URL that does not answer, and is ignored.
 *
 * It holds no secret (the admin token stays in admin.token), but it says where the CLI sends that
 * token: a daemon.json that another user owns or could have written is never trusted.
 */
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { stateDirectory, stateLocationKey } from '../config/state.js';

export const DAEMON_FILE = 'daemon.json';

export interface DaemonInfo {
  /** Where it listens, e.g. http://127.0.0.1:8787. */
  url: string;
  pid: number;
  /** When it started listening (ISO). */
  started: string;
  /** Its run store (absolute). */
  state: string;
  /** Its config file (absolute); null for the embedded default. */
  config: string | null;
  /** Its DuckDB file connections: name → absolute path. */
  duckdb: Record<string, string>;
}

export function daemonFilePath(stateDir: string): string {
  return path.join(stateDir, DAEMON_FILE);
}

/**
 * Writes daemon.json for this process listening at `url` (atomically, 0600). `remove` deletes it
 * while it is still this process's (a second daemon on the same state directory may have written
 * its own since); so does the process's exit, whatever ends it short of a kill. A run store in
 * memory has no state directory, and no daemon.json.
 */
export function publishDaemon(loaded: LoadedConfig, url: string): { remove(): void } {
  if (loaded.config.state === ':memory:') return { remove() {} };
  const state = stateLocationKey(loaded);
  const stateDir = stateDirectory(loaded);
  const duckdb: Record<string, string> = {};
  for (const [name, c] of Object.entries(loaded.config.connections))
    if (c.type === 'duckdb' && c.path !== ':memory:') duckdb[name] = path.resolve(loaded.baseDir, c.path);
  const info: DaemonInfo = {
    url,
    pid: process.pid,
    started: new Date().toISOString(),
    state,
    config: loaded.file ?? null,
    duckdb,
  };
  const file = daemonFilePath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  const remove = () => {
    process.off('exit', remove);
    try {
      if (readDaemonFile(stateDir)?.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Gone already; the next reader would have found it stale anyway.
    }
  };
  process.on('exit', remove);
  return { remove };
}

/**
 * daemon.json as its writer left it; undefined when there is none, it is not ours (another owner,
 * writable by others, a link) or it is not one.
 */
export function readDaemonFile(stateDir: string): DaemonInfo | undefined {
  const file = daemonFilePath(stateDir);
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.mode & 0o022) return undefined;
    if (process.getuid && st.uid !== process.getuid()) return undefined;
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<DaemonInfo>;
    if (
      typeof v.url !== 'string' ||
      !Number.isInteger(v.pid) ||
      typeof v.state !== 'string' ||
      (v.config !== null && typeof v.config !== 'string') ||
      typeof v.duckdb !== 'object' ||
      v.duckdb === null
    )
      return undefined;
    return v as DaemonInfo;
  } catch {
    return undefined;
  }
}
