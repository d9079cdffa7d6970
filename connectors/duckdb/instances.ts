/**
 * One DuckDB instance per database file in this process. Two instances of one file in one process
 * do not see each other's writes and can corrupt the file (DuckDB's lock is per process, so the
 * second open is not refused): every connector of a file shares one instance, counted, and the
 * last close closes it.
 */
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { ConnectorError } from '../connector.js';

interface Shared {
  instance: Promise<DuckDBInstance>;
  readOnly: boolean;
  refs: number;
}

const open = new Map<string, Shared>();

export interface InstanceRequest {
  path: string;
  readOnly: boolean;
  allowExtensionInstall: boolean;
}

export interface InstanceLease {
  instance: DuckDBInstance;
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

function lease(key: string | undefined, entry: Shared, instance: DuckDBInstance, shared: boolean) {
  let released = false;
  return {
    instance,
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

async function create(req: InstanceRequest, memory: boolean): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const ext = req.allowExtensionInstall ? 'true' : 'false';
  return DuckDBInstance.create(req.path, {
    autoinstall_known_extensions: ext,
    autoload_known_extensions: ext,
    // An in-memory database cannot be opened read-only; its connector still guards statements.
    ...(req.readOnly && !memory ? { access_mode: 'READ_ONLY' } : {}),
  });
}
