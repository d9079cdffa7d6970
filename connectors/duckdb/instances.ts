/**
 * One DuckDB instance per database file in this process. Two instances of one file in one process
 * do not see each other's writes and can corrupt the file (DuckDB's lock is per process, so the
 * second open is not refused): every connector of a file shares one instance, counted, and the
 * last close closes it.
 *
 * Every instance is locked down when it is made, before any statement of a caller runs: the
 * configured extensions are loaded, then external access is switched off (no file, URL, glob,
 * ATTACH, COPY, INSTALL or LOAD, except under `allowFiles`) and the configuration is locked, so no
 * SQL a token holder writes can switch it back on. The engine refuses, whatever the SQL says.
 * Then edgeflow's spatial functions are registered (./spatial/functions.ts).
 * See https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
 */
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ConnectorError } from '../connector.js';
import { registerSpatialFunctions } from './spatial/functions.js';

interface Made {
  instance: DuckDBInstance;
  loaded: ReadonlySet<string>;
}

interface Shared {
  instance: Promise<Made>;
  readOnly: boolean;
  refs: number;
}

const open = new Map<string, Shared>();

export interface InstanceRequest {
  path: string;
  readOnly: boolean;
  allowExtensionInstall: boolean;
  /** Extensions to load when the instance is made (installed first when allowExtensionInstall). */
  extensions?: readonly string[];
  /** Absolute directories DuckDB may read and write files under; nothing else. */
  allowFiles?: readonly string[];
  /** DuckDB worker threads (default: one per core). */
  threads?: number;
  /** DuckDB's memory limit, e.g. `4GB` (default: 80% of RAM). */
  memoryLimit?: string;
}

export interface InstanceLease {
  instance: DuckDBInstance;
  /** The extensions the instance loaded when it was made. */
  loaded: ReadonlySet<string>;
  /** The instance is shared with an earlier opener (whose settings it keeps). */
  shared: boolean;
  release(): void;
}

export async function leaseInstance(req: InstanceRequest): Promise<InstanceLease> {
  const memory = req.path === ':memory:';
  const key = memory ? undefined : path.resolve(req.path);
  const existing = key ? open.get(key) : undefined;
  if (existing) {
    // A read-write instance serves a read-only connector (which then guards every statement
    // itself); the other way round cannot be.
    if (existing.readOnly && !req.readOnly)
      throw new ConnectorError(
        `the DuckDB file ${req.path} is already open read-only in this process; close that connection before opening it for writing`,
        'permanent',
        { connector: 'duckdb', code: 'ALREADY_OPEN_READ_ONLY' },
      );
    existing.refs++;
    try {
      return lease(key!, existing, await existing.instance, true);
    } catch (e) {
      existing.refs--;
      throw e;
    }
  }
  const entry: Shared = { instance: create(req, memory), readOnly: req.readOnly && !memory, refs: 1 };
  if (key) open.set(key, entry);
  try {
    return lease(key, entry, await entry.instance, false);
  } catch (e) {
    if (key && open.get(key) === entry) open.delete(key);
    throw e;
  }
}

function lease(key: string | undefined, entry: Shared, made: Made, shared: boolean): InstanceLease {
  const { instance, loaded } = made;
  let released = false;
  return {
    instance,
    loaded,
    shared,
    release() {
      if (released) return;
      released = true;
      if (--entry.refs > 0) return;
      if (key && open.get(key) === entry) open.delete(key);
      instance.closeSync();
    },
  };
}

const EXTENSION_NAME = /^[a-z][a-z0-9_]*$/;

async function create(req: InstanceRequest, memory: boolean): Promise<Made> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(req.path, {
    // Nothing is fetched or loaded behind the caller's back; `extensions` is the one way in.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    ...(req.threads !== undefined ? { threads: String(req.threads) } : {}),
    ...(req.memoryLimit !== undefined ? { memory_limit: req.memoryLimit } : {}),
    // An in-memory database cannot be opened read-only; its connector still guards statements.
    ...(req.readOnly && !memory ? { access_mode: 'READ_ONLY' } : {}),
  });
  try {
    const conn = await instance.connect();
    try {
      const loaded = new Set<string>();
      for (const name of req.extensions ?? []) {
        if (!EXTENSION_NAME.test(name)) throw new Error(`"${name}" is not a DuckDB extension name`);
        if (req.allowExtensionInstall) await conn.run(`INSTALL ${name}`);
        await conn.run(`LOAD ${name}`);
        loaded.add(name);
      }
      await lockDown(conn, req.allowFiles ?? []);
      // edgeflow's spatial functions (an API call, not SQL: allowed once the configuration is locked).
      registerSpatialFunctions(conn);
      return { instance, loaded };
    } finally {
      conn.closeSync();
    }
  } catch (e) {
    instance.closeSync();
    throw e;
  }
}

/**
 * External access off and the configuration locked, for every connection of the instance (these
 * are global settings). The allowed directories are set first: they cannot be changed after.
 */
async function lockDown(conn: DuckDBConnection, allowFiles: readonly string[]): Promise<void> {
  if (allowFiles.length > 0) {
    const list = allowFiles.map((d) => `'${(d.endsWith('/') ? d : `${d}/`).replaceAll("'", "''")}'`);
    await conn.run(`SET allowed_directories = [${list.join(', ')}]`);
  }
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}
