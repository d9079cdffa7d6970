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

/** What a statement of either backend answers (better-sqlite3's shape). */
export interface Statement {
  /** `changes`: rows the statement changed. */
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * The run store's one way to its database, whichever backend: cached statements and one
 * transaction at a time across every process sharing the database. The store modules (runs.ts,
 * steps.ts, …) write their SQL once, in the subset both SQLite and PostgreSQL take: `?` or `@name`
 * parameters, `RETURNING`, `ON CONFLICT`, `IS NOT DISTINCT FROM`, and `json_extract`/`json_valid`
 * (PostgreSQL gets functions of those names from migrations/001_initial.pg.sql).
 */
export interface Sql {
  readonly backend: 'sqlite' | 'postgres';
  stmt(text: string): Statement;
  /** Runs `fn` in one transaction that no other store transaction interleaves with; nested calls are savepoints. */
  tx<T>(fn: () => T): T;
  /** Runs one or more statements without parameters (migrations). */
  exec(text: string): void;
  close(): void;
}

/** SQLite: a database with a cache of prepared statements keyed by their text. */
export class SqliteSql implements Sql {
  readonly backend = 'sqlite' as const;
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

  exec(text: string): void {
    this.db.exec(text);
  }

  close(): void {
    this.db.close();
  }
}
