/**
 * Opens the SQLite file the run store lives in, with the settings every connection needs, and
 * caches prepared statements (preparing is most of the cost of a small statement).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement;

export interface OpenOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, opts: OpenOptions = {}): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  try {
    // WAL: readers never block the writer (the HTTP API reads while the executor writes), and a
    // commit is one append. synchronous=NORMAL in WAL mode can lose the last commits on power loss
    // but never corrupts the file; a lost step transition is redone by recovery.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // The CLI and the daemon may share the file: wait for the other's write instead of failing.
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5_000))}`);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** A database with a cache of prepared statements keyed by their text. */
export class Sql {
  private readonly cache = new Map<string, SqliteStatement>();

  constructor(readonly db: SqliteDatabase) {}

  stmt(text: string): SqliteStatement {
    let s = this.cache.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.cache.set(text, s);
    }
    return s;
  }

  /** Runs `fn` in one IMMEDIATE transaction: the write lock is taken up front, so two processes
   * reading then writing cannot deadlock into SQLITE_BUSY halfway. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
