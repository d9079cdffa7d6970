/**
 * The run store on PostgreSQL, synchronously: the store's API (and so the executor, scheduler,
 * service and HTTP layer above it) stays synchronous whichever backend holds the state. A worker
 * thread (pg-worker.mjs) holds one node-postgres connection; each call posts its request to the
 * worker and blocks this thread with Atomics.wait on a SharedArrayBuffer until the worker has
 * posted the answer, which it then reads with receiveMessageOnPort (the synckit pattern, in a few
 * lines). One round trip to PostgreSQL per call, plus ~20 µs of thread hand-over (README, "Config").
 *
 * SQL is written once for both backends (see `Sql` in database.ts); here `?` and `@name`
 * parameters become `$n`, constraint errors carry SQLite's codes (the store modules test
 * `SQLITE_CONSTRAINT_UNIQUE` / `_FOREIGNKEY`), and `tx` is BEGIN plus a transaction-level advisory
 * lock: store transactions run one at a time across processes, as BEGIN IMMEDIATE makes them on
 * SQLite, while single statements (every compare-and-set transition) rely on row locks.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { packagePath } from '../package-root.js';
import type { Sql, Statement } from './database.js';
import { StoreError } from './errors.js';

export interface PgSqlOptions {
  /** The longest one call may take before the store gives up on it (default 60 s). */
  callTimeoutMs?: number;
  /** PostgreSQL's statement_timeout for the store's statements (default 30 s). */
  statementTimeoutMs?: number;
  /** Wait for each commit's WAL flush (default false: SQLite's synchronous=NORMAL posture). */
  synchronousCommit?: boolean;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: { rows: unknown[]; rowCount: number };
  error?: { message: string; code?: string; constraint?: string; detail?: string };
}

/** SQLite's extended codes for PostgreSQL's constraint SQLSTATEs (the store modules test these). */
const CONSTRAINT_CODES: Record<string, string> = {
  '23505': 'SQLITE_CONSTRAINT_UNIQUE',
  '23503': 'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23514': 'SQLITE_CONSTRAINT_CHECK',
  '23502': 'SQLITE_CONSTRAINT_NOTNULL',
};

/** A URL with its password replaced, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL state database';
  }
}

/**
 * `?` and `@name` placeholders → `$1…$n` (outside string literals, quoted names and comments);
 * `names` is the order of named parameters (null for positional).
 */
export function translatePlaceholders(text: string): { text: string; names: string[] | null } {
  let out = '';
  let positional = 0;
  const named = new Map<string, number>();
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += `$${++positional}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))!;
      const name = m[0];
      let n = named.get(name);
      if (n === undefined) named.set(name, (n = named.size + 1));
      out += `$${n}`;
      i += 1 + name.length;
    } else {
      out += c;
      i++;
    }
  }
  if (positional > 0 && named.size > 0) throw new Error('a statement mixes ? and @name parameters');
  return { text: out, names: named.size > 0 ? [...named.keys()] : null };
}

function bindValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

class PgStatement implements Statement {
  private readonly text: string;
  private readonly names: string[] | null;

  constructor(
    private readonly conn: PgSql,
    source: string,
  ) {
    const t = translatePlaceholders(source);
    this.text = t.text;
    this.names = t.names;
  }

  private values(params: unknown[]): unknown[] {
    if (this.names) {
      const obj = (params[0] ?? {}) as Record<string, unknown>;
      return this.names.map((n) => {
        if (!(n in obj)) throw new RangeError(`missing named parameter "${n}"`);
        return bindValue(obj[n]);
      });
    }
    return params.flat().map(bindValue);
  }

  run(...params: unknown[]): { changes: number } {
    return { changes: this.conn.query(this.text, this.values(params)).rowCount };
  }

  get(...params: unknown[]): unknown {
    return this.conn.query(this.text, this.values(params)).rows[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.conn.query(this.text, this.values(params)).rows;
  }
}

export class PgSql implements Sql {
  readonly backend = 'postgres' as const;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private readonly cache = new Map<string, PgStatement>();
  private readonly callTimeoutMs: number;
  private nextId = 0;
  private depth = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    opts: PgSqlOptions = {},
  ) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4);
    this.flag = new Int32Array(sab);
    this.port = port1;
    this.worker = new Worker(packagePath('daemon', 'store', 'pg-worker.mjs'), {
      workerData: {
        port: port2,
        flag: sab,
        url,
        statementTimeoutMs: opts.statementTimeoutMs ?? 30_000,
        synchronousCommit: opts.synchronousCommit ?? false,
      },
      transferList: [port2],
      // The worker inherits no loader: it is plain JavaScript.
      execArgv: [],
    });
    // Neither keeps the process alive: the daemon's server and timers do.
    this.worker.unref();
    this.port.unref();
  }

  private call(msg: Record<string, unknown>): { rows: unknown[]; rowCount: number } {
    if (this.closed) throw new StoreError('STATE_UNAVAILABLE', 'the run store is closed');
    const id = ++this.nextId;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ ...msg, id });
    const deadline = Date.now() + this.callTimeoutMs;
    for (;;) {
      // A late answer to an earlier call that timed out is dropped.
      let m = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      while (m && m.id !== id) m = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      if (m) {
        if (m.ok) return m.result!;
        throw this.error(m.error!);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new StoreError(
          'STATE_UNAVAILABLE',
          `the state database ${displayUrl(this.url)} did not answer within ${Math.round(this.callTimeoutMs / 1000)} s`,
        );
      // The worker posts its answer, then sets the flag: after waking, the answer is on the port.
      Atomics.wait(this.flag, 0, 0, Math.min(left, 1_000));
      Atomics.store(this.flag, 0, 0);
    }
  }

  private error(e: NonNullable<Reply['error']>): Error {
    const sqliteCode = e.code ? CONSTRAINT_CODES[e.code] : undefined;
    if (sqliteCode) {
      const what = sqliteCode.replace('SQLITE_CONSTRAINT_', '');
      return Object.assign(new Error(`${what} constraint failed: ${e.message}`), {
        code: sqliteCode,
        sqlState: e.code,
      });
    }
    if (!e.code || /^(08|57P|53)/.test(e.code) || /^E[A-Z]+$/.test(e.code))
      return Object.assign(
        new StoreError(
          'STATE_UNAVAILABLE',
          `the state database ${displayUrl(this.url)} is not available: ${e.message}`,
        ),
        { sqlState: e.code },
      );
    return Object.assign(new Error(e.message), { code: e.code, sqlState: e.code });
  }

  query(text: string, values: unknown[]): { rows: unknown[]; rowCount: number } {
    try {
      return this.call({ op: 'query', text, values });
    } catch (e) {
      this.failedInTx(e);
      throw e;
    }
  }

  /**
   * A statement that fails inside a PostgreSQL transaction aborts all of it (SQLite's goes on):
   * kept, so a transaction whose function caught that error and went on is not "committed" — a
   * COMMIT of an aborted transaction rolls back without an error — but fails with it.
   */
  private txError: unknown;

  private failedInTx(e: unknown): void {
    if (this.depth > 0) this.txError ??= e;
  }

  stmt(text: string): Statement {
    let s = this.cache.get(text);
    if (!s) {
      s = new PgStatement(this, text);
      this.cache.set(text, s);
    }
    return s;
  }

  exec(text: string): void {
    try {
      this.call({ op: 'exec', text });
    } catch (e) {
      this.failedInTx(e);
      throw e;
    }
  }

  tx<T>(fn: () => T): T {
    if (this.depth > 0) {
      const sp = `ef_sp${this.depth}`;
      this.exec(`SAVEPOINT ${sp}`);
      this.depth++;
      try {
        const out = fn();
        if (this.txError) throw this.txError;
        this.exec(`RELEASE SAVEPOINT ${sp}`);
        return out;
      } catch (e) {
        this.exec(`ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}`);
        // Back to the savepoint: the transaction is usable again.
        this.txError = undefined;
        throw e;
      } finally {
        this.depth--;
      }
    }
    // A deadlock (two transactions locking rows in another order) is retried whole: fn only
    // reads and writes the store, and its writes were rolled back.
    for (let attempt = 1; ; attempt++) {
      this.call({ op: 'begin' });
      this.depth = 1;
      this.txError = undefined;
      try {
        const out = fn();
        if (out instanceof Promise) throw new TypeError('a store transaction cannot be asynchronous');
        if (this.txError) throw this.txError;
        this.call({ op: 'commit' });
        return out;
      } catch (e) {
        try {
          this.call({ op: 'rollback' });
        } catch {
          // The connection is gone: the transaction is too.
        }
        const code = (e as { sqlState?: string }).sqlState;
        if ((code === '40P01' || code === '40001') && attempt < 3) continue;
        throw e;
      } finally {
        this.depth = 0;
        this.txError = undefined;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } catch {
      // Closing anyway.
    }
    this.closed = true;
    void this.worker.terminate();
    this.port.close();
  }
}
