// The worker thread behind daemon/store/pg-sync.ts: holds one PostgreSQL connection (node-postgres)
// and answers one request at a time. The main thread posts a request on `port`, then blocks on
// Atomics.wait until this thread has posted the reply and set the flag; it reads the reply with
// receiveMessageOnPort. Plain JavaScript, so it loads the same from the sources (tsx) and the bundle.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

const { port, flag: sab, url, statementTimeoutMs, synchronousCommit } = workerData;
const flag = new Int32Array(sab);

// Integers come back as numbers (the run store's BIGINT columns and count(*)), as SQLite gives them.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/** @type {pg.Client | undefined} */
let client;
let broken = false;
let inTransaction = false;
const names = new Map();

async function connection() {
  if (client && !broken) return client;
  if (client) {
    if (inTransaction)
      throw Object.assign(new Error('the connection to the state database was lost mid-transaction'), {
        code: '08006',
      });
    client.end().catch(() => undefined);
  }
  broken = false;
  names.clear();
  const c = new pg.Client({ connectionString: url, application_name: 'edgeflow run store' });
  c.on('error', () => {
    broken = true;
  });
  await c.connect();
  // synchronous_commit off: a commit returns before its WAL is flushed, as the SQLite store's
  // synchronous=NORMAL does. A crash of the PostgreSQL server (not of a daemon) may lose the last
  // fraction of a second of transitions, never consistency; recovery redoes a lost transition.
  // Without it every step transition waits for a disk flush (~10 ms on a busy disk).
  await c.query(
    `SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET synchronous_commit = ${synchronousCommit ? 'on' : 'off'}; SET statement_timeout = ${Math.max(0, Math.floor(statementTimeoutMs))}`,
  );
  client = c;
  return c;
}

// One advisory lock key for the store's transactions: a transaction takes it first, so store
// transactions run one at a time across every process, as SQLite's BEGIN IMMEDIATE makes them.
const TX_LOCK = 'SELECT pg_advisory_xact_lock(7309486512093)';

async function handle(m) {
  const c = await connection();
  switch (m.op) {
    case 'query': {
      // Named statements: parsed and planned once per connection, as better-sqlite3's prepare.
      let name = names.get(m.text);
      if (!name) {
        name = `ef${names.size + 1}`;
        names.set(m.text, name);
      }
      const r = await c.query({ name, text: m.text, values: m.values });
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    }
    case 'exec':
      await c.query(m.text);
      return { rows: [], rowCount: 0 };
    case 'begin':
      await c.query(`BEGIN; ${TX_LOCK}`);
      inTransaction = true;
      return { rows: [], rowCount: 0 };
    case 'commit':
    case 'rollback':
      try {
        await c.query(m.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      } finally {
        inTransaction = false;
      }
      return { rows: [], rowCount: 0 };
    case 'close':
      client = undefined;
      await c.end();
      return { rows: [], rowCount: 0 };
    default:
      throw new Error(`unknown request ${m.op}`);
  }
}

port.on('message', async (m) => {
  let reply;
  try {
    reply = { id: m.id, ok: true, result: await handle(m) };
  } catch (e) {
    reply = {
      id: m.id,
      ok: false,
      error: {
        message: e instanceof Error ? e.message : String(e),
        code: e?.code,
        constraint: e?.constraint,
        detail: e?.detail,
      },
    };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
